/* algorithms/apriori/apriori_count.c — basket recoding and the counting
 * kernels: single items, pairs in the triangular array, longer candidates
 * in the prefix tree.
 *
 * Parallel contract: every loop over baskets is an OpenMP loop (dynamic
 * schedule: basket costs vary by orders of magnitude) in which each thread
 * counts into private counters allocated inside the parallel region; the
 * threads then add all private counters into the shared ones, each thread
 * a disjoint range of counters (count_items: one thread at a time). Integer
 * addition is exact, so the sums do not depend on the thread count or on
 * the schedule. A level costs two synchronisations, the barrier closing
 * the counting loop and the region's end: an allocation failure in any
 * thread is agreed at the first (so either every thread's counters are
 * added or none are, and the shared counters are untouched), and the
 * private counters are freed after the second. Fewer than
 * APRIORI_PARALLEL_MIN items run on one thread. Without OpenMP the same
 * code runs as one thread. */
#include "algorithms/apriori/apriori_int.h"

#include <stdlib.h>
#include <string.h>

/* Private counters are 32-bit; a call counts at most this many baskets per
 * round, so no private counter can wrap. */
#define ROUND_BASKETS ((size_t)UINT32_MAX)

int apriori_baskets_valid(const crm_baskets *b, size_t nitems)
{
    if (b == NULL || b->offset == NULL || (b->n > 0 && b->items == NULL &&
                                           b->offset[b->n] != b->offset[0]))
        return 0;
    int bad = 0;
    const int64_t *off = b->offset;
    const int64_t base = off[0];
    const size_t n = b->n;
    if (base < 0)
        return 0;
#pragma omp parallel for schedule(static) reduction(| : bad) \
    if (off[n] - base >= APRIORI_PARALLEL_MIN)
    for (size_t i = 0; i < n; i++) {
        if (off[i + 1] < off[i]) {
            bad |= 1;
            continue;
        }
        for (int64_t j = off[i] - base; j < off[i + 1] - base; j++)
            bad |= b->items[j] < 0 || (size_t)b->items[j] >= nitems;
    }
    return !bad;
}

static int cmp_i32(const void *x, const void *y)
{
    const int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
    return (p > q) - (p < q);
}

size_t apriori_recode(const crm_apriori *a, const int32_t *items, size_t len,
                      int32_t *out)
{
    size_t m = 0;
    for (size_t j = 0; j < len; j++) {
        const int32_t c = a->code[items[j]];
        if (c >= 0 && a->active[c])
            out[m++] = c;
    }
    if (m <= 24) {
        for (size_t j = 1; j < m; j++) {
            const int32_t v = out[j];
            size_t i = j;
            for (; i > 0 && out[i - 1] > v; i--)
                out[i] = out[i - 1];
            out[i] = v;
        }
    } else {
        qsort(out, m, sizeof *out, cmp_i32);
    }
    size_t u = 0;
    for (size_t j = 0; j < m; j++)
        if (u == 0 || out[j] != out[u - 1])
            out[u++] = out[j];
    return u;
}

/* Agrees at a barrier whether every thread's allocation succeeded. */
static int all_allocated(int mine, int *failed)
{
    if (!mine) {
#pragma omp atomic write
        *failed = 1;
    }
#pragma omp barrier
    int any;
#pragma omp atomic read
    any = *failed;
    return !any;
}

crm_status crm_apriori_count_items(const crm_baskets *b, size_t nitems,
                                   int64_t *counts)
{
    if (counts == NULL || nitems == 0 || !apriori_baskets_valid(b, nitems))
        return CRM_EINVAL;
    const int64_t base = b->offset[0];
    int failed = 0;
#pragma omp parallel if (b->offset[b->n] - base >= APRIORI_PARALLEL_MIN)
    {
        int64_t *mine = calloc(nitems, sizeof *mine);
        size_t *last = calloc(nitems, sizeof *last); /* basket + 1 */
        if (all_allocated(mine && last, &failed)) {
#pragma omp for schedule(dynamic, 256) nowait
            for (size_t i = 0; i < b->n; i++) {
                for (int64_t j = b->offset[i] - base;
                     j < b->offset[i + 1] - base; j++) {
                    const size_t it = (size_t)b->items[j];
                    mine[it] += last[it] != i + 1;
                    last[it] = i + 1;
                }
            }
#pragma omp critical(crm_apriori_add)
            for (size_t i = 0; i < nitems; i++)
                counts[i] += mine[i];
        }
        free(mine);
        free(last);
    }
    return failed ? CRM_ENOMEM : CRM_OK;
}

