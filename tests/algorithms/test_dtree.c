/* tests/algorithms/test_dtree.c — tree growth: separable data, the naive
 * reference of ref/ (same tree, best categorical subset), categorical order,
 * missing routing, limits, subtraction against direct counts, and identical
 * models for any split of the rows over fake ranks and any thread count.
 * Fake ranks run in lockstep in one process: their histograms are summed as
 * the engine's allreduce would. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/dtree/dtree_int.h"
#include "ref/ref_comm.h"
#include "ref/ref_dtree.h"

#define MAXD 12
#define MAXRANKS 4

typedef struct data {
    size_t n, d;
    uint8_t *bins;   /* column-major n x d */
    uint8_t *labels;
    uint8_t nbins[MAXD], cat[MAXD];
} data;

static void set_threads(int t)
{
#ifdef _OPENMP
    omp_set_num_threads(t);
#else
    (void)t;
#endif
}

/* Random features (categorical where cat_mask has bit j), missing with
 * probability miss_pct %, label from a noisy rule on the first features. */
static data gen(uint64_t seed, size_t n, size_t d, unsigned cat_mask,
                int miss_pct)
{
    data x = {.n = n, .d = d};
    x.bins = malloc(n * d);
    x.labels = malloc(n);
    for (size_t j = 0; j < d; j++) {
        x.cat[j] = (cat_mask >> j) & 1u;
        x.nbins[j] = (uint8_t)ref_rand_range(&seed, x.cat[j] ? 2 : 1,
                                             x.cat[j] ? 8 : 40);
    }
    for (size_t i = 0; i < n; i++) {
        double score = 0;
        for (size_t j = 0; j < d; j++) {
            uint8_t b = (uint8_t)ref_rand_range(&seed, 0, x.nbins[j] - 1);
            score += j < 3 ? (x.cat[j] ? (b % 2) : (double)b / x.nbins[j])
                           : 0.0;
            if ((int)ref_rand_range(&seed, 0, 99) < miss_pct) {
                b = CRM_DTREE_MISSING;
                score += j == 0 ? 0.7 : 0.0;
            }
            x.bins[j * n + i] = b;
        }
        score += (double)ref_rand_range(&seed, 0, 1000) / 1000.0;
        x.labels[i] = score > 1.6;
    }
    return x;
}

static void free_data(data *x)
{
    free(x->bins);
    free(x->labels);
}

/* Rows [lo, hi) of x as a data set of their own. */
static data slice(const data *x, size_t lo, size_t hi)
{
    data s = *x;
    s.n = hi - lo;
    s.bins = malloc(s.n * s.d + 1);
    s.labels = malloc(s.n + 1);
    for (size_t j = 0; j < x->d; j++)
        memcpy(s.bins + j * s.n, x->bins + j * x->n + lo, s.n);
    memcpy(s.labels, x->labels + lo, s.n);
    return s;
}

/* The engine's loop over nranks fake ranks (contiguous row blocks); leaf
 * gets every row's final node. Every rank's model must be the same. */
