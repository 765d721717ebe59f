/* tests/algorithms/dtree_testdata.c — see dtree_testdata.h. */
#include "dtree_testdata.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "ref/ref_comm.h"
#include "ref/ref_dtree.h"

dtree_data dtree_data_gen(uint64_t seed, const dtree_gen_spec *s)
{
    const size_t n = s->n, d = s->d;
    cr_assert(d <= DTREE_TEST_MAXD);
    dtree_data x = {.n = n, .d = d};
    x.bins = malloc(n * d);
    x.labels = malloc(n);
    x.weights = s->max_w ? malloc(n) : NULL;
    for (size_t j = 0; j < d; j++) {
        x.cat[j] = (s->cat_mask >> j) & 1u;
        const int hi = x.cat[j] ? s->cat_bins_max : s->num_bins_max;
        x.nbins[j] = (uint8_t)ref_rand_range(&seed, x.cat[j] ? 2 : 1, hi);
    }
    for (size_t i = 0; i < n; i++) {
        double score = 0;
        for (size_t j = 0; j < d; j++) {
            uint8_t b = (uint8_t)ref_rand_range(&seed, 0, x.nbins[j] - 1);
            score += j < 3 ? (x.cat[j] ? (b % 2) : (double)b / x.nbins[j])
                           : 0.0;
            if ((int)ref_rand_range(&seed, 0, 99) < s->miss_pct) {
                b = CRM_DTREE_MISSING;
                score += j == 0 ? s->miss_score : 0.0;
            }
            x.bins[j * n + i] = b;
        }
        score += (double)ref_rand_range(&seed, 0, 1000) / 1000.0;
        x.labels[i] = score > s->cut;
        if (s->max_w)
            x.weights[i] = (uint8_t)ref_rand_range(&seed, 0, s->max_w);
    }
    return x;
}

void dtree_data_free(dtree_data *x)
{
    free(x->bins);
    free(x->labels);
    free(x->weights);
}

dtree_data dtree_data_slice(const dtree_data *x, size_t lo, size_t hi)
{
    dtree_data s = *x;
    s.n = hi - lo;
    s.bins = malloc(s.n * s.d + 1);
    s.labels = malloc(s.n + 1);
    s.weights = x->weights ? malloc(s.n + 1) : NULL;
    for (size_t j = 0; j < x->d; j++)
        memcpy(s.bins + j * s.n, x->bins + j * x->n + lo, s.n);
    memcpy(s.labels, x->labels + lo, s.n);
    if (x->weights)
        memcpy(s.weights, x->weights + lo, s.n);
    return s;
}

void dtree_set_threads(int t)
{
#ifdef _OPENMP
    omp_set_num_threads(t);
#else
    (void)t;
#endif
}

/* One rank's histograms: the unweighted entry point for unweighted rows. */
static void rank_histograms(const crm_dtree_grower *g, const dtree_data *part,
                            const int32_t *node, int64_t *h)
{
    if (part->weights)
        cr_assert_eq(crm_dtree_histograms_weighted(g, part->bins,
                                                   part->labels, part->weights,
                                                   part->n, node, h),
                     CRM_OK);
    else
        cr_assert_eq(crm_dtree_histograms(g, part->bins, part->labels,
                                          part->n, node, h),
                     CRM_OK);
}

/* One level on every fake rank: histograms summed as the engine's
 * allreduce would, then level_finish and partition. */
static void step_ranks(crm_dtree_grower **g, const dtree_data *part,
                       int32_t **node, int nranks)
{
    const size_t len = crm_dtree_hist_len(g[0]);
    int64_t *sum = calloc(len + 1, sizeof *sum);
    int64_t *h = malloc((len + 1) * sizeof *h);
    for (int r = 0; r < nranks; r++) {
        cr_assert_eq(crm_dtree_hist_len(g[r]), len);
        rank_histograms(g[r], &part[r], node[r], h);
        for (size_t k = 0; k < len; k++)
            sum[k] += h[k];
    }
    for (int r = 0; r < nranks; r++) {
        cr_assert_eq(crm_dtree_level_finish(g[r], sum), CRM_OK);
        cr_assert_eq(crm_dtree_partition(g[r], part[r].bins, part[r].n,
                                         node[r]),
                     CRM_OK);
        cr_assert_eq(crm_dtree_done(g[r]), crm_dtree_done(g[0]));
    }
    free(sum);
    free(h);
}

