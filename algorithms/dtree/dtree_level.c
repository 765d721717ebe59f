/* algorithms/dtree/dtree_level.c — the end of one level: each open node's
 * histogram (counted, or parent minus the counted sibling), its best split,
 * its children, the plan of the next level, and the partition of rows.
 *
 * Node ids are handed out in the order of the open list, which is itself
 * built in node order, so the tree is the same on every rank. Of two
 * siblings only the one with fewer rows (ties: left) is counted next level;
 * the other, if open, is derived. A node is open (worth a histogram) when
 * it is below max_depth, holds both classes and at least 2 min_samples_leaf
 * rows (all counts in weighted rows). With max_features each open node
 * draws its feature subset from (seed, node id) inside the parallel split
 * search, into its own mask: no shared state, the same draw on every rank.
 * Everything that can fail is reserved before the grower changes. */
#include "algorithms/dtree/dtree_int.h"

#include <stdlib.h>
#include <string.h>

/* Room for this level's histograms, two children per open node and the
 * next open list. */
static crm_status reserve_level(crm_dtree_grower *g)
{
    const size_t nopen = g->nopen, nb2 = 2 * g->nb;
    if (nopen > SIZE_MAX / nb2 / sizeof(int64_t) / 2 ||
        g->nnodes + 2 * nopen > INT32_MAX)
        return CRM_ENOMEM;
    size_t cap = g->cur_cap * nb2, node_cap = g->node_cap;
    if (dtree_reserve((void **)&g->cur, &cap, nopen * nb2, sizeof(int64_t)))
        return CRM_ENOMEM;
    g->cur_cap = cap / nb2;
    if (dtree_reserve((void **)&g->nodes, &node_cap, g->nnodes + 2 * nopen,
                sizeof *g->nodes))
        return CRM_ENOMEM;
    if (node_cap != g->node_cap) {
        int32_t *s = realloc(g->slot_of_node, node_cap * sizeof *s);
        if (!s)
            return CRM_ENOMEM; /* node array larger is harmless */
        g->slot_of_node = s;
        g->node_cap = node_cap;
    }
    const size_t need = 2 * nopen;
    if (need <= g->open_cap)
        return CRM_OK;
    size_t c1 = g->open_cap, c2 = g->open_cap, c3 = g->open_cap;
    size_t c4 = g->open_cap;
    crm_status rc = CRM_OK;
    if (dtree_reserve((void **)&g->open, &c1, need, sizeof *g->open) ||
        dtree_reserve((void **)&g->open_next, &c2, need, sizeof *g->open) ||
        dtree_reserve((void **)&g->prev_node, &c3, need, sizeof *g->prev_node) ||
        dtree_reserve((void **)&g->best, &c4, need, sizeof *g->best))
        rc = CRM_ENOMEM;
    if (rc == CRM_OK)
        g->open_cap = c1;
    return rc;
}

/* Room for this level's feature-subset masks (max_features < d only). */
static crm_status reserve_masks(crm_dtree_grower *g)
{
    if (g->nfeat >= g->d)
        return CRM_OK;
    if (g->nopen > SIZE_MAX / g->d)
        return CRM_ENOMEM;
    return dtree_reserve((void **)&g->fmask, &g->fmask_cap, g->nopen * g->d,
                         1);
}

/* Class counts of a histogram: the bins of feature 0. */
static void hist_counts(const crm_dtree_grower *g, const int64_t *h,
                        int64_t cnt[2])
{
    cnt[0] = cnt[1] = 0;
    for (size_t b = 0; b <= g->nbins[0]; b++) {
        cnt[0] += h[2 * b];
        cnt[1] += h[2 * b + 1];
    }
}

/* cur[k] for every open node; CRM_EINVAL when a count goes negative or
 * disagrees with the node. */
