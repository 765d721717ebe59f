/* tests/algorithms/test_kmeans.c — the k-means kernel: against the naive
 * double-precision Lloyd in ref/, invariants (inertia never rises, planted
 * clusters recovered, empty clusters reported, bounds change nothing), and
 * partition invariance (1 vs 4 threads, whole vs split fake ranks, for the
 * iterations and for k-means++ seeding), plus argument checks. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/kmeans/kmeans.h"
#include "core/reduce.h"
#include "core/rng.h"
#include "kmeans_testdata.h"
#include "ref/ref_comm.h"
#include "ref/ref_kmeans.h"

/* The data a rank sees and what it hands back. */
typedef struct run {
    const float *x;       /* this rank's rows */
    size_t n, d, k, block_rows, row0, total_rows;
    int iters, accel;
    uint64_t seed;
    float *centres;       /* k x d: in (unless seeding), out */
    int32_t *label;
    float *dist2;
    double *inertia;      /* per iteration, iters values (may be NULL) */
    size_t nempty;        /* after the last iteration */
    size_t full_rows;     /* rows searched in the last iteration */
} run;

/* Copies global row g (held by one rank) into out on every rank. */
static crm_status fetch_row(const crm_comm *c, const run *r, size_t g,
                            float *out)
{
    const int holds = g >= r->row0 && g < r->row0 + r->n;
    int64_t owner = holds ? c->rank : -1;
    crm_status rc = c->allreduce_i64(c, &owner, 1, CRM_OP_MAX);
    if (rc == CRM_OK && holds)
        memcpy(out, r->x + (g - r->row0) * r->d, r->d * sizeof *out);
    return rc != CRM_OK ? rc
                        : c->bcast(c, out, r->d * sizeof *out, (int)owner);
}

/* k-means++ exactly as the engine drives it (see kmeans.h): one pass per
 * centre brings the last centre into mind2 and sums the next candidate's
 * potentials, which are the block sums of the draw after it. */
static crm_status seed_pp(const crm_comm *c, run *r)
{
    const size_t nb = crm_kmeans_nblocks(r->n, r->block_rows);
    const size_t total = crm_kmeans_nblocks(r->total_rows, r->block_rows);
    const size_t block0 = r->row0 / r->block_rows;
    float *mind2 = malloc((r->n ? r->n : 1) * sizeof *mind2);
    double *sums = malloc((nb ? nb : 1) * sizeof *sums);
    double *all = malloc(total * sizeof *all);
    float *cand = malloc(r->d * sizeof *cand);
    size_t g = (size_t)(crm_rng_unit(r->seed, 7, 0) * (double)r->total_rows);
    crm_status rc = fetch_row(c, r, g, cand);
    crm_kmeanspp_reset(mind2, r->n);
    const float *prev = NULL;
    for (size_t kc = 0; rc == CRM_OK && kc < r->k; kc++) {
        if (kc > 0) {
            size_t b = 0;
            double residual = 0.0;
            crm_kmeanspp_pick_block(all, total, crm_rng_unit(r->seed, 7, kc),
                                    &b, &residual);
            g = kc % r->total_rows;
            const int mine = b < total && b >= block0 && b < block0 + nb;
            if (mine) {
                const size_t first = b * r->block_rows;
                const size_t rows = r->total_rows - first < r->block_rows
                                        ? r->total_rows - first
                                        : r->block_rows;
                float *m = mind2 + (first - r->row0);
                crm_kmeanspp_apply(r->x + (first - r->row0) * r->d, rows,
                                   r->d, prev, m);
                g = first + crm_kmeanspp_pick_row(m, rows, residual);
            }
            int64_t pick = b < total && !mine ? -1 : (int64_t)g;
            rc = c->allreduce_i64(c, &pick, 1, CRM_OP_MAX);
            if (rc == CRM_OK)
                rc = fetch_row(c, r, (size_t)pick, cand);
        }
        if (rc == CRM_OK)
            rc = crm_kmeanspp_pass(r->x, r->n, r->d, r->block_rows, prev,
                                   cand, 1, mind2, sums);
        memcpy(r->centres + kc * r->d, cand, r->d * sizeof *cand);
        prev = r->centres + kc * r->d;
        if (rc == CRM_OK)
            rc = c->allgather_f64(c, sums, nb, all, total);
    }
    free(cand);
    free(all);
    free(sums);
    free(mind2);
    return rc;
}

