/* tests/algorithms/test_kmeans_step.c — the training step (crm_kmeans_step):
 * labels bit for bit those of crm_kmeans_assign, parts the change of the
 * sums and counts (checked by hand on a tiny case and against fresh sums
 * over many iterations), rows settled without being read, distances on
 * demand equal to assign's, thread invariance, argument checks. */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/kmeans/kmeans.h"
#include "core/reduce.h"
#include "kmeans_testdata.h"

/* Reduced sum of the parts of nb blocks (one process). */
static void reduce(const double *parts, size_t nb, size_t len, double *out)
{
    const crm_comm self = crm_comm_self();
    cr_assert_eq(crm_reduce_blocks(&self, parts, nb, 0, (int64_t)nb, len,
                                   out), CRM_OK);
}

Test(kmeans_step, hand_example_change_of_sums_and_counts)
{
    /* 1-D rows 0, 1 | 9, 10 (block_rows 2), k = 2 */
    const float x[] = {0, 1, 9, 10};
    const float c1[] = {0, 10}, c2[] = {0, 1.25f};
    int32_t lab[4];
    double parts[2 * 5];
    crm_kmeans_work *w = NULL;
    cr_assert_eq(crm_kmeans_work_create(4, 1, 2, 2, KM_THREADS, &w), CRM_OK);
    cr_assert_eq(crm_kmeans_step(w, x, 4, c1, lab, parts), CRM_OK);
    /* no previous labelling: every row joins (sum0, sum1, n0, n1, 0) */
    const double first[] = {1, 0, 2, 0, 0, 0, 19, 0, 2, 0};
    cr_assert_arr_eq(parts, first, sizeof first);
    cr_assert_arr_eq(lab, ((int32_t[]){0, 0, 1, 1}), 4 * sizeof(int32_t));
    /* row 1 (x = 1) is nearer 1.25 than 0: it moves from 0 to 1 */
    cr_assert_eq(crm_kmeans_step(w, x, 4, c2, lab, parts), CRM_OK);
    const double moved[] = {-1, 1, -1, 1, 0, 0, 0, 0, 0, 0};
    cr_assert_arr_eq(parts, moved, sizeof moved);
    cr_assert_arr_eq(lab, ((int32_t[]){0, 1, 1, 1}), 4 * sizeof(int32_t));
    /* the same centres again: nothing changes */
    cr_assert_eq(crm_kmeans_step(w, x, 4, c2, lab, parts), CRM_OK);
    const double none[10] = {0};
    cr_assert_arr_eq(parts, none, sizeof none);
    crm_kmeans_work_destroy(w);
}

/* Lloyd driven by fresh assign totals, with a step side alongside on the
 * same centres: labels bitwise equal, running counts exact, running sums
 * within 1e-9; the first step's parts are assign's sums and counts bit for
 * bit. Returns the fewest rows the step searched after its first call. */
static size_t step_beside_assign(const float *x, size_t n, size_t d,
                                 size_t k, int accel, int iters)
{
    const size_t br = 128, len = crm_kmeans_partial_len(k, d);
    const size_t nb = crm_kmeans_nblocks(n, br);
    crm_kmeans_work *wa = NULL, *ws = NULL;
    cr_assert_eq(crm_kmeans_work_create(n, d, k, br, KM_THREADS, &wa), CRM_OK);
    cr_assert_eq(crm_kmeans_work_create(n, d, k, br, KM_THREADS, &ws), CRM_OK);
    crm_kmeans_work_accelerate(ws, accel);
    float *cen = malloc(k * d * sizeof *cen), *d2 = malloc(n * 4);
    int32_t *la = malloc(n * 4), *ls = malloc(n * 4);
    double *pa = malloc(nb * len * 8), *ps = malloc(nb * len * 8);
    double *tot = malloc(len * 8), *chg = malloc(len * 8);
    double *run = calloc(len, 8), inertia, shift;
    size_t *empty = malloc(k * sizeof *empty), nempty, fewest = n;
    memcpy(cen, x, k * d * sizeof *cen);
    for (int it = 0; it < iters; it++) {
        cr_assert_eq(crm_kmeans_assign(wa, x, n, cen, la, d2, pa), CRM_OK);
        cr_assert_eq(crm_kmeans_step(ws, x, n, cen, ls, ps), CRM_OK);
        cr_assert_arr_eq(la, ls, n * sizeof *la, "iteration %d", it);
        for (size_t b = 0; it == 0 && b < nb; b++)
            cr_assert_arr_eq(pa + b * len, ps + b * len,
                             (len - 1) * sizeof *pa);
        if (it > 0 && crm_kmeans_work_full_rows(ws) < fewest)
            fewest = crm_kmeans_work_full_rows(ws);
        reduce(pa, nb, len, tot);
        reduce(ps, nb, len, chg);
        cr_assert_eq(chg[len - 1], 0.0);
        for (size_t i = 0; i < k * d + k; i++) {
            run[i] += chg[i];
            const double tol = i < k * d ? 1e-9 * (1.0 + fabs(tot[i])) : 0;
            cr_assert_leq(fabs(run[i] - tot[i]), tol, "it %d at %zu", it, i);
        }
        crm_kmeans_finish(tot, k, d, cen, empty, &nempty, &inertia, &shift);
    }
    crm_kmeans_work_destroy(wa);
    crm_kmeans_work_destroy(ws);
    free(empty);
    free(run);
    free(chg);
    free(tot);
    free(ps);
    free(pa);
    free(ls);
    free(la);
    free(d2);
    free(cen);
    return fewest;
}

