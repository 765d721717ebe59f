/* tests/algorithms/test_metrics.c — binary-classification metrics against
 * the row-by-row reference in ref/ (every positive/negative pair for AUC,
 * counted confusion matrices, per-row log loss, sorted rows for the lift
 * table), hand-computed tie cases, counts near INT64_MAX, whole vs split
 * "ranks", and every status of every entry point. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/metrics/metrics.h"
#include "ref/ref_comm.h"
#include "ref/ref_metrics.h"

#define NGROUPS(a) (sizeof(a) / sizeof *(a))

static void assert_close(double got, double want, double tol, const char *what)
{
    if (isnan(want)) {
        cr_assert(isnan(got), "%s: %.17g, want NaN", what, got);
        return;
    }
    const double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    cr_assert(fabs(got - want) <= tol * scale, "%s: %.17g, want %.17g", what,
              got, want);
}

/* Groups with distinct scores k / grid (k = grid..0, each kept with
 * probability 1/2, so sorted and merged) and counts 0..maxc; some groups
 * have no rows, which the kernels must take as nothing. */
static crm_score_group *gen_groups(uint64_t *s, int grid, int64_t maxc,
                                   size_t *n)
{
    crm_score_group *g = malloc(((size_t)grid + 1) * sizeof *g);
    size_t m = 0;
    for (int k = grid; k >= 0; k--) {
        if (ref_rand(s) & 1)
            continue;
        g[m].score = (double)k / grid;
        g[m].pos = ref_rand(s) % 4 == 0 ? 0 : ref_rand_range(s, 0, maxc);
        g[m].neg = ref_rand(s) % 4 == 0 ? 0 : ref_rand_range(s, 0, maxc);
        m++;
    }
    *n = m;
    return g;
}

/* One row per counted row, shuffled: the reference sees rows, not groups. */
static ref_row *expand(const crm_score_group *g, size_t n, uint64_t *s,
                       size_t *m)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (size_t)(g[i].pos + g[i].neg);
    ref_row *r = malloc((total ? total : 1) * sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (int64_t j = 0; j < g[i].pos + g[i].neg; j++)
            r[k++] = (ref_row){g[i].score, j < g[i].pos};
    for (size_t i = total; i > 1; i--) {
        const size_t j = (size_t)(ref_rand(s) % i);
        const ref_row t = r[i - 1];
        r[i - 1] = r[j];
        r[j] = t;
    }
    *m = total;
    return r;
}

static int64_t count_rows(const crm_score_group *g, size_t n)
{
    int64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += g[i].pos + g[i].neg;
    return t;
}

/* ---- crm_metrics_sort_groups ---- */

Test(metrics, sort_merges_equal_scores_and_drops_empty)
{
    crm_score_group g[] = {{0.5, 1, 2}, {0.9, 0, 0}, {0.2, 3, 0},
                           {0.5, 4, 1}, {-0.0, 1, 1}, {0.0, 2, 0},
                           {1.0, 0, 5}, {0.2, 0, 0}};
    const crm_score_group want[] = {
        {1.0, 0, 5}, {0.5, 5, 3}, {0.2, 3, 0}, {0.0, 3, 1}};
    size_t n = NGROUPS(g);
    cr_assert_eq(crm_metrics_sort_groups(g, &n), CRM_OK);
    cr_assert_eq(n, NGROUPS(want));
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(g[i].score, want[i].score, "group %zu", i);
        cr_assert_eq(g[i].pos, want[i].pos, "group %zu", i);
        cr_assert_eq(g[i].neg, want[i].neg, "group %zu", i);
    }
    cr_assert(!signbit(g[3].score), "-0.0 must be stored as +0.0");
}

Test(metrics, sort_matches_counting_by_score)
{
    enum { GRID = 20, NIN = 300 };
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint64_t s = seed;
        crm_score_group g[NIN];
        int64_t want_pos[GRID + 1] = {0}, want_neg[GRID + 1] = {0};
        for (size_t i = 0; i < NIN; i++) {
            const int k = (int)ref_rand_range(&s, 0, GRID);
            g[i] = (crm_score_group){(double)k / GRID,
                                     ref_rand_range(&s, 0, 3),
                                     ref_rand_range(&s, 0, 3)};
            want_pos[k] += g[i].pos;
            want_neg[k] += g[i].neg;
        }
        size_t n = NIN, expected = 0;
        for (int k = 0; k <= GRID; k++)
            expected += want_pos[k] + want_neg[k] > 0;
        cr_assert_eq(crm_metrics_sort_groups(g, &n), CRM_OK);
        cr_assert_eq(n, expected);
        for (size_t i = 0; i < n; i++) {
            const int k = (int)lround(g[i].score * GRID);
            cr_assert(i == 0 || g[i].score < g[i - 1].score);
            cr_assert(g[i].pos + g[i].neg > 0);
            cr_assert_eq(g[i].pos, want_pos[k], "score %d/%d", k, GRID);
            cr_assert_eq(g[i].neg, want_neg[k], "score %d/%d", k, GRID);
        }
    }
}