/* Lloyd iterations through assign → crm_reduce_blocks → finish. */
static crm_status iterate(const crm_comm *c, run *r)
{
    crm_kmeans_work *w = NULL;
    const size_t len = crm_kmeans_partial_len(r->k, r->d);
    const size_t nb = crm_kmeans_nblocks(r->n, r->block_rows);
    double *parts = malloc((nb ? nb : 1) * len * sizeof *parts);
    double *tot = malloc(len * sizeof *tot);
    size_t *empty = malloc(r->k * sizeof *empty);
    crm_status rc = crm_kmeans_work_create(r->n, r->d, r->k, r->block_rows,
                                           KM_THREADS, &w);
    if (rc == CRM_OK)
        crm_kmeans_work_accelerate(w, r->accel);
    for (int it = 0; rc == CRM_OK && it < r->iters; it++) {
        rc = crm_kmeans_assign(w, r->x, r->n, r->centres, r->label,
                               r->dist2, parts);
        if (rc == CRM_OK)
            rc = crm_reduce_blocks(c, parts, nb,
                                   (int64_t)(r->row0 / r->block_rows),
                                   (int64_t)crm_kmeans_nblocks(
                                       r->total_rows, r->block_rows),
                                   len, tot);
        double inertia = 0.0, shift = 0.0;
        if (rc == CRM_OK)
            crm_kmeans_finish(tot, r->k, r->d, r->centres, empty,
                              &r->nempty, &inertia, &shift);
        if (r->inertia)
            r->inertia[it] = inertia;
    }
    r->full_rows = crm_kmeans_work_full_rows(w);
    crm_kmeans_work_destroy(w);
    free(empty);
    free(tot);
    free(parts);
    return rc;
}

static crm_status seed_and_iterate(const crm_comm *c, void *arg)
{
    run *r = arg;
    crm_status rc = seed_pp(c, r);
    return rc != CRM_OK ? rc : iterate(c, r);
}

static run whole(const float *x, size_t n, size_t d, size_t k, size_t br)
{
    return (run){.x = x, .n = n, .d = d, .k = k, .block_rows = br,
                 .total_rows = n, .iters = 1, .accel = 1, .seed = 42,
                 .centres = calloc(k * d, sizeof(float)),
                 .label = malloc(n * sizeof(int32_t)),
                 .dist2 = malloc(n * sizeof(float))};
}

static void free_run(run *r)
{
    free(r->centres);
    free(r->label);
    free(r->dist2);
    free(r->inertia);
}

static void first_rows_as_centres(run *r)
{
    for (size_t q = 0; q < r->k; q++)
        memcpy(r->centres + q * r->d, r->x + (q * 37 % r->n) * r->d,
               r->d * sizeof(float));
}

/* (a) One assign + finish against the naive Lloyd, for several shapes. */
static void check_against_ref(uint64_t seed, size_t n, size_t d, size_t k)
{
    float *x = kmeans_test_uniform(seed, n, d);
    run r = whole(x, n, d, k, 64);
    r.inertia = malloc(sizeof(double));
    first_rows_as_centres(&r);
    float *c0 = malloc(k * d * sizeof *c0);
    memcpy(c0, r.centres, k * d * sizeof *c0);
    const crm_comm self = crm_comm_self();
    cr_assert_eq(iterate(&self, &r), CRM_OK);
    int32_t *lab = malloc(n * sizeof *lab);
    double *d2 = malloc(n * sizeof *d2), *gap = malloc(n * sizeof *gap);
    ref_kmeans_assign(x, n, d, c0, k, lab, d2, gap);
    double inertia = 0.0;
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) {
        inertia += d2[i];
        if (gap[i] > 1e-4 * (1.0 + d2[i]))
            cr_assert_eq(r.label[i], lab[i], "row %zu", i);
        differ += r.label[i] != lab[i];
        /* a near-tie may pick the other centre, at most gap further */
        cr_assert_float_eq(r.dist2[i], d2[i], 1e-6 * (1.0 + d2[i]) + gap[i]);
    }
    cr_assert_leq(differ, n / 100, "%zu labels differ", differ);
    cr_assert_float_eq(r.inertia[0], inertia, 1e-6 * inertia);
    if (differ == 0) {
        cr_assert_eq(ref_kmeans_update(x, n, d, lab, k, c0), r.nempty);
        for (size_t i = 0; i < k * d; i++)
            cr_assert_float_eq(r.centres[i], c0[i], 1e-5f);
    }
    free(gap);
    free(d2);
    free(lab);
    free(c0);
    free_run(&r);
    free(x);
}