static crm_status fill_level(crm_dtree_grower *g, const int64_t *hist)
{
    const size_t nb2 = 2 * g->nb;
    for (size_t k = 0; k < g->nopen; k++) {
        const dtree_open *o = &g->open[k];
        int64_t *h = g->cur + k * nb2;
        if (o->slot >= 0) {
            memcpy(h, hist + (size_t)o->slot * nb2, nb2 * sizeof *h);
        } else {
            const int64_t *p = g->prev + (size_t)o->parent_idx * nb2;
            const int64_t *s = hist + (size_t)o->sib_slot * nb2;
            for (size_t b = 0; b < nb2; b++)
                h[b] = p[b] - s[b];
        }
        for (size_t b = 0; b < nb2; b++)
            if (h[b] < 0)
                return CRM_EINVAL;
        int64_t cnt[2];
        hist_counts(g, h, cnt);
        const crm_dtree_node *nd = &g->nodes[o->node];
        if (o->node != 0 && (cnt[0] != nd->count[0] || cnt[1] != nd->count[1]))
            return CRM_EINVAL;
    }
    return CRM_OK;
}

/* The root's counts and the class weights, from the first histogram. */
static void start_root(crm_dtree_grower *g)
{
    int64_t cnt[2];
    hist_counts(g, g->cur, cnt);
    g->nodes[0].count[0] = cnt[0];
    g->nodes[0].count[1] = cnt[1];
    g->nodes[0].prob = ((double)cnt[1] + 1.0) / ((double)(cnt[0] + cnt[1]) + 2.0);
    g->weight[0] = g->p.class_weight[0];
    g->weight[1] = g->p.class_weight[1];
    if (g->p.balanced && cnt[0] > 0 && cnt[1] > 0)
        for (int c = 0; c < 2; c++)
            g->weight[c] = (double)(cnt[0] + cnt[1]) / (2.0 * (double)cnt[c]);
    g->wroot = g->weight[0] * (double)cnt[0] + g->weight[1] * (double)cnt[1];
}

static int is_open(const crm_dtree_grower *g, const crm_dtree_node *nd)
{
    return nd->depth < g->p.max_depth && nd->count[0] > 0 &&
           nd->count[1] > 0 &&
           nd->count[0] + nd->count[1] >= 2 * g->p.min_samples_leaf;
}

/* Turns open node k into an internal node with two new children. */
static void make_children(crm_dtree_grower *g, size_t k)
{
    const dtree_split *b = &g->best[k];
    const int32_t id = g->open[k].node, l = (int32_t)g->nnodes, r = l + 1;
    crm_dtree_node *nd = &g->nodes[id];
    const int64_t right[2] = {nd->count[0] - b->left[0],
                              nd->count[1] - b->left[1]};
    dtree_init_node(&g->nodes[l], id, nd->depth + 1, b->left);
    dtree_init_node(&g->nodes[r], id, nd->depth + 1, right);
    nd->feature = b->feature;
    nd->left = l;
    nd->right = r;
    nd->threshold = b->threshold;
    nd->missing_left = b->missing_left;
    nd->missing_seen = b->missing_seen;
    nd->categorical = g->categorical[b->feature];
    nd->gain = b->gain;
    memcpy(nd->cats, b->cats, sizeof nd->cats);
    g->nnodes += 2;
}