Test(metrics, sort_result_ignores_input_order)
{
    enum { NIN = 200 };
    uint64_t s = 77;
    crm_score_group a[NIN], b[NIN];
    for (size_t i = 0; i < NIN; i++)
        a[i] = (crm_score_group){(double)ref_rand_range(&s, 0, 30) / 30.0,
                                 ref_rand_range(&s, 0, 5),
                                 ref_rand_range(&s, 0, 5)};
    for (size_t i = 0; i < NIN; i++)
        b[i] = a[NIN - 1 - (i * 7) % NIN]; /* 7 is prime to 200 */
    size_t na = NIN, nb = NIN;
    cr_assert_eq(crm_metrics_sort_groups(a, &na), CRM_OK);
    cr_assert_eq(crm_metrics_sort_groups(b, &nb), CRM_OK);
    cr_assert_eq(na, nb);
    cr_assert(memcmp(a, b, na * sizeof *a) == 0);
}

static void expect_sort_fails(crm_score_group *g, size_t n, crm_status want)
{
    crm_score_group copy[8];
    cr_assert(n <= 8);
    memcpy(copy, g, n * sizeof *g);
    size_t m = n;
    cr_assert_eq(crm_metrics_sort_groups(g, &m), want);
    cr_assert_eq(m, n, "n changed on failure");
    cr_assert(memcmp(copy, g, n * sizeof *g) == 0, "groups changed");
}

Test(metrics, sort_rejects_bad_groups_and_leaves_them_untouched)
{
    const double bad_scores[] = {NAN, -0.1, 1.0000001, INFINITY, -INFINITY};
    for (size_t k = 0; k < NGROUPS(bad_scores); k++) {
        crm_score_group g[] = {{0.3, 1, 1}, {bad_scores[k], 1, 0},
                               {0.7, 0, 2}};
        expect_sort_fails(g, 3, CRM_EINVAL);
    }
    crm_score_group neg_pos[] = {{0.3, 1, 1}, {0.1, -1, 3}};
    expect_sort_fails(neg_pos, 2, CRM_EINVAL);
    crm_score_group neg_neg[] = {{0.9, 1, 1}, {0.1, 2, -5}};
    expect_sort_fails(neg_neg, 2, CRM_EINVAL);
    size_t n = 2;
    cr_assert_eq(crm_metrics_sort_groups(NULL, &n), CRM_EINVAL);
    cr_assert_eq(crm_metrics_sort_groups(neg_pos, NULL), CRM_EINVAL);
    n = 0;
    cr_assert_eq(crm_metrics_sort_groups(NULL, &n), CRM_OK);
    cr_assert_eq(n, 0);
    crm_score_group empty[] = {{0.4, 0, 0}, {0.6, 0, 0}};
    n = 2;
    cr_assert_eq(crm_metrics_sort_groups(empty, &n), CRM_OK);
    cr_assert_eq(n, 0);
}