Test(kmeans, assign_and_finish_match_naive_lloyd)
{
    check_against_ref(1, 2000, 5, 7);
    check_against_ref(2, 1000, 1, 3);
    check_against_ref(3, 777, 33, 13);
    check_against_ref(4, 300, 16, 1);
    check_against_ref(5, 4096, 16, 64);
}

/* Runs plain and accelerated Lloyd side by side; every iteration's labels,
 * distances and partials must agree bitwise. Returns the fewest rows the
 * accelerated run searched in any iteration after the first. */
static size_t compare_accel(const float *x, size_t n, size_t d, size_t k,
                            const float *c0, int iters, int move)
{
    crm_kmeans_work *w[2] = {NULL, NULL};
    const size_t len = crm_kmeans_partial_len(k, d);
    const size_t nb = crm_kmeans_nblocks(n, 128);
    float *cen = malloc(k * d * sizeof *cen), *d2[2];
    int32_t *lab[2];
    double *parts[2], total[4096], inertia, shift;
    size_t empty[64], nempty, fewest = n;
    memcpy(cen, c0, k * d * sizeof *cen);
    for (int a = 0; a < 2; a++) {
        cr_assert_eq(crm_kmeans_work_create(n, d, k, 128,
                                            KM_THREADS, &w[a]), CRM_OK);
        crm_kmeans_work_accelerate(w[a], a);
        d2[a] = malloc(n * sizeof(float));
        lab[a] = malloc(n * sizeof(int32_t));
        parts[a] = malloc(nb * len * sizeof(double));
    }
    for (int it = 0; it < iters; it++) {
        for (int a = 0; a < 2; a++)
            cr_assert_eq(crm_kmeans_assign(w[a], x, n, cen, lab[a], d2[a],
                                           parts[a]), CRM_OK);
        cr_assert_arr_eq(lab[0], lab[1], n * sizeof(int32_t), "iter %d", it);
        cr_assert_arr_eq(d2[0], d2[1], n * sizeof(float));
        cr_assert_arr_eq(parts[0], parts[1], nb * len * sizeof(double));
        if (it > 0 && crm_kmeans_work_full_rows(w[1]) < fewest)
            fewest = crm_kmeans_work_full_rows(w[1]);
        cr_assert_eq(crm_kmeans_work_full_rows(w[0]), n);
        const crm_comm self = crm_comm_self();
        cr_assert_eq(crm_reduce_blocks(&self, parts[0], nb, 0, (int64_t)nb,
                                       len, total), CRM_OK);
        if (move)
            crm_kmeans_finish(total, k, d, cen, empty, &nempty, &inertia,
                              &shift);
    }
    for (int a = 0; a < 2; a++) {
        crm_kmeans_work_destroy(w[a]);
        free(d2[a]);
        free(lab[a]);
        free(parts[a]);
    }
    free(cen);
    return fewest;
}

Test(kmeans, bounds_reproduce_plain_lloyd_bit_for_bit)
{
    const size_t n = 20000, d = 6, k = 9;
    float *x = kmeans_test_planted(11, n, d, k, 8.0f, 2.0f, NULL);
    float c0[9 * 6];
    memcpy(c0, x, sizeof c0);
    const size_t fewest = compare_accel(x, n, d, k, c0, 25, 1);
    cr_assert_lt(fewest, n / 4, "bounds settled too few rows: %zu searched",
                 fewest);
    free(x);
}

