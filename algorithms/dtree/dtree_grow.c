/* algorithms/dtree/dtree_grow.c — the grower and the (optionally
 * sample-weighted) histograms of the local rows.
 *
 * Layout and ownership: dtree_int.h. The grower owns its node array and two
 * levels of histograms; they grow inside level_finish (reserved before any
 * change, so a failed call leaves the grower as it was).
 * Parallel contract: histograms split features over threads (each thread
 * writes only its own features' counts: no reduction, no races); split
 * search splits nodes over threads; partition splits rows. Results do not
 * depend on the thread count: counts are integers and every choice is a
 * pure function of the summed histograms, made in node order. */
#include "algorithms/dtree/dtree_int.h"

#include <stdlib.h>
#include <string.h>

static crm_status check_params(const crm_dtree_params *in, crm_dtree_params *p)
{
    *p = *in;
    if (p->max_depth == 0)
        p->max_depth = CRM_DTREE_DEFAULT_DEPTH;
    if (p->min_samples_leaf == 0)
        p->min_samples_leaf = 1;
    if (p->class_weight[0] == 0.0 && p->class_weight[1] == 0.0)
        p->class_weight[0] = p->class_weight[1] = 1.0;
    if ((p->criterion != CRM_DTREE_GINI && p->criterion != CRM_DTREE_ENTROPY) ||
        p->max_depth < 1 || p->max_depth > CRM_DTREE_MAX_DEPTH ||
        p->min_samples_leaf < 1 || p->min_samples_leaf > INT64_MAX / 4 ||
        !(p->min_gain >= 0.0) || p->min_gain > 1e300 ||
        (p->balanced != 0 && p->balanced != 1) || p->max_features < 0 ||
        p->min_category_rows < 0 || p->threads < 0)
        return CRM_EINVAL;
    for (int c = 0; c < 2; c++)
        if (!(p->class_weight[c] > 0.0) || p->class_weight[c] > 1e300)
            return CRM_EINVAL;
    return CRM_OK;
}

crm_status dtree_reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return CRM_OK;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / elem)
        return CRM_ENOMEM;
    void *q = realloc(*p, n * elem);
    if (!q)
        return CRM_ENOMEM;
    *p = q;
    *cap = n;
    return CRM_OK;
}

void dtree_init_node(crm_dtree_node *nd, int32_t parent, int32_t depth,
                      const int64_t count[2])
{
    memset(nd, 0, sizeof *nd);
    nd->feature = nd->left = nd->right = -1;
    nd->parent = parent;
    nd->depth = depth;
    nd->count[0] = count[0];
    nd->count[1] = count[1];
    nd->prob = ((double)count[1] + 1.0) / ((double)(count[0] + count[1]) + 2.0);
}

static crm_status copy_features(crm_dtree_grower *g, size_t d,
                                const uint8_t *nbins,
                                const uint8_t *categorical)
{
    g->d = d;
    g->nbins = malloc(d);
    g->categorical = malloc(d);
    g->offset = malloc(d * sizeof *g->offset);
    if (!g->nbins || !g->categorical || !g->offset)
        return CRM_ENOMEM;
    memcpy(g->nbins, nbins, d);
    memcpy(g->categorical, categorical, d);
    for (size_t j = 0; j < d; j++) {
        g->offset[j] = g->nb;
        g->nb += (size_t)nbins[j] + 1;
    }
    return CRM_OK;
}

crm_status crm_dtree_grower_create(const crm_dtree_params *params, size_t d,
                                   const uint8_t *nbins,
                                   const uint8_t *categorical,
                                   crm_dtree_grower **out)
{
    crm_dtree_grower *g = NULL;
    crm_status rc = CRM_EINVAL;
    crm_dtree_params p;
    if (!params || !nbins || !categorical || !out || d == 0 ||
        d > INT32_MAX || check_params(params, &p) != CRM_OK ||
        (size_t)p.max_features > d)
        goto done;
    for (size_t j = 0; j < d; j++)
        if (nbins[j] < 1 || categorical[j] > 1)
            goto done;
    rc = CRM_ENOMEM;
    if (!(g = calloc(1, sizeof *g)))
        goto done;
    g->p = p;
    g->nfeat = p.max_features == 0 ? d : (size_t)p.max_features;
    if (copy_features(g, d, nbins, categorical) != CRM_OK)
        goto done;
    const size_t one = 1;
    if (dtree_reserve((void **)&g->nodes, &g->node_cap, 16, sizeof *g->nodes) ||
        !(g->slot_of_node = malloc(g->node_cap * sizeof *g->slot_of_node)) ||
        !(g->open = malloc(one * sizeof *g->open)) ||
        !(g->open_next = malloc(one * sizeof *g->open)) ||
        !(g->prev_node = malloc(one * sizeof *g->prev_node)) ||
        !(g->best = malloc(one * sizeof *g->best)))
        goto done;
    g->open_cap = 1;
    dtree_init_node(&g->nodes[0], -1, 0, (const int64_t[2]){0, 0});
    g->nnodes = 1;
    g->slot_of_node[0] = 0;
    g->open[0] = (dtree_open){.node = 0, .slot = 0, .sib_slot = -1,
                              .parent_idx = -1};
    g->nopen = g->ncounted = 1;
    *out = g;
    g = NULL;
    rc = CRM_OK;
done:
    crm_dtree_grower_destroy(g);
    return rc;
}