crm_dtree_model *dtree_fit_ranks(const dtree_data *x,
                                 const crm_dtree_params *p, int nranks,
                                 int threads, int32_t *leaf)
{
    cr_assert(nranks >= 1 && nranks <= DTREE_TEST_MAXRANKS);
    if (threads > 0)
        dtree_set_threads(threads);
    crm_dtree_grower *g[DTREE_TEST_MAXRANKS];
    dtree_data part[DTREE_TEST_MAXRANKS];
    int32_t *node[DTREE_TEST_MAXRANKS];
    for (int r = 0; r < nranks; r++) {
        part[r] = dtree_data_slice(x, x->n * (size_t)r / (size_t)nranks,
                                   x->n * (size_t)(r + 1) / (size_t)nranks);
        node[r] = malloc((part[r].n + 1) * sizeof *node[r]);
        crm_dtree_rows_init(node[r], part[r].n);
        cr_assert_eq(crm_dtree_grower_create(p, x->d, x->nbins, x->cat, &g[r]),
                     CRM_OK);
    }
    while (!crm_dtree_done(g[0]))
        step_ranks(g, part, node, nranks);
    crm_dtree_model *m[DTREE_TEST_MAXRANKS];
    size_t row = 0;
    for (int r = 0; r < nranks; r++) {
        cr_assert_eq(crm_dtree_model_create(g[r], &m[r]), CRM_OK);
        cr_assert_eq(m[r]->nnodes, m[0]->nnodes);
        cr_assert_arr_eq(m[r]->nodes, m[0]->nodes,
                         m[0]->nnodes * sizeof *m[0]->nodes);
        if (leaf)
            memcpy(leaf + row, node[r], part[r].n * sizeof *leaf);
        row += part[r].n;
        if (r > 0)
            crm_dtree_model_destroy(m[r]);
        crm_dtree_grower_destroy(g[r]);
        free(node[r]);
        dtree_data_free(&part[r]);
    }
    return m[0];
}

crm_dtree_model *dtree_fit(const dtree_data *x, const crm_dtree_params *p)
{
    return dtree_fit_ranks(x, p, 1, 0, NULL);
}

void dtree_same_model(const crm_dtree_model *a, const crm_dtree_model *b)
{
    cr_assert_eq(a->nnodes, b->nnodes);
    cr_assert_arr_eq(a->nodes, b->nodes, a->nnodes * sizeof *a->nodes);
    cr_assert_arr_eq(a->importance, b->importance,
                     a->d * sizeof *a->importance);
}

/* Same shape, splits and counts, node by node, as the reference. */
static void same_tree(const crm_dtree_model *m, int32_t a, const ref_dtree *t,
                      int32_t b)
{
    const crm_dtree_node *u = &m->nodes[a];
    const ref_dtree_node *v = &t->nodes[b];
    cr_assert_eq(u->count[0], v->count[0], "node %d", a);
    cr_assert_eq(u->count[1], v->count[1], "node %d", a);
    cr_assert_eq(u->feature, v->feature, "node %d", a);
    if (u->feature < 0)
        return;
    cr_assert_eq(u->threshold, v->threshold, "node %d", a);
    cr_assert_eq(u->missing_left, v->missing_left, "node %d", a);
    cr_assert_float_eq(u->gain, v->gain, 1e-12, "node %d", a);
    same_tree(m, u->left, t, v->left);
    same_tree(m, u->right, t, v->right);
}

void dtree_check_runs(const dtree_data *x, const crm_dtree_params *p,
                      size_t min_nodes, const dtree_run *runs, size_t nruns)
{
    int32_t *leaf0 = malloc(x->n * sizeof *leaf0);
    int32_t *leaf = malloc(x->n * sizeof *leaf);
    crm_dtree_model *m0 = dtree_fit_ranks(x, p, 1, 1, leaf0);
    cr_assert_gt(m0->nnodes, min_nodes);
    for (size_t k = 0; k < nruns; k++) {
        crm_dtree_params pk = *p; /* the histograms cut for these threads */
        pk.threads = runs[k].threads;
        crm_dtree_model *m = dtree_fit_ranks(x, &pk, runs[k].nranks,
                                             runs[k].threads, leaf);
        dtree_same_model(m, m0);
        cr_assert_arr_eq(leaf, leaf0, x->n * sizeof *leaf);
        crm_dtree_model_destroy(m);
    }
    /* predict agrees with the training partition */
    cr_assert_eq(crm_dtree_predict(m0, x->bins, x->n, NULL, leaf), CRM_OK);
    cr_assert_arr_eq(leaf, leaf0, x->n * sizeof *leaf);
    dtree_set_threads(1);
    crm_dtree_model_destroy(m0);
    free(leaf);
    free(leaf0);
}

int dtree_match_reference(const dtree_data *x, const crm_dtree_params *p,
                          int seed, size_t k)
{
    crm_dtree_model *m = dtree_fit(x, p);
    ref_dtree t = x->weights ? ref_dtree_fit_weighted(x->bins, x->labels,
                                                      x->weights, x->n, x->d,
                                                      x->nbins, p)
                             : ref_dtree_fit(x->bins, x->labels, x->n, x->d,
                                             x->nbins, p);
    cr_assert_eq(m->nnodes, t.nnodes, "seed %d params %zu", seed, k);
    same_tree(m, 0, &t, 0);
    const int splits = (int)(m->nnodes / 2);
    ref_dtree_free(&t);
    crm_dtree_model_destroy(m);
    return splits;
}

size_t dtree_hist_bins(const dtree_data *x)
{
    size_t nb = 0;
    for (size_t j = 0; j < x->d; j++)
        nb += (size_t)x->nbins[j] + 1;
    return nb;
}

void dtree_check_level(const crm_dtree_grower *g, const dtree_data *r,
                       const int32_t *nr, size_t nb, int64_t *direct)
{
    const int32_t *ids;
    const int64_t *hists;
    const size_t nopen = dtree_debug_level(g, &ids, &hists);
    for (size_t k = 0; k < nopen; k++) {
        ref_dtree_hist(r->bins, r->labels, r->n, r->d, r->nbins, nr, ids[k],
                       direct);
        cr_assert_arr_eq(hists + k * 2 * nb, direct, 2 * nb * 8, "node %d",
                         ids[k]);
    }
}