Test(kmeans_step, labels_and_sums_follow_assign_over_many_iterations)
{
    const size_t n = 20000, d = 6, k = 9;
    float *x = kmeans_test_planted(11, n, d, k, 8.0f, 2.0f, NULL);
    step_beside_assign(x, n, d, k, 0, 20);
    const size_t fewest = step_beside_assign(x, n, d, k, 1, 25);
    cr_assert_lt(fewest, n / 10, "the bounds settled too few rows: %zu",
                 fewest);
    free(x);
    float *u = kmeans_test_uniform(12, 3000, 17);
    step_beside_assign(u, 3000, 17, 40, 1, 15); /* k > rows per block/4 */
    free(u);
}

Test(kmeans_step, distances_on_demand_equal_assign_bits)
{
    const size_t n = 5000, d = 13, k = 7;
    float *x = kmeans_test_uniform(13, n, d);
    const size_t len = crm_kmeans_partial_len(k, d);
    crm_kmeans_work *w = NULL;
    cr_assert_eq(crm_kmeans_work_create(n, d, k, 256, KM_THREADS, &w), CRM_OK);
    float *d2 = malloc(n * 4), *again = malloc(n * 4);
    int32_t *lab = malloc(n * 4);
    double *parts = malloc(crm_kmeans_nblocks(n, 256) * len * 8);
    cr_assert_eq(crm_kmeans_assign(w, x, n, x + 100 * d, lab, d2, parts),
                 CRM_OK);
    crm_kmeans_distances(x, n, d, x + 100 * d, lab, again);
    cr_assert_arr_eq(d2, again, n * sizeof *d2);
    crm_kmeans_work_destroy(w);
    free(parts);
    free(lab);
    free(again);
    free(d2);
    free(x);
}

Test(kmeans_step, bitwise_identical_for_any_thread_count)
{
#ifdef _OPENMP
    const size_t n = 30000, d = 16, k = 24, len = crm_kmeans_partial_len(k, d);
    const size_t nb = crm_kmeans_nblocks(n, 512);
    float *x = kmeans_test_planted(14, n, d, k, 6.0f, 2.0f, NULL);
    int32_t *lab[2] = {malloc(n * 4), malloc(n * 4)};
    double *parts[2] = {malloc(nb * len * 8), malloc(nb * len * 8)};
    double *tot = malloc(len * 8), inertia, shift;
    size_t empty[24], nempty;
    float *cen[2] = {malloc(k * d * 4), malloc(k * d * 4)};
    for (int t = 0; t < 2; t++) {
        crm_kmeans_work *w = NULL;
        omp_set_num_threads(t == 0 ? 1 : 4);
        /* 1 slot on 1 thread against 7 slots (runs of blocks) */
        cr_assert_eq(crm_kmeans_work_create(n, d, k, 512, t == 0 ? 1 : 7,
                                            &w), CRM_OK);
        memcpy(cen[t], x, k * d * 4);
        for (int it = 0; it < 8; it++) {
            cr_assert_eq(crm_kmeans_step(w, x, n, cen[t], lab[t], parts[t]),
                         CRM_OK);
            reduce(parts[t], nb, len, tot);
            crm_kmeans_finish(tot, k, d, cen[t], empty, &nempty, &inertia,
                              &shift);
        }
        crm_kmeans_work_destroy(w);
    }
    omp_set_num_threads(1);
    cr_assert_arr_eq(lab[0], lab[1], n * 4);
    cr_assert_arr_eq(parts[0], parts[1], nb * len * 8);
    for (int t = 0; t < 2; t++) {
        free(lab[t]);
        free(parts[t]);
        free(cen[t]);
    }
    free(tot);
    free(x);
#else
    cr_skip_test("built without OpenMP");
#endif
}

