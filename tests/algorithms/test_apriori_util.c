/* tests/algorithms/test_apriori_util.c — see test_apriori_util.h. */
#include "test_apriori_util.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

void bd_push(bdata *d, const int32_t *items, size_t len)
{
    if (d->offset == NULL) {
        d->offset = calloc(1, sizeof *d->offset);
        cr_assert(d->offset != NULL);
    }
    const size_t used = (size_t)d->offset[d->n];
    if (used + len > d->cap) {
        d->cap = 2 * (used + len) + 64;
        d->items = realloc(d->items, d->cap * sizeof *d->items);
        cr_assert(d->items != NULL);
    }
    if (len > 0)
        memcpy(d->items + used, items, len * sizeof *items);
    d->offset = realloc(d->offset, (d->n + 2) * sizeof *d->offset);
    cr_assert(d->offset != NULL);
    d->offset[++d->n] = (int64_t)(used + len);
}

void bd_free(bdata *d)
{
    free(d->offset);
    free(d->items);
    memset(d, 0, sizeof *d);
}

crm_baskets bd_view(const bdata *d, size_t lo, size_t hi)
{
    static const int64_t zero = 0;
    if (d->offset == NULL)
        return (crm_baskets){0, &zero, NULL};
    return (crm_baskets){hi - lo, d->offset + lo,
                         d->items ? d->items + d->offset[lo] : NULL};
}

#define MAXR 8

static int level_step(crm_apriori **a, const crm_baskets *part, int nranks,
                      int prepared, crm_status *last, size_t *level)
{
    size_t len = 0, nc = 0;
    for (int r = 0; r < nranks; r++) {
        size_t l, n;
        *last = crm_apriori_next_level(a[r], &l, &n);
        cr_assert(r == 0 || (l == len && n == nc), "ranks disagree");
        len = l;
        nc = n;
    }
    *level = len;
    if (*last != CRM_OK || nc == 0)
        return 0;
    for (int r = 0; r < nranks; r++)
        cr_assert_eq(crm_apriori_count(a[r], prepared ? NULL : part + r),
                     CRM_OK);
    int64_t *sum = crm_apriori_counts(a[0]);
    for (int r = 1; r < nranks; r++) {
        const int64_t *c = crm_apriori_counts(a[r]);
        for (size_t i = 0; i < nc; i++)
            sum[i] += c[i];
    }
    for (int r = 1; r < nranks; r++)
        memcpy(crm_apriori_counts(a[r]), sum, nc * sizeof *sum);
    for (int r = 0; r < nranks; r++)
        cr_assert_eq(crm_apriori_select(a[r]), CRM_OK);
    return 1;
}

crm_apriori *mine_ranks(const bdata *d, int nranks, int64_t min_count,
                        size_t max_len, size_t budget, int prepared,
                        crm_status *last, size_t *level)
{
    cr_assert(nranks >= 1 && nranks <= MAXR);
    crm_apriori *a[MAXR] = {0};
    crm_baskets part[MAXR];
    int64_t *ic = calloc(d->nitems, sizeof *ic);
    cr_assert(ic != NULL);
    for (int r = 0; r < nranks; r++) {
        part[r] = bd_view(d, d->n * (size_t)r / (size_t)nranks,
                          d->n * (size_t)(r + 1) / (size_t)nranks);
        cr_assert_eq(crm_apriori_count_items(part + r, d->nitems, ic),
                     CRM_OK);
    }
    for (int r = 0; r < nranks; r++) {
        cr_assert_eq(crm_apriori_create(ic, d->nitems, (int64_t)d->n,
                                        min_count, max_len, budget, a + r),
                     CRM_OK);
        if (prepared)
            cr_assert_eq(crm_apriori_prepare(a[r], part + r), CRM_OK);
    }
    free(ic);
    crm_status st = CRM_OK;
    size_t lv = 0;
    while (level_step(a, part, nranks, prepared, &st, &lv))
        ;
    if (last)
        *last = st;
    if (level)
        *level = lv;
    for (int r = 1; r < nranks; r++)
        crm_apriori_destroy(a[r]);
    return a[0];
}

uint64_t itemsets_checksum(const crm_apriori *a)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < crm_apriori_nitemsets(a); i++) {
        const int32_t *it;
        size_t len;
        int64_t count;
        crm_apriori_itemset(a, i, &it, &len, &count);
        uint64_t h = UINT64_C(0xCBF29CE484222325);
        for (size_t j = 0; j < len; j++)
            h = (h ^ (uint64_t)(it[j] + 1)) * UINT64_C(0x100000001B3);
        sum += (uint64_t)count * h;
    }
    return sum;
}
