/* tests/algorithms/test_apriori_data.c — Apriori on the public data sets
 * (CRM_DATA_DIR; skipped when unset) against the numbers that the
 * independent Python reference ref/apriori_ref.py printed: itemsets per
 * length, a checksum over every itemset and its count, and spot counts
 * (Groceries' whole milk 2513 and other vegetables 1903 are also in
 * ../shared/data/SOURCES.md). Groceries' item names are numbered in sorted
 * byte order, as the reference does; retail.dat's ids are used as they are. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori.h"
#include "test_apriori_util.h"

static FILE *open_data(const char *rel)
{
    const char *dir = getenv("CRM_DATA_DIR");
    if (dir == NULL || dir[0] == '\0')
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return fopen(path, "r");
}

static int cmp_str(const void *p, const void *q)
{
    return strcmp(*(char *const *)p, *(char *const *)q);
}

/* Groceries: names sorted, then each basket's names by binary search. */
static bdata read_groceries(FILE *f, char ***names_out)
{
    char *line = NULL, **names = NULL, **tok = NULL;
    size_t cap = 0, nnames = 0, ntok = 0;
    size_t *len = NULL, nlines = 0;
    for (ssize_t r; (r = getline(&line, &cap, f)) > 0; nlines++) {
        line[strcspn(line, "\r\n")] = '\0';
        len = realloc(len, (nlines + 1) * sizeof *len);
        len[nlines] = 0;
        for (char *s = strtok(line, ","); s; s = strtok(NULL, ",")) {
            tok = realloc(tok, (ntok + 1) * sizeof *tok);
            tok[ntok++] = strdup(s);
            len[nlines]++;
        }
    }
    names = malloc(ntok * sizeof *names);
    memcpy(names, tok, ntok * sizeof *tok);
    qsort(names, ntok, sizeof *names, cmp_str);
    for (size_t i = 0; i < ntok; i++)
        if (nnames == 0 || strcmp(names[nnames - 1], names[i]) != 0)
            names[nnames++] = names[i];
    bdata d = {.nitems = nnames};
    int32_t b[64];
    for (size_t l = 0, t = 0; l < nlines; l++) {
        for (size_t j = 0; j < len[l]; j++, t++) {
            char **hit = bsearch(tok + t, names, nnames, sizeof *names,
                                 cmp_str);
            b[j] = (int32_t)(hit - names);
        }
        bd_push(&d, b, len[l]);
    }
    names = realloc(names, nnames * sizeof *names);
    /* the distinct names are the first copies; keep those, free the rest */
    for (size_t t = 0; t < ntok; t++) {
        char **hit = bsearch(tok + t, names, nnames, sizeof *names, cmp_str);
        if (*hit != tok[t])
            free(tok[t]);
    }
    free(tok);
    free(len);
    free(line);
    *names_out = names;
    return d;
}

static bdata read_fimi(FILE *f)
{
    bdata d = {0};
    char *line = NULL;
    size_t cap = 0;
    int32_t b[1024];
    while (getline(&line, &cap, f) > 0) {
        size_t m = 0;
        for (char *s = line, *e;; s = e) {
            const long v = strtol(s, &e, 10);
            if (e == s)
                break;
            b[m++] = (int32_t)v;
            d.nitems = (size_t)v + 1 > d.nitems ? (size_t)v + 1 : d.nitems;
        }
        bd_push(&d, b, m);
    }
    free(line);
    return d;
}

static int64_t find(const crm_apriori *a, const int32_t *x, size_t m)
{
    for (size_t i = 0; i < crm_apriori_nitemsets(a); i++) {
        const int32_t *it;
        size_t len;
        int64_t c;
        crm_apriori_itemset(a, i, &it, &len, &c);
        if (len == m && memcmp(it, x, m * sizeof *x) == 0)
            return c;
    }
    return 0;
}

typedef struct expect {
    int64_t min_count;
    size_t by_len[8]; /* ends at the first 0 */
    uint64_t checksum;
    int ranks, prepared;
} expect;

