/* engine/tree_train.c — growing the tree (or the forest) across ranks.
 *
 * Each level: every rank counts its training rows into the kernel's
 * class-count histogram, one allreduce_i64(SUM) adds them, and every rank
 * chooses the same splits from the same integers (algorithms/dtree/dtree.h).
 * Rows outside the training set take part with weight 0: they move down the
 * tree with the others but count nowhere. A forest's tree t weighs each
 * training row by a Poisson(1) bootstrap count keyed by the customer's key,
 * and searches a feature subset per node keyed by its own seed; trees are
 * grown one after the other, each with the same collectives. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "engine/tree_int.h"

#define STREAM_FOREST UINT64_C(0x666f72657374) /* "forest" */

typedef struct grow_ctx {
    crm_run *run;
    const crm_tree_data *d;
    const uint8_t *bins;
    uint8_t *nbins, *categorical; /* per feature, for the grower */
    uint8_t *weights;             /* n, this tree's */
    int32_t *node_of_row;         /* n */
    int64_t *hist;                /* grows to the largest level */
    size_t hist_cap;
} grow_ctx;

static crm_status ensure_hist(grow_ctx *c, size_t len)
{
    if (len <= c->hist_cap)
        return CRM_OK;
    int64_t *grown = realloc(c->hist, len * sizeof *grown);
    if (grown == NULL)
        return CRM_ENOMEM;
    c->hist = grown;
    c->hist_cap = len;
    return CRM_OK;
}

/* One level: count, add across ranks, split, move rows down. */
static crm_status level(grow_ctx *c, crm_dtree_grower *g, crm_error *err)
{
    crm_mpi_comm *mpi = c->run->mpi;
    const size_t len = crm_dtree_hist_len(g);
    crm_status rc = crm_mpi_agree(mpi, ensure_hist(c, len), err);
    if (rc != CRM_OK)
        return rc;
    rc = crm_dtree_histograms_weighted(g, c->bins, c->d->label, c->weights,
                                       c->d->n, c->node_of_row, c->hist);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        return rc;
    rc = c->run->comm->allreduce_i64(c->run->comm, c->hist, len, CRM_OP_SUM);
    if (rc == CRM_OK)
        rc = crm_dtree_level_finish(g, c->hist);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        return rc;
    return crm_mpi_agree(mpi, crm_dtree_partition(g, c->bins, c->d->n,
                                                   c->node_of_row),
                         err);
}

static crm_status grow(grow_ctx *c, const crm_dtree_params *p,
                       crm_dtree_model **out, crm_error *err)
{
    crm_dtree_grower *g = NULL;
    crm_status rc = crm_dtree_grower_create(p, c->d->d, c->nbins,
                                            c->categorical, &g);
    if ((rc = crm_mpi_agree(c->run->mpi, rc, err)) != CRM_OK)
        return rc;
    crm_dtree_rows_init(c->node_of_row, c->d->n);
    while (rc == CRM_OK && !crm_dtree_done(g))
        rc = level(c, g, err);
    if (rc == CRM_OK)
        rc = crm_mpi_agree(c->run->mpi, crm_dtree_model_create(g, out), err);
    crm_dtree_grower_destroy(g);
    return rc;
}

static void tree_weights(const grow_ctx *c, size_t t, size_t ntrees)
{
    const crm_tree_data *d = c->d;
    const uint64_t seed = c->run->job->seed;
    for (size_t i = 0; i < d->n; i++)
        c->weights[i] = d->role[i] != CRM_TREE_TRAIN ? 0
                        : ntrees == 1
                            ? 1
                            : crm_dtree_bootstrap_weight(seed, (uint32_t)t,
                                                         d->key[i]);
}

static crm_dtree_params params_of(const crm_run *run, size_t d, size_t t)
{
    const crm_job_tree *cfg = &run->job->tree;
    crm_dtree_params p = {
        .criterion = cfg->entropy ? CRM_DTREE_ENTROPY : CRM_DTREE_GINI,
        .max_depth = cfg->max_depth,
        .min_samples_leaf = cfg->min_samples_leaf,
        .min_category_rows = cfg->min_category_rows,
        .min_gain = cfg->min_gain,
        .balanced = cfg->balanced,
        .max_features = cfg->max_features,
        .seed = crm_rng_u64(run->job->seed, STREAM_FOREST, t),
        .threads = run->nthreads};
    if (cfg->trees > 1 && cfg->max_features == 0)
        p.max_features = (int)fmax(1.0, round(sqrt((double)d)));
    if ((size_t)p.max_features >= d)
        p.max_features = 0;
    return p;
}