Test(metrics, sort_overflow_is_erange)
{
    crm_score_group merged[] = {{0.5, INT64_MAX, 0}, {0.5, 1, 0}};
    expect_sort_fails(merged, 2, CRM_ERANGE);
    crm_score_group one[] = {{0.5, INT64_MAX, 1}};
    expect_sort_fails(one, 1, CRM_ERANGE);
    crm_score_group apart[] = {{0.9, INT64_MAX / 2, 0},
                               {0.1, 0, INT64_MAX / 2 + 2}};
    expect_sort_fails(apart, 2, CRM_ERANGE);
    /* a bad group outranks the overflow wherever it sits */
    crm_score_group both[] = {{0.5, INT64_MAX, 0}, {0.5, 1, 0}, {NAN, 0, 1}};
    expect_sort_fails(both, 3, CRM_EINVAL);
    crm_score_group fits[] = {{0.5, INT64_MAX - 1, 0}, {0.5, 0, 1}};
    size_t n = 2;
    cr_assert_eq(crm_metrics_sort_groups(fits, &n), CRM_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(fits[0].pos, INT64_MAX - 1);
    cr_assert_eq(fits[0].neg, 1);
}

/* ---- AUC ---- */

static double auc_of(const crm_score_group *g, size_t n)
{
    crm_binary_metrics m;
    cr_assert_eq(crm_metrics_binary(g, n, 0.5, &m), CRM_OK);
    return m.auc;
}

Test(metrics, auc_hand_computed_cases)
{
    const crm_score_group perfect[] = {{0.9, 3, 0}, {0.1, 0, 2}};
    const crm_score_group inverted[] = {{0.9, 0, 2}, {0.1, 3, 0}};
    const crm_score_group tied[] = {{0.5, 3, 2}};
    /* pairs (pos, neg): 2 x (1/2 + 2 + 1) + (0 + 2 x 1/2 + 1) = 9 of 12 */
    const crm_score_group mixed[] = {{0.8, 2, 1}, {0.6, 1, 2}, {0.1, 0, 1}};
    /* 2 x 2 below + (2 x 1 + 1 x 2) / 2 = 6 of 9 */
    const crm_score_group two[] = {{0.8, 2, 1}, {0.4, 1, 2}};
    cr_assert_eq(auc_of(perfect, 2), 1.0);
    cr_assert_eq(auc_of(inverted, 2), 0.0);
    cr_assert_eq(auc_of(tied, 1), 0.5);
    cr_assert_eq(auc_of(mixed, 3), 0.75);
    assert_close(auc_of(two, 2), 2.0 / 3.0, DBL_EPSILON, "two groups");
}

Test(metrics, auc_matches_pairwise_count_on_random_groups)
{
    for (uint64_t seed = 1; seed <= 30; seed++) {
        uint64_t s = seed * 1000003;
        size_t n, m;
        const int grid = seed % 3 == 0 ? 5 : 60; /* few or many ties */
        crm_score_group *g = gen_groups(&s, grid, 25, &n);
        ref_row *r = expand(g, n, &s, &m);
        if (m == 0) {
            free(r);
            free(g);
            continue;
        }
        assert_close(auc_of(g, n), ref_auc(r, m), 4 * DBL_EPSILON, "auc");
        free(r);
        free(g);
    }
}

Test(metrics, auc_with_one_class_is_nan)
{
    const crm_score_group pos_only[] = {{0.9, 3, 0}, {0.4, 0, 0}, {0.2, 1, 0}};
    const crm_score_group neg_only[] = {{0.7, 0, 2}, {0.1, 0, 5}};
    cr_assert(isnan(auc_of(pos_only, 3)));
    cr_assert(isnan(auc_of(neg_only, 2)));
}

Test(metrics, auc_exact_near_int64_max)
{
    /* 6k rows, k ~ 1.2e18: the products reach ~1e37 */
    const int64_t k = INT64_C(1234567890123456789);
    const crm_score_group g[] = {{0.9, 2 * k, k}, {0.2, k, 2 * k}};
    assert_close(auc_of(g, 2), 2.0 / 3.0, 2 * DBL_EPSILON, "huge");
    const crm_score_group half[] = {{0.6, k, k}, {0.3, k, k}, {0.1, k, k}};
    cr_assert_eq(auc_of(half, 3), 0.5);
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 ref_u128;

/* Counts up to 2^40 per group (2^49 rows): U against an __int128 count of
 * pairs, each positive group against the negatives of every lower group. */
Test(metrics, auc_keeps_full_precision_at_large_counts)
{
    for (uint64_t seed = 1; seed <= 10; seed++) {
        uint64_t s = seed;
        size_t n;
        crm_score_group *g = gen_groups(&s, 400, INT64_C(1) << 40, &n);
        ref_u128 twice = 0, pos = 0, neg = 0;
        for (size_t i = 0; i < n; i++) {
            ref_u128 lower = 0;
            for (size_t j = i + 1; j < n; j++)
                lower += (ref_u128)g[j].neg;
            twice += (ref_u128)g[i].pos * (2 * lower + (ref_u128)g[i].neg);
            pos += (ref_u128)g[i].pos;
            neg += (ref_u128)g[i].neg;
        }
        const long double want =
            (long double)twice / ((long double)2 * (long double)(pos * neg));
        assert_close(auc_of(g, n), (double)want, 2 * DBL_EPSILON, "auc");
        free(g);
    }
}
#endif

/* ---- confusion matrix, accuracy, precision, recall, F1 ---- */

static void check_confusion(const crm_score_group *g, size_t n,
                            const ref_row *r, size_t m, double threshold)
{
    crm_binary_metrics got;
    int64_t c[4];
    cr_assert_eq(crm_metrics_binary(g, n, threshold, &got), CRM_OK);
    ref_confusion(r, m, threshold, c);
    const double tp = (double)c[0], fp = (double)c[1], tn = (double)c[2],
                 fn = (double)c[3];
    cr_assert_eq(got.tp, c[0], "tp at %g", threshold);
    cr_assert_eq(got.fp, c[1], "fp at %g", threshold);
    cr_assert_eq(got.tn, c[2], "tn at %g", threshold);
    cr_assert_eq(got.fn, c[3], "fn at %g", threshold);
    cr_assert_eq(got.n, (int64_t)m);
    cr_assert_eq(got.positives, c[0] + c[3]);
    const double precision = tp + fp > 0 ? tp / (tp + fp) : 0.0;
    const double recall = tp + fn > 0 ? tp / (tp + fn) : 0.0;
    const double f1 = precision + recall > 0
                          ? 2 * precision * recall / (precision + recall)
                          : 0.0;
    assert_close(got.accuracy, (tp + tn) / (double)m, 1e-15, "accuracy");
    assert_close(got.precision, precision, 1e-15, "precision");
    assert_close(got.recall, recall, 1e-15, "recall");
    assert_close(got.f1, f1, 1e-14, "f1");
}

Test(metrics, confusion_matches_row_counts)
{
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint64_t s = seed * 7919;
        size_t n, m;
        crm_score_group *g = gen_groups(&s, 40, 20, &n);
        ref_row *r = expand(g, n, &s, &m);
        if (m == 0) {
            free(r);
            free(g);
            continue;
        }
        const double fixed[] = {0.0, 1.0, 0.5, 0.0125, 0.9999};
        for (size_t t = 0; t < NGROUPS(fixed); t++)
            check_confusion(g, n, r, m, fixed[t]);
        for (size_t i = 0; i < n; i++) /* on a group's score: >= counts */
            check_confusion(g, n, r, m, g[i].score);
        free(r);
        free(g);
    }
}

Test(metrics, zero_division_gives_zero)
{
    crm_binary_metrics m;
    /* nothing predicted positive */
    const crm_score_group low[] = {{0.4, 2, 3}, {0.2, 1, 1}};
    cr_assert_eq(crm_metrics_binary(low, 2, 0.5, &m), CRM_OK);
    cr_assert_eq(m.tp + m.fp, 0);
    cr_assert_eq(m.tn, 4);
    cr_assert_eq(m.fn, 3);
    cr_assert_eq(m.precision, 0.0);
    cr_assert_eq(m.recall, 0.0);
    cr_assert_eq(m.f1, 0.0);
    assert_close(m.accuracy, 4.0 / 7.0, 1e-15, "accuracy");
    /* no positive at all */
    const crm_score_group none[] = {{0.7, 0, 2}, {0.3, 0, 1}};
    cr_assert_eq(crm_metrics_binary(none, 2, 0.5, &m), CRM_OK);
    cr_assert_eq(m.fp, 2);
    cr_assert_eq(m.recall, 0.0);
    cr_assert_eq(m.precision, 0.0);
    cr_assert_eq(m.f1, 0.0);
    cr_assert(isnan(m.auc));
    cr_assert(isnan(m.top_decile_lift));
    cr_assert(isnan(m.top_decile_capture));
    /* a score equal to the threshold is predicted positive */
    const crm_score_group at[] = {{0.5, 1, 0}, {0.25, 0, 1}};
    cr_assert_eq(crm_metrics_binary(at, 2, 0.5, &m), CRM_OK);
    cr_assert_eq(m.tp, 1);
    cr_assert_eq(m.f1, 1.0);
    cr_assert_eq(m.accuracy, 1.0);
}

/* ---- log loss ---- */

Test(metrics, log_loss_matches_per_row_sum)
{
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint64_t s = seed * 104729;
        size_t n, m;
        /* the grid includes 0 and 1, so both clips are exercised */
        crm_score_group *g = gen_groups(&s, seed % 2 ? 8 : 1000, 30, &n);
        ref_row *r = expand(g, n, &s, &m);
        if (m > 0) {
            crm_binary_metrics got;
            cr_assert_eq(crm_metrics_binary(g, n, 0.5, &got), CRM_OK);
            assert_close(got.log_loss, ref_log_loss(r, m), 1e-12,
                         "log loss");
        }
        free(r);
        free(g);
    }
}