static void check(const bdata *d, const expect *e)
{
    crm_apriori *a = mine_ranks(d, e->ranks, e->min_count, 0, 1u << 30,
                                e->prepared, NULL, NULL);
    size_t l = 0;
    for (; e->by_len[l] != 0; l++)
        cr_assert_eq(crm_apriori_count_by_length(a, l + 1), e->by_len[l],
                     "min_count %lld, length %zu: %zu itemsets, ref %zu",
                     (long long)e->min_count, l + 1,
                     crm_apriori_count_by_length(a, l + 1), e->by_len[l]);
    cr_assert_eq(crm_apriori_max_itemset_len(a), l);
    cr_assert_eq(itemsets_checksum(a), e->checksum, "checksum 0x%016llx",
                 (unsigned long long)itemsets_checksum(a));
    crm_apriori_destroy(a);
}

Test(apriori, groceries_equals_reference, .timeout = 120)
{
    FILE *f = open_data("groceries/groceries.csv");
    if (f == NULL)
        cr_skip_test("CRM_DATA_DIR or groceries.csv missing");
    char **names;
    bdata d = read_groceries(f, &names);
    fclose(f);
    cr_assert_eq(d.n, 9835);
    cr_assert_eq(d.nitems, 169);
    static const expect e[] = {
        {99, {88, 213, 32}, UINT64_C(0x0d68e783d6aa0a9d), 1, 0},
        {50, {120, 605, 264, 12}, UINT64_C(0xa8180502e952838a), 3, 1},
    };
    for (size_t i = 0; i < 2; i++)
        check(&d, e + i);
    crm_apriori *a = mine_ranks(&d, 2, 50, 0, 0, 1, NULL, NULL);
    const char *key = "whole milk";
    const int32_t milk = (int32_t)((char **)bsearch(&key, names, d.nitems,
                                                   sizeof *names, cmp_str) -
                                   names);
    key = "other vegetables";
    const int32_t veg = (int32_t)((char **)bsearch(&key, names, d.nitems,
                                                  sizeof *names, cmp_str) -
                                  names);
    key = "root vegetables";
    const int32_t root = (int32_t)((char **)bsearch(&key, names, d.nitems,
                                                   sizeof *names, cmp_str) -
                                   names);
    cr_assert_eq(find(a, &milk, 1), 2513);
    cr_assert_eq(find(a, &veg, 1), 1903);
    const int32_t pair[] = {veg, milk}, tri[] = {veg, root, milk};
    cr_assert(veg < milk && veg < root && root < milk);
    cr_assert_eq(find(a, pair, 2), 736);
    cr_assert_eq(find(a, tri, 3), 228);
    crm_apriori_destroy(a);
    for (size_t i = 0; i < d.nitems; i++)
        free(names[i]);
    free(names);
    bd_free(&d);
}

Test(apriori, retail_equals_reference, .timeout = 120)
{
    FILE *f = open_data("fimi_retail/retail.dat");
    if (f == NULL)
        cr_skip_test("CRM_DATA_DIR or retail.dat missing");
    bdata d = read_fimi(f);
    fclose(f);
    cr_assert_eq(d.n, 88162);
    cr_assert_eq(d.offset[d.n], 908576);
    static const expect e[] = {
        {441, {221, 237, 102, 19, 1}, UINT64_C(0x48649edaf914d778), 2, 0},
        {177, {956, 1133, 504, 91, 7}, UINT64_C(0x51c80534558b934d), 4, 1},
    };
    for (size_t i = 0; i < 2; i++)
        check(&d, e + i);
    crm_apriori *a = mine_ranks(&d, 1, 177, 0, 0, 1, NULL, NULL);
    const int32_t i39 = 39, p[] = {39, 48}, t[] = {32, 39, 48};
    cr_assert_eq(find(a, &i39, 1), 50675);
    cr_assert_eq(find(a, p, 2), 29142);
    cr_assert_eq(find(a, t, 3), 5402);
    crm_apriori_destroy(a);
    bd_free(&d);
}
