/* tests/algorithms/test_dtree_forest.c — the random-forest support of the
 * dtree kernel: sample-weighted histograms (against the same rows repeated,
 * and the weighted brute-force reference), out-of-bag rows, per-node feature
 * subsets (recomputed here from the rule documented in dtree.h), Poisson(1)
 * bootstrap weights, and identical trees for any split of the rows over
 * fake ranks and any thread count. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/dtree/dtree_int.h"
#include "core/rng.h"
#include "dtree_testdata.h"
#include "ref/ref_comm.h"

/* Random features (categorical where cat_mask has bit j), 5% missing, a
 * noisy label from the first three features, weights 0..max_w (none when
 * max_w is 0). */
static dtree_data gen(uint64_t seed, size_t n, size_t d, unsigned cat_mask,
                      int max_w)
{
    const dtree_gen_spec s = {.n = n, .d = d, .cat_mask = cat_mask,
                              .cat_bins_max = 6, .num_bins_max = 30,
                              .miss_pct = 5, .cut = 1.5, .max_w = max_w};
    return dtree_data_gen(seed, &s);
}

/* x with row i repeated weights[i] times, unweighted. */
static dtree_data repeat_rows(const dtree_data *x)
{
    dtree_data r = *x;
    r.n = 0;
    for (size_t i = 0; i < x->n; i++)
        r.n += x->weights[i];
    r.bins = malloc(r.n * r.d + 1);
    r.labels = malloc(r.n + 1);
    r.weights = NULL;
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++)
        for (int w = 0; w < x->weights[i]; w++, k++) {
            for (size_t j = 0; j < x->d; j++)
                r.bins[j * r.n + k] = x->bins[j * x->n + i];
            r.labels[k] = x->labels[i];
        }
    return r;
}

Test(dtree_forest, weighted_histograms_equal_repeated_rows)
{
    dtree_data x = gen(3, 1500, 5, 0x2, 3);
    dtree_data r = repeat_rows(&x);
    const crm_dtree_params p = {.max_depth = 6, .min_samples_leaf = 4};
    crm_dtree_grower *gw, *gr;
    cr_assert_eq(crm_dtree_grower_create(&p, x.d, x.nbins, x.cat, &gw), CRM_OK);
    cr_assert_eq(crm_dtree_grower_create(&p, r.d, r.nbins, r.cat, &gr), CRM_OK);
    int32_t *nw = malloc(x.n * sizeof *nw), *nr = malloc(r.n * sizeof *nr);
    crm_dtree_rows_init(nw, x.n);
    crm_dtree_rows_init(nr, r.n);
    const size_t nb = dtree_hist_bins(&x);
    int64_t *direct = malloc(2 * nb * sizeof *direct);
    size_t levels = 0, derived = 0;
    while (!crm_dtree_done(gw)) {
        cr_assert_eq(crm_dtree_done(gr), 0);
        const size_t len = crm_dtree_hist_len(gw);
        cr_assert_eq(crm_dtree_hist_len(gr), len);
        int64_t *hw = malloc(len * 8), *hr = malloc(len * 8);
        cr_assert_eq(crm_dtree_histograms_weighted(gw, x.bins, x.labels,
                                                   x.weights, x.n, nw, hw),
                     CRM_OK);
        cr_assert_eq(crm_dtree_histograms(gr, r.bins, r.labels, r.n, nr, hr),
                     CRM_OK);
        cr_assert_arr_eq(hw, hr, len * 8, "level %zu", levels);
        derived += gw->nopen - len / (2 * nb);
        cr_assert_eq(crm_dtree_level_finish(gw, hw), CRM_OK);
        cr_assert_eq(crm_dtree_level_finish(gr, hr), CRM_OK);
        dtree_check_level(gw, &r, nr, nb, direct);
        cr_assert_eq(crm_dtree_partition(gw, x.bins, x.n, nw), CRM_OK);
        cr_assert_eq(crm_dtree_partition(gr, r.bins, r.n, nr), CRM_OK);
        free(hw);
        free(hr);
        levels++;
    }
    cr_assert(crm_dtree_done(gr) && levels > 3 && derived > 3);
    crm_dtree_model *mw, *mr;
    cr_assert_eq(crm_dtree_model_create(gw, &mw), CRM_OK);
    cr_assert_eq(crm_dtree_model_create(gr, &mr), CRM_OK);
    dtree_same_model(mw, mr);
    /* the root holds sum(weights) rows, the number of repeated rows */
    cr_assert_eq(mw->nodes[0].count[0] + mw->nodes[0].count[1], (int64_t)r.n);
    crm_dtree_model_destroy(mw);
    crm_dtree_model_destroy(mr);
    crm_dtree_grower_destroy(gw);
    crm_dtree_grower_destroy(gr);
    free(direct);
    free(nw);
    free(nr);
    dtree_data_free(&r);
    dtree_data_free(&x);
}

