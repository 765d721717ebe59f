/* tests/algorithms/test_dtree_api.c — binning, the rules text of hand-built
 * models, and every status the dtree entry points return. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/dtree/dtree.h"

Test(dtree_bin, few_values_give_midpoints)
{
    const double v[] = {1, 1, 2, 5, 5, 5, 6};
    double e[8];
    size_t m = 99;
    cr_assert_eq(crm_dtree_edges(v, 7, 8, e, &m), CRM_OK);
    cr_assert_eq(m, 3);
    cr_assert_eq(e[0], 1.5);
    cr_assert_eq(e[1], 3.5);
    cr_assert_eq(e[2], 5.5);
    cr_assert_eq(crm_dtree_edges(v, 1, 8, e, &m), CRM_OK);
    cr_assert_eq(m, 0); /* constant */
}

Test(dtree_bin, many_values_give_equal_frequency_edges)
{
    enum { N = 1000 };
    double *v = malloc(N * sizeof *v), e[9];
    for (int i = 0; i < N; i++)
        v[i] = i / 3; /* repeats of three */
    size_t m;
    cr_assert_eq(crm_dtree_edges(v, N, 10, e, &m), CRM_OK);
    cr_assert_eq(m, 9);
    for (size_t k = 0; k < m; k++) {
        cr_assert_eq(e[k], v[(k + 1) * N / 10 - 1]);
        if (k)
            cr_assert_gt(e[k], e[k - 1]);
    }
    uint8_t *b = malloc(N);
    cr_assert_eq(crm_dtree_bin_values(e, m, v, N, b), CRM_OK);
    int count[10] = {0};
    for (int i = 0; i < N; i++)
        count[b[i]]++;
    for (int k = 0; k < 10; k++)
        cr_assert(count[k] >= 95 && count[k] <= 105, "bin %d: %d", k,
                  count[k]);
    free(b);
    free(v);
}

Test(dtree_bin, values_and_codes)
{
    const double e[] = {1.0, 2.5, 7.0};
    const double x[] = {-5, 1.0, 1.5, 2.5, 3, 7.0, 8, NAN, INFINITY};
    const uint8_t want[] = {0, 0, 1, 1, 2, 2, 3, CRM_DTREE_MISSING, 3};
    uint8_t b[9];
    cr_assert_eq(crm_dtree_bin_values(e, 3, x, 9, b), CRM_OK);
    cr_assert_arr_eq(b, want, 9);
    const int32_t codes[] = {0, 3, -1, 2};
    const uint8_t wantc[] = {0, 3, CRM_DTREE_MISSING, 2};
    cr_assert_eq(crm_dtree_bin_codes(codes, 4, 4, b), CRM_OK);
    cr_assert_arr_eq(b, wantc, 4);
    cr_assert_eq(crm_dtree_bin_codes(codes, 4, 3, b), CRM_ERANGE);
    cr_assert_eq(crm_dtree_bin_codes(codes, 4, 256, b), CRM_EINVAL);
    cr_assert_eq(crm_dtree_bin_values(e, 255, x, 9, b), CRM_EINVAL);
}

Test(dtree_bin, cuts_lose_nan_and_repeats)
{
    const double cuts[] = {1, 1, 2, 3, 3, NAN};
    double e[6];
    size_t m;
    cr_assert_eq(crm_dtree_edges_from_cuts(cuts, 6, e, &m), CRM_OK);
    cr_assert_eq(m, 3);
    cr_assert_eq(e[2], 3.0);
    const double down[] = {2, 1};
    cr_assert_eq(crm_dtree_edges_from_cuts(down, 2, e, &m), CRM_EINVAL);
}

Test(dtree_bin, bad_samples_are_rejected)
{
    const double unsorted[] = {2, 1}, nan[] = {1, NAN};
    double e[4];
    size_t m;
    cr_assert_eq(crm_dtree_edges(unsorted, 2, 4, e, &m), CRM_EINVAL);
    cr_assert_eq(crm_dtree_edges(nan, 2, 4, e, &m), CRM_EINVAL);
    cr_assert_eq(crm_dtree_edges(unsorted, 0, 1, e, &m), CRM_EINVAL);
    cr_assert_eq(crm_dtree_edges(unsorted, 0, 256, e, &m), CRM_EINVAL);
}

/* tenure <= 5.5 → leaf 1; else Contract = Month-to-month (or missing) →
 * leaf 3, else leaf 4. */
static crm_dtree_node nodes[5];
static uint8_t nbins[2] = {4, 3}, categorical[2] = {0, 1};
static double importance[2];
static const double tenure_edges[] = {5.5, 20, 1234.25};
static const double *const edges[] = {tenure_edges, NULL};
static const char *const contract[] = {"Month-to-month", "One year",
                                       "Two year"};