static void tree_json(const crm_dtree_model *tree, cJSON *arr)
{
    int depth = 0;
    size_t leaves = 0;
    for (size_t k = 0; k < tree->nnodes; k++) {
        leaves += tree->nodes[k].feature < 0;
        depth = tree->nodes[k].depth > depth ? tree->nodes[k].depth : depth;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "nodes", (double)tree->nnodes);
    cJSON_AddNumberToObject(o, "leaves", (double)leaves);
    cJSON_AddNumberToObject(o, "depth", depth);
    cJSON_AddItemToArray(arr, o);
}

static crm_status ctx_init(grow_ctx *c, crm_run *run, const crm_tree_data *d,
                           const uint8_t *bins, const crm_tree_model *m)
{
    *c = (grow_ctx){.run = run, .d = d, .bins = bins};
    c->nbins = malloc(m->d + 1);
    c->categorical = malloc(m->d + 1);
    c->weights = malloc(d->n + 1);
    c->node_of_row = malloc((d->n + 1) * sizeof *c->node_of_row);
    if (!c->nbins || !c->categorical || !c->weights || !c->node_of_row)
        return CRM_ENOMEM;
    for (size_t j = 0; j < m->d; j++) {
        const crm_tree_feature *f = &m->feat[j];
        const size_t nb = f->categorical ? f->ncat : f->nedges + 1;
        c->nbins[j] = (uint8_t)(nb == 0 ? 1 : nb);
        c->categorical[j] = (uint8_t)f->categorical;
    }
    return CRM_OK;
}

static void ctx_free(grow_ctx *c)
{
    free(c->hist);
    free(c->node_of_row);
    free(c->weights);
    free(c->categorical);
    free(c->nbins);
}

crm_status crm_tree_train(crm_run *run, const crm_tree_data *d,
                          const uint8_t *bins, crm_tree_model *m, cJSON *js,
                          crm_error *err)
{
    const size_t ntrees = (size_t)run->job->tree.trees;
    grow_ctx c;
    crm_status rc = ctx_init(&c, run, d, bins, m);
    m->trees = calloc(ntrees, sizeof *m->trees);
    if (m->trees == NULL)
        rc = CRM_ENOMEM;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    cJSON *arr = cJSON_AddArrayToObject(js, "trees");
    for (size_t t = 0; rc == CRM_OK && t < ntrees; t++) {
        tree_weights(&c, t, ntrees);
        const crm_dtree_params p = params_of(run, m->d, t);
        if ((rc = grow(&c, &p, &m->trees[t], err)) != CRM_OK)
            break;
        m->ntrees = t + 1;
        tree_json(m->trees[t], arr);
        if (ntrees > 1)
            crm_log_progress(run->log, "tree", (long long)t + 1,
                             (long long)ntrees);
    }
done:
    ctx_free(&c);
    return rc;
}

crm_status crm_tree_predict(const crm_tree_model *m, const uint8_t *bins,
                            size_t n, double *prob, int32_t *leaf)
{
    double *one = m->ntrees > 1 ? malloc((n + 1) * sizeof *one) : NULL;
    if (m->ntrees > 1 && one == NULL)
        return CRM_ENOMEM;
    crm_status rc = crm_dtree_predict(m->trees[0], bins, n, prob, leaf);
    for (size_t t = 1; rc == CRM_OK && t < m->ntrees; t++) {
        if ((rc = crm_dtree_predict(m->trees[t], bins, n, one, NULL)) !=
            CRM_OK)
            break;
        for (size_t i = 0; i < n; i++)
            prob[i] += one[i];
    }
    for (size_t i = 0; m->ntrees > 1 && i < n; i++)
        prob[i] /= (double)m->ntrees;
    free(one);
    return rc;
}
