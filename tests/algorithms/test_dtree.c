/* tests/algorithms/test_dtree.c — tree growth: separable data, the naive
 * reference of ref/ (same tree, best categorical subset), categorical order,
 * missing routing, limits, subtraction against direct counts, and identical
 * models for any split of the rows over fake ranks and any thread count.
 * Fake ranks run in lockstep in one process: their histograms are summed as
 * the engine's allreduce would. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "algorithms/dtree/dtree_int.h"
#include "dtree_testdata.h"
#include "ref/ref_comm.h"
#include "ref/ref_dtree.h"

/* Random features (categorical where cat_mask has bit j), missing with
 * probability miss_pct % (a missing feature 0 adds 0.7 to the score), label
 * from a noisy rule on the first features. */
static dtree_data gen(uint64_t seed, size_t n, size_t d, unsigned cat_mask,
                      int miss_pct)
{
    const dtree_gen_spec s = {.n = n, .d = d, .cat_mask = cat_mask,
                              .cat_bins_max = 8, .num_bins_max = 40,
                              .miss_pct = miss_pct, .miss_score = 0.7,
                              .cut = 1.6};
    return dtree_data_gen(seed, &s);
}

Test(dtree, fits_separable_data_perfectly)
{
    uint64_t seed = 7;
    dtree_data x = {.n = 2000, .d = 3, .nbins = {20, 4, 9}, .cat = {0, 1, 0}};
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
    crm_dtree_model *m = dtree_fit(&x, &p);
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
    dtree_data_free(&x);
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
            dtree_data x = gen(seed * 31 + k, 400 + 37 * seed, 5, 0, 10);
            splits += dtree_match_reference(&x, &ps[k], (int)seed, k);
            dtree_data_free(&x);
        }
    cr_assert_gt(splits, 100);
}

Test(dtree, categorical_split_is_the_best_subset)
{
    for (uint64_t seed = 1; seed <= 40; seed++) {
        dtree_data x = gen(seed, 300, 1, 1, (int)(seed % 3) * 8);
        const crm_dtree_params p = {.max_depth = 1,
                                    .criterion = (crm_dtree_criterion)(seed % 2),
                                    .balanced = seed % 4 == 1};
        crm_dtree_model *m = dtree_fit(&x, &p);
        const double best = ref_dtree_best_subset_gain(x.bins, x.labels, x.n,
                                                       x.nbins[0], &p);
        cr_assert_float_eq(m->nodes[0].gain, best > 1e-12 ? best : 0.0,
                           1e-12, "seed %d", (int)seed);
        crm_dtree_model_destroy(m);
        dtree_data_free(&x);
    }
}

/* Category c has n_c rows of which ones_c are 1. */
static dtree_data categories(const int *n_c, const int *ones_c, size_t ncat)
{
    size_t n = 0;
    for (size_t c = 0; c < ncat; c++)
        n += (size_t)n_c[c];
    dtree_data x = {.n = n, .d = 1, .nbins = {(uint8_t)ncat}, .cat = {1}};
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
    dtree_data x = categories(n_c, ones, 5);
    const crm_dtree_params p = {.max_depth = 1};
    crm_dtree_model *m = dtree_fit(&x, &p);
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
    dtree_data_free(&x);
}

Test(dtree, rare_categories_stay_right)
{
    /* as above, but category 4 (20 rows) is below min_category_rows = 50:
     * the ordered search sees 1, 3, 2, 0 only, its best prefix {1, 3}
     * goes left and 4 goes right with 2 and 0 (220 rows against 200, so
     * the right also takes missing and unseen codes) */
    const int n_c[] = {100, 100, 100, 100, 20}, ones[] = {90, 10, 80, 20, 3};
    dtree_data x = categories(n_c, ones, 5);
    const crm_dtree_params p = {.max_depth = 1, .min_category_rows = 50};
    crm_dtree_model *m = dtree_fit(&x, &p);
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
    dtree_data_free(&x);
}

/* x0 in 10 bins, label 1 iff x0 <= 4; missing rows labelled miss_label. */
static dtree_data missing_data(uint8_t miss_label)
{
    dtree_data x = {.n = 1100, .d = 1, .nbins = {10}, .cat = {0}};
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
        dtree_data x = missing_data(y);
        const crm_dtree_params p = {.max_depth = 1};
        crm_dtree_model *m = dtree_fit(&x, &p);
        cr_assert_eq(m->nodes[0].threshold, 4);
        cr_assert_eq(m->nodes[0].missing_left, y);
        cr_assert_eq(m->nodes[0].missing_seen, 1);
        const uint8_t row[1] = {CRM_DTREE_MISSING};
        double prob;
        cr_assert_eq(crm_dtree_predict(m, row, 1, &prob, NULL), CRM_OK);
        cr_assert_eq(prob > 0.5, y);
        crm_dtree_model_destroy(m);
        dtree_data_free(&x);
    }
}

