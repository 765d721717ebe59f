/* algorithms/apriori/apriori_store.c — the results: every frequent itemset
 * as original ids, by length, then lexicographically.
 *
 * Layout: one pool of items with an offset per itemset (res_off) and a
 * count per itemset; len_first[l] is the first itemset of length l. A level
 * is appended as one block between apriori_open_length and
 * apriori_close_length: each pushed itemset is translated to ids and sorted
 * (code order is frequency order, not id order), and closing the block
 * sorts its rows lexicographically (a merge sort of row indices, then one
 * gather). A count is then found by binary search within its length's
 * block. Serial; the order depends on the items alone. */
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori_int.h"

static crm_status grow(crm_apriori *a, size_t k)
{
    if (a->nres + 1 >= a->res_cap) {
        const size_t cap = a->res_cap ? 2 * a->res_cap : 256;
        size_t *off = realloc(a->res_off, (cap + 1) * sizeof *off);
        if (off == NULL)
            return CRM_ENOMEM;
        a->res_off = off;
        int64_t *cnt = realloc(a->res_count, cap * sizeof *cnt);
        if (cnt == NULL)
            return CRM_ENOMEM;
        a->res_count = cnt;
        a->res_cap = cap;
    }
    if (a->pool_len + k > a->pool_cap) {
        const size_t cap = 2 * (a->pool_cap + k);
        int32_t *pool = realloc(a->pool, cap * sizeof *pool);
        if (pool == NULL)
            return CRM_ENOMEM;
        a->pool = pool;
        a->pool_cap = cap;
    }
    return CRM_OK;
}

crm_status apriori_push(crm_apriori *a, const int32_t *codes, size_t k,
                        int64_t count)
{
    if (grow(a, k) != CRM_OK)
        return CRM_ENOMEM;
    int32_t *row = a->pool + a->pool_len;
    for (size_t j = 0; j < k; j++) { /* insertion sort of the ids */
        const int32_t v = a->item_of[codes[j]];
        size_t i = j;
        for (; i > 0 && row[i - 1] > v; i--)
            row[i] = row[i - 1];
        row[i] = v;
    }
    a->res_count[a->nres] = count;
    a->pool_len += k;
    a->res_off[++a->nres] = a->pool_len;
    return CRM_OK;
}

crm_status apriori_open_length(crm_apriori *a, size_t k)
{
    size_t *lf = realloc(a->len_first, (k + 2) * sizeof *lf);
    if (lf == NULL)
        return CRM_ENOMEM;
    a->len_first = lf;
    lf[k] = lf[k + 1] = a->nres;
    return CRM_OK;
}

static int cmp_rows(const int32_t *x, const int32_t *y, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (x[j] != y[j])
            return x[j] < y[j] ? -1 : 1;
    return 0;
}

/* Bottom-up merge sort of the row indices idx[0..n) of rows (k ints each),
 * using tmp[0..n); the sorted order ends in idx. */
static void sort_rows(const int32_t *rows, size_t k, size_t n, size_t *idx,
                      size_t *tmp)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            const size_t mid = lo + w < n ? lo + w : n;
            const size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = cmp_rows(rows + idx[j] * k, rows + idx[i] * k,
                                    k) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[o++] = idx[i++];
            while (j < hi)
                tmp[o++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

/* Sorts the block of the n itemsets of length k from itemset `first`. */
static crm_status sort_block(crm_apriori *a, size_t first, size_t n, size_t k)
{
    int32_t *rows = a->pool + a->res_off[first];
    size_t *idx = malloc(n * sizeof *idx), *tmp = malloc(n * sizeof *tmp);
    int32_t *copy = malloc(n * k * sizeof *copy);
    int64_t *cnt = malloc(n * sizeof *cnt);
    crm_status rc = CRM_ENOMEM;
    if (!idx || !tmp || !copy || !cnt)
        goto done;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_rows(rows, k, n, idx, tmp);
    memcpy(copy, rows, n * k * sizeof *copy);
    memcpy(cnt, a->res_count + first, n * sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        memcpy(rows + i * k, copy + idx[i] * k, k * sizeof *rows);
        a->res_count[first + i] = cnt[idx[i]];
    }
    rc = CRM_OK;
done:
    free(idx);
    free(tmp);
    free(copy);
    free(cnt);
    return rc;
}

crm_status apriori_close_length(crm_apriori *a, size_t k)
{
    const size_t first = a->len_first[k], n = a->nres - first;
    if (n > 1 && sort_block(a, first, n, k) != CRM_OK)
        return CRM_ENOMEM;
    a->len_first[k + 1] = a->nres;
    if (n > 0)
        a->nlen = k;
    return CRM_OK;
}

int64_t apriori_lookup(const crm_apriori *a, const int32_t *x, size_t m)
{
    if (m == 0 || m > a->nlen)
        return -1;
    size_t lo = a->len_first[m], hi = a->len_first[m + 1];
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = cmp_rows(a->pool + a->res_off[mid], x, m);
        if (c == 0)
            return a->res_count[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