static const char *const *const cats[] = {NULL, contract};
static const char *const fnames[] = {"tenure", "Contract"};
static const crm_dtree_names names = {.target = "churn", .feature = fnames,
                                      .edges = edges, .category = cats};

static crm_dtree_node leaf(int32_t parent, int64_t n0, int64_t n1, double p)
{
    return (crm_dtree_node){.feature = -1, .left = -1, .right = -1,
                            .parent = parent, .depth = 1,
                            .count = {n0, n1}, .prob = p};
}

static crm_dtree_model known_tree(void)
{
    nodes[0] = (crm_dtree_node){.feature = 0, .left = 1, .right = 2,
                                .parent = -1, .threshold = 0};
    nodes[1] = leaf(0, 476, 728, 0.63);
    nodes[2] = (crm_dtree_node){.feature = 1, .left = 3, .right = 4,
                                .parent = 0, .depth = 1, .categorical = 1,
                                .missing_left = 1, .missing_seen = 1,
                                .cats = {1}};
    nodes[3] = leaf(2, 12345000, 678, 0.4249);
    nodes[4] = leaf(2, 7, 0, 0.05);
    return (crm_dtree_model){.nnodes = 5, .nodes = nodes, .d = 2,
                             .nbins = nbins, .categorical = categorical,
                             .importance = importance};
}

static const char known_text[] =
    "IF tenure <= 5.5 THEN churn 0.63 (n = 1,204)\n"
    "IF tenure > 5.5 AND (Contract = Month-to-month OR Contract is missing) "
    "THEN churn 0.42 (n = 12,345,678)\n"
    "IF tenure > 5.5 AND Contract IN {One year, Two year} "
    "THEN churn 0.05 (n = 7)\n";

Test(dtree_rules, known_tree_reads_exactly)
{
    const crm_dtree_model m = known_tree();
    char buf[512];
    size_t len = 0;
    cr_assert_eq(crm_dtree_rules_text(&m, &names, buf, sizeof buf, &len),
                 CRM_OK);
    cr_assert_str_eq(buf, known_text);
    cr_assert_eq(len, strlen(known_text));
    cr_assert_eq(crm_dtree_rules_text(&m, &names, NULL, 0, &len), CRM_OK);
    cr_assert_eq(len, strlen(known_text));
    cr_assert_eq(crm_dtree_rules_text(&m, &names, buf, 20, &len), CRM_ERANGE);
    cr_assert_eq(len, strlen(known_text));
    cr_assert_eq(strlen(buf), 19);
    cr_assert_eq(strncmp(buf, known_text, 19), 0);
}

Test(dtree_rules, numeric_missing_and_missing_only_splits)
{
    crm_dtree_model m = known_tree();
    nodes[0].missing_left = 1; /* unseen: not shown */
    char buf[256];
    size_t len;
    cr_assert_eq(crm_dtree_rule_text(&m, &names, 1, buf, sizeof buf, &len),
                 CRM_OK);
    cr_assert_str_eq(buf, "IF tenure <= 5.5 THEN churn 0.63 (n = 1,204)");
    nodes[0].missing_seen = 1;
    cr_assert_eq(crm_dtree_rule_text(&m, &names, 1, buf, sizeof buf, &len),
                 CRM_OK);
    cr_assert_str_eq(buf, "IF (tenure <= 5.5 OR tenure is missing) THEN "
                          "churn 0.63 (n = 1,204)");
    nodes[0].threshold = 3; /* every value left: the "is missing" split */
    nodes[0].missing_left = 0;
    cr_assert_eq(crm_dtree_rule_text(&m, &names, 4, buf, sizeof buf, &len),
                 CRM_OK);
    cr_assert_str_eq(buf, "IF tenure is missing AND Contract IN {One year, "
                          "Two year} THEN churn 0.05 (n = 7)");
    cr_assert_eq(crm_dtree_rule_text(&m, &names, 2, buf, sizeof buf, &len),
                 CRM_EINVAL); /* not a leaf */
    m.nnodes = 1;
    nodes[0] = leaf(-1, 3, 1, 0.333);
    cr_assert_eq(crm_dtree_rule_text(&m, &names, 0, buf, sizeof buf, &len),
                 CRM_OK);
    cr_assert_str_eq(buf, "IF TRUE THEN churn 0.33 (n = 4)");
    const crm_dtree_names none = {.target = "churn"};
    cr_assert_eq(crm_dtree_rules_text(&m, &none, buf, sizeof buf, &len),
                 CRM_EINVAL);
}

