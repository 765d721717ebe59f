/* engine/tree_model_load.c — reading a [tree] model back from model.h5
 * (layout in tree_model.c), checking every node before it is trusted. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "engine/tree_int.h"
#include "io/store.h"

typedef struct tables {
    crm_frame *nodes, *features, *edges, *cats;
} tables;

static crm_status read_table(crm_store *st, const char *name,
                             crm_frame **out, crm_error *err)
{
    crm_table_info *info = NULL;
    crm_status rc = crm_store_table_info(st, name, &info, err);
    if (rc == CRM_OK)
        rc = crm_store_read(st, name, NULL, 0, 0, info->nrows, H5P_DEFAULT,
                            out, err);
    crm_table_info_free(info);
    return rc;
}

static crm_status bad(const char *path, const char *what, crm_error *err)
{
    return crm_error_set(err, CRM_EFORMAT, "%s: not a valid tree model (%s)",
                         path, what);
}

static crm_status load_features(crm_tree_model *m, const tables *t,
                                const char *path, crm_error *err)
{
    const crm_table *tf = crm_frame_table(t->features);
    const crm_column *name = crm_table_find(tf, "feature");
    const crm_column *cat = crm_table_find(tf, "categorical");
    if (name == NULL || cat == NULL || name->dict == NULL)
        return bad(path, "/tree_features lacks feature or categorical", err);
    m->d = tf->nrows;
    if ((m->feat = calloc(m->d + 1, sizeof *m->feat)) == NULL)
        return CRM_ENOMEM;
    for (size_t j = 0; j < m->d; j++) {
        const char *s = crm_column_dict_text(name, crm_column_get_i64(name, j));
        if (s == NULL)
            return bad(path, "a feature without a name", err);
        crm_tree_feature *f = &m->feat[j];
        f->categorical = crm_column_get_i64(cat, j) != 0;
        f->edges = calloc(CRM_DTREE_MAX_BINS, sizeof *f->edges);
        f->cats = calloc(CRM_DTREE_MAX_BINS + 1, sizeof *f->cats);
        if ((f->name = strdup(s)) == NULL || !f->edges || !f->cats)
            return CRM_ENOMEM;
    }
    return CRM_OK;
}

static crm_status load_bins(crm_tree_model *m, const tables *t,
                            const char *path, crm_error *err)
{
    const crm_table *te = crm_frame_table(t->edges);
    const crm_table *tc = crm_frame_table(t->cats);
    const crm_column *ef = crm_table_find(te, "feature");
    const crm_column *ev = crm_table_find(te, "edge");
    const crm_column *cf = crm_table_find(tc, "feature");
    const crm_column *cc = crm_table_find(tc, "code");
    const crm_column *cn = crm_table_find(tc, "category");
    if (!ef || !ev || !cf || !cc || !cn || cn->dict == NULL)
        return bad(path, "edges or categories table incomplete", err);
    for (size_t r = 0; r < te->nrows; r++) {
        const int64_t j = crm_column_get_i64(ef, r);
        if (j < 0 || (size_t)j >= m->d || m->feat[j].categorical ||
            m->feat[j].nedges >= CRM_DTREE_MAX_BINS - 1)
            return bad(path, "an edge of no numeric feature", err);
        m->feat[j].edges[m->feat[j].nedges++] = crm_column_get_f64(ev, r);
    }
    for (size_t r = 0; r < tc->nrows; r++) {
        const int64_t j = crm_column_get_i64(cf, r);
        const char *s = crm_column_dict_text(cn, crm_column_get_i64(cn, r));
        if (j < 0 || (size_t)j >= m->d || !m->feat[j].categorical ||
            s == NULL || crm_column_get_i64(cc, r) != (int64_t)m->feat[j].ncat ||
            m->feat[j].ncat >= CRM_DTREE_MAX_BINS)
            return bad(path, "a category out of order", err);
        if ((m->feat[j].cats[m->feat[j].ncat++] = strdup(s)) == NULL)
            return CRM_ENOMEM;
    }
    return CRM_OK;
}

static crm_status tree_alloc(const crm_tree_model *m, size_t nnodes,
                             crm_dtree_model **out)
{
    crm_dtree_model *tr = calloc(1, sizeof *tr);
    if (tr == NULL)
        return CRM_ENOMEM;
    *out = tr;
    tr->nnodes = nnodes;
    tr->d = m->d;
    tr->nodes = calloc(nnodes + 1, sizeof *tr->nodes);
    tr->nbins = malloc(m->d + 1);
    tr->categorical = malloc(m->d + 1);
    tr->importance = calloc(m->d + 1, sizeof *tr->importance);
    if (!tr->nodes || !tr->nbins || !tr->categorical || !tr->importance)
        return CRM_ENOMEM;
    for (size_t j = 0; j < m->d; j++) {
        const crm_tree_feature *f = &m->feat[j];
        const size_t nb = f->categorical ? f->ncat : f->nedges + 1;
        tr->nbins[j] = (uint8_t)(nb == 0 ? 1 : nb);
        tr->categorical[j] = (uint8_t)f->categorical;
    }
    return CRM_OK;
}

/* Node k of tree tr from row r of the nodes table, checked. */
static int fill_node(const crm_table *tn, size_t r, crm_dtree_model *tr,
                     size_t k)
{
    static const char *const names[] = {
        "feature", "left",   "right",  "parent", "depth",  "threshold",
        "missing_left", "categorical", "missing_seen", "count0", "count1",
        "cats0",   "cats1",  "cats2",  "cats3",  "prob",   "gain"};
    const crm_column *c[17];
    for (int i = 0; i < 17; i++)
        if ((c[i] = crm_table_find(tn, names[i])) == NULL)
            return 0;
    crm_dtree_node *nd = &tr->nodes[k];
    nd->feature = (int32_t)crm_column_get_i64(c[0], r);
    nd->left = (int32_t)crm_column_get_i64(c[1], r);
    nd->right = (int32_t)crm_column_get_i64(c[2], r);
    nd->parent = (int32_t)crm_column_get_i64(c[3], r);
    nd->depth = (int32_t)crm_column_get_i64(c[4], r);
    nd->threshold = (uint8_t)crm_column_get_i64(c[5], r);
    nd->missing_left = (uint8_t)crm_column_get_i64(c[6], r);
    nd->categorical = (uint8_t)crm_column_get_i64(c[7], r);
    nd->missing_seen = (uint8_t)crm_column_get_i64(c[8], r);
    nd->count[0] = crm_column_get_i64(c[9], r);
    nd->count[1] = crm_column_get_i64(c[10], r);
    for (int w = 0; w < 4; w++) {
        const int64_t v = crm_column_get_i64(c[11 + w], r);
        memcpy(&nd->cats[w], &v, sizeof v);
    }
    nd->prob = crm_column_get_f64(c[15], r);
    nd->gain = crm_column_get_f64(c[16], r);
    const int64_t n = (int64_t)tr->nnodes;
    if (nd->feature < 0)
        return nd->left == -1 && nd->right == -1;
    if (nd->feature >= (int32_t)tr->d || nd->left <= (int32_t)k ||
        nd->right <= (int32_t)k || nd->left >= n || nd->right >= n ||
        nd->categorical != tr->categorical[nd->feature] ||
        (!nd->categorical && nd->threshold >= tr->nbins[nd->feature]))
        return 0;
    tr->importance[nd->feature] += nd->gain;
    return 1;
}

