/* tests/algorithms/ref/ref_apriori.c — brute-force frequent itemsets: see
 * ref_apriori.h. A record is a length and REF_APRIORI_MAX_BASKET items,
 * unused slots zero. */
#include "ref_apriori.h"

#include <stdlib.h>
#include <string.h>

typedef struct record {
    int32_t len;
    int32_t items[REF_APRIORI_MAX_BASKET];
} record;

static int cmp_record(const void *p, const void *q)
{
    const record *r = p, *s = q;
    if (r->len != s->len)
        return r->len < s->len ? -1 : 1;
    for (int32_t j = 0; j < r->len; j++)
        if (r->items[j] != s->items[j])
            return r->items[j] < s->items[j] ? -1 : 1;
    return 0;
}

static int cmp_i32(const void *p, const void *q)
{
    const int32_t x = *(const int32_t *)p, y = *(const int32_t *)q;
    return (x > y) - (x < y);
}

/* The basket's distinct items, ascending; their number or -1. */
static int distinct(const crm_baskets *b, size_t i, int32_t *out)
{
    const int64_t lo = b->offset[i] - b->offset[0];
    const int64_t hi = b->offset[i + 1] - b->offset[0];
    int n = 0;
    for (int64_t j = lo; j < hi; j++) {
        int seen = 0;
        for (int k = 0; k < n; k++)
            seen |= out[k] == b->items[j];
        if (seen)
            continue;
        if (n == REF_APRIORI_MAX_BASKET)
            return -1;
        out[n++] = b->items[j];
    }
    qsort(out, (size_t)n, sizeof *out, cmp_i32);
    return n;
}

static int push(record **rec, size_t *n, size_t *cap, const record *r)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        record *p = realloc(*rec, *cap * sizeof *p);
        if (p == NULL)
            return -1;
        *rec = p;
    }
    (*rec)[(*n)++] = *r;
    return 0;
}

/* Every non-empty subset of at most max_len items of every basket. */
static int enumerate(const crm_baskets *b, size_t max_len, record **rec,
                     size_t *n)
{
    size_t cap = 0;
    for (size_t i = 0; i < b->n; i++) {
        int32_t items[REF_APRIORI_MAX_BASKET];
        const int m = distinct(b, i, items);
        if (m < 0)
            return -1;
        for (uint32_t mask = 1; mask < (UINT32_C(1) << m); mask++) {
            record r;
            memset(&r, 0, sizeof r);
            for (int j = 0; j < m; j++)
                if (mask >> j & 1)
                    r.items[r.len++] = items[j];
            if ((max_len == 0 || (size_t)r.len <= max_len) &&
                push(rec, n, &cap, &r) != 0)
                return -1;
        }
    }
    return 0;
}

int ref_apriori_mine(const crm_baskets *b, int64_t min_count, size_t max_len,
                     ref_itemsets *out)
{
    record *rec = NULL;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    if (enumerate(b, max_len, &rec, &n) != 0) {
        free(rec);
        return -1;
    }
    if (n > 0)
        qsort(rec, n, sizeof *rec, cmp_record);
    out->off = calloc(n + 1, sizeof *out->off);
    out->items = malloc((n * REF_APRIORI_MAX_BASKET + 1) * sizeof(int32_t));
    out->count = malloc((n + 1) * sizeof *out->count);
    if (!out->off || !out->items || !out->count) {
        free(rec);
        ref_itemsets_free(out);
        return -1;
    }
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && cmp_record(rec + i, rec + j) == 0; j++)
            ;
        if ((int64_t)(j - i) < min_count)
            continue;
        const size_t o = out->off[out->n];
        memcpy(out->items + o, rec[i].items, (size_t)rec[i].len * 4);
        out->count[out->n] = (int64_t)(j - i);
        out->off[++out->n] = o + (size_t)rec[i].len;
    }
    free(rec);
    return 0;
}

void ref_itemsets_free(ref_itemsets *r)
{
    free(r->off);
    free(r->items);
    free(r->count);
    memset(r, 0, sizeof *r);
}

int64_t ref_itemsets_find(const ref_itemsets *r, const int32_t *x, size_t m)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->off[i + 1] - r->off[i] == m &&
            memcmp(r->items + r->off[i], x, m * sizeof *x) == 0)
            return r->count[i];
    return -1;
}