Test(metrics, log_loss_clips_at_1e_15)
{
    crm_binary_metrics m;
    const crm_score_group wrong[] = {{1.0, 0, 1}, {0.0, 1, 0}};
    cr_assert_eq(crm_metrics_binary(wrong, 2, 0.5, &m), CRM_OK);
    cr_assert(isfinite(m.log_loss));
    /* -log(1e-15) = 34.5388; 1 - (1 - 1e-15) rounds to 9.992e-16 */
    const double want = (-log(1e-15) - log(1.0 - (1.0 - 1e-15))) / 2;
    assert_close(m.log_loss, want, 1e-13, "both clipped");
    const crm_score_group right[] = {{1.0, 1, 0}, {0.0, 0, 1}};
    cr_assert_eq(crm_metrics_binary(right, 2, 0.5, &m), CRM_OK);
    cr_assert(m.log_loss > 0 && fabs(m.log_loss - 1e-15) < 1e-16);
    const crm_score_group coin[] = {{0.5, 3, 3}};
    cr_assert_eq(crm_metrics_binary(coin, 1, 0.5, &m), CRM_OK);
    assert_close(m.log_loss, log(2.0), 1e-15, "coin");
}

/* ---- lift table and top decile ---- */

static void check_row(const crm_lift_row *row, int64_t rows, double pos,
                      double min, double max, double rate, double lift,
                      double share, double capture, double cum_lift)
{
    cr_assert_eq(row->rows, rows);
    assert_close(row->positives, pos, 1e-15, "positives");
    assert_close(row->min_score, min, 0, "min_score");
    assert_close(row->max_score, max, 0, "max_score");
    assert_close(row->rate, rate, 1e-15, "rate");
    assert_close(row->lift, lift, 1e-15, "lift");
    assert_close(row->cum_rows_share, share, 1e-15, "cum_rows_share");
    assert_close(row->cum_capture, capture, 1e-15, "cum_capture");
    assert_close(row->cum_lift, cum_lift, 1e-15, "cum_lift");
}

