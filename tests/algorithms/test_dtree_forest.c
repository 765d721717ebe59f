/* tests/algorithms/test_dtree_forest.c — the random-forest support of the
 * dtree kernel: sample-weighted histograms (against the same rows repeated,
 * and the weighted brute-force reference), out-of-bag rows, per-node feature
 * subsets (recomputed here from the rule documented in dtree.h), Poisson(1)
 * bootstrap weights, and identical trees for any split of the rows over
 * fake ranks and any thread count. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/dtree/dtree_int.h"
#include "core/rng.h"
#include "ref/ref_comm.h"
#include "ref/ref_dtree.h"

#define MAXD 10
#define MAXRANKS 3

typedef struct data {
    size_t n, d;
    uint8_t *bins;    /* column-major n x d */
    uint8_t *labels;
    uint8_t *weights; /* NULL: unweighted */
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

/* Random features (categorical where cat_mask has bit j), 5% missing, a
 * noisy label from the first three features, weights 0..max_w (none when
 * max_w is 0). */
static data gen(uint64_t seed, size_t n, size_t d, unsigned cat_mask,
                int max_w)
{
    data x = {.n = n, .d = d};
    x.bins = malloc(n * d);
    x.labels = malloc(n);
    x.weights = max_w ? malloc(n) : NULL;
    for (size_t j = 0; j < d; j++) {
        x.cat[j] = (cat_mask >> j) & 1u;
        x.nbins[j] = (uint8_t)ref_rand_range(&seed, x.cat[j] ? 2 : 1,
                                             x.cat[j] ? 6 : 30);
    }
    for (size_t i = 0; i < n; i++) {
        double score = 0;
        for (size_t j = 0; j < d; j++) {
            uint8_t b = (uint8_t)ref_rand_range(&seed, 0, x.nbins[j] - 1);
            score += j < 3 ? (x.cat[j] ? (b % 2) : (double)b / x.nbins[j])
                           : 0.0;
            if (ref_rand_range(&seed, 0, 99) < 5)
                b = CRM_DTREE_MISSING;
            x.bins[j * n + i] = b;
        }
        score += (double)ref_rand_range(&seed, 0, 1000) / 1000.0;
        x.labels[i] = score > 1.5;
        if (max_w)
            x.weights[i] = (uint8_t)ref_rand_range(&seed, 0, max_w);
    }
    return x;
}

static void free_data(data *x)
{
    free(x->bins);
    free(x->labels);
    free(x->weights);
}