static crm_status load_trees(crm_tree_model *m, const tables *t,
                             const char *path, crm_error *err)
{
    const crm_table *tn = crm_frame_table(t->nodes);
    const crm_column *tree = crm_table_find(tn, "tree");
    const crm_column *node = crm_table_find(tn, "node");
    if (tree == NULL || node == NULL || tn->nrows == 0)
        return bad(path, "/tree_nodes lacks tree or node", err);
    m->ntrees = (size_t)crm_column_get_i64(tree, tn->nrows - 1) + 1;
    if (m->ntrees > tn->nrows || (m->trees = calloc(m->ntrees,
                                                    sizeof *m->trees)) == NULL)
        return m->ntrees > tn->nrows ? bad(path, "tree numbers", err)
                                     : CRM_ENOMEM;
    size_t r = 0;
    for (size_t k = 0; k < m->ntrees; k++) {
        size_t end = r;
        while (end < tn->nrows && crm_column_get_i64(tree, end) == (int64_t)k)
            end++;
        crm_status rc = tree_alloc(m, end - r, &m->trees[k]);
        if (rc != CRM_OK || end == r)
            return rc != CRM_OK ? rc : bad(path, "an empty tree", err);
        for (size_t i = r; i < end; i++)
            if (crm_column_get_i64(node, i) != (int64_t)(i - r) ||
                !fill_node(tn, i, m->trees[k], i - r))
                return bad(path, "a node out of range", err);
        r = end;
    }
    return r == tn->nrows ? CRM_OK : bad(path, "trees out of order", err);
}

crm_status crm_tree_model_load(const char *path, crm_tree_model **out,
                               crm_error *err)
{
    crm_store *st = NULL;
    tables t = {0};
    crm_tree_model *m = calloc(1, sizeof *m);
    crm_status rc = m == NULL ? CRM_ENOMEM
                              : crm_store_open(path, H5P_DEFAULT, 0, &st, err);
    if (rc == CRM_OK && (!crm_store_has_table(st, "/tree_nodes") ||
                         !crm_store_has_table(st, "/tree_features")))
        rc = crm_error_set(err, CRM_EFORMAT, "%s: not a tree model (no "
                           "/tree_nodes and /tree_features)", path);
    if (rc == CRM_OK)
        rc = read_table(st, "/tree_nodes", &t.nodes, err);
    if (rc == CRM_OK)
        rc = read_table(st, "/tree_features", &t.features, err);
    if (rc == CRM_OK)
        rc = read_table(st, "/tree_edges", &t.edges, err);
    if (rc == CRM_OK)
        rc = read_table(st, "/tree_categories", &t.cats, err);
    if (rc == CRM_OK)
        rc = crm_store_get_attr_text(st, "/tree_nodes", "target", &m->target,
                                     err);
    if (rc == CRM_OK)
        rc = load_features(m, &t, path, err);
    if (rc == CRM_OK)
        rc = load_bins(m, &t, path, err);
    if (rc == CRM_OK)
        rc = load_trees(m, &t, path, err);
    crm_frame_free(t.cats);
    crm_frame_free(t.edges);
    crm_frame_free(t.features);
    crm_frame_free(t.nodes);
    crm_store_close(st);
    if (rc == CRM_OK)
        *out = m;
    else
        crm_tree_model_free(m);
    return rc;
}