/* Distinct scores, one row per group (given shuffled, then sorted): the
 * table must equal cutting the sorted rows at floor(b m / nb). */
static void check_distinct(uint64_t seed, size_t m, int nb)
{
    uint64_t s = seed;
    crm_score_group *g = malloc(m * sizeof *g);
    ref_row *r = malloc(m * sizeof *r);
    int64_t p = 0;
    for (size_t i = 0; i < m; i++) {
        const int label = ref_rand(&s) % 3 == 0;
        r[i] = (ref_row){(double)((i * 37) % m + 1) / (double)(m + 1), label};
        g[i] = (crm_score_group){r[i].score, label, 1 - label};
        p += label;
    }
    size_t n = m;
    cr_assert_eq(crm_metrics_sort_groups(g, &n), CRM_OK);
    crm_lift_row *got = malloc((size_t)nb * sizeof *got);
    ref_bucket *want = malloc((size_t)nb * sizeof *want);
    cr_assert_eq(crm_metrics_lift(g, n, nb, got), CRM_OK);
    ref_lift(r, m, nb, want);
    const double base = (double)p / (double)m;
    int64_t cum_rows = 0, cum_pos = 0;
    for (int b = 0; b < nb; b++) {
        const double rows = (double)want[b].rows;
        const double pos = (double)want[b].positives;
        cum_rows += want[b].rows;
        cum_pos += want[b].positives;
        const double share = (double)cum_rows / (double)m;
        const double capture = p ? (double)cum_pos / (double)p : NAN;
        check_row(&got[b], want[b].rows, pos, want[b].min_score,
                  want[b].max_score, rows > 0 ? pos / rows : NAN,
                  rows > 0 && p ? pos / rows / base : NAN, share, capture,
                  cum_rows > 0 ? capture / share : NAN);
    }
    if (nb == 10) {
        crm_binary_metrics bm;
        cr_assert_eq(crm_metrics_binary(g, n, 0.5, &bm), CRM_OK);
        const double rows = (double)want[0].rows;
        const double pos = (double)want[0].positives;
        assert_close(bm.top_decile_lift,
                     rows > 0 && p ? pos / rows / base : NAN, 1e-15, "top");
        assert_close(bm.top_decile_capture, p ? pos / (double)p : NAN, 1e-15,
                     "capture");
    }
    free(want);
    free(got);
    free(r);
    free(g);
}

Test(metrics, lift_matches_sorted_rows_when_scores_distinct)
{
    const size_t sizes[] = {1, 3, 7, 10, 11, 99, 1000, 4099};
    const int buckets[] = {1, 3, 10, 20, 1000};
    for (size_t i = 0; i < NGROUPS(sizes); i++)
        for (size_t j = 0; j < NGROUPS(buckets); j++)
            check_distinct(1 + i * 31 + j, sizes[i], buckets[j]);
}

Test(metrics, lift_shares_a_cut_group_proportionally)
{
    /* 6 rows cut at 0, 1, 3, 4, 6; the 0.6 group (2 of 3 positive) spans
     * rows 1..3, so buckets 2 and 3 get 2 x 2/3 and 1 x 2/3 positives */
    const crm_score_group g[] = {{0.9, 1, 0}, {0.6, 2, 1}, {0.3, 0, 2}};
    crm_lift_row t[4];
    cr_assert_eq(crm_metrics_lift(g, 3, 4, t), CRM_OK);
    check_row(&t[0], 1, 1.0, 0.9, 0.9, 1.0, 2.0, 1.0 / 6, 1.0 / 3, 2.0);
    check_row(&t[1], 2, 4.0 / 3, 0.6, 0.6, 2.0 / 3, 4.0 / 3, 0.5, 7.0 / 9,
              14.0 / 9);
    check_row(&t[2], 1, 2.0 / 3, 0.6, 0.6, 2.0 / 3, 4.0 / 3, 4.0 / 6, 1.0,
              1.5);
    check_row(&t[3], 2, 0.0, 0.3, 0.3, 0.0, 0.0, 1.0, 1.0, 1.0);
    cr_assert_eq(t[3].cum_capture, 1.0);
    cr_assert_eq(t[3].cum_rows_share, 1.0);
}