Test(dtree_forest, zero_weight_rows_are_not_counted_but_partitioned)
{
    dtree_data x = gen(17, 3000, 6, 0x8, 2);
    const crm_dtree_params p = {.max_depth = 7, .balanced = 1};
    int32_t *leaf = malloc(x.n * sizeof *leaf);
    int32_t *pred = malloc(x.n * sizeof *pred);
    crm_dtree_model *m = dtree_fit_ranks(&x, &p, 1, 0, leaf);
    cr_assert_gt(m->nnodes, 20);
    /* every row, in the bag or not, ends at the leaf prediction gives it */
    cr_assert_eq(crm_dtree_predict(m, x.bins, x.n, NULL, pred), CRM_OK);
    cr_assert_arr_eq(leaf, pred, x.n * sizeof *leaf);
    /* what the out-of-bag rows hold does not change the tree */
    uint64_t seed = 5;
    size_t oob = 0;
    for (size_t i = 0; i < x.n; i++) {
        if (x.weights[i] != 0)
            continue;
        oob++;
        x.labels[i] ^= 1;
        for (size_t j = 0; j < x.d; j++)
            x.bins[j * x.n + i] =
                (uint8_t)ref_rand_range(&seed, 0, x.nbins[j] - 1);
    }
    cr_assert_gt(oob, 500);
    crm_dtree_model *m2 = dtree_fit_ranks(&x, &p, 1, 0, leaf);
    dtree_same_model(m, m2);
    cr_assert_eq(crm_dtree_predict(m, x.bins, x.n, NULL, pred), CRM_OK);
    cr_assert_arr_eq(leaf, pred, x.n * sizeof *leaf);
    crm_dtree_model_destroy(m2);
    crm_dtree_model_destroy(m);
    free(pred);
    free(leaf);
    dtree_data_free(&x);
}

Test(dtree_forest, weighted_tree_matches_bruteforce_reference)
{
    const crm_dtree_params ps[] = {
        {.max_depth = 5},
        {.criterion = CRM_DTREE_ENTROPY, .max_depth = 6,
         .min_samples_leaf = 9},
        {.max_depth = 4, .balanced = 1, .min_gain = 0.002},
    };
    int splits = 0;
    for (uint64_t seed = 1; seed <= 4; seed++)
        for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
            dtree_data x = gen(seed * 13 + k, 500 + 41 * seed, 5, 0, 4);
            splits += dtree_match_reference(&x, &ps[k], (int)seed, k);
            dtree_data_free(&x);
        }
    cr_assert_gt(splits, 60);
}

Test(dtree_forest, all_features_is_the_plain_tree)
{
    dtree_data x = gen(23, 2500, 7, 0x11, 0);
    const crm_dtree_params plain = {.max_depth = 7};
    crm_dtree_model *m0 = dtree_fit(&x, &plain);
    crm_dtree_params p = plain;
    p.seed = 99; /* seed alone changes nothing */
    crm_dtree_model *m = dtree_fit(&x, &p);
    dtree_same_model(m, m0);
    crm_dtree_model_destroy(m);
    p.max_features = (int)x.d;
    m = dtree_fit(&x, &p);
    dtree_same_model(m, m0);
    crm_dtree_model_destroy(m);
    crm_dtree_model_destroy(m0);
    dtree_data_free(&x);
}

/* The documented rule of dtree.h, written out again: Floyd's sampling with
 * draw i = crm_rng_u64(seed, 2^63 | node, i) % (j + 1). */
static void subset_rule(uint64_t seed, int32_t node, size_t d, size_t k,
                        uint8_t *mask)
{
    for (size_t j = 0; j < d; j++)
        mask[j] = 0;
    for (size_t i = 0; i < k; i++) {
        const uint64_t j = d - k + i;
        const uint64_t r =
            crm_rng_u64(seed, (UINT64_C(1) << 63) + (uint64_t)node, i) %
            (j + 1);
        mask[mask[r] ? j : r] = 1;
    }
}