/* Rows [lo, hi) of x as a data set of their own. */
static data slice(const data *x, size_t lo, size_t hi)
{
    data s = *x;
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

/* x with row i repeated weights[i] times, unweighted. */
static data repeat_rows(const data *x)
{
    data r = *x;
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

/* One level on every fake rank: weighted histograms summed as the
 * engine's allreduce would, then level_finish and partition. */
static void step_ranks(crm_dtree_grower **g, const data *part, int32_t **node,
                       int nranks)
{
    const size_t len = crm_dtree_hist_len(g[0]);
    int64_t *sum = calloc(len + 1, sizeof *sum);
    int64_t *h = malloc((len + 1) * sizeof *h);
    for (int r = 0; r < nranks; r++) {
        cr_assert_eq(crm_dtree_hist_len(g[r]), len);
        cr_assert_eq(crm_dtree_histograms_weighted(
                         g[r], part[r].bins, part[r].labels, part[r].weights,
                         part[r].n, node[r], h),
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

/* The engine's loop over nranks fake ranks (contiguous row blocks); leaf
 * (may be NULL) gets every row's final node. All ranks' models agree. */
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
    while (!crm_dtree_done(g[0]))
        step_ranks(g, part, node, nranks);
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

static void same_model(const crm_dtree_model *a, const crm_dtree_model *b)
{
    cr_assert_eq(a->nnodes, b->nnodes);
    cr_assert_arr_eq(a->nodes, b->nodes, a->nnodes * sizeof *a->nodes);
    cr_assert_arr_eq(a->importance, b->importance,
                     a->d * sizeof *a->importance);
}

static size_t hist_bins(const data *x)
{
    size_t nb = 0;
    for (size_t j = 0; j < x->d; j++)
        nb += (size_t)x->nbins[j] + 1;
    return nb;
}

/* Every open node's histogram of the level g just finished, derived ones
 * too, against a direct count of the repeated rows r (node ids nr). */
static void check_level(const crm_dtree_grower *g, const data *r,
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

Test(dtree_forest, weighted_histograms_equal_repeated_rows)
{
    data x = gen(3, 1500, 5, 0x2, 3);
    data r = repeat_rows(&x);
    const crm_dtree_params p = {.max_depth = 6, .min_samples_leaf = 4};
    crm_dtree_grower *gw, *gr;
    cr_assert_eq(crm_dtree_grower_create(&p, x.d, x.nbins, x.cat, &gw), CRM_OK);
    cr_assert_eq(crm_dtree_grower_create(&p, r.d, r.nbins, r.cat, &gr), CRM_OK);
    int32_t *nw = malloc(x.n * sizeof *nw), *nr = malloc(r.n * sizeof *nr);
    crm_dtree_rows_init(nw, x.n);
    crm_dtree_rows_init(nr, r.n);
    const size_t nb = hist_bins(&x);
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
        check_level(gw, &r, nr, nb, direct);
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
    same_model(mw, mr);
    /* the root holds sum(weights) rows, the number of repeated rows */
    cr_assert_eq(mw->nodes[0].count[0] + mw->nodes[0].count[1], (int64_t)r.n);
    crm_dtree_model_destroy(mw);
    crm_dtree_model_destroy(mr);
    crm_dtree_grower_destroy(gw);
    crm_dtree_grower_destroy(gr);
    free(direct);
    free(nw);
    free(nr);
    free_data(&r);
    free_data(&x);
}

Test(dtree_forest, zero_weight_rows_are_not_counted_but_partitioned)
{
    data x = gen(17, 3000, 6, 0x8, 2);
    const crm_dtree_params p = {.max_depth = 7, .balanced = 1};
    int32_t *leaf = malloc(x.n * sizeof *leaf);
    int32_t *pred = malloc(x.n * sizeof *pred);
    crm_dtree_model *m = fit_ranks(&x, &p, 1, leaf);
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
    crm_dtree_model *m2 = fit_ranks(&x, &p, 1, leaf);
    same_model(m, m2);
    cr_assert_eq(crm_dtree_predict(m, x.bins, x.n, NULL, pred), CRM_OK);
    cr_assert_arr_eq(leaf, pred, x.n * sizeof *leaf);
    crm_dtree_model_destroy(m2);
    crm_dtree_model_destroy(m);
    free(pred);
    free(leaf);
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
            data x = gen(seed * 13 + k, 500 + 41 * seed, 5, 0, 4);
            crm_dtree_model *m = fit(&x, &ps[k]);
            ref_dtree t = ref_dtree_fit_weighted(x.bins, x.labels, x.weights,
                                                 x.n, x.d, x.nbins, &ps[k]);
            cr_assert_eq(m->nnodes, t.nnodes, "seed %d params %zu",
                         (int)seed, k);
            same_tree(m, 0, &t, 0);
            splits += (int)(m->nnodes / 2);
            ref_dtree_free(&t);
            crm_dtree_model_destroy(m);
            free_data(&x);
        }
    cr_assert_gt(splits, 60);
}

Test(dtree_forest, all_features_is_the_plain_tree)
{
    data x = gen(23, 2500, 7, 0x11, 0);
    const crm_dtree_params plain = {.max_depth = 7};
    crm_dtree_model *m0 = fit(&x, &plain);
    crm_dtree_params p = plain;
    p.seed = 99; /* seed alone changes nothing */
    crm_dtree_model *m = fit(&x, &p);
    same_model(m, m0);
    crm_dtree_model_destroy(m);
    p.max_features = (int)x.d;
    m = fit(&x, &p);
    same_model(m, m0);
    crm_dtree_model_destroy(m);
    crm_dtree_model_destroy(m0);
    free_data(&x);
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
    data x = gen(31, 4000, 8, 0x42, 0);
    const crm_dtree_params plain = {.max_depth = 8};
    crm_dtree_model *m0 = fit(&x, &plain);
    for (uint64_t seed = 1; seed <= 5; seed++) {
        const crm_dtree_params p = {.max_depth = 8, .max_features = 3,
                                    .seed = seed};
        crm_dtree_model *m = fit(&x, &p);
        cr_assert_gt(m->nnodes, 30);
        uint8_t mask[MAXD];
        int used[MAXD] = {0}, nused = 0;
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
    free_data(&x);
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
    data x = gen(2025, 6000, 8, 0x24, 0);
    x.weights = malloc(x.n);
    for (size_t i = 0; i < x.n; i++) {
        const uint64_t key = crm_rng_hash_bytes(&i, sizeof i);
        x.weights[i] = crm_dtree_bootstrap_weight(77, 5, key);
    }
    const crm_dtree_params p = {.max_depth = 9, .min_samples_leaf = 2,
                                .balanced = 1, .max_features = 3,
                                .seed = 77 + 5};
    int32_t *leaf0 = malloc(x.n * sizeof *leaf0);
    int32_t *leaf = malloc(x.n * sizeof *leaf);
    set_threads(1);
    crm_dtree_model *m0 = fit_ranks(&x, &p, 1, leaf0);
    cr_assert_gt(m0->nnodes, 40);
    for (int ranks = 1; ranks <= MAXRANKS; ranks++)
        for (int threads = 1; threads <= 2; threads++) {
            set_threads(threads);
            crm_dtree_model *m = fit_ranks(&x, &p, ranks, leaf);
            same_model(m, m0);
            cr_assert_arr_eq(leaf, leaf0, x.n * sizeof *leaf);
            crm_dtree_model_destroy(m);
        }
    cr_assert_eq(crm_dtree_predict(m0, x.bins, x.n, NULL, leaf), CRM_OK);
    cr_assert_arr_eq(leaf, leaf0, x.n * sizeof *leaf);
    set_threads(1);
    crm_dtree_model_destroy(m0);
    free(leaf);
    free(leaf0);
    free_data(&x);
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