Test(metrics, top_decile_shares_a_cut_group_proportionally)
{
    /* 20 rows, top decile = 2 rows: the 0.9 row and one of the six 0.5
     * rows (3 positive), so 1 + 1/2 of the 4 positives */
    const crm_score_group g[] = {{0.9, 1, 0}, {0.5, 3, 3}, {0.2, 0, 13}};
    crm_binary_metrics m;
    cr_assert_eq(crm_metrics_binary(g, 3, 0.5, &m), CRM_OK);
    assert_close(m.top_decile_lift, (1.5 / 2) / (4.0 / 20), 1e-15, "lift");
    assert_close(m.top_decile_capture, 1.5 / 4, 1e-15, "capture");
}

Test(metrics, lift_with_fewer_rows_than_buckets)
{
    /* 3 rows in 5 buckets: cuts at 0, 0, 1, 1, 2, 3 */
    const crm_score_group g[] = {{0.9, 1, 0}, {0.5, 0, 1}, {0.1, 1, 0}};
    crm_lift_row t[5];
    cr_assert_eq(crm_metrics_lift(g, 3, 5, t), CRM_OK);
    check_row(&t[0], 0, 0.0, NAN, NAN, NAN, NAN, 0.0, 0.0, NAN);
    check_row(&t[1], 1, 1.0, 0.9, 0.9, 1.0, 1.5, 1.0 / 3, 0.5, 1.5);
    check_row(&t[2], 0, 0.0, NAN, NAN, NAN, NAN, 1.0 / 3, 0.5, 1.5);
    check_row(&t[3], 1, 0.0, 0.5, 0.5, 0.0, 0.0, 2.0 / 3, 0.5, 0.75);
    check_row(&t[4], 1, 1.0, 0.1, 0.1, 1.0, 1.5, 1.0, 1.0, 1.0);
    crm_binary_metrics m;
    cr_assert_eq(crm_metrics_binary(g, 3, 0.5, &m), CRM_OK);
    cr_assert(isnan(m.top_decile_lift));
    cr_assert_eq(m.top_decile_capture, 0.0);
}

Test(metrics, lift_without_positives_is_nan)
{
    const crm_score_group g[] = {{0.8, 0, 3}, {0.2, 0, 2}};
    crm_lift_row t[2];
    cr_assert_eq(crm_metrics_lift(g, 2, 2, t), CRM_OK);
    check_row(&t[0], 2, 0.0, 0.8, 0.8, 0.0, NAN, 0.4, NAN, NAN);
    check_row(&t[1], 3, 0.0, 0.2, 0.8, 0.0, NAN, 1.0, NAN, NAN);
}

/* by_rank[i] = the expected label of the row of rank i (best score first):
 * the positive rate of its score, its expected label under a random order
 * of the tie run. Any order inside a run gives the same bucket sums. */
static double *expected_by_rank(const ref_row *r, size_t m)
{
    double *by_rank = calloc(m, sizeof *by_rank);
    for (size_t i = 0; i < m; i++) {
        double pos = 0, all = 0;
        size_t rank = 0;
        for (size_t j = 0; j < m; j++) {
            if (r[j].score == r[i].score) {
                pos += r[j].label;
                all += 1;
            }
            rank += r[j].score > r[i].score ||
                    (r[j].score == r[i].score && j < i);
        }
        by_rank[rank] = pos / all;
    }
    return by_rank;
}

/* Ties everywhere: bucket positives are the sums of the rows' expected
 * labels over the sorted rows. */
Test(metrics, lift_matches_expected_labels_of_sorted_rows_with_ties)
{
    for (uint64_t seed = 1; seed <= 15; seed++) {
        uint64_t s = seed * 65537;
        size_t n, m;
        crm_score_group *g = gen_groups(&s, 6, 40, &n);
        ref_row *r = expand(g, n, &s, &m);
        if (m == 0) {
            free(r);
            free(g);
            continue;
        }
        const int nb = (int)(seed % 4 == 0 ? 1000 : seed + 2);
        crm_lift_row *t = malloc((size_t)nb * sizeof *t);
        cr_assert_eq(crm_metrics_lift(g, n, nb, t), CRM_OK);
        double *by_rank = expected_by_rank(r, m);
        double total = 0;
        int64_t rows = 0;
        for (int b = 0; b < nb; b++) {
            const size_t lo = (size_t)b * m / (size_t)nb;
            const size_t hi = (size_t)(b + 1) * m / (size_t)nb;
            double want = 0;
            for (size_t i = lo; i < hi; i++)
                want += by_rank[i];
            cr_assert_eq(t[b].rows, (int64_t)(hi - lo));
            assert_close(t[b].positives, want, 1e-12, "positives");
            cr_assert(t[b].positives >= 0 &&
                      t[b].positives <= (double)t[b].rows + 1e-12);
            if (b > 0 && t[b].rows > 0 && t[b - 1].rows > 0)
                cr_assert(t[b].max_score <= t[b - 1].min_score);
            total += t[b].positives;
            rows += t[b].rows;
        }
        cr_assert_eq(rows, (int64_t)m);
        cr_assert(isnan(t[nb - 1].cum_capture) || t[nb - 1].cum_capture == 1);
        cr_assert_eq(t[nb - 1].cum_rows_share, 1.0);
        int64_t p = 0;
        for (size_t i = 0; i < m; i++)
            p += r[i].label;
        assert_close(total, (double)p, 1e-12, "all positives");
        free(by_rank);
        free(t);
        free(r);
        free(g);
    }
}