Test(kmeans_step, arguments_are_checked)
{
    float x[20] = {0}, c[4] = {0};
    int32_t lab[10];
    double parts[3 * 7];
    crm_kmeans_work *w = NULL;
    cr_assert_eq(crm_kmeans_work_create(10, 2, 2, 4, KM_THREADS, &w), CRM_OK);
    cr_assert_eq(crm_kmeans_step(NULL, x, 10, c, lab, parts), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_step(w, NULL, 10, c, lab, parts), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_step(w, x, 10, NULL, lab, parts), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_step(w, x, 10, c, NULL, parts), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_step(w, x, 10, c, lab, NULL), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_step(w, x, 9, c, lab, parts), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_step(w, x, 10, c, lab, parts), CRM_OK);
    crm_kmeans_work_destroy(w);
    cr_assert_eq(crm_kmeans_work_create(10, 2, 2, 4, (size_t)INT_MAX + 1,
                                        &w), CRM_EINVAL);
    crm_kmeans_work *idle = NULL;
    cr_assert_eq(crm_kmeans_work_create(0, 2, 1, 8, KM_THREADS, &idle), CRM_OK);
    cr_assert_eq(crm_kmeans_step(idle, NULL, 0, c, NULL, NULL), CRM_OK);
    crm_kmeans_work_destroy(idle);
}

/* Squared distance in double. */
static double dist2_ref(const float *a, const float *b, size_t d)
{
    double e = 0.0;
    for (size_t j = 0; j < d; j++) {
        const double v = (double)a[j] - (double)b[j];
        e += v * v;
    }
    return e;
}

/* Greedy k-means++ potentials against a plain double computation; with
 * use_prev, row 3 is the centre chosen last and must lower mind2 first. */
static void check_trials(uint64_t seed, size_t n, size_t d, size_t nt,
                         size_t br, int use_prev)
{
    float *x = kmeans_test_uniform(seed, n, d);
    float *mind2 = malloc(n * sizeof *mind2);
    for (size_t i = 0; i < n; i++) /* some rows already close to a centre */
        mind2[i] = i % 3 == 0 ? 0.5f : INFINITY;
    const float *prev = use_prev ? x + 3 * d : NULL;
    double *lowered = malloc(n * sizeof *lowered);
    for (size_t i = 0; i < n; i++) {
        const double e = prev ? dist2_ref(x + i * d, prev, d) : INFINITY;
        lowered[i] = e < mind2[i] ? e : mind2[i];
    }
    const size_t nb = crm_kmeans_nblocks(n, br);
    double *pots = malloc(nb * nt * sizeof *pots);
    const float *cands = x + 7 * d; /* rows 7 .. 7 + nt as candidates */
    cr_assert_eq(crm_kmeanspp_pass(x, n, d, br, prev, cands, nt, mind2, pots),
                 CRM_OK);
    for (size_t i = 0; i < n; i++) /* float distances: 1e-5 relative */
        if (isinf(lowered[i]))
            cr_assert(isinf(mind2[i]), "row %zu", i);
        else
            cr_assert_float_eq(mind2[i], lowered[i], 1e-5 * lowered[i],
                               "row %zu: %.9g %.9g", i, mind2[i],
                               lowered[i]);
    for (size_t t = 0; t < nt; t++) {
        double want = 0.0, got = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double e = dist2_ref(x + i * d, cands + t * d, d);
            want += e < lowered[i] ? e : lowered[i];
        }
        for (size_t b = 0; b < nb; b++)
            got += pots[b * nt + t];
        cr_assert_float_eq(got, want, 1e-5 * want, "trial %zu: %.9g %.9g",
                           t, got, want);
    }
    free(pots);
    free(lowered);
    free(mind2);
    free(x);
}

