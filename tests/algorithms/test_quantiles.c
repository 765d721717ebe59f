/* tests/algorithms/test_quantiles.c — exact distributed order statistics
 * against sorting a copy, on data full of ties, signed zeros, NaN, infinities
 * and extreme magnitudes; on fake ranks; and on 1 vs 4 threads. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/quantiles/quantiles.h"
#include "ref/ref_comm.h"
#include "ref/ref_quantiles.h"

static double gen_value(uint64_t *s)
{
    static const double special[] = {INFINITY, -INFINITY, DBL_MAX, -DBL_MAX,
                                     DBL_MIN,  -DBL_MIN,  5e-324,  -5e-324,
                                     1e-310,   -1e-310,   1e300,   -1e300};
    const uint64_t kind = ref_rand(s) % 10;
    if (kind == 0)
        return NAN;
    if (kind == 1)
        return (ref_rand(s) & 1) ? -0.0 : 0.0;
    if (kind <= 4)
        return (double)ref_rand_range(s, -5, 5); /* many ties */
    if (kind == 5)
        return special[ref_rand(s) % (sizeof special / sizeof *special)];
    const double u = (double)(ref_rand(s) >> 11) / 9007199254740992.0;
    const double v = ldexp(u, (int)ref_rand_range(s, -1070, 1020));
    return (ref_rand(s) & 1) ? -v : v;
}

static double *gen_values(uint64_t seed, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = gen_value(&seed);
    return v;
}

static void assert_same_bits(double a, double b, const char *what, size_t j)
{
    cr_assert(memcmp(&a, &b, sizeof a) == 0, "%s[%zu]: %a vs %a", what, j, a,
              b);
}

Test(quantiles, key_order_is_numeric_order)
{
    const double asc[] = {-INFINITY, -DBL_MAX, -1.0,   -DBL_MIN, -5e-324,
                          0.0,       5e-324,   DBL_MIN, 1.0,     DBL_MAX,
                          INFINITY};
    const size_t n = sizeof asc / sizeof *asc;
    for (size_t i = 1; i < n; i++)
        cr_assert_lt(crm_quantiles_key(asc[i - 1]), crm_quantiles_key(asc[i]));
    cr_assert_eq(crm_quantiles_key(-0.0), crm_quantiles_key(0.0));
    uint64_t s = 7;
    for (int t = 0; t < 100000; t++) {
        const double a = gen_value(&s), b = gen_value(&s);
        if (isnan(a) || isnan(b))
            continue;
        const uint64_t ka = crm_quantiles_key(a), kb = crm_quantiles_key(b);
        cr_assert_eq(a < b, ka < kb, "%a %a", a, b);
        cr_assert_eq(a == b, ka == kb, "%a %a", a, b);
    }
}

Test(quantiles, value_inverts_key)
{
    uint64_t s = 11;
    for (int t = 0; t < 100000; t++) {
        const double a = gen_value(&s);
        if (isnan(a))
            continue;
        const double want = a == 0.0 ? 0.0 : a;
        assert_same_bits(crm_quantiles_value(crm_quantiles_key(a)), want,
                         "roundtrip", (size_t)t);
    }
}

/* Every rank 0..m-1 of v against the sorted copy. */
static void check_all_ranks(const double *v, size_t n)
{
    const crm_comm c = crm_comm_self();
    size_t m = 0;
    double *sorted = ref_sorted(v, n, &m);
    int64_t total = -1;
    cr_assert_eq(crm_quantiles_count(&c, v, n, &total), CRM_OK);
    cr_assert_eq(total, (int64_t)m);
    int64_t *ranks = malloc((m ? m : 1) * sizeof *ranks);
    double *out = malloc((m ? m : 1) * sizeof *out);
    for (size_t j = 0; j < m; j++)
        ranks[j] = (int64_t)(m - 1 - j); /* descending: order is free */
    cr_assert_eq(crm_quantiles_select(&c, v, n, ranks, m, out), CRM_OK);
    for (size_t j = 0; j < m; j++)
        assert_same_bits(out[j], sorted[m - 1 - j], "select", j);
    free(out);
    free(ranks);
    free(sorted);
}