Test(dtree_forest, feature_subsets_are_distinct_in_range_and_keyed)
{
    enum { D = 40, NODES = 4000 };
    uint8_t a[D + 8], b[D + 8], c[D];
    size_t chosen[D] = {0}, differ_node = 0, differ_seed = 0;
    for (size_t k = 0; k <= D; k += 3)
        for (int32_t node = 0; node < 50; node++) {
            memset(a, 0xAA, sizeof a);
            cr_assert_eq(crm_dtree_feature_subset(7, node, D, k, a), CRM_OK);
            size_t ones = 0;
            for (size_t j = 0; j < D; j++) {
                cr_assert(a[j] <= 1);
                ones += a[j];
            }
            cr_assert_eq(ones, k); /* k distinct features */
            cr_assert_eq(a[D], 0xAA); /* nothing written past d */
            subset_rule(7, node, D, k, c);
            cr_assert_arr_eq(a, c, D, "k %zu node %d", k, node);
        }
    for (int32_t node = 0; node < NODES; node++) {
        crm_dtree_feature_subset(11, node, D, 6, a);
        crm_dtree_feature_subset(11, node, D, 6, b);
        cr_assert_arr_eq(a, b, D); /* deterministic */
        for (size_t j = 0; j < D; j++)
            chosen[j] += a[j];
        crm_dtree_feature_subset(11, node + 1, D, 6, b);
        differ_node += memcmp(a, b, D) != 0;
        crm_dtree_feature_subset(12, node, D, 6, b);
        differ_seed += memcmp(a, b, D) != 0;
    }
    /* each feature in about 6/40 of the subsets: 600 +- 4.3 sd */
    for (size_t j = 0; j < D; j++)
        cr_assert(chosen[j] > 500 && chosen[j] < 700, "feature %zu: %zu", j,
                  chosen[j]);
    cr_assert_gt(differ_node, NODES * 99 / 100);
    cr_assert_gt(differ_seed, NODES * 99 / 100);
}

Test(dtree_forest, splits_use_only_the_node_subset)
{
    dtree_data x = gen(31, 4000, 8, 0x42, 0);
    const crm_dtree_params plain = {.max_depth = 8};
    crm_dtree_model *m0 = dtree_fit(&x, &plain);
    for (uint64_t seed = 1; seed <= 5; seed++) {
        const crm_dtree_params p = {.max_depth = 8, .max_features = 3,
                                    .seed = seed};
        crm_dtree_model *m = dtree_fit(&x, &p);
        cr_assert_gt(m->nnodes, 30);
        uint8_t mask[DTREE_TEST_MAXD];
        int used[DTREE_TEST_MAXD] = {0}, nused = 0;
        for (size_t i = 0; i < m->nnodes; i++) {
            const int32_t f = m->nodes[i].feature;
            if (f < 0)
                continue;
            subset_rule(seed, (int32_t)i, x.d, 3, mask);
            cr_assert_eq(mask[f], 1, "seed %d node %zu feature %d", (int)seed,
                         i, f);
            nused += !used[f];
            used[f] = 1;
        }
        cr_assert_gt(nused, 3); /* subsets differ from node to node */
        cr_assert(m->nnodes != m0->nnodes ||
                  memcmp(m->nodes, m0->nodes, m->nnodes * sizeof *m->nodes));
        crm_dtree_model_destroy(m);
    }
    crm_dtree_model_destroy(m0);
    dtree_data_free(&x);
}

Test(dtree_forest, bootstrap_weights_are_poisson_one)
{
    enum { N = 1000000 };
    double sum = 0, sum2 = 0;
    size_t freq[4] = {0}, same_other_tree = 0;
    for (uint64_t key = 0; key < N; key++) {
        const uint8_t w = crm_dtree_bootstrap_weight(42, 3, key);
        cr_assert_eq(crm_dtree_bootstrap_weight(42, 3, key), w);
        cr_assert_lt(w, 30);
        sum += w;
        sum2 += (double)w * w;
        freq[w < 3 ? w : 3]++;
        same_other_tree += crm_dtree_bootstrap_weight(42, 4, key) == w;
    }
    const double mean = sum / N, var = sum2 / N - mean * mean;
    /* sd of the mean 0.001, of the variance about 0.0017 */
    cr_assert_float_eq(mean, 1.0, 0.006, "mean %g", mean);
    cr_assert_float_eq(var, 1.0, 0.01, "variance %g", var);
    const double want[4] = {0.36787944, 0.36787944, 0.18393972, 0.08030140};
    for (int k = 0; k < 4; k++)
        cr_assert_float_eq((double)freq[k] / N, want[k], 0.003, "P(%d)", k);
    /* independent across trees: P(equal) = sum p_k^2 ~ 0.3085 */
    cr_assert_float_eq((double)same_other_tree / N, 0.3085, 0.003);
    /* keyed by the row key alone: the same whatever the caller's order */
    cr_assert_eq(crm_dtree_bootstrap_weight(42, 3, 123456),
                 crm_dtree_bootstrap_weight(42, 3, 123456));
}