Test(dtree_rules, predict_follows_the_known_tree)
{
    const crm_dtree_model m = known_tree();
    /* column-major: tenure codes, then Contract codes */
    const uint8_t bins[] = {0, 1, 1, 3, CRM_DTREE_MISSING,
                            2, 0, 1, CRM_DTREE_MISSING, 200};
    int32_t leaf_id[5];
    double prob[5];
    cr_assert_eq(crm_dtree_predict(&m, bins, 5, prob, leaf_id), CRM_OK);
    const int32_t want[] = {1, 3, 4, 3, 4};
    cr_assert_arr_eq(leaf_id, want, sizeof want);
    cr_assert_eq(prob[0], 0.63);
    cr_assert_eq(crm_dtree_predict(NULL, bins, 5, prob, leaf_id), CRM_EINVAL);
}

Test(dtree_api, statuses)
{
    const uint8_t nb[] = {3, 2}, cat[] = {0, 1}, badcat[] = {0, 2};
    crm_dtree_grower *g = NULL;
    const crm_dtree_params ok = {0}, deep = {.max_depth = 31},
                           neg = {.min_gain = -1}, w = {.class_weight = {1, 0}},
                           thr = {.threads = -1};
    cr_assert_eq(crm_dtree_grower_create(&deep, 2, nb, cat, &g), CRM_EINVAL);
    cr_assert_eq(crm_dtree_grower_create(&thr, 2, nb, cat, &g), CRM_EINVAL);
    cr_assert_eq(crm_dtree_grower_create(&neg, 2, nb, cat, &g), CRM_EINVAL);
    cr_assert_eq(crm_dtree_grower_create(&w, 2, nb, cat, &g), CRM_EINVAL);
    cr_assert_eq(crm_dtree_grower_create(&ok, 2, nb, badcat, &g), CRM_EINVAL);
    cr_assert_eq(crm_dtree_grower_create(&ok, 0, nb, cat, &g), CRM_EINVAL);
    cr_assert_null(g);
    cr_assert_eq(crm_dtree_grower_create(&ok, 2, nb, cat, &g), CRM_OK);
    crm_dtree_model *m = NULL;
    cr_assert_eq(crm_dtree_model_create(g, &m), CRM_EINVAL); /* not done */
    const size_t len = crm_dtree_hist_len(g);
    cr_assert_eq(len, (4 + 3) * 2);
    int64_t h[14];
    uint8_t bins[] = {0, 2, 1, 1}, labels[] = {0, 1};
    int32_t node[] = {0, 0};
    cr_assert_eq(crm_dtree_histograms(g, bins, labels, 2, node, h), CRM_OK);
    labels[1] = 2;
    cr_assert_eq(crm_dtree_histograms(g, bins, labels, 2, node, h),
                 CRM_EINVAL);
    labels[1] = 1;
    bins[2] = 2; /* code 2 of a 2-category feature */
    cr_assert_eq(crm_dtree_histograms(g, bins, labels, 2, node, h),
                 CRM_EINVAL);
    bins[2] = 1;
    node[1] = 7;
    cr_assert_eq(crm_dtree_histograms(g, bins, labels, 2, node, h),
                 CRM_EINVAL);
    cr_assert_eq(crm_dtree_partition(g, bins, 2, node), CRM_EINVAL);
    node[1] = 0;
    cr_assert_eq(crm_dtree_histograms(g, bins, labels, 2, node, h), CRM_OK);
    int64_t bad[14];
    memcpy(bad, h, sizeof bad);
    bad[0] = -1;
    cr_assert_eq(crm_dtree_level_finish(g, bad), CRM_EINVAL);
    cr_assert_eq(crm_dtree_level_finish(g, h), CRM_OK);
    cr_assert_eq(crm_dtree_partition(g, bins, 2, node), CRM_OK);
    cr_assert(crm_dtree_done(g)); /* 2 rows, one split, both leaves pure */
    cr_assert_neq(node[0], node[1]);
    cr_assert_eq(crm_dtree_hist_len(g), 0);
    cr_assert_eq(crm_dtree_histograms(g, bins, labels, 2, node, h),
                 CRM_EINVAL);
    cr_assert_eq(crm_dtree_level_finish(g, h), CRM_EINVAL);
    cr_assert_eq(crm_dtree_model_create(g, &m), CRM_OK);
    cr_assert_eq(m->nnodes, 3);
    crm_dtree_model_destroy(m);
    crm_dtree_grower_destroy(g);
    crm_dtree_grower_destroy(NULL);
    crm_dtree_model_destroy(NULL);
}