Test(quantiles, select_matches_sorted_reference)
{
    const size_t sizes[] = {1, 2, 7, 256, 1000, 4099};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        double *v = gen_values(100 + t, sizes[t]);
        check_all_ranks(v, sizes[t]);
        free(v);
    }
}

Test(quantiles, select_accepts_repeated_ranks)
{
    const crm_comm c = crm_comm_self();
    const double v[] = {3.0, NAN, -1.0, 3.0, 2.0, -0.0};
    const int64_t ranks[] = {4, 0, 4, 1, 2, 3, 0};
    const double want[] = {3.0, -1.0, 3.0, 0.0, 2.0, 3.0, -1.0};
    double out[7];
    cr_assert_eq(crm_quantiles_select(&c, v, 6, ranks, 7, out), CRM_OK);
    for (size_t j = 0; j < 7; j++)
        assert_same_bits(out[j], want[j], "select", j);
}

Test(quantiles, cuts_match_reference_for_every_bins)
{
    const crm_comm c = crm_comm_self();
    const size_t sizes[] = {1, 3, 19, 20, 21, 997, 5000};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        double *v = gen_values(200 + t, sizes[t]);
        for (int bins = 2; bins <= 20; bins++) {
            double cuts[19], want[19];
            int64_t total = -1;
            const size_t m = ref_cuts(v, sizes[t], bins, want);
            cr_assert_eq(crm_quantiles_cuts(&c, v, sizes[t], bins, cuts,
                                            &total),
                         CRM_OK);
            cr_assert_eq(total, (int64_t)m);
            for (int j = 0; j + 1 < bins; j++)
                assert_same_bits(cuts[j], want[j], "cuts", (size_t)j);
        }
        free(v);
    }
}

Test(quantiles, bin_is_monotone_and_in_range)
{
    const crm_comm c = crm_comm_self();
    double *v = gen_values(300, 3000);
    size_t m = 0;
    double *sorted = ref_sorted(v, 3000, &m);
    for (int bins = 2; bins <= 20; bins++) {
        double cuts[19];
        int64_t total = 0;
        cr_assert_eq(crm_quantiles_cuts(&c, v, 3000, bins, cuts, &total),
                     CRM_OK);
        int prev = 1;
        for (size_t i = 0; i < m; i++) {
            const int b = crm_quantiles_bin(sorted[i], cuts, bins);
            cr_assert(b >= prev && b <= bins, "bins %d value %a bin %d", bins,
                      sorted[i], b);
            cr_assert_eq(b, ref_bin(sorted[i], cuts, bins));
            prev = b;
        }
        cr_assert_eq(crm_quantiles_bin(NAN, cuts, bins), 0);
    }
    free(sorted);
    free(v);
}

Test(quantiles, ties_share_the_lower_bin)
{
    const crm_comm c = crm_comm_self();
    /* 7 of 10 values are 1: the cuts of 5 bins are 1,1,1,2 (ranks 1,3,5,7) */
    const double v[] = {1, 1, 2, 1, 1, 3, 1, 1, 4, 1};
    double cuts[4];
    int64_t total = 0;
    cr_assert_eq(crm_quantiles_cuts(&c, v, 10, 5, cuts, &total), CRM_OK);
    cr_assert_eq(total, 10);
    const double want[] = {1, 1, 1, 2};
    for (size_t j = 0; j < 4; j++)
        assert_same_bits(cuts[j], want[j], "cuts", j);
    cr_assert_eq(crm_quantiles_bin(1.0, cuts, 5), 1);
    cr_assert_eq(crm_quantiles_bin(2.0, cuts, 5), 4);
    cr_assert_eq(crm_quantiles_bin(3.0, cuts, 5), 5);
    cr_assert_eq(crm_quantiles_bin(-0.0, cuts, 5), 1);
}