Test(dtree, missing_without_training_rows_follows_larger_child)
{
    dtree_data x = missing_data(0);
    x.n = 1000; /* drop the missing rows; 1 iff x0 <= 2 */
    for (size_t i = 0; i < x.n; i++)
        x.labels[i] = x.bins[i] <= 2;
    const crm_dtree_params p = {.max_depth = 1};
    crm_dtree_model *m = dtree_fit(&x, &p);
    cr_assert_eq(m->nodes[0].threshold, 2);
    cr_assert_eq(m->nodes[0].missing_left, 0); /* 300 left, 700 right */
    crm_dtree_model_destroy(m);
    dtree_data_free(&x);
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
    dtree_data x = gen(99, 3000, 6, 0x4, 5);
    const crm_dtree_params loose = {.max_depth = 12};
    crm_dtree_model *m = dtree_fit(&x, &loose);
    cr_assert_lt(min_leaf(m), 30); /* so the limits below do bite */
    cr_assert_gt(max_depth_of(m), 4);
    double smallest = INFINITY;
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].left >= 0 && m->nodes[i].gain < smallest)
            smallest = m->nodes[i].gain;
    crm_dtree_model_destroy(m);

    const crm_dtree_params tight = {.max_depth = 4, .min_samples_leaf = 30,
                                    .min_gain = smallest * 4};
    m = dtree_fit(&x, &tight);
    cr_assert_geq(min_leaf(m), 30);
    cr_assert_leq(max_depth_of(m), 4);
    cr_assert_gt(m->nnodes, 1);
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].left >= 0)
            cr_assert_geq(m->nodes[i].gain, tight.min_gain);
    crm_dtree_model_destroy(m);

    const crm_dtree_params none = {.min_gain = 1.0};
    m = dtree_fit(&x, &none);
    cr_assert_eq(m->nnodes, 1);
    crm_dtree_model_destroy(m);
    dtree_data_free(&x);
}

Test(dtree, subtraction_equals_direct_count)
{
    dtree_data x = gen(5, 2500, 5, 0x2, 8);
    const crm_dtree_params p = {.max_depth = 6};
    crm_dtree_grower *g;
    cr_assert_eq(crm_dtree_grower_create(&p, x.d, x.nbins, x.cat, &g), CRM_OK);
    int32_t *node = malloc(x.n * sizeof *node);
    crm_dtree_rows_init(node, x.n);
    size_t derived = 0;
    const size_t nb = dtree_hist_bins(&x);
    int64_t *direct = malloc(2 * nb * sizeof *direct);
    while (!crm_dtree_done(g)) {
        const size_t len = crm_dtree_hist_len(g);
        int64_t *h = malloc(len * sizeof *h);
        cr_assert_eq(crm_dtree_histograms(g, x.bins, x.labels, x.n, node, h),
                     CRM_OK);
        derived += g->nopen - len / (2 * nb);
        cr_assert_eq(crm_dtree_level_finish(g, h), CRM_OK);
        dtree_check_level(g, &x, node, nb, direct);
        cr_assert_eq(crm_dtree_partition(g, x.bins, x.n, node), CRM_OK);
        free(h);
    }
    cr_assert_gt(derived, 5);
    free(direct);
    free(node);
    crm_dtree_grower_destroy(g);
    dtree_data_free(&x);
}

Test(dtree, identical_model_for_any_rank_and_thread_count)
{
    dtree_data x = gen(2024, 6000, 8, 0x24, 6);
    const crm_dtree_params p = {.max_depth = 8, .min_samples_leaf = 3,
                                .balanced = 1};
    /* 1 to 4 ranks, as many threads (4 on one rank) */
    const dtree_run runs[] = {{1, 4}, {2, 2}, {3, 3}, {4, 4}};
    dtree_check_runs(&x, &p, 40, runs, sizeof runs / sizeof runs[0]);
    dtree_data_free(&x);
}

Test(dtree, importance_is_total_gain_per_feature)
{
    dtree_data x = gen(11, 1500, 4, 0x1, 4);
    const crm_dtree_params p = {.max_depth = 5};
    crm_dtree_model *m = dtree_fit(&x, &p);
    double want[DTREE_TEST_MAXD] = {0};
    for (size_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i].feature >= 0)
            want[m->nodes[i].feature] += m->nodes[i].gain;
    cr_assert_arr_eq(m->importance, want, x.d * sizeof *want);
    cr_assert_gt(m->importance[0] + m->importance[1], 0.0);
    crm_dtree_model_destroy(m);
    dtree_data_free(&x);
}
