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
        p->min_category_rows < 0)
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

/* Counts feature j of n rows into hist, row i weights[i] times (NULL: once);
 * returns 1 on a bad row. */
static int count_feature(const crm_dtree_grower *g, size_t j,
                         const uint8_t *col, const uint8_t *labels,
                         const uint8_t *weights, size_t n,
                         const int32_t *node_of_row, int64_t *hist)
{
    const size_t nbj = g->nbins[j], stride = 2 * g->nb;
    int64_t *hj = hist + 2 * g->offset[j];
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const int32_t nd = node_of_row[i];
        if (nd < 0 || (size_t)nd >= g->nnodes) {
            bad = 1;
            continue;
        }
        const int32_t s = g->slot_of_node[nd];
        if (s < 0)
            continue;
        const size_t b = col[i] == CRM_DTREE_MISSING ? nbj : col[i];
        if ((b == nbj && col[i] != CRM_DTREE_MISSING) || b > nbj ||
            labels[i] > 1) {
            bad = 1;
            continue;
        }
        hj[(size_t)s * stride + 2 * b + labels[i]] += weights ? weights[i] : 1;
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
    memset(hist, 0, crm_dtree_hist_len(g) * sizeof *hist);
    int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) \
    if (n * g->d >= DTREE_PARALLEL_MIN)
    for (size_t j = 0; j < g->d; j++)
        bad |= count_feature(g, j, bins + j * n, labels, weights, n,
                             node_of_row, hist);
    return bad ? CRM_EINVAL : CRM_OK;
}
