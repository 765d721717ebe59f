/* engine/tree_model.c — the [tree] model in model.h5, and its reload.
 *
 * Layout (docs/FORMAT.md, "model.h5"): /tree_nodes, one row per node of
 * every tree (tree, node and the fields of crm_dtree_node, the category set
 * as four int64 bit words); /tree_features, one row per feature (feature
 * name, categorical, nbins); /tree_edges (feature, edge) for the numeric
 * features; /tree_categories (feature, code, category). Text attributes on
 * /tree_nodes: target (the label's name) and version. A reloaded model is
 * checked node by node, so a damaged file is refused rather than walked. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "core/comm.h"
#include "engine/tree_int.h"
#include "io/store.h"

enum { NODE_I32 = 11, NODE_I64 = 6, NODE_F64 = 2 };

static const char *const i32_names[NODE_I32] = {
    "tree",      "node",      "feature",      "left",         "right",
    "parent",    "depth",     "threshold",    "missing_left", "categorical",
    "missing_seen"};
static const char *const i64_names[NODE_I64] = {"count0", "count1", "cats0",
                                                "cats1",  "cats2",  "cats3"};
static const char *const f64_names[NODE_F64] = {"prob", "gain"};

static void node_row(const crm_dtree_node *nd, int32_t t, int32_t k,
                     int32_t *i32, int64_t *i64, double *f64)
{
    const int32_t a[NODE_I32] = {t,         k,           nd->feature,
                                 nd->left,  nd->right,   nd->parent,
                                 nd->depth, nd->threshold,
                                 nd->missing_left, nd->categorical,
                                 nd->missing_seen};
    memcpy(i32, a, sizeof a);
    i64[0] = nd->count[0];
    i64[1] = nd->count[1];
    for (int w = 0; w < 4; w++)
        memcpy(&i64[2 + w], &nd->cats[w], sizeof nd->cats[w]);
    f64[0] = nd->prob;
    f64[1] = nd->gain;
}

static crm_status save_nodes(const crm_tree_model *m, crm_store *st,
                             crm_error *err)
{
    size_t n = 0;
    for (size_t t = 0; t < m->ntrees; t++)
        n += m->trees[t]->nnodes;
    int32_t *i32 = malloc((n * NODE_I32 + 1) * sizeof *i32);
    int64_t *i64 = malloc((n * NODE_I64 + 1) * sizeof *i64);
    double *f64 = malloc((n * NODE_F64 + 1) * sizeof *f64);
    crm_column cols[NODE_I32 + NODE_I64 + NODE_F64];
    crm_status rc = (i32 && i64 && f64) ? CRM_OK : CRM_ENOMEM;
    int32_t r32[NODE_I32];
    int64_t r64[NODE_I64];
    double rf[NODE_F64];
    for (size_t t = 0, r = 0; rc == CRM_OK && t < m->ntrees; t++)
        for (size_t k = 0; k < m->trees[t]->nnodes; k++, r++) {
            node_row(&m->trees[t]->nodes[k], (int32_t)t, (int32_t)k, r32,
                     r64, rf);
            for (int c = 0; c < NODE_I32; c++)
                i32[c * n + r] = r32[c];
            for (int c = 0; c < NODE_I64; c++)
                i64[c * n + r] = r64[c];
            for (int c = 0; c < NODE_F64; c++)
                f64[c * n + r] = rf[c];
        }
    for (int c = 0; c < NODE_I32; c++)
        cols[c] = (crm_column){.name = i32_names[c], .type = CRM_TYPE_INT32,
                               .data = i32 + c * n};
    for (int c = 0; c < NODE_I64; c++)
        cols[NODE_I32 + c] = (crm_column){
            .name = i64_names[c], .type = CRM_TYPE_INT64, .data = i64 + c * n};
    for (int c = 0; c < NODE_F64; c++)
        cols[NODE_I32 + NODE_I64 + c] = (crm_column){
            .name = f64_names[c], .type = CRM_TYPE_FLOAT64, .data = f64 + c * n};
    const crm_comm self = crm_comm_self();
    const crm_table tab = {.nrows = n, .ncols = NODE_I32 + NODE_I64 + NODE_F64,
                           .cols = cols};
    if (rc == CRM_OK)
        rc = crm_store_write(st, "/tree_nodes", &tab, &self, 0, H5P_DEFAULT,
                             err);
    free(f64);
    free(i64);
    free(i32);
    return rc;
}

/* /tree_features: one row per feature, its name and kind. */
static crm_status save_feature_table(const crm_tree_model *m, crm_store *st,
                                     crm_error *err)
{
    int32_t *code = calloc(m->d + 1, sizeof *code);
    int32_t *cat = calloc(m->d + 1, sizeof *cat);
    const char **name = calloc(m->d + 1, sizeof *name);
    crm_status rc = (code && cat && name) ? CRM_OK : CRM_ENOMEM;
    for (size_t j = 0; rc == CRM_OK && j < m->d; j++) {
        code[j] = (int32_t)j;
        cat[j] = m->feat[j].categorical;
        name[j] = m->feat[j].name;
    }
    const crm_comm self = crm_comm_self();
    const crm_column cols[] = {
        {.name = "feature", .type = CRM_TYPE_INT32, .data = code,
         .dict = name, .ndict = m->d},
        {.name = "categorical", .type = CRM_TYPE_INT32, .data = cat}};
    const crm_table t = {.nrows = m->d, .ncols = 2, .cols = cols};
    if (rc == CRM_OK)
        rc = crm_store_write(st, "/tree_features", &t, &self, 0, H5P_DEFAULT,
                             err);
    free(name);
    free(cat);
    free(code);
    return rc;
}

