/* algorithms/apriori/apriori.c — the miner's life cycle, the item codes,
 * the prepared copy of the local baskets, and the result queries.
 *
 * The results store is apriori_store.c, levels and candidates
 * apriori_level.c, counting apriori_count.c, rules apriori_rules.c. */
#include "algorithms/apriori/apriori.h"

#include <stdlib.h>
#include <string.h>

#include "algorithms/apriori/apriori_int.h"

void crm_apriori_destroy(crm_apriori *a)
{
    if (a == NULL)
        return;
    free(a->code);
    free(a->item_of);
    free(a->active);
    free(a->counts);
    free(a->cand);
    apriori_trie_free(&a->trie);
    free(a->prev);
    free(a->poff);
    free(a->pitems);
    free(a->pool);
    free(a->res_off);
    free(a->res_count);
    free(a->len_first);
    free(a);
}

typedef struct item_rank {
    int64_t count;
    int32_t id;
} item_rank;

static int cmp_rank(const void *p, const void *q)
{
    const item_rank *x = p, *y = q;
    if (x->count != y->count)
        return x->count < y->count ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Codes by ascending count, then id: rare items first keeps the join
 * groups of candidate generation and the trie's subtrees small (Borgelt's
 * default order for Apriori). */
static crm_status create_items(crm_apriori *a, const int64_t *item_counts)
{
    size_t f = 0;
    for (size_t i = 0; i < a->nitems; i++)
        f += item_counts[i] >= a->min_count;
    a->nfreq = f;
    a->code = malloc(a->nitems * sizeof *a->code);
    a->item_of = malloc((f ? f : 1) * sizeof *a->item_of);
    a->active = malloc(f ? f : 1);
    a->len_first = calloc(3, sizeof *a->len_first);
    item_rank *rank = malloc((f ? f : 1) * sizeof *rank);
    crm_status rc = CRM_ENOMEM;
    if (!a->code || !a->item_of || !a->active || !a->len_first || !rank)
        goto done;
    memset(a->active, 1, f ? f : 1);
    size_t c = 0;
    for (size_t i = 0; i < a->nitems; i++) {
        a->code[i] = -1;
        if (item_counts[i] >= a->min_count)
            rank[c++] = (item_rank){item_counts[i], (int32_t)i};
    }
    qsort(rank, f, sizeof *rank, cmp_rank);
    for (c = 0; c < f; c++) {
        a->item_of[c] = rank[c].id;
        a->code[rank[c].id] = (int32_t)c;
    }
    rc = apriori_open_length(a, 1);
    for (int32_t j = 0; rc == CRM_OK && (size_t)j < f; j++)
        rc = apriori_push(a, &j, 1, rank[j].count);
    if (rc == CRM_OK)
        rc = apriori_close_length(a, 1);
done:
    free(rank);
    return rc;
}

crm_status crm_apriori_create(const int64_t *item_counts, size_t nitems,
                              int64_t nbaskets, int64_t min_count,
                              size_t max_len, size_t memory_budget_bytes,
                              crm_apriori **out)
{
    if (item_counts == NULL || out == NULL || nitems == 0 ||
        nitems > (size_t)INT32_MAX || nbaskets < 0 || min_count < 1)
        return CRM_EINVAL;
    crm_apriori *a = calloc(1, sizeof *a);
    if (a == NULL)
        return CRM_ENOMEM;
    a->nitems = nitems;
    a->nbaskets = nbaskets;
    a->min_count = min_count;
    a->max_len = max_len;
    a->budget = memory_budget_bytes;
    a->nthreads = 1;
    a->level = 1;
    a->res_off = NULL;
    crm_status rc = CRM_ENOMEM;
    a->res_off = calloc(1, sizeof *a->res_off);
    if (a->res_off != NULL)
        rc = create_items(a, item_counts);
    if (rc != CRM_OK) {
        crm_apriori_destroy(a);
        return rc;
    }
    *out = a;
    return CRM_OK;
}

void crm_apriori_set_threads(crm_apriori *a, size_t nthreads)
{
    if (a != NULL)
        a->nthreads = nthreads ? nthreads : 1;
}

/* Each basket is recoded in parallel into its own slot (at its original
 * offset: a recoded basket is never longer), then the slots are compacted
 * in order; off[i + 1] holds basket i's recoded length in between. */