/* ---- the prefix tree ---- */

void apriori_trie_free(apriori_trie *t)
{
    for (size_t d = 0; t->item != NULL && d < t->k; d++)
        free(t->item[d]);
    for (size_t d = 0; t->first != NULL && d + 1 < t->k; d++)
        free(t->first[d]);
    free(t->item);
    free(t->first);
    free(t->nnodes);
    free(t->root);
    memset(t, 0, sizeof *t);
}

/* The first position at which candidate c differs from c - 1 (0 for c 0). */
static size_t fork_depth(const int32_t *cand, size_t k, size_t c)
{
    if (c == 0)
        return 0;
    size_t d = 0;
    while (d + 1 < k && cand[c * k + d] == cand[(c - 1) * k + d])
        d++;
    return d;
}

static void trie_fill(apriori_trie *t, const int32_t *cand, size_t ncand)
{
    const size_t k = t->k;
    for (size_t d = 0; d < k; d++)
        t->nnodes[d] = 0;
    for (size_t c = 0; c < ncand; c++) {
        for (size_t d = fork_depth(cand, k, c); d < k; d++) {
            const size_t j = t->nnodes[d]++;
            t->item[d][j] = cand[c * k + d];
            if (d + 1 < k)
                t->first[d][j] = t->nnodes[d + 1];
        }
    }
    for (size_t d = 0; d + 1 < k; d++)
        t->first[d][t->nnodes[d]] = t->nnodes[d + 1];
    for (size_t j = 0; j < t->nnodes[0]; j++)
        t->root[t->item[0][j]] = (int32_t)j;
}

crm_status apriori_trie_build(crm_apriori *a)
{
    apriori_trie *t = &a->trie;
    const size_t k = a->level, n = a->ncand;
    t->k = k;
    t->nnodes = calloc(k, sizeof *t->nnodes);
    t->item = calloc(k, sizeof *t->item);
    t->first = calloc(k - 1, sizeof *t->first);
    t->root = malloc((a->nfreq ? a->nfreq : 1) * sizeof *t->root);
    if (!t->nnodes || !t->item || !t->first || !t->root)
        goto fail;
    for (size_t c = 0; c < n; c++)
        for (size_t d = fork_depth(a->cand, k, c); d < k; d++)
            t->nnodes[d]++;
    for (size_t d = 0; d < k; d++) {
        t->item[d] = malloc((t->nnodes[d] + 1) * sizeof *t->item[d]);
        if (d + 1 < k)
            t->first[d] = malloc((t->nnodes[d] + 1) * sizeof *t->first[d]);
        if (!t->item[d] || (d + 1 < k && !t->first[d]))
            goto fail;
    }
    for (size_t c = 0; c < a->nfreq; c++)
        t->root[c] = -1;
    trie_fill(t, a->cand, n);
    return CRM_OK;
fail:
    apriori_trie_free(t);
    return CRM_ENOMEM;
}

/* ---- the counting kernels ---- */

/* Pairs (i < j) of codes: counter i (2f - i - 1) / 2 + j - i - 1. */
static void count_pairs(size_t f, const int32_t *b, size_t m, uint32_t *cnt)
{
    for (size_t p = 0; p + 1 < m; p++) {
        const size_t i = (size_t)b[p];
        uint32_t *row = cnt + i * (2 * f - i - 1) / 2;
        const int32_t *rest = b + p + 1;
        const size_t shift = i + 1;
        for (size_t q = 0; q + p + 1 < m; q++)
            row[(size_t)rest[q] - shift]++;
    }
}

/* Walks the children of node (depth d) against b[pos..m): a merge of two
 * ascending lists, descending on each match. */
static void count_node(const apriori_trie *t, size_t d, size_t node,
                       const int32_t *b, size_t pos, size_t m, uint32_t *cnt)
{
    const int32_t *it = t->item[d + 1];
    size_t c = t->first[d][node];
    const size_t ce = t->first[d][node + 1];
    const size_t end = m - (t->k - d - 2); /* later items still needed */
    const int leaf = d + 2 == t->k;
    while (c < ce && pos < end) {
        if (b[pos] < it[c]) {
            pos++;
        } else if (b[pos] > it[c]) {
            c++;
        } else {
            if (leaf)
                cnt[c]++;
            else
                count_node(t, d + 1, c, b, pos + 1, m, cnt);
            c++;
            pos++;
        }
    }
}