void crm_dtree_grower_destroy(crm_dtree_grower *g)
{
    if (!g)
        return;
    free(g->fmask);
    free(g->best);
    free(g->prev_node);
    free(g->open_next);
    free(g->open);
    free(g->prev);
    free(g->cur);
    free(g->slot_of_node);
    free(g->nodes);
    free(g->offset);
    free(g->categorical);
    free(g->nbins);
    free(g);
}

void crm_dtree_rows_init(int32_t *node_of_row, size_t n)
{
    for (size_t i = 0; i < n; i++)
        node_of_row[i] = 0;
}

int crm_dtree_done(const crm_dtree_grower *g)
{
    return !g || g->done;
}

size_t crm_dtree_hist_len(const crm_dtree_grower *g)
{
    return crm_dtree_done(g) ? 0 : g->ncounted * g->nb * 2;
}

/* A row that counts at this level: where its class counts start in the
 * histogram (slot * 2 nb + label), the row, and its weight. */
typedef struct counted_row {
    int64_t base;
    uint32_t row;
    uint32_t weight;
} counted_row;

/* The rows of this level's counted nodes with a non-zero weight, in row
 * order; *bad when a node id or a label is out of range. Listing them
 * once costs one pass; counting every feature over the list instead of
 * over all rows skips the larger children's rows (half or more from level
 * 1 on) without a branch per row and feature, which mispredicted half the
 * time: 92 % of a tree's time went to that scan. */
static size_t list_rows(const crm_dtree_grower *g, const uint8_t *labels,
                        const uint8_t *weights, size_t n,
                        const int32_t *node_of_row, counted_row *list,
                        int *bad)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const int32_t nd = node_of_row[i];
        if (nd < 0 || (size_t)nd >= g->nnodes || labels[i] > 1) {
            *bad = 1;
            continue;
        }
        const int32_t s = g->slot_of_node[nd];
        const uint32_t w = weights ? weights[i] : 1;
        if (s < 0 || w == 0)
            continue;
        list[m++] = (counted_row){(int64_t)s * 2 * (int64_t)g->nb + labels[i],
                                  (uint32_t)i, w};
    }
    return m;
}

/* Features counted per pass over the row list: each list entry is read
 * once for the block instead of once per feature (the list, 16 bytes a
 * row, was most of the memory traffic). */
#define FEATURE_BLOCK 8

/* Counts features j0..j0+nf-1 (nf <= FEATURE_BLOCK) of the listed rows
 * into hist; returns 1 on a bad code. */
static int count_block(const crm_dtree_grower *g, size_t j0, size_t nf,
                       const uint8_t *bins, size_t n,
                       const counted_row *list, size_t m, int64_t *hist)
{
    const uint8_t *col[FEATURE_BLOCK];
    int64_t *hj[FEATURE_BLOCK];
    size_t nbj[FEATURE_BLOCK];
    for (size_t f = 0; f < nf; f++) {
        col[f] = bins + (j0 + f) * n;
        hj[f] = hist + 2 * g->offset[j0 + f];
        nbj[f] = g->nbins[j0 + f];
    }
    int bad = 0;
    for (size_t k = 0; k < m; k++) {
        const counted_row r = list[k];
        for (size_t f = 0; f < nf; f++) {
            const uint8_t code = col[f][r.row];
            const size_t b = code == CRM_DTREE_MISSING ? nbj[f] : code;
            if (b > nbj[f] || (b == nbj[f] && code != CRM_DTREE_MISSING)) {
                bad = 1;
                continue;
            }
            hj[f][r.base + 2 * (int64_t)b] += r.weight;
        }
    }
    return bad;
}

crm_status crm_dtree_histograms(const crm_dtree_grower *g, const uint8_t *bins,
                                const uint8_t *labels, size_t n,
                                const int32_t *node_of_row, int64_t *hist)
{
    return crm_dtree_histograms_weighted(g, bins, labels, NULL, n,
                                         node_of_row, hist);
}

crm_status crm_dtree_histograms_weighted(const crm_dtree_grower *g,
                                         const uint8_t *bins,
                                         const uint8_t *labels,
                                         const uint8_t *weights, size_t n,
                                         const int32_t *node_of_row,
                                         int64_t *hist)
{
    if (!g || g->done || !hist || (n > 0 && (!bins || !labels || !node_of_row)))
        return CRM_EINVAL;
    if (n > UINT32_MAX)
        return CRM_ERANGE;
    memset(hist, 0, crm_dtree_hist_len(g) * sizeof *hist);
    counted_row *list = malloc((n + 1) * sizeof *list);
    if (list == NULL)
        return CRM_ENOMEM;
    int bad = 0;
    const size_t m = list_rows(g, labels, weights, n, node_of_row, list, &bad);
    /* at least one block per thread, blocks of equal size (+-1) */
    size_t nblocks = (g->d + FEATURE_BLOCK - 1) / FEATURE_BLOCK;
    const size_t nthreads = g->p.threads > 0 ? (size_t)g->p.threads : 1;
    if (m * g->d >= DTREE_PARALLEL_MIN && nblocks < nthreads)
        nblocks = nthreads < g->d ? nthreads : g->d;
#pragma omp parallel for schedule(static, 1) reduction(| : bad) \
    if (m * g->d >= DTREE_PARALLEL_MIN)
    for (size_t k = 0; k < nblocks; k++) {
        const size_t j0 = k * g->d / nblocks, j1 = (k + 1) * g->d / nblocks;
        bad |= count_block(g, j0, j1 - j0, bins, n, list, m, hist);
    }
    free(list);
    return bad ? CRM_EINVAL : CRM_OK;
}