Test(kmeanspp_trials, potentials_match_a_plain_double_sum)
{
    for (int p = 0; p < 2; p++) {
        check_trials(21, 1000, 16, 6, 128, p);
        check_trials(22, 777, 3, 1, 100, p);
        check_trials(23, 500, 5, 16, 64, p); /* two or three groups */
        check_trials(24, 300, 70, 9, 256, p); /* many features */
        check_trials(27, 200, 4, 7, 50, p); /* prev fills group 0 */
    }
}

Test(kmeanspp_trials, apply_is_the_pass_update_bit_for_bit)
{
    const size_t n = 700, d = 9, br = 100;
    float *x = kmeans_test_uniform(28, n, d);
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] = i % 5 == 0 ? 0.25f : INFINITY;
    double pots[7];
    const float *prev = x + 11 * d;
    cr_assert_eq(crm_kmeanspp_pass(x, n, d, br, prev, x, 1, a, pots),
                 CRM_OK);
    for (size_t b0 = 0; b0 < n; b0 += br) /* block by block, as owners do */
        crm_kmeanspp_apply(x + b0 * d, br, d, prev, b + b0);
    cr_assert_arr_eq(a, b, n * sizeof *a);
    cr_assert_eq(a[11], 0.0f); /* prev is row 11 */
    /* a second application changes nothing */
    crm_kmeanspp_apply(x, n, d, prev, b);
    cr_assert_arr_eq(a, b, n * sizeof *a);
    free(b);
    free(a);
    free(x);
}

Test(kmeanspp_trials, the_candidate_itself_costs_nothing)
{
    const size_t n = 64, d = 4;
    float *x = kmeans_test_uniform(25, n, d), mind2[64];
    for (size_t i = 0; i < n; i++)
        mind2[i] = INFINITY;
    double pots[2];
    /* one block: the row that is the candidate adds exactly 0 */
    cr_assert_eq(crm_kmeanspp_pass(x, 1, d, 64, NULL, x, 2, mind2, pots),
                 CRM_OK);
    cr_assert_eq(pots[0], 0.0);
    cr_assert_gt(pots[1], 0.0);
    free(x);
}

Test(kmeanspp_trials, bitwise_identical_for_any_thread_count_and_split)
{
    const size_t n = 9000, d = 11, nt = 7, br = 300, nb = 30;
    float *x = kmeans_test_uniform(26, n, d), *mind2 = malloc(n * 4);
    for (size_t i = 0; i < n; i++)
        mind2[i] = (float)(i % 17);
    double *a = malloc(nb * nt * 8), *b = malloc(nb * nt * 8);
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    float *m2 = malloc(n * 4);
    memcpy(m2, mind2, n * 4);
    const float *prev = x + 5 * d;
    cr_assert_eq(crm_kmeanspp_pass(x, n, d, br, prev, x, nt, mind2, a),
                 CRM_OK);
#ifdef _OPENMP
    omp_set_num_threads(4);
#endif
    /* a split: the first 10 blocks, then the rest, as two ranks would */
    cr_assert_eq(crm_kmeanspp_pass(x, 3000, d, br, prev, x, nt, m2, b),
                 CRM_OK);
    cr_assert_eq(crm_kmeanspp_pass(x + 3000 * d, n - 3000, d, br, prev, x,
                                   nt, m2 + 3000, b + 10 * nt), CRM_OK);
    cr_assert_arr_eq(a, b, nb * nt * 8);
    cr_assert_arr_eq(mind2, m2, n * 4);
    free(m2);
    free(b);
    free(a);
    free(mind2);
    free(x);
}

Test(kmeanspp_trials, arguments_are_checked)
{
    float x[8] = {0}, m[4] = {0};
    double pots[64];
    cr_assert_eq(crm_kmeanspp_pass(x, 4, 2, 4, NULL, NULL, 1, m, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(x, 4, 2, 4, NULL, x, 0, m, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(x, 4, 2, 4, x, x, 17, m, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(x, 4, 0, 4, NULL, x, 1, m, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(x, 4, 2, 0, NULL, x, 1, m, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(NULL, 4, 2, 4, NULL, x, 1, m, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(x, 4, 2, 4, x, x, 1, NULL, pots),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeanspp_pass(NULL, 0, 2, 4, x, x, 1, NULL, NULL),
                 CRM_OK);
}