Test(quantiles, no_values_gives_zero_total_and_nan_cuts)
{
    const crm_comm c = crm_comm_self();
    const double nans[] = {NAN, NAN, NAN};
    const double *inputs[] = {NULL, nans};
    const size_t sizes[] = {0, 3};
    for (size_t t = 0; t < 2; t++) {
        int64_t total = -1;
        double cuts[4] = {0};
        cr_assert_eq(crm_quantiles_count(&c, inputs[t], sizes[t], &total),
                     CRM_OK);
        cr_assert_eq(total, 0);
        total = -1;
        cr_assert_eq(crm_quantiles_cuts(&c, inputs[t], sizes[t], 5, cuts,
                                        &total),
                     CRM_OK);
        cr_assert_eq(total, 0);
        for (size_t j = 0; j < 4; j++)
            cr_assert(isnan(cuts[j]));
        cr_assert_eq(crm_quantiles_bin(7.0, cuts, 5), 1);
        const int64_t rank0 = 0;
        double out = 42.0;
        cr_assert_eq(crm_quantiles_select(&c, inputs[t], sizes[t], &rank0, 1,
                                          &out),
                     CRM_ERANGE);
        cr_assert_eq(out, 42.0, "out must stay untouched on failure");
    }
}

Test(quantiles, bad_arguments_are_refused)
{
    const crm_comm c = crm_comm_self();
    const double v[] = {1, 2, 3};
    const int64_t ok_rank = 1, big = 3, negative = -1;
    double out = 0, cuts[1024];
    int64_t total = 0;
    cr_assert_eq(crm_quantiles_count(NULL, v, 3, &total), CRM_EINVAL);
    cr_assert_eq(crm_quantiles_count(&c, NULL, 3, &total), CRM_EINVAL);
    cr_assert_eq(crm_quantiles_count(&c, v, 3, NULL), CRM_EINVAL);
    cr_assert_eq(crm_quantiles_select(&c, NULL, 3, &ok_rank, 1, &out),
                 CRM_EINVAL);
    cr_assert_eq(crm_quantiles_select(&c, v, 3, NULL, 1, &out), CRM_EINVAL);
    cr_assert_eq(crm_quantiles_select(&c, v, 3, &ok_rank, 1, NULL),
                 CRM_EINVAL);
    cr_assert_eq(crm_quantiles_select(&c, v, 3, &big, 1, &out), CRM_ERANGE);
    cr_assert_eq(crm_quantiles_select(&c, v, 3, &negative, 1, &out),
                 CRM_ERANGE);
    cr_assert_eq(crm_quantiles_select(&c, v, 3, NULL, 0, NULL), CRM_OK);
    cr_assert_eq(crm_quantiles_cuts(&c, v, 3, 1, cuts, &total), CRM_EINVAL);
    cr_assert_eq(crm_quantiles_cuts(&c, v, 3, 1025, cuts, &total),
                 CRM_EINVAL);
    cr_assert_eq(crm_quantiles_cuts(&c, v, 3, 1024, cuts, &total), CRM_OK);
    cr_assert_eq(crm_quantiles_cuts(&c, NULL, 3, 5, cuts, &total),
                 CRM_EINVAL);
    cr_assert_eq(crm_quantiles_cuts(&c, v, 3, 5, NULL, &total), CRM_EINVAL);
    cr_assert_eq(crm_quantiles_cuts(&c, v, 3, 5, cuts, NULL), CRM_EINVAL);
}

/* One fake rank's share of a split run. */
typedef struct qjob {
    const double *v;
    size_t n;
    int bins;
    const int64_t *ranks;
    size_t nk;
    double cuts[19];
    int64_t total;
    double *sel;
} qjob;

static crm_status q_rank(const crm_comm *c, void *arg)
{
    qjob *j = arg;
    crm_status rc = crm_quantiles_cuts(c, j->v, j->n, j->bins, j->cuts,
                                       &j->total);
    if (rc != CRM_OK)
        return rc;
    return crm_quantiles_select(c, j->v, j->n, j->ranks, j->nk, j->sel);
}

/* Runs q_rank on nranks fake ranks over v cut at the given bounds. */
static void run_split(const double *v, const size_t *bound, int nranks,
                      int bins, const int64_t *ranks, size_t nk, qjob *jobs,
                      crm_status *status)
{
    void *args[REF_COMM_MAX_RANKS];
    for (int r = 0; r < nranks; r++) {
        jobs[r] = (qjob){.v = v + bound[r], .n = bound[r + 1] - bound[r],
                         .bins = bins, .ranks = ranks, .nk = nk,
                         .sel = calloc(nk, sizeof(double))};
        args[r] = &jobs[r];
    }
    ref_comm_run(nranks, q_rank, args, status);
}