static crm_dtree_model *fit_ranks(const data *x, const crm_dtree_params *p,
                                  int nranks, int32_t *leaf)
{
    crm_dtree_grower *g[MAXRANKS];
    data part[MAXRANKS];
    int32_t *node[MAXRANKS];
    for (int r = 0; r < nranks; r++) {
        part[r] = slice(x, x->n * (size_t)r / (size_t)nranks,
                        x->n * (size_t)(r + 1) / (size_t)nranks);
        node[r] = malloc((part[r].n + 1) * sizeof *node[r]);
        crm_dtree_rows_init(node[r], part[r].n);
        cr_assert_eq(crm_dtree_grower_create(p, x->d, x->nbins, x->cat, &g[r]),
                     CRM_OK);
    }
    while (!crm_dtree_done(g[0])) {
        const size_t len = crm_dtree_hist_len(g[0]);
        int64_t *sum = calloc(len, sizeof *sum), *h = malloc(len * 8);
        for (int r = 0; r < nranks; r++) {
            cr_assert_eq(crm_dtree_hist_len(g[r]), len);
            cr_assert_eq(crm_dtree_histograms(g[r], part[r].bins,
                                              part[r].labels, part[r].n,
                                              node[r], h),
                         CRM_OK);
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
    crm_dtree_model *m[MAXRANKS];
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
        free_data(&part[r]);
    }
    return m[0];
}

static crm_dtree_model *fit(const data *x, const crm_dtree_params *p)
{
    return fit_ranks(x, p, 1, NULL);
}

Test(dtree, fits_separable_data_perfectly)
{
    uint64_t seed = 7;
    data x = {.n = 2000, .d = 3, .nbins = {20, 4, 9}, .cat = {0, 1, 0}};
    x.bins = malloc(x.n * x.d);
    x.labels = malloc(x.n);
    for (size_t i = 0; i < x.n; i++) {
        for (size_t j = 0; j < x.d; j++)
            x.bins[j * x.n + i] =
                (uint8_t)ref_rand_range(&seed, 0, x.nbins[j] - 1);
        const uint8_t a = x.bins[i], c = x.bins[x.n + i];
        x.labels[i] = (a <= 6) != (c == 0 || c == 2);
    }
    const crm_dtree_params p = {.max_depth = 4};
    crm_dtree_model *m = fit(&x, &p);
    double *prob = malloc(x.n * sizeof *prob);
    cr_assert_eq(crm_dtree_predict(m, x.bins, x.n, prob, NULL), CRM_OK);
    for (size_t i = 0; i < x.n; i++)
        cr_assert_eq(prob[i] > 0.5, x.labels[i], "row %zu", i);
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].left < 0)
            cr_assert(m->nodes[i].count[0] == 0 || m->nodes[i].count[1] == 0);
    cr_assert_eq(m->importance[2], 0.0); /* the noise feature is unused */
    free(prob);
    crm_dtree_model_destroy(m);
    free_data(&x);
}

/* Same shape, splits and counts, node by node, as the reference. */
static void same_tree(const crm_dtree_model *m, int32_t a,
                      const ref_dtree *t, int32_t b)
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

Test(dtree, same_tree_as_bruteforce_reference)
{
    const crm_dtree_params ps[] = {
        {.max_depth = 5},
        {.criterion = CRM_DTREE_ENTROPY, .max_depth = 6,
         .min_samples_leaf = 7},
        {.max_depth = 4, .balanced = 1, .min_gain = 0.002},
        {.criterion = CRM_DTREE_ENTROPY, .max_depth = 3,
         .class_weight = {1.0, 3.5}},
    };
    int splits = 0;
    for (uint64_t seed = 1; seed <= 6; seed++)
        for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
            data x = gen(seed * 31 + k, 400 + 37 * seed, 5, 0, 10);
            crm_dtree_model *m = fit(&x, &ps[k]);
            ref_dtree t = ref_dtree_fit(x.bins, x.labels, x.n, x.d, x.nbins,
                                        &ps[k]);
            cr_assert_eq(m->nnodes, t.nnodes, "seed %d params %zu",
                         (int)seed, k);
            same_tree(m, 0, &t, 0);
            splits += (int)(m->nnodes / 2);
            ref_dtree_free(&t);
            crm_dtree_model_destroy(m);
            free_data(&x);
        }
    cr_assert_gt(splits, 100);
}