Test(kmeans, exact_ties_go_to_the_lowest_centre_with_or_without_bounds)
{
    /* integer lattice rows and centres: many exact ties, a duplicate centre */
    const size_t n = 3000, d = 2, k = 6;
    float *x = malloc(n * d * sizeof *x);
    uint64_t s = 5;
    for (size_t i = 0; i < n * d; i++)
        x[i] = (float)ref_rand_range(&s, 0, 4);
    const float c0[] = {0, 0, 2, 2, 4, 0, 2, 2, 0, 4, 4, 4};
    compare_accel(x, n, d, k, c0, 3, 0);
    int32_t lab[3000];
    double d2[3000], gap[3000];
    ref_kmeans_assign(x, n, d, c0, k, lab, d2, gap);
    run r = whole(x, n, d, k, 64);
    memcpy(r.centres, c0, sizeof c0);
    const crm_comm self = crm_comm_self();
    cr_assert_eq(iterate(&self, &r), CRM_OK);
    cr_assert_arr_eq(r.label, lab, n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++)
        cr_assert_neq(r.label[i], 3, "duplicate centre 3 won row %zu", i);
    cr_assert_geq(r.nempty, 1);
    free_run(&r);
    free(x);
}

/* (b) Invariants. */
Test(kmeans, inertia_never_increases)
{
    const size_t n = 6000, d = 4, k = 12;
    float *x = kmeans_test_planted(21, n, d, 7, 6.0f, 3.0f, NULL);
    run r = whole(x, n, d, k, 100);
    r.iters = 30;
    r.inertia = malloc(30 * sizeof(double));
    first_rows_as_centres(&r);
    const crm_comm self = crm_comm_self();
    cr_assert_eq(iterate(&self, &r), CRM_OK);
    for (int it = 1; it < r.iters; it++)
        cr_assert_leq(r.inertia[it], r.inertia[it - 1] * (1.0 + 1e-12),
                      "iteration %d: %.17g after %.17g", it, r.inertia[it],
                      r.inertia[it - 1]);
    cr_assert_lt(r.inertia[r.iters - 1], r.inertia[0]);
    free_run(&r);
    free(x);
}

Test(kmeans, planted_clusters_are_recovered_exactly)
{
    const size_t n = 5000, d = 4, k = 6;
    int32_t *truth = malloc(n * sizeof *truth);
    float *x = kmeans_test_planted(31, n, d, k, 60.0f, 1.0f, truth);
    run r = whole(x, n, d, k, 64);
    r.iters = 10;
    const crm_comm self = crm_comm_self();
    cr_assert_eq(seed_and_iterate(&self, &r), CRM_OK);
    const double ari = ref_kmeans_ari(truth, r.label, n, k);
    cr_assert_float_eq(ari, 1.0, 1e-12, "adjusted Rand index %.6f", ari);
    cr_assert_eq(r.nempty, 0);
    free_run(&r);
    free(truth);
    free(x);
}

Test(kmeans, empty_cluster_is_reported_and_its_centre_kept)
{
    const size_t n = 1000, d = 3, k = 5;
    float *x = kmeans_test_uniform(41, n, d);
    run r = whole(x, n, d, k, 64);
    first_rows_as_centres(&r);
    const float far[3] = {1000.0f, -1000.0f, 1000.0f};
    memcpy(r.centres + 2 * d, far, sizeof far);
    const size_t len = crm_kmeans_partial_len(k, d);
    double *parts = malloc(16 * len * sizeof *parts), *tot = malloc(len * 8);
    crm_kmeans_work *w = NULL;
    cr_assert_eq(crm_kmeans_work_create(n, d, k, 64, KM_THREADS, &w), CRM_OK);
    cr_assert_eq(crm_kmeans_assign(w, x, n, r.centres, r.label, r.dist2,
                                   parts), CRM_OK);
    const crm_comm self = crm_comm_self();
    cr_assert_eq(crm_reduce_blocks(&self, parts, 16, 0, 16, len, tot),
                 CRM_OK);
    size_t empty[5] = {9, 9, 9, 9, 9}, nempty = 0;
    double inertia = 0.0, shift = 0.0;
    crm_kmeans_finish(tot, k, d, r.centres, empty, &nempty, &inertia, &shift);
    cr_assert_eq(nempty, 1);
    cr_assert_eq(empty[0], 2);
    cr_assert_arr_eq(r.centres + 2 * d, far, sizeof far);
    cr_assert_gt(shift, 0.0);
    crm_kmeans_work_destroy(w);
    free(tot);
    free(parts);
    free_run(&r);
    free(x);
}