Test(dtree_forest, forest_tree_identical_for_any_rank_and_thread_count)
{
    dtree_data x = gen(2025, 6000, 8, 0x24, 0);
    x.weights = malloc(x.n);
    for (size_t i = 0; i < x.n; i++) {
        const uint64_t key = crm_rng_hash_bytes(&i, sizeof i);
        x.weights[i] = crm_dtree_bootstrap_weight(77, 5, key);
    }
    const crm_dtree_params p = {.max_depth = 9, .min_samples_leaf = 2,
                                .balanced = 1, .max_features = 3,
                                .seed = 77 + 5};
    /* 1 to 3 ranks, each with 1 and 2 threads */
    const dtree_run runs[] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 1}, {3, 2}};
    dtree_check_runs(&x, &p, 40, runs, sizeof runs / sizeof runs[0]);
    dtree_data_free(&x);
}

Test(dtree_forest, statuses)
{
    const uint8_t nbins[2] = {4, 3}, cat[2] = {0, 1};
    crm_dtree_grower *g = NULL;
    crm_dtree_params p = {.max_features = -1};
    cr_assert_eq(crm_dtree_grower_create(&p, 2, nbins, cat, &g), CRM_EINVAL);
    p.max_features = 3;
    cr_assert_eq(crm_dtree_grower_create(&p, 2, nbins, cat, &g), CRM_EINVAL);
    cr_assert_null(g);
    p.max_features = 1;
    cr_assert_eq(crm_dtree_grower_create(&p, 2, nbins, cat, &g), CRM_OK);
    const uint8_t bins[4] = {0, 1, 2, CRM_DTREE_MISSING};
    uint8_t labels[2] = {0, 1}, w[2] = {0, 2};
    int32_t node[2] = {0, 0};
    int64_t hist[32];
    cr_assert_eq(crm_dtree_hist_len(g), 2 * (5 + 4));
    cr_assert_eq(crm_dtree_histograms_weighted(NULL, bins, labels, w, 2, node,
                                               hist),
                 CRM_EINVAL);
    cr_assert_eq(crm_dtree_histograms_weighted(g, NULL, labels, w, 2, node,
                                               hist),
                 CRM_EINVAL);
    cr_assert_eq(crm_dtree_histograms_weighted(g, bins, labels, w, 2, node,
                                               NULL),
                 CRM_EINVAL);
    labels[0] = 2; /* a bad label is bad even with weight 0 */
    cr_assert_eq(crm_dtree_histograms_weighted(g, bins, labels, w, 2, node,
                                               hist),
                 CRM_EINVAL);
    labels[0] = 0;
    cr_assert_eq(crm_dtree_histograms_weighted(g, bins, labels, w, 2, node,
                                               hist),
                 CRM_OK);
    cr_assert_eq(hist[2 * 1 + 1], 2); /* row 1: feature 0 code 1, class 1 */
    cr_assert_eq(hist[2 * 0 + 0], 0); /* row 0 weighs nothing */
    cr_assert_eq(crm_dtree_histograms_weighted(g, NULL, NULL, NULL, 0, NULL,
                                               hist),
                 CRM_OK);
    crm_dtree_grower_destroy(g);
    uint8_t mask[4];
    cr_assert_eq(crm_dtree_feature_subset(1, 0, 4, 5, mask), CRM_EINVAL);
    cr_assert_eq(crm_dtree_feature_subset(1, -1, 4, 2, mask), CRM_EINVAL);
    cr_assert_eq(crm_dtree_feature_subset(1, 0, 4, 2, NULL), CRM_EINVAL);
    cr_assert_eq(crm_dtree_feature_subset(1, 0, 0, 0, mask), CRM_OK);
}