Test(dtree, categorical_split_is_the_best_subset)
{
    for (uint64_t seed = 1; seed <= 40; seed++) {
        data x = gen(seed, 300, 1, 1, (int)(seed % 3) * 8);
        const crm_dtree_params p = {.max_depth = 1,
                                    .criterion = (crm_dtree_criterion)(seed % 2),
                                    .balanced = seed % 4 == 1};
        crm_dtree_model *m = fit(&x, &p);
        const double best = ref_dtree_best_subset_gain(x.bins, x.labels, x.n,
                                                       x.nbins[0], &p);
        cr_assert_float_eq(m->nodes[0].gain, best > 1e-12 ? best : 0.0,
                           1e-12, "seed %d", (int)seed);
        crm_dtree_model_destroy(m);
        free_data(&x);
    }
}

/* Category c has n_c rows of which ones_c are 1. */
static data categories(const int *n_c, const int *ones_c, size_t ncat)
{
    size_t n = 0;
    for (size_t c = 0; c < ncat; c++)
        n += (size_t)n_c[c];
    data x = {.n = n, .d = 1, .nbins = {(uint8_t)ncat}, .cat = {1}};
    x.bins = malloc(n);
    x.labels = malloc(n);
    size_t i = 0;
    for (size_t c = 0; c < ncat; c++)
        for (int k = 0; k < n_c[c]; k++, i++) {
            x.bins[i] = (uint8_t)c;
            x.labels[i] = k < ones_c[c];
        }
    return x;
}

Test(dtree, categorical_split_orders_categories_by_target_rate)
{
    /* rates 0.9, 0.1, 0.8, 0.2, 0.15: ascending order 1, 4, 3, 2, 0 */
    const int n_c[] = {100, 100, 100, 100, 20}, ones[] = {90, 10, 80, 20, 3};
    data x = categories(n_c, ones, 5);
    const crm_dtree_params p = {.max_depth = 1};
    crm_dtree_model *m = fit(&x, &p);
    const crm_dtree_node *r = &m->nodes[0];
    cr_assert_eq(r->feature, 0);
    cr_assert_eq(r->categorical, 1);
    cr_assert_eq(r->cats[0] & 0x1f, (1u << 1) | (1u << 3) | (1u << 4));
    /* no missing rows: the larger child (220 vs 200 rows) takes missing and
     * unseen codes */
    cr_assert_eq(r->missing_left, 1);
    cr_assert_eq(r->missing_seen, 0);
    cr_assert_eq(r->cats[3] >> 62, 1); /* code 254 */
    cr_assert_eq(r->cats[0] >> 5 & 1, 1); /* code 5, never seen */
    crm_dtree_model_destroy(m);
    free_data(&x);
}

Test(dtree, rare_categories_stay_right)
{
    /* as above, but category 4 (20 rows) is below min_category_rows = 50:
     * the ordered search sees 1, 3, 2, 0 only, its best prefix {1, 3}
     * goes left and 4 goes right with 2 and 0 (220 rows against 200, so
     * the right also takes missing and unseen codes) */
    const int n_c[] = {100, 100, 100, 100, 20}, ones[] = {90, 10, 80, 20, 3};
    data x = categories(n_c, ones, 5);
    const crm_dtree_params p = {.max_depth = 1, .min_category_rows = 50};
    crm_dtree_model *m = fit(&x, &p);
    const crm_dtree_node *r = &m->nodes[0];
    cr_assert_eq(r->feature, 0);
    cr_assert_eq(r->cats[0], (1u << 1) | (1u << 3));
    cr_assert_eq(r->cats[1] | r->cats[2] | r->cats[3], 0);
    cr_assert_eq(r->missing_left, 0);
    cr_assert_eq(r->count[0] + r->count[1], 420);
    cr_assert_eq(m->nodes[r->left].count[1], 30);
    cr_assert_eq(m->nodes[r->right].count[1], 173);
    const crm_dtree_params bad = {.min_category_rows = -1};
    crm_dtree_grower *g = NULL;
    cr_assert_eq(crm_dtree_grower_create(&bad, 1, x.nbins, x.cat, &g),
                 CRM_EINVAL);
    crm_dtree_model_destroy(m);
    free_data(&x);
}