Test(kmeans, finish_divides_sums_by_counts)
{
    /* k = 2, d = 2: sums, counts, inertia */
    const double total[] = {6, 9, 0, 0, 3, 0, 12.5};
    float c[] = {0, 0, 7, 7};
    size_t empty[2], nempty = 9;
    double inertia = 0.0, shift = 0.0;
    crm_kmeans_finish(total, 2, 2, c, empty, &nempty, &inertia, &shift);
    cr_assert_eq(c[0], 2.0f);
    cr_assert_eq(c[1], 3.0f);
    cr_assert_eq(c[2], 7.0f);
    cr_assert_eq(nempty, 1);
    cr_assert_eq(empty[0], 1);
    cr_assert_eq(inertia, 12.5);
    cr_assert_eq(shift, 13.0);
}

/* (c) Partition invariance. */
static run seeded_run(const float *x, size_t n, size_t d, size_t k)
{
    run r = whole(x, n, d, k, 64);
    r.iters = 8;
    return r;
}

Test(kmeans, bitwise_identical_for_any_thread_count)
{
    const size_t n = 64 * 37 + 13, d = 7, k = 10;
    float *x = kmeans_test_planted(51, n, d, 8, 5.0f, 2.5f, NULL);
    run r[2];
    const crm_comm self = crm_comm_self();
    for (int t = 0; t < 2; t++) {
#ifdef _OPENMP
        omp_set_num_threads(t == 0 ? 1 : 4);
#endif
        r[t] = seeded_run(x, n, d, k);
        cr_assert_eq(seed_and_iterate(&self, &r[t]), CRM_OK);
    }
    cr_assert_arr_eq(r[0].centres, r[1].centres, k * d * sizeof(float));
    cr_assert_arr_eq(r[0].label, r[1].label, n * sizeof(int32_t));
    cr_assert_arr_eq(r[0].dist2, r[1].dist2, n * sizeof(float));
    cr_assert_lt(r[1].full_rows, n, "the bounds never settled a row");
    free_run(&r[0]);
    free_run(&r[1]);
    free(x);
}

static crm_status rank_main(const crm_comm *c, void *arg)
{
    return seed_and_iterate(c, arg);
}

/* Splits the rows into ranks of blocks[r] blocks each and checks the
 * seeded and iterated centres and the labels against the whole run. */
static void check_split(const float *x, size_t n, size_t d, size_t k,
                        const run *ref, const size_t *blocks, int nranks)
{
    run r[REF_COMM_MAX_RANKS];
    void *args[REF_COMM_MAX_RANKS];
    crm_status st[REF_COMM_MAX_RANKS];
    size_t row = 0;
    for (int q = 0; q < nranks; q++) {
        const size_t end = row + blocks[q] * 64 < n ? row + blocks[q] * 64
                                                    : n;
        r[q] = seeded_run(x + row * d, end - row, d, k);
        r[q].row0 = row;
        r[q].total_rows = n;
        args[q] = &r[q];
        row = end;
    }
    cr_assert_eq(row, n);
    ref_comm_run(nranks, rank_main, args, st);
    for (int q = 0; q < nranks; q++) {
        cr_assert_eq(st[q], CRM_OK, "rank %d: %s", q, crm_strerror(st[q]));
        cr_assert_arr_eq(r[q].centres, ref->centres, k * d * sizeof(float),
                         "rank %d of %d", q, nranks);
        cr_assert_arr_eq(r[q].label, ref->label + r[q].row0,
                         r[q].n * sizeof(int32_t));
        free_run(&r[q]);
    }
}