crm_status crm_apriori_prepare(crm_apriori *a, const crm_baskets *b)
{
    if (a == NULL || a->prepared || a->level != 1 || a->counting ||
        !apriori_baskets_valid(b, a->nitems))
        return CRM_EINVAL;
    const int64_t base = b->offset[0];
    const size_t total = (size_t)(b->offset[b->n] - base);
    size_t *off = malloc((b->n + 1) * sizeof *off);
    int32_t *items = malloc((total ? total : 1) * sizeof *items);
    if (!off || !items) {
        free(off);
        free(items);
        return CRM_ENOMEM;
    }
#pragma omp parallel for schedule(dynamic, 1024) \
    if (total >= APRIORI_PARALLEL_MIN)
    for (size_t i = 0; i < b->n; i++) {
        const int64_t o = b->offset[i] - base;
        const size_t len = (size_t)(b->offset[i + 1] - b->offset[i]);
        off[i + 1] = apriori_recode(a, b->items + o, len, items + o);
    }
    size_t n = 0, used = 0;
    off[0] = 0;
    for (size_t i = 0; i < b->n; i++) {
        const size_t m = off[i + 1];
        if (m < 2)
            continue;
        memmove(items + used, items + (b->offset[i] - base), m * sizeof *items);
        used += m;
        off[++n] = used;
    }
    int32_t *fit = realloc(items, (used ? used : 1) * sizeof *items);
    a->pitems = fit ? fit : items;
    a->poff = off;
    a->pn = n;
    a->prepared = 1;
    return CRM_OK;
}

/* Drops from the prepared copy the items no longer active and the baskets
 * left with fewer than a->level items. Each basket is filtered in place in
 * parallel (its new length kept in len), then the baskets are compacted in
 * order. Items stay ascending. */
crm_status apriori_prepared_shrink(crm_apriori *a)
{
    size_t *len = malloc((a->pn ? a->pn : 1) * sizeof *len);
    if (len == NULL)
        return CRM_ENOMEM;
#pragma omp parallel for schedule(dynamic, 1024) \
    if (a->poff[a->pn] >= APRIORI_PARALLEL_MIN)
    for (size_t i = 0; i < a->pn; i++) {
        size_t m = a->poff[i];
        for (size_t j = a->poff[i]; j < a->poff[i + 1]; j++)
            if (a->active[a->pitems[j]])
                a->pitems[m++] = a->pitems[j];
        len[i] = m - a->poff[i];
    }
    size_t n = 0, used = 0, lo = a->poff[0];
    for (size_t i = 0; i < a->pn; i++) {
        const size_t start = lo;
        lo = a->poff[i + 1]; /* read before poff[n + 1] may overwrite it */
        if (len[i] < a->level)
            continue;
        memmove(a->pitems + used, a->pitems + start,
                len[i] * sizeof *a->pitems);
        used += len[i];
        a->poff[++n] = used;
    }
    a->pn = n;
    free(len);
    return CRM_OK;
}

int64_t *crm_apriori_counts(crm_apriori *a)
{
    return a != NULL && a->counting ? a->counts : NULL;
}

crm_status crm_apriori_count(crm_apriori *a, const crm_baskets *b)
{
    if (a == NULL || !a->counting || (b == NULL && !a->prepared) ||
        (b != NULL && !apriori_baskets_valid(b, a->nitems)))
        return CRM_EINVAL;
    return apriori_count_level(a, b);
}

size_t crm_apriori_nitemsets(const crm_apriori *a)
{
    return a ? a->nres : 0;
}

void crm_apriori_itemset(const crm_apriori *a, size_t i, const int32_t **items,
                         size_t *len, int64_t *count)
{
    *items = a->pool + a->res_off[i];
    *len = a->res_off[i + 1] - a->res_off[i];
    *count = a->res_count[i];
}

size_t crm_apriori_max_itemset_len(const crm_apriori *a)
{
    return a ? a->nlen : 0;
}

size_t crm_apriori_count_by_length(const crm_apriori *a, size_t len)
{
    if (a == NULL || len == 0 || len > a->nlen)
        return 0;
    return a->len_first[len + 1] - a->len_first[len];
}

int64_t crm_apriori_nbaskets(const crm_apriori *a)
{
    return a->nbaskets;
}

int64_t crm_apriori_min_count(const crm_apriori *a)
{
    return a->min_count;
}