/* x0 in 10 bins, label 1 iff x0 <= 4; missing rows labelled miss_label. */
static data missing_data(uint8_t miss_label)
{
    data x = {.n = 1100, .d = 1, .nbins = {10}, .cat = {0}};
    x.bins = malloc(x.n);
    x.labels = malloc(x.n);
    for (size_t i = 0; i < x.n; i++) {
        x.bins[i] = i < 1000 ? (uint8_t)(i % 10) : CRM_DTREE_MISSING;
        x.labels[i] = i < 1000 ? x.bins[i] <= 4 : miss_label;
    }
    return x;
}

Test(dtree, missing_values_follow_the_learned_side)
{
    for (uint8_t y = 0; y <= 1; y++) {
        data x = missing_data(y);
        const crm_dtree_params p = {.max_depth = 1};
        crm_dtree_model *m = fit(&x, &p);
        cr_assert_eq(m->nodes[0].threshold, 4);
        cr_assert_eq(m->nodes[0].missing_left, y);
        cr_assert_eq(m->nodes[0].missing_seen, 1);
        const uint8_t row[1] = {CRM_DTREE_MISSING};
        double prob;
        cr_assert_eq(crm_dtree_predict(m, row, 1, &prob, NULL), CRM_OK);
        cr_assert_eq(prob > 0.5, y);
        crm_dtree_model_destroy(m);
        free_data(&x);
    }
}

Test(dtree, missing_without_training_rows_follows_larger_child)
{
    data x = missing_data(0);
    x.n = 1000; /* drop the missing rows; 1 iff x0 <= 2 */
    for (size_t i = 0; i < x.n; i++)
        x.labels[i] = x.bins[i] <= 2;
    const crm_dtree_params p = {.max_depth = 1};
    crm_dtree_model *m = fit(&x, &p);
    cr_assert_eq(m->nodes[0].threshold, 2);
    cr_assert_eq(m->nodes[0].missing_left, 0); /* 300 left, 700 right */
    crm_dtree_model_destroy(m);
    free_data(&x);
}

static int max_depth_of(const crm_dtree_model *m)
{
    int d = 0;
    for (size_t i = 0; i < m->nnodes; i++)
        d = m->nodes[i].depth > d ? m->nodes[i].depth : d;
    return d;
}

static int64_t min_leaf(const crm_dtree_model *m)
{
    int64_t k = INT64_MAX;
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].left < 0 &&
            m->nodes[i].count[0] + m->nodes[i].count[1] < k)
            k = m->nodes[i].count[0] + m->nodes[i].count[1];
    return k;
}

Test(dtree, limits_are_respected)
{
    data x = gen(99, 3000, 6, 0x4, 5);
    const crm_dtree_params loose = {.max_depth = 12};
    crm_dtree_model *m = fit(&x, &loose);
    cr_assert_lt(min_leaf(m), 30); /* so the limits below do bite */
    cr_assert_gt(max_depth_of(m), 4);
    double smallest = INFINITY;
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].left >= 0 && m->nodes[i].gain < smallest)
            smallest = m->nodes[i].gain;
    crm_dtree_model_destroy(m);

    const crm_dtree_params tight = {.max_depth = 4, .min_samples_leaf = 30,
                                    .min_gain = smallest * 4};
    m = fit(&x, &tight);
    cr_assert_geq(min_leaf(m), 30);
    cr_assert_leq(max_depth_of(m), 4);
    cr_assert_gt(m->nnodes, 1);
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].left >= 0)
            cr_assert_geq(m->nodes[i].gain, tight.min_gain);
    crm_dtree_model_destroy(m);

    const crm_dtree_params none = {.min_gain = 1.0};
    m = fit(&x, &none);
    cr_assert_eq(m->nnodes, 1);
    crm_dtree_model_destroy(m);
    free_data(&x);
}