#ifdef __SIZEOF_INT128__
Test(metrics, lift_boundaries_near_int64_max)
{
    const int64_t half = INT64_MAX / 2; /* 2 half = INT64_MAX - 1 rows */
    const crm_score_group g[] = {{0.7, half, 0}, {0.3, 0, half}};
    enum { NB = 997 };
    crm_lift_row t[NB];
    cr_assert_eq(crm_metrics_lift(g, 2, NB, t), CRM_OK);
    const ref_u128 all = (ref_u128)(2 * half);
    for (int b = 0; b < NB; b++) {
        const ref_u128 lo = (ref_u128)b * all / NB;
        const ref_u128 hi = (ref_u128)(b + 1) * all / NB;
        cr_assert_eq(t[b].rows, (int64_t)(hi - lo), "bucket %d", b);
        const double pos = hi <= (ref_u128)half   ? (double)(hi - lo)
                           : lo >= (ref_u128)half ? 0.0
                                                  : (double)(half - lo);
        assert_close(t[b].positives, pos, 1e-15, "positives");
    }
    cr_assert_eq(t[NB - 1].cum_rows_share, 1.0);
    cr_assert_eq(t[NB - 1].cum_capture, 1.0);
}
#endif

/* ---- whole vs split ranks ---- */

/* Rows split over three "ranks", each rank's groups sorted on their own,
 * concatenated in a scrambled rank order and sorted again: the groups,
 * metrics and table must equal those of the whole, bit for bit. */
Test(metrics, split_ranks_give_bitwise_identical_results)
{
    uint64_t s = 4242;
    enum { M = 3000, NB = 10 };
    crm_score_group *whole = malloc(M * sizeof *whole);
    crm_score_group *parts = malloc(M * sizeof *parts);
    for (size_t i = 0; i < M; i++) {
        const int label = ref_rand(&s) % 4 == 0;
        whole[i] = (crm_score_group){(double)ref_rand_range(&s, 0, 50) / 50,
                                     label, 1 - label};
    }
    const size_t cut[4] = {0, 700, 2100, M}, order[3] = {2, 0, 1};
    size_t np = 0;
    for (size_t k = 0; k < 3; k++) {
        const size_t r = order[k], len = cut[r + 1] - cut[r];
        size_t n = len;
        memcpy(parts + np, whole + cut[r], len * sizeof *whole);
        cr_assert_eq(crm_metrics_sort_groups(parts + np, &n), CRM_OK);
        np += n;
    }
    size_t nw = M;
    cr_assert_eq(crm_metrics_sort_groups(whole, &nw), CRM_OK);
    cr_assert_eq(crm_metrics_sort_groups(parts, &np), CRM_OK);
    cr_assert_eq(nw, np);
    cr_assert(memcmp(whole, parts, nw * sizeof *whole) == 0);
    crm_binary_metrics mw, mp;
    crm_lift_row tw[NB], tp[NB];
    cr_assert_eq(crm_metrics_binary(whole, nw, 0.3, &mw), CRM_OK);
    cr_assert_eq(crm_metrics_binary(parts, np, 0.3, &mp), CRM_OK);
    cr_assert(memcmp(&mw, &mp, sizeof mw) == 0);
    cr_assert_eq(crm_metrics_lift(whole, nw, NB, tw), CRM_OK);
    cr_assert_eq(crm_metrics_lift(parts, np, NB, tp), CRM_OK);
    cr_assert(memcmp(tw, tp, sizeof tw) == 0);
    free(parts);
    free(whole);
}

/* ---- argument validation ---- */

static void expect_binary_fails(const crm_score_group *g, size_t n,
                                double threshold, crm_status want)
{
    crm_binary_metrics m, before;
    memset(&m, 0xA5, sizeof m);
    before = m;
    cr_assert_eq(crm_metrics_binary(g, n, threshold, &m), want);
    cr_assert(memcmp(&m, &before, sizeof m) == 0, "out changed on failure");
}