Test(kmeans, bitwise_identical_for_any_split_into_ranks)
{
    const size_t n = 64 * 37 + 13, d = 5, k = 9;
    float *x = kmeans_test_planted(61, n, d, 9, 6.0f, 2.0f, NULL);
    run ref = seeded_run(x, n, d, k);
    const crm_comm self = crm_comm_self();
    cr_assert_eq(seed_and_iterate(&self, &ref), CRM_OK);
    const size_t two[] = {10, 28}, three[] = {1, 17, 20};
    const size_t four[] = {9, 9, 9, 11}, idle[] = {20, 0, 18};
    check_split(x, n, d, k, &ref, two, 2);
    check_split(x, n, d, k, &ref, three, 3);
    check_split(x, n, d, k, &ref, four, 4);
    check_split(x, n, d, k, &ref, idle, 3);
    free_run(&ref);
    free(x);
}

Test(kmeans, seeding_is_the_same_at_any_split)
{
    const size_t n = 64 * 20 + 1, d = 3, k = 16;
    float *x = kmeans_test_uniform(71, n, d);
    run ref = seeded_run(x, n, d, k);
    ref.iters = 0;
    const crm_comm self = crm_comm_self();
    cr_assert_eq(seed_and_iterate(&self, &ref), CRM_OK);
    for (size_t q = 1; q < k; q++) /* distinct rows were picked */
        cr_assert(memcmp(ref.centres, ref.centres + q * d, d * 4) != 0);
    run r[2] = {seeded_run(x, 640, d, k), seeded_run(x + 640 * d, n - 640,
                                                     d, k)};
    r[1].row0 = 640;
    for (int q = 0; q < 2; q++) {
        r[q].iters = 0;
        r[q].total_rows = n;
    }
    void *args[2] = {&r[0], &r[1]};
    crm_status st[2];
    ref_comm_run(2, rank_main, args, st);
    for (int q = 0; q < 2; q++) {
        cr_assert_eq(st[q], CRM_OK);
        cr_assert_arr_eq(r[q].centres, ref.centres, k * d * sizeof(float));
        free_run(&r[q]);
    }
    free_run(&ref);
    free(x);
}

Test(kmeans, pick_block_and_row_walk_cumulative_weights)
{
    const double sums[] = {0.0, 2.0, 0.0, 1.0, 1.0};
    size_t b = 99;
    double res = -1.0;
    crm_kmeanspp_pick_block(sums, 5, 0.0, &b, &res);
    cr_assert_eq(b, 1); /* zero-weight block 0 is never chosen */
    cr_assert_eq(res, 0.0);
    crm_kmeanspp_pick_block(sums, 5, 0.5, &b, &res);
    cr_assert_eq(b, 3);
    cr_assert_eq(res, 0.0);
    crm_kmeanspp_pick_block(sums, 5, 0.9, &b, &res);
    cr_assert_eq(b, 4);
    cr_assert_float_eq(res, 0.6, 1e-12);
    const double zero[] = {0.0, 0.0};
    crm_kmeanspp_pick_block(zero, 2, 0.3, &b, &res);
    cr_assert_eq(b, 2);
    const float w[] = {0.0f, 1.0f, 0.0f, 2.0f, 0.0f};
    cr_assert_eq(crm_kmeanspp_pick_row(w, 5, 0.0), 1);
    cr_assert_eq(crm_kmeanspp_pick_row(w, 5, 0.999), 1);
    cr_assert_eq(crm_kmeanspp_pick_row(w, 5, 1.0), 3);
    cr_assert_eq(crm_kmeanspp_pick_row(w, 5, 7.0), 3); /* rounding overrun */
    const float none[] = {0.0f, 0.0f};
    cr_assert_eq(crm_kmeanspp_pick_row(none, 2, 0.5), 0);
}

