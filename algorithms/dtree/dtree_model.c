/* algorithms/dtree/dtree_model.c — the trained model: a copy of the grown
 * nodes, feature importance and prediction.
 *
 * The model owns its arrays; crm_dtree_model_destroy frees them. Importance
 * adds each internal node's gain to its feature in node id order, so it is
 * the same on every rank. Prediction walks each row from the root; threads
 * split rows and write disjoint outputs. */
#include "algorithms/dtree/dtree_int.h"

#include <stdlib.h>
#include <string.h>

crm_status crm_dtree_model_create(const crm_dtree_grower *g,
                                  crm_dtree_model **out)
{
    crm_dtree_model *m = NULL;
    crm_status rc = CRM_EINVAL;
    if (!g || !g->done || !out)
        goto done;
    rc = CRM_ENOMEM;
    if (!(m = calloc(1, sizeof *m)))
        goto done;
    m->nodes = malloc(g->nnodes * sizeof *m->nodes);
    m->nbins = malloc(g->d);
    m->categorical = malloc(g->d);
    m->importance = calloc(g->d, sizeof *m->importance);
    if (!m->nodes || !m->nbins || !m->categorical || !m->importance)
        goto done;
    m->nnodes = g->nnodes;
    m->d = g->d;
    memcpy(m->nodes, g->nodes, g->nnodes * sizeof *m->nodes);
    memcpy(m->nbins, g->nbins, g->d);
    memcpy(m->categorical, g->categorical, g->d);
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].feature >= 0)
            m->importance[m->nodes[i].feature] += m->nodes[i].gain;
    *out = m;
    m = NULL;
    rc = CRM_OK;
done:
    crm_dtree_model_destroy(m);
    return rc;
}

void crm_dtree_model_destroy(crm_dtree_model *m)
{
    if (!m)
        return;
    free(m->importance);
    free(m->categorical);
    free(m->nbins);
    free(m->nodes);
    free(m);
}

crm_status crm_dtree_predict(const crm_dtree_model *m, const uint8_t *bins,
                             size_t n, double *prob, int32_t *leaf)
{
    if (!m || !m->nodes || m->nnodes == 0 || (n > 0 && !bins))
        return CRM_EINVAL;
#pragma omp parallel for schedule(static) if (n >= DTREE_PARALLEL_MIN)
    for (size_t i = 0; i < n; i++) {
        int32_t id = 0;
        const crm_dtree_node *nd = &m->nodes[0];
        while (nd->left >= 0) {
            id = dtree_goes_left(nd, bins[(size_t)nd->feature * n + i])
                     ? nd->left
                     : nd->right;
            nd = &m->nodes[id];
        }
        if (prob)
            prob[i] = nd->prob;
        if (leaf)
            leaf[i] = id;
    }
    return CRM_OK;
}