Test(metrics, binary_rejects_bad_arguments)
{
    const crm_score_group ok[] = {{0.8, 1, 2}, {0.3, 2, 1}};
    const double bad_thresholds[] = {-0.01, 1.01, NAN, INFINITY};
    for (size_t k = 0; k < NGROUPS(bad_thresholds); k++)
        expect_binary_fails(ok, 2, bad_thresholds[k], CRM_EINVAL);
    expect_binary_fails(NULL, 2, 0.5, CRM_EINVAL);
    expect_binary_fails(NULL, 0, 0.5, CRM_EINVAL); /* no rows */
    cr_assert_eq(crm_metrics_binary(ok, 2, 0.5, NULL), CRM_EINVAL);
    const crm_score_group unsorted[] = {{0.3, 2, 1}, {0.8, 1, 2}};
    expect_binary_fails(unsorted, 2, 0.5, CRM_EINVAL);
    const crm_score_group unmerged[] = {{0.5, 2, 1}, {0.5, 1, 2}};
    expect_binary_fails(unmerged, 2, 0.5, CRM_EINVAL);
    const crm_score_group nan_score[] = {{0.8, 1, 2}, {NAN, 1, 0}};
    expect_binary_fails(nan_score, 2, 0.5, CRM_EINVAL);
    const crm_score_group big_score[] = {{1.5, 1, 2}, {0.3, 1, 0}};
    expect_binary_fails(big_score, 2, 0.5, CRM_EINVAL);
    const crm_score_group negative[] = {{0.8, 1, 2}, {0.3, 1, -1}};
    expect_binary_fails(negative, 2, 0.5, CRM_EINVAL);
    const crm_score_group empty[] = {{0.8, 0, 0}, {0.3, 0, 0}};
    expect_binary_fails(empty, 2, 0.5, CRM_EINVAL);
    const crm_score_group huge[] = {{0.9, INT64_MAX, 0}, {0.1, 0, 1}};
    expect_binary_fails(huge, 2, 0.5, CRM_ERANGE);
    crm_binary_metrics m, with_empty;
    cr_assert_eq(crm_metrics_binary(ok, 2, 0.0, &m), CRM_OK);
    cr_assert_eq(m.tp + m.fp, 6);
    cr_assert_eq(crm_metrics_binary(ok, 2, 1.0, &m), CRM_OK);
    cr_assert_eq(m.tp + m.fp, 0);
    const crm_score_group padded[] = {
        {0.9, 0, 0}, {0.8, 1, 2}, {0.5, 0, 0}, {0.3, 2, 1}, {0.0, 0, 0}};
    cr_assert_eq(crm_metrics_binary(ok, 2, 0.5, &m), CRM_OK);
    cr_assert_eq(crm_metrics_binary(padded, 5, 0.5, &with_empty), CRM_OK);
    cr_assert(memcmp(&m, &with_empty, sizeof m) == 0);
}

static void expect_lift_fails(const crm_score_group *g, size_t n, int nb,
                              crm_status want)
{
    crm_lift_row t[4], before[4];
    memset(t, 0x5A, sizeof t);
    memcpy(before, t, sizeof t);
    cr_assert_eq(crm_metrics_lift(g, n, nb, t), want);
    cr_assert(memcmp(t, before, sizeof t) == 0, "rows changed on failure");
}

Test(metrics, lift_rejects_bad_arguments)
{
    const crm_score_group ok[] = {{0.8, 1, 2}, {0.3, 2, 1}};
    expect_lift_fails(ok, 2, 0, CRM_EINVAL);
    expect_lift_fails(ok, 2, -3, CRM_EINVAL);
    expect_lift_fails(ok, 2, 1001, CRM_EINVAL);
    expect_lift_fails(NULL, 2, 4, CRM_EINVAL);
    expect_lift_fails(NULL, 0, 4, CRM_EINVAL);
    cr_assert_eq(crm_metrics_lift(ok, 2, 4, NULL), CRM_EINVAL);
    const crm_score_group unsorted[] = {{0.3, 2, 1}, {0.8, 1, 2}};
    expect_lift_fails(unsorted, 2, 4, CRM_EINVAL);
    const crm_score_group unmerged[] = {{0.5, 2, 1}, {0.5, 1, 2}};
    expect_lift_fails(unmerged, 2, 4, CRM_EINVAL);
    const crm_score_group bad[] = {{0.8, -1, 2}, {0.3, 2, 1}};
    expect_lift_fails(bad, 2, 4, CRM_EINVAL);
    const crm_score_group empty[] = {{0.8, 0, 0}};
    expect_lift_fails(empty, 1, 4, CRM_EINVAL);
    const crm_score_group huge[] = {{0.9, INT64_MAX, 0}, {0.1, 0, 1}};
    expect_lift_fails(huge, 2, 4, CRM_ERANGE);
    crm_lift_row *t = malloc(1000 * sizeof *t);
    cr_assert_eq(crm_metrics_lift(ok, 2, 1000, t), CRM_OK);
    cr_assert_eq(t[999].cum_rows_share, 1.0);
    cr_assert_eq(crm_metrics_lift(ok, 2, 1, t), CRM_OK);
    cr_assert_eq(t[0].rows, count_rows(ok, 2));
    cr_assert_eq(t[0].lift, 1.0);
    free(t);
}
