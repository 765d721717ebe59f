/* algorithms/apriori/apriori_level.c — candidate generation, the memory
 * budget, and selection of each level's frequent itemsets.
 *
 * Level 2's candidates are all pairs of frequent items, counted in place in
 * a triangular array. Level k >= 3 joins two frequent (k-1)-itemsets that
 * share their first k-2 items (prev is in lexicographic order, so those are
 * adjacent) and keeps the join when every other (k-1)-subset is frequent
 * too (binary search in prev); candidates come out in lexicographic order.
 * The candidates are generated twice, once to count them against the
 * budget and once to store them. Everything here depends only on the
 * global counts, so every rank builds the same candidates; it is serial
 * but for the scan of level 2's triangular array (rows in parallel,
 * written at fixed offsets). */
#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori_int.h"

/* a * b, or SIZE_MAX when it overflows. */
static size_t mul_sat(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static int cmp_codes(const int32_t *x, const int32_t *y, size_t m)
{
    for (size_t j = 0; j < m; j++)
        if (x[j] != y[j])
            return x[j] < y[j] ? -1 : 1;
    return 0;
}

static int in_prev(const crm_apriori *a, const int32_t *x, size_t m)
{
    size_t lo = 0, hi = a->nprev;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = cmp_codes(a->prev + mid * m, x, m);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Whether the k-candidate cand has every (k-1)-subset in prev; the two
 * that drop one of the last two items are its parents, known frequent. */
static int subsets_frequent(const crm_apriori *a, const int32_t *cand,
                            size_t k, int32_t *tmp)
{
    for (size_t skip = 0; skip + 2 < k; skip++) {
        size_t m = 0;
        for (size_t j = 0; j < k; j++)
            if (j != skip)
                tmp[m++] = cand[j];
        if (!in_prev(a, tmp, k - 1))
            return 0;
    }
    return 1;
}

/* Candidates of length k from prev, written to out unless NULL; returns
 * their number. tmp holds 2k codes. */
static size_t generate(const crm_apriori *a, size_t k, int32_t *out,
                       int32_t *tmp)
{
    const size_t m = k - 1;
    size_t n = 0;
    for (size_t i = 0; i < a->nprev; i++) {
        const int32_t *p = a->prev + i * m;
        for (size_t j = i + 1; j < a->nprev; j++) {
            const int32_t *q = a->prev + j * m;
            if (cmp_codes(p, q, m - 1) != 0)
                break;
            memcpy(tmp, p, m * sizeof *p);
            tmp[m] = q[m - 1];
            if (!subsets_frequent(a, tmp, k, tmp + k))
                continue;
            if (out != NULL)
                memcpy(out + n * k, tmp, k * sizeof *tmp);
            n++;
        }
    }
    return n;
}

/* Bytes a level of n candidates of length k takes: counters (shared and
 * one private set per thread), and from level 3 the candidates and an
 * upper bound on the prefix tree. */
static size_t level_bytes(const crm_apriori *a, size_t k, size_t n)
{
    size_t per = mul_sat(4, a->nthreads);
    per = per > SIZE_MAX - 8 ? SIZE_MAX : per + 8;
    if (k >= 3) {
        const size_t tree = mul_sat(16, k); /* cand, leaf, inner nodes */
        per = per > SIZE_MAX - tree ? SIZE_MAX : per + tree;
    }
    return mul_sat(per, n);
}

static void level_free(crm_apriori *a)
{
    free(a->counts);
    free(a->cand);
    a->counts = NULL;
    a->cand = NULL;
    a->ncand = 0;
    apriori_trie_free(&a->trie);
}

/* Candidates of level k >= 3 into a->cand, the trie over them, and the
 * active items (those in some candidate). */
static crm_status build_candidates(crm_apriori *a, size_t k, size_t n)
{
    int32_t *tmp = malloc(2 * k * sizeof *tmp);
    a->cand = malloc(mul_sat(n, k * sizeof *a->cand));
    if (tmp == NULL || a->cand == NULL) {
        free(tmp);
        return CRM_ENOMEM;
    }
    generate(a, k, a->cand, tmp);
    free(tmp);
    a->ncand = n;
    a->level = k;
    memset(a->active, 0, a->nfreq);
    for (size_t j = 0; j < n * k; j++)
        a->active[a->cand[j]] = 1;
    return apriori_trie_build(a);
}

static crm_status count_candidates(const crm_apriori *a, size_t k,
                                   size_t *n)
{
    if (k == 2) {
        const size_t f = a->nfreq;
        *n = f < 2 ? 0 : mul_sat(f, f - 1) / 2;
        return *n == SIZE_MAX / 2 ? CRM_ERANGE : CRM_OK;
    }
    int32_t *tmp = malloc(2 * k * sizeof *tmp);
    if (tmp == NULL)
        return CRM_ENOMEM;
    *n = a->nprev < 2 ? 0 : generate(a, k, NULL, tmp);
    free(tmp);
    return CRM_OK;
}

crm_status crm_apriori_next_level(crm_apriori *a, size_t *len,
                                  size_t *ncounts)
{
    if (a == NULL || len == NULL || ncounts == NULL || a->counting)
        return CRM_EINVAL;
    const size_t k = a->level + 1;
    size_t n = 0;
    crm_status rc = CRM_OK;
    if (!a->done && (a->max_len == 0 || k <= a->max_len))
        rc = count_candidates(a, k, &n);
    if (rc == CRM_OK && n > 0 && a->budget != 0 &&
        level_bytes(a, k, n) > a->budget)
        rc = CRM_ERANGE;
    if (rc != CRM_OK) {
        *len = k;
        *ncounts = n;
        return rc;
    }
    level_free(a);
    if (n == 0) {
        a->done = 1;
        *len = k;
        *ncounts = 0;
        return CRM_OK;
    }
    if (k >= 3 && (rc = build_candidates(a, k, n)) != CRM_OK)
        goto fail;
    a->counts = calloc(n, sizeof *a->counts);
    if (a->counts == NULL) {
        rc = CRM_ENOMEM;
        goto fail;
    }
    a->ncand = n;
    a->level = k;
    if (a->prepared && k >= 3 && (rc = apriori_prepared_shrink(a)) != CRM_OK)
        goto fail;
    a->counting = 1;
    *len = k;
    *ncounts = n;
    return CRM_OK;
fail:
    level_free(a);
    a->level = k - 1;
    return rc;
}

/* Level 2's frequent pairs (codes i < q, lexicographic) and their counts
 * into *prev and *pc (*nf of each). The triangular array is the largest
 * of any level (f (f - 1) / 2 counters), so its rows are scanned in
 * parallel, twice: each row's frequent pairs counted, then written at the
 * row's offset (a prefix sum of those counts), an order that does not
 * depend on the threads. */
static crm_status frequent_pairs(const crm_apriori *a, int32_t **prev,
                                 int64_t **pc, size_t *nf)
{
    const size_t f = a->nfreq;
    const int64_t *counts = a->counts, min = a->min_count;
    size_t *at = malloc((f + 1) * sizeof *at);
    if (at == NULL)
        return CRM_ENOMEM;
    at[0] = 0;
#pragma omp parallel for schedule(dynamic, 16) \
    if (a->ncand >= APRIORI_PARALLEL_MIN)
    for (size_t i = 0; i < f; i++) {
        const int64_t *row = counts + i * (2 * f - i - 1) / 2;
        size_t n = 0;
        for (size_t q = 0; q + i + 1 < f; q++)
            n += row[q] >= min;
        at[i + 1] = n;
    }
    for (size_t i = 0; i < f; i++)
        at[i + 1] += at[i];
    const size_t n = at[f];
    int32_t *p = malloc((n ? n : 1) * 2 * sizeof *p);
    int64_t *c = malloc((n ? n : 1) * sizeof *c);
    if (p == NULL || c == NULL) {
        free(at);
        free(p);
        free(c);
        return CRM_ENOMEM;
    }
#pragma omp parallel for schedule(dynamic, 16) \
    if (a->ncand >= APRIORI_PARALLEL_MIN)
    for (size_t i = 0; i < f; i++) {
        const int64_t *row = counts + i * (2 * f - i - 1) / 2;
        size_t j = at[i];
        for (size_t q = 0; q + i + 1 < f; q++)
            if (row[q] >= min) {
                p[2 * j] = (int32_t)i;
                p[2 * j + 1] = (int32_t)(i + 1 + q);
                c[j++] = row[q];
            }
    }
    free(at);
    *prev = p;
    *pc = c;
    *nf = n;
    return CRM_OK;
}

/* Level k >= 3's frequent candidates and their counts, in candidate
 * (lexicographic) order; serial: these levels are small. */
static crm_status frequent_candidates(const crm_apriori *a, size_t k,
                                      int32_t **prev, int64_t **pc,
                                      size_t *nf)
{
    size_t n = 0;
    for (size_t c = 0; c < a->ncand; c++)
        n += a->counts[c] >= a->min_count;
    int32_t *p = malloc((n ? n : 1) * k * sizeof *p);
    int64_t *cnt = malloc((n ? n : 1) * sizeof *cnt);
    if (p == NULL || cnt == NULL) {
        free(p);
        free(cnt);
        return CRM_ENOMEM;
    }
    for (size_t c = 0, j = 0; c < a->ncand; c++)
        if (a->counts[c] >= a->min_count) {
            memcpy(p + j * k, a->cand + c * k, k * sizeof *p);
            cnt[j++] = a->counts[c];
        }
    *prev = p;
    *pc = cnt;
    *nf = n;
    return CRM_OK;
}

/* The frequent k-itemsets among the candidates, as codes in lexicographic
 * order, into a->prev, and appended to the results. */
static crm_status keep_frequent(crm_apriori *a, size_t k)
{
    int32_t *prev = NULL;
    int64_t *pc = NULL;
    size_t nf = 0;
    crm_status rc = k == 2 ? frequent_pairs(a, &prev, &pc, &nf)
                           : frequent_candidates(a, k, &prev, &pc, &nf);
    if (rc == CRM_OK && (rc = apriori_open_length(a, k)) == CRM_OK) {
        for (size_t j = 0; rc == CRM_OK && j < nf; j++)
            rc = apriori_push(a, prev + j * k, k, pc[j]);
        if (rc == CRM_OK)
            rc = apriori_close_length(a, k);
        if (rc != CRM_OK) { /* roll the results back to before the level */
            a->nres = a->len_first[k];
            a->pool_len = a->res_off[a->nres];
        }
    }
    free(pc);
    if (rc != CRM_OK) {
        free(prev);
        return rc;
    }
    free(a->prev);
    a->prev = prev;
    a->nprev = nf;
    return CRM_OK;
}

crm_status crm_apriori_select(crm_apriori *a)
{
    if (a == NULL || !a->counting)
        return CRM_EINVAL;
    const crm_status rc = keep_frequent(a, a->level);
    if (rc != CRM_OK)
        return rc;
    a->counting = 0;
    return CRM_OK;
}