Test(dtree, subtraction_equals_direct_count)
{
    data x = gen(5, 2500, 5, 0x2, 8);
    const crm_dtree_params p = {.max_depth = 6};
    crm_dtree_grower *g;
    cr_assert_eq(crm_dtree_grower_create(&p, x.d, x.nbins, x.cat, &g), CRM_OK);
    int32_t *node = malloc(x.n * sizeof *node);
    crm_dtree_rows_init(node, x.n);
    size_t derived = 0, nb = 0;
    for (size_t j = 0; j < x.d; j++)
        nb += (size_t)x.nbins[j] + 1;
    int64_t *direct = malloc(2 * nb * sizeof *direct);
    while (!crm_dtree_done(g)) {
        const size_t len = crm_dtree_hist_len(g);
        int64_t *h = malloc(len * sizeof *h);
        cr_assert_eq(crm_dtree_histograms(g, x.bins, x.labels, x.n, node, h),
                     CRM_OK);
        derived += g->nopen - len / (2 * nb);
        cr_assert_eq(crm_dtree_level_finish(g, h), CRM_OK);
        const int32_t *ids;
        const int64_t *hists;
        const size_t nopen = dtree_debug_level(g, &ids, &hists);
        for (size_t k = 0; k < nopen; k++) {
            ref_dtree_hist(x.bins, x.labels, x.n, x.d, x.nbins, node, ids[k],
                           direct);
            cr_assert_arr_eq(hists + k * 2 * nb, direct, 2 * nb * 8,
                             "node %d", ids[k]);
        }
        cr_assert_eq(crm_dtree_partition(g, x.bins, x.n, node), CRM_OK);
        free(h);
    }
    cr_assert_gt(derived, 5);
    free(direct);
    free(node);
    crm_dtree_grower_destroy(g);
    free_data(&x);
}

Test(dtree, identical_model_for_any_rank_and_thread_count)
{
    data x = gen(2024, 6000, 8, 0x24, 6);
    const crm_dtree_params p = {.max_depth = 8, .min_samples_leaf = 3,
                                .balanced = 1};
    int32_t *leaf0 = malloc(x.n * sizeof *leaf0);
    int32_t *leaf = malloc(x.n * sizeof *leaf);
    set_threads(1);
    crm_dtree_model *m0 = fit_ranks(&x, &p, 1, leaf0);
    cr_assert_gt(m0->nnodes, 40);
    for (int ranks = 1; ranks <= MAXRANKS; ranks++) {
        set_threads(ranks == 1 ? 4 : ranks);
        crm_dtree_model *m = fit_ranks(&x, &p, ranks, leaf);
        cr_assert_eq(m->nnodes, m0->nnodes);
        cr_assert_arr_eq(m->nodes, m0->nodes, m0->nnodes * sizeof *m->nodes);
        cr_assert_arr_eq(m->importance, m0->importance,
                         x.d * sizeof *m->importance);
        cr_assert_arr_eq(leaf, leaf0, x.n * sizeof *leaf);
        crm_dtree_model_destroy(m);
    }
    /* predict agrees with the training partition */
    cr_assert_eq(crm_dtree_predict(m0, x.bins, x.n, NULL, leaf), CRM_OK);
    cr_assert_arr_eq(leaf, leaf0, x.n * sizeof *leaf);
    set_threads(1);
    crm_dtree_model_destroy(m0);
    free(leaf);
    free(leaf0);
    free_data(&x);
}

Test(dtree, importance_is_total_gain_per_feature)
{
    data x = gen(11, 1500, 4, 0x1, 4);
    const crm_dtree_params p = {.max_depth = 5};
    crm_dtree_model *m = fit(&x, &p);
    double want[MAXD] = {0};
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].feature >= 0)
            want[m->nodes[i].feature] += m->nodes[i].gain;
    cr_assert_arr_eq(m->importance, want, x.d * sizeof *want);
    cr_assert_gt(m->importance[0] + m->importance[1], 0.0);
    crm_dtree_model_destroy(m);
    free_data(&x);
}