/* /tree_edges: every numeric feature's edges, feature by feature. */
static crm_status save_edges(const crm_tree_model *m, crm_store *st,
                             crm_error *err)
{
    size_t ne = 0;
    for (size_t j = 0; j < m->d; j++)
        ne += m->feat[j].nedges;
    int32_t *feature = calloc(ne + 1, sizeof *feature);
    double *edge = calloc(ne + 1, sizeof *edge);
    crm_status rc = (feature && edge) ? CRM_OK : CRM_ENOMEM;
    for (size_t j = 0, e = 0; rc == CRM_OK && j < m->d; j++)
        for (size_t k = 0; k < m->feat[j].nedges; k++, e++) {
            feature[e] = (int32_t)j;
            edge[e] = m->feat[j].edges[k];
        }
    const crm_comm self = crm_comm_self();
    const crm_column cols[] = {
        {.name = "feature", .type = CRM_TYPE_INT32, .data = feature},
        {.name = "edge", .type = CRM_TYPE_FLOAT64, .data = edge}};
    const crm_table t = {.nrows = ne, .ncols = 2, .cols = cols};
    if (rc == CRM_OK)
        rc = crm_store_write(st, "/tree_edges", &t, &self, 0, H5P_DEFAULT,
                             err);
    free(edge);
    free(feature);
    return rc;
}

/* /tree_categories: every categorical feature's categories by code. */
static crm_status save_categories(const crm_tree_model *m, crm_store *st,
                                  crm_error *err)
{
    size_t nc = 0;
    for (size_t j = 0; j < m->d; j++)
        nc += m->feat[j].ncat;
    int32_t *feature = calloc(nc + 1, sizeof *feature);
    int32_t *code = calloc(nc + 1, sizeof *code);
    int32_t *index = calloc(nc + 1, sizeof *index);
    const char **name = calloc(nc + 1, sizeof *name);
    crm_status rc = (feature && code && index && name) ? CRM_OK : CRM_ENOMEM;
    for (size_t j = 0, c = 0; rc == CRM_OK && j < m->d; j++)
        for (size_t k = 0; k < m->feat[j].ncat; k++, c++) {
            feature[c] = (int32_t)j;
            code[c] = (int32_t)k;
            index[c] = (int32_t)c;
            name[c] = m->feat[j].cats[k];
        }
    const crm_comm self = crm_comm_self();
    const crm_column cols[] = {
        {.name = "feature", .type = CRM_TYPE_INT32, .data = feature},
        {.name = "code", .type = CRM_TYPE_INT32, .data = code},
        {.name = "category", .type = CRM_TYPE_INT32, .data = index,
         .dict = name, .ndict = nc}};
    const crm_table t = {.nrows = nc, .ncols = 3, .cols = cols};
    if (rc == CRM_OK)
        rc = crm_store_write(st, "/tree_categories", &t, &self, 0,
                             H5P_DEFAULT, err);
    free(name);
    free(index);
    free(code);
    free(feature);
    return rc;
}

crm_status crm_tree_model_save(const crm_tree_model *m, crm_store *st,
                               crm_error *err)
{
    crm_status rc = save_nodes(m, st, err);
    if (rc == CRM_OK)
        rc = save_feature_table(m, st, err);
    if (rc == CRM_OK)
        rc = save_edges(m, st, err);
    if (rc == CRM_OK)
        rc = save_categories(m, st, err);
    if (rc == CRM_OK)
        rc = crm_store_set_attr_text(st, "/tree_nodes", "target", m->target,
                                     err);
    if (rc == CRM_OK)
        rc = crm_store_set_attr_i64(st, "/tree_nodes", "version", 1, err);
    return rc;
}

void crm_tree_model_free(crm_tree_model *m)
{
    if (m == NULL)
        return;
    for (size_t t = 0; m->trees != NULL && t < m->ntrees; t++)
        crm_dtree_model_destroy(m->trees[t]);
    free(m->trees);
    for (size_t j = 0; m->feat != NULL && j < m->d; j++) {
        crm_tree_feature *f = &m->feat[j];
        for (size_t k = 0; f->cats != NULL && k < f->ncat; k++)
            free(f->cats[k]);
        free(f->cats);
        free(f->edges);
        free(f->name);
    }
    free(m->feat);
    free(m->target);
    free(m);
}