Test(kmeans, kmeanspp_pass_keeps_the_minimum_and_block_sums)
{
    const float x[] = {0, 1, 3, 10, 4}; /* d = 1, blocks of 2 */
    float mind2[5];
    double sums[3];
    const float c0 = 0.0f, c1 = 4.0f;
    crm_kmeanspp_reset(mind2, 5);
    cr_assert(isinf(mind2[4]));
    /* c0 as the only candidate: its potentials, mind2 untouched */
    cr_assert_eq(crm_kmeanspp_pass(x, 5, 1, 2, NULL, &c0, 1, mind2, sums),
                 CRM_OK);
    cr_assert(isinf(mind2[0]));
    cr_assert_eq(sums[0], 1.0);
    cr_assert_eq(sums[1], 109.0);
    cr_assert_eq(sums[2], 16.0);
    /* c0 joins mind2, c1 weighed */
    cr_assert_eq(crm_kmeanspp_pass(x, 5, 1, 2, &c0, &c1, 1, mind2, sums),
                 CRM_OK);
    const float after_c0[] = {0, 1, 9, 100, 16};
    cr_assert_arr_eq(mind2, after_c0, sizeof after_c0);
    cr_assert_eq(sums[0], 1.0);
    cr_assert_eq(sums[1], 37.0);
    cr_assert_eq(sums[2], 0.0);
    crm_kmeanspp_apply(x, 5, 1, &c1, mind2);
    const float want[] = {0, 1, 1, 36, 0};
    cr_assert_arr_eq(mind2, want, sizeof want);
}

Test(kmeans, bad_arguments_are_einval)
{
    crm_kmeans_work *w = NULL;
    cr_assert_eq(crm_kmeans_work_create(10, 2, 0, 4,
                                        KM_THREADS, &w), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_work_create(10, 0, 2, 4,
                                        KM_THREADS, &w), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_work_create(10, 2, 2, 0,
                                        KM_THREADS, &w), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_work_create(10, 2, 2, 4,
                                        KM_THREADS, NULL), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_work_create(SIZE_MAX - 7, 2, 2, 4, KM_THREADS, &w),
                 CRM_ENOMEM);
    cr_assert_null(w);
    cr_assert_eq(crm_kmeans_work_create(10, 2, 2, 4, KM_THREADS, &w), CRM_OK);
    float x[20] = {0}, c[4] = {0}, d2[10];
    int32_t lab[10];
    double parts[3 * 7];
    cr_assert_eq(crm_kmeans_assign(NULL, x, 10, c, lab, d2, parts),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeans_assign(w, NULL, 10, c, lab, d2, parts),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeans_assign(w, x, 10, NULL, lab, d2, parts),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeans_assign(w, x, 10, c, NULL, d2, parts),
                 CRM_EINVAL);
    cr_assert_eq(crm_kmeans_assign(w, x, 9, c, lab, d2, parts), CRM_EINVAL);
    cr_assert_eq(crm_kmeans_assign(w, x, 10, c, lab, d2, parts), CRM_OK);
    cr_assert_eq(crm_kmeans_work_full_rows(w), 10);
    crm_kmeans_work_destroy(w);
    crm_kmeans_work_destroy(NULL);
    cr_assert_eq(crm_kmeans_partial_len(3, 4), 16);
    cr_assert_eq(crm_kmeans_nblocks(129, 64), 3);
    cr_assert_eq(crm_kmeans_nblocks(0, 64), 0);
}

Test(kmeans, an_idle_rank_with_no_rows_is_fine)
{
    crm_kmeans_work *w = NULL;
    const float c[2] = {1, 2};
    cr_assert_eq(crm_kmeans_work_create(0, 2, 1, 8, KM_THREADS, &w), CRM_OK);
    cr_assert_eq(crm_kmeans_assign(w, NULL, 0, c, NULL, NULL, NULL), CRM_OK);
    cr_assert_eq(crm_kmeans_work_full_rows(w), 0);
    crm_kmeans_work_destroy(w);
}