static void count_basket(const crm_apriori *a, const int32_t *b, size_t m,
                         uint32_t *cnt)
{
    if (m < a->level)
        return;
    if (a->level == 2) {
        count_pairs(a->nfreq, b, m, cnt);
        return;
    }
    const apriori_trie *t = &a->trie;
    for (size_t p = 0; p + t->k <= m; p++) {
        const int32_t node = t->root[b[p]];
        if (node >= 0)
            count_node(t, 0, (size_t)node, b, p + 1, m, cnt);
    }
}

static size_t max_basket_len(const crm_baskets *b)
{
    size_t mx = 1;
    for (size_t i = 0; i < b->n; i++)
        if ((size_t)(b->offset[i + 1] - b->offset[i]) > mx)
            mx = (size_t)(b->offset[i + 1] - b->offset[i]);
    return mx;
}

/* A thread's private counters, listed so that all threads can add them. */
typedef struct priv {
    uint32_t *cnt;
    struct priv *next;
} priv;

/* A thread whose counters could not be allocated (cnt NULL) still takes
 * part in the loop, counting nothing: the round's result is dropped. */
static void count_range(const crm_apriori *a, const crm_baskets *b,
                        size_t lo, size_t hi, int32_t *tmp, uint32_t *cnt)
{
#pragma omp for schedule(dynamic, 64)
    for (size_t i = lo; i < hi; i++) {
        if (cnt == NULL)
            continue;
        if (b) {
            const int64_t o = b->offset[i] - b->offset[0];
            const size_t len = (size_t)(b->offset[i + 1] - b->offset[i]);
            const size_t m = apriori_recode(a, b->items + o, len, tmp);
            count_basket(a, tmp, m, cnt);
        } else {
            count_basket(a, a->pitems + a->poff[i],
                         a->poff[i + 1] - a->poff[i], cnt);
        }
    }
}

/* counts += the sum of every thread's private counters; the threads share
 * the counters in blocks (after the barrier ending the counting loop; no
 * barrier after: the private counters live until the region has ended). */
static void add_privates(int64_t *counts, size_t n, const priv *list)
{
    const size_t block = 4096;
#pragma omp for schedule(static) nowait
    for (size_t c0 = 0; c0 < n; c0 += block) {
        const size_t c1 = n - c0 > block ? c0 + block : n;
        for (const priv *p = list; p != NULL; p = p->next)
            for (size_t c = c0; c < c1; c++)
                counts[c] += p->cnt[c];
    }
}

/* Counts baskets [lo, hi) of b (or of the prepared copy, b NULL). */
static crm_status count_round(crm_apriori *a, const crm_baskets *b,
                              size_t lo, size_t hi, size_t maxlen)
{
    priv *list = NULL;
    int failed = 0;
#pragma omp parallel if ((b ? (size_t)(b->offset[hi] - b->offset[lo])     \
                            : a->poff[hi] - a->poff[lo]) >=               \
                         APRIORI_PARALLEL_MIN)
    {
        priv *me = malloc(sizeof *me);
        uint32_t *cnt = calloc(a->ncand, sizeof *cnt);
        int32_t *tmp = b ? malloc(maxlen * sizeof *tmp) : NULL;
        const int ok = me && cnt && (!b || tmp);
        if (ok) {
            me->cnt = cnt;
#pragma omp critical(crm_apriori_list)
            {
                me->next = list;
                list = me;
            }
        } else {
#pragma omp atomic write
            failed = 1;
            free(me);
            free(cnt);
        }
        count_range(a, b, lo, hi, tmp, ok ? cnt : NULL);
        int any; /* every thread reads the same: nothing writes it now */
#pragma omp atomic read
        any = failed;
        if (!any)
            add_privates(a->counts, a->ncand, list);
        free(tmp);
    }
    while (list != NULL) {
        priv *next = list->next;
        free(list->cnt);
        free(list);
        list = next;
    }
    return failed ? CRM_ENOMEM : CRM_OK;
}

crm_status apriori_count_level(crm_apriori *a, const crm_baskets *b)
{
    const size_t n = b ? b->n : a->pn;
    const size_t maxlen = b ? max_basket_len(b) : 0;
    for (size_t lo = 0; lo < n; lo += ROUND_BASKETS) {
        const size_t hi = n - lo > ROUND_BASKETS ? lo + ROUND_BASKETS : n;
        const crm_status rc = count_round(a, b, lo, hi, maxlen);
        if (rc != CRM_OK)
            return rc; /* a later round leaves the earlier ones added */
    }
    return CRM_OK;
}