/* Children of this level's splits → the next open list and counted slots. */
static void plan_next(crm_dtree_grower *g)
{
    for (size_t i = 0; i < g->nnodes; i++)
        g->slot_of_node[i] = -1;
    size_t nnext = 0, ncounted = 0;
    for (size_t k = 0; k < g->nopen; k++) {
        const crm_dtree_node *nd = &g->nodes[g->open[k].node];
        if (nd->left < 0)
            continue;
        const int32_t c[2] = {nd->left, nd->right};
        const int open[2] = {is_open(g, &g->nodes[c[0]]),
                             is_open(g, &g->nodes[c[1]])};
        if (!open[0] && !open[1])
            continue;
        const crm_dtree_node *l = &g->nodes[c[0]], *r = &g->nodes[c[1]];
        const int32_t small = l->count[0] + l->count[1] <=
                                      r->count[0] + r->count[1]
                                  ? c[0]
                                  : c[1];
        const int32_t slot = (int32_t)ncounted++;
        g->slot_of_node[small] = slot;
        for (int s = 0; s < 2; s++)
            if (open[s])
                g->open_next[nnext++] = (dtree_open){
                    .node = c[s], .slot = c[s] == small ? slot : -1,
                    .sib_slot = slot, .parent_idx = (int32_t)k};
    }
    g->nopen_next = nnext;
    g->ncounted = ncounted;
}

/* The finished level's histograms become prev; the next level starts. */
static void advance(crm_dtree_grower *g)
{
    for (size_t k = 0; k < g->nopen; k++)
        g->prev_node[k] = g->open[k].node;
    int64_t *t = g->prev;
    size_t tc = g->prev_cap;
    g->prev = g->cur;
    g->prev_cap = g->cur_cap;
    g->cur = t;
    g->cur_cap = tc;
    g->nprev = g->nopen;
    dtree_open *o = g->open;
    g->open = g->open_next;
    g->open_next = o;
    g->nopen = g->nopen_next;
    g->level++;
    g->done = g->nopen == 0;
}

crm_status crm_dtree_level_finish(crm_dtree_grower *g, const int64_t *hist)
{
    crm_status rc;
    if (!g || g->done || !hist)
        return CRM_EINVAL;
    if ((rc = reserve_level(g)) != CRM_OK || (rc = reserve_masks(g)) != CRM_OK)
        return rc;
    if ((rc = fill_level(g, hist)) != CRM_OK)
        return rc;
    if (g->level == 0)
        start_root(g);
    const size_t nb2 = 2 * g->nb;
#pragma omp parallel for schedule(static) \
    if (g->nopen * g->nb >= DTREE_PARALLEL_MIN)
    for (size_t k = 0; k < g->nopen; k++) {
        const crm_dtree_node *nd = &g->nodes[g->open[k].node];
        g->best[k].feature = -1;
        if (!is_open(g, nd))
            continue;
        uint8_t *mask = NULL;
        if (g->nfeat < g->d) {
            mask = g->fmask + k * g->d;
            crm_dtree_feature_subset(g->p.seed, g->open[k].node, g->d,
                                     g->nfeat, mask);
        }
        dtree_best_split(g, g->cur + k * nb2, nd->count, mask, &g->best[k]);
    }
    for (size_t k = 0; k < g->nopen; k++)
        if (g->best[k].feature >= 0)
            make_children(g, k);
    plan_next(g);
    advance(g);
    return CRM_OK;
}

crm_status crm_dtree_partition(const crm_dtree_grower *g, const uint8_t *bins,
                               size_t n, int32_t *node_of_row)
{
    if (!g || (n > 0 && (!bins || !node_of_row)))
        return CRM_EINVAL;
    int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) \
    if (n >= DTREE_PARALLEL_MIN)
    for (size_t i = 0; i < n; i++) {
        int32_t id = node_of_row[i];
        if (id < 0 || (size_t)id >= g->nnodes) {
            bad = 1;
            continue;
        }
        const crm_dtree_node *nd = &g->nodes[id];
        while (nd->left >= 0) {
            id = dtree_goes_left(nd, bins[(size_t)nd->feature * n + i])
                     ? nd->left
                     : nd->right;
            nd = &g->nodes[id];
        }
        node_of_row[i] = id;
    }
    return bad ? CRM_EINVAL : CRM_OK;
}

size_t dtree_debug_level(const crm_dtree_grower *g, const int32_t **nodes,
                         const int64_t **hists)
{
    *nodes = g->prev_node;
    *hists = g->prev;
    return g->nprev;
}