Test(quantiles, split_ranks_give_identical_bytes)
{
    const crm_comm self = crm_comm_self();
    const size_t n = 3001, nk = 64;
    double *v = gen_values(400, n);
    int64_t total = 0, ranks[64];
    cr_assert_eq(crm_quantiles_count(&self, v, n, &total), CRM_OK);
    uint64_t s = 5;
    for (size_t j = 0; j < nk; j++)
        ranks[j] = ref_rand_range(&s, 0, total - 1);
    double whole_sel[64], whole_cuts[19];
    cr_assert_eq(crm_quantiles_select(&self, v, n, ranks, nk, whole_sel),
                 CRM_OK);
    cr_assert_eq(crm_quantiles_cuts(&self, v, n, 20, whole_cuts, &total),
                 CRM_OK);
    const int counts[] = {2, 3, 5, 16};
    for (size_t t = 0; t < sizeof counts / sizeof *counts; t++) {
        const int p = counts[t];
        size_t bound[REF_COMM_MAX_RANKS + 1] = {0};
        for (int r = 1; r < p; r++) /* uneven, and rank 1 is empty */
            bound[r] = r == 1 ? 0 : (size_t)ref_rand_range(&s, 0, (int64_t)n);
        bound[p] = n;
        for (int r = 1; r < p; r++)
            if (bound[r] < bound[r - 1])
                bound[r] = bound[r - 1];
        qjob jobs[REF_COMM_MAX_RANKS];
        crm_status st[REF_COMM_MAX_RANKS];
        run_split(v, bound, p, 20, ranks, nk, jobs, st);
        for (int r = 0; r < p; r++) {
            cr_assert_eq(st[r], CRM_OK, "ranks %d rank %d", p, r);
            cr_assert_eq(jobs[r].total, total);
            cr_assert_arr_eq(jobs[r].cuts, whole_cuts, sizeof whole_cuts);
            cr_assert_arr_eq(jobs[r].sel, whole_sel, sizeof whole_sel);
            free(jobs[r].sel);
        }
    }
    free(v);
}

Test(quantiles, a_bad_rank_fails_every_rank)
{
    const double v[] = {1, 2, 3, 4};
    const int64_t rank = 1;
    double sel[2] = {0, 0};
    /* rank 1 passes NULL values: both must fail, neither may wait forever */
    qjob jobs[2] = {
        {.v = v, .n = 2, .bins = 4, .ranks = &rank, .nk = 1, .sel = &sel[0]},
        {.v = NULL, .n = 2, .bins = 4, .ranks = &rank, .nk = 1,
         .sel = &sel[1]}};
    void *args[2] = {&jobs[0], &jobs[1]};
    crm_status st[2];
    ref_comm_run(2, q_rank, args, st);
    cr_assert_eq(st[0], CRM_EINVAL);
    cr_assert_eq(st[1], CRM_EINVAL);
    jobs[1].v = v + 2;
    ref_comm_run(2, q_rank, args, st);
    cr_assert_eq(st[0], CRM_OK);
    cr_assert_eq(st[1], CRM_OK);
    cr_assert_eq(sel[0], 2.0);
    cr_assert_eq(sel[1], 2.0);
}

Test(quantiles, thread_count_does_not_change_bytes)
{
#ifdef _OPENMP
    const crm_comm c = crm_comm_self();
    const size_t n = 20000;
    double *v = gen_values(500, n);
    double cuts[2][19];
    int64_t total[2];
    const int threads[2] = {1, 4};
    for (int t = 0; t < 2; t++) {
        omp_set_num_threads(threads[t]);
        cr_assert_eq(crm_quantiles_cuts(&c, v, n, 20, cuts[t], &total[t]),
                     CRM_OK);
    }
    cr_assert_eq(total[0], total[1]);
    cr_assert_arr_eq(cuts[0], cuts[1], sizeof cuts[0]);
    double want[19];
    ref_cuts(v, n, 20, want);
    cr_assert_arr_eq(cuts[1], want, sizeof want);
    free(v);
#else
    cr_skip_test("built without OpenMP");
#endif
}
