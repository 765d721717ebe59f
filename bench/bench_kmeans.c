/* bench/bench_kmeans.c — the k-means assignment kernel on planted clusters.
 *
 * Rows are drawn around k planted centres (counter-based draws keyed by the
 * seed, so every run sees the same data). Lloyd runs `iters` iterations
 * twice side by side from the same start, once computing every distance
 * (plain) and once with Hamerly bounds; every iteration the two must give
 * the same labels bit for bit, and a sample of rows is checked against a
 * double-precision scan, so a fast wrong answer fails. Reports the median
 * seconds of one plain assign (iterations 1..iters-1) with GFLOP/s counted
 * as 3 n k d per full pass, and the same for the bounded assign. A third
 * side runs the training step (crm_kmeans_step, the centres moved by the
 * rows that changed cluster): its labels must equal the plain ones bit for
 * bit and its running counts the plain counts exactly, its running sums
 * within 1e-9 relative.
 * Usage: bench_kmeans [rows 1000000] [cols 16] [k 8] [iters 10] [seed 1] */
#include "bench/bench.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "algorithms/kmeans/kmeans.h"
#include "algorithms/kmeans/kmeans_int.h" /* the tile kernel alone */
#include "core/comm.h"
#include "core/reduce.h"
#include "core/rng.h"

#define BLOCK_ROWS 4096

static float draw(uint64_t seed, uint64_t stream, uint64_t i)
{
    return (float)crm_rng_unit(seed, stream, i);
}

/* Planted clusters: centres uniform in [-3, 3)^d, rows at +-1.5 about them
 * (a sum of three uniforms), so neighbouring clusters overlap a little. */
static float *generate(size_t n, size_t d, size_t k, uint64_t seed)
{
    float *x = malloc(n * d * sizeof *x);
    if (x == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const uint64_t c = crm_rng_u64(seed, 1, i) % k;
        for (size_t j = 0; j < d; j++) {
            const uint64_t at = i * d + j;
            x[at] = 6.0f * draw(seed, 2, c * d + j) - 3.0f +
                    draw(seed, 3, at) + draw(seed, 4, at) +
                    draw(seed, 5, at) - 1.5f;
        }
    }
    return x;
}

/* 1 when every sampled row's label is nearest in double, up to near-ties. */
static int spot_check(const float *x, size_t n, size_t d, size_t k,
                      const float *c, const int32_t *label)
{
    for (size_t i = 0; i < n; i += n / 997 + 1) {
        double best = INFINITY, mine = 0.0;
        for (size_t q = 0; q < k; q++) {
            double s = 0.0;
            for (size_t j = 0; j < d; j++) {
                const double t = (double)x[i * d + j] - (double)c[q * d + j];
                s += t * t;
            }
            best = s < best ? s : best;
            mine = q == (size_t)label[i] ? s : mine;
        }
        if (mine > best + 1e-4 * (1.0 + best))
            return 0;
    }
    return 1;
}

typedef struct side {
    crm_kmeans_work *w;
    int32_t *label;
    float *dist2;
    double *parts, *t;
} side;

static int make_side(side *s, size_t n, size_t d, size_t k, size_t iters,
                     int accel)
{
    const size_t len = crm_kmeans_partial_len(k, d);
#ifdef _OPENMP
    const size_t nthreads = (size_t)omp_get_max_threads();
#else
    const size_t nthreads = 1;
#endif
    if (crm_kmeans_work_create(n, d, k, BLOCK_ROWS, nthreads, &s->w) !=
        CRM_OK)
        return 1;
    crm_kmeans_work_accelerate(s->w, accel);
    s->label = malloc(n * sizeof *s->label);
    s->dist2 = malloc(n * sizeof *s->dist2);
    s->parts = malloc(crm_kmeans_nblocks(n, BLOCK_ROWS) * len * 8);
    s->t = malloc(iters * sizeof *s->t);
    return !s->label || !s->dist2 || !s->parts || !s->t;
}

/* The step side: running += the reduced change; 0 when the counts match
 * tot exactly and the sums within 1e-9 relative. */
static int step_check(side *s, const float *x, size_t n, size_t k, size_t d,
                      const float *c, double *running, const double *tot,
                      double *dt)
{
    const crm_comm self = crm_comm_self();
    const size_t len = crm_kmeans_partial_len(k, d);
    const size_t nb = crm_kmeans_nblocks(n, BLOCK_ROWS);
    double *change = malloc(len * sizeof *change);
    const double t0 = bench_now();
    int bad = change == NULL ||
              crm_kmeans_step(s->w, x, n, c, s->label, s->parts) != CRM_OK ||
              crm_reduce_blocks(&self, s->parts, nb, 0, (int64_t)nb, len,
                                change) != CRM_OK;
    *dt = bench_now() - t0;
    for (size_t i = 0; !bad && i < k * d + k; i++) {
        running[i] += change[i];
        const double tol = i < k * d ? 1e-9 * (1.0 + fabs(tot[i])) : 0.0;
        bad = fabs(running[i] - tot[i]) > tol;
    }
    free(change);
    return bad;
}

/* One pass of the tile kernel alone over the whole rows of x (contiguous,
 * the centres prepared in w): seconds; 1e9 when the nearest labels differ
 * from label (the plain assignment's, for the same centres). */
static double timed_tiles(crm_kmeans_work *w, const float *x, size_t n,
                          size_t d, const int32_t *label)
{
    const size_t ntiles = n / CRM_KMEANS_TILE;
    int bad = 0;
    const double t0 = bench_now();
#pragma omp parallel reduction(| : bad)
    {
        float *xt = malloc(d * CRM_KMEANS_TILE * sizeof *xt);
        float best[CRM_KMEANS_TILE], second[CRM_KMEANS_TILE];
        int32_t idx[CRM_KMEANS_TILE];
        const float *rows[CRM_KMEANS_TILE];
        bad |= xt == NULL;
#pragma omp for schedule(static)
        for (size_t t = 0; t < ntiles; t++) {
            for (size_t r = 0; r < CRM_KMEANS_TILE; r++)
                rows[r] = x + (t * CRM_KMEANS_TILE + r) * d;
            if (xt != NULL)
                w->tile(rows, d, w->cpad, w->cc, w->kp, xt, best, second,
                        idx, NULL);
            bad |= xt == NULL || memcmp(idx, label + t * CRM_KMEANS_TILE,
                                        sizeof idx) != 0;
        }
        free(xt);
    }
    const double dt = bench_now() - t0;
    return bad ? 1e9 : dt;
}

static double timed_assign(side *s, const float *x, size_t n,
                           const float *c)
{
    const double t0 = bench_now();
    if (crm_kmeans_assign(s->w, x, n, c, s->label, s->dist2, s->parts) !=
        CRM_OK)
        return -1.0;
    return bench_now() - t0;
}

int main(int argc, char **argv)
{
    const size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000000;
    const size_t d = argc > 2 ? (size_t)atol(argv[2]) : 16;
    const size_t k = argc > 3 ? (size_t)atol(argv[3]) : 8;
    const size_t iters = argc > 4 ? (size_t)atol(argv[4]) : 10;
    const uint64_t seed = argc > 5 ? (uint64_t)atol(argv[5]) : 1;
    if (n < k || d == 0 || k == 0 || iters < 2)
        return 1;
    float *x = generate(n, d, k, seed), *c = malloc(k * d * sizeof *c);
    const size_t len = crm_kmeans_partial_len(k, d);
    double *tot = malloc(len * sizeof *tot);
    size_t *empty = malloc(k * sizeof *empty), nempty = 0, searched = 0;
    side s[3] = {{0}, {0}, {0}};
    double *running = calloc(len, sizeof *running);
    if (!x || !c || !tot || !empty || !running ||
        make_side(&s[0], n, d, k, iters, 0) ||
        make_side(&s[1], n, d, k, iters, 1) ||
        make_side(&s[2], n, d, k, iters, 1))
        return 1;
    for (size_t q = 0; q < k; q++)
        memcpy(c + q * d, x + (q * (n / k)) * d, d * sizeof *c);
    const crm_comm self = crm_comm_self();
    const size_t nb = crm_kmeans_nblocks(n, BLOCK_ROWS);
    double inertia = 0.0, shift = 0.0;
    for (size_t it = 0; it < iters; it++) {
        for (int a = 0; a < 2; a++)
            s[a].t[it] = timed_assign(&s[a], x, n, c);
        if (s[0].t[it] < 0 || s[1].t[it] < 0 ||
            memcmp(s[0].label, s[1].label, n * sizeof(int32_t)) != 0 ||
            memcmp(s[0].parts, s[1].parts, nb * len * 8) != 0 ||
            !spot_check(x, n, d, k, c, s[0].label)) {
            fprintf(stderr, "bench_kmeans: wrong answer at iteration %zu\n",
                    it);
            return 1;
        }
        if (it > 0)
            searched += crm_kmeans_work_full_rows(s[1].w);
        if (crm_reduce_blocks(&self, s[0].parts, nb, 0, (int64_t)nb, len,
                              tot) != CRM_OK ||
            step_check(&s[2], x, n, k, d, c, running, tot, &s[2].t[it]) ||
            memcmp(s[0].label, s[2].label, n * sizeof(int32_t)) != 0) {
            fprintf(stderr, "bench_kmeans: step differs at iteration %zu\n",
                    it);
            return 1;
        }
        crm_kmeans_finish(tot, k, d, c, empty, &nempty, &inertia, &shift);
    }
    /* the distance kernel alone, on the last centres of the loop */
    if (timed_assign(&s[0], x, n, c) < 0)
        return 1;
    double *tt = malloc(iters * sizeof *tt);
    if (tt == NULL)
        return 1;
    for (size_t it = 0; it < iters; it++)
        tt[it] = timed_tiles(s[0].w, x, n, d, s[0].label);
    const double tile = bench_median(tt, iters);
    free(tt);
    if (tile >= 1e9) {
        fprintf(stderr, "bench_kmeans: tile kernel differs\n");
        return 1;
    }
    const double first_accel = s[1].t[0];
    const double plain = bench_median(s[0].t + 1, iters - 1);
    const double accel = bench_median(s[1].t + 1, iters - 1);
    const double stepped = bench_median(s[2].t + 1, iters - 1);
    const double flops = 3.0 * (double)n * (double)k * (double)d;
    char extra[512];
    snprintf(extra, sizeof extra,
             "\"cols\": %zu, \"k\": %zu, \"block_rows\": %d, \"iters\": %zu, "
             "\"gflops_plain\": %.2f, \"accel_median_s\": %.6f, "
             "\"accel_first_s\": %.6f, \"gflops_accel_equiv\": %.2f, "
             "\"accel_speedup\": %.2f, \"step_median_s\": %.6f, "
             "\"gflops_step_equiv\": %.2f, \"step_speedup\": %.2f, "
             "\"searched_frac\": %.4f, \"tile_median_s\": %.6f, "
             "\"gflops_tile\": %.2f, \"gflops_tile_fma\": %.2f, "
             "\"inertia\": %.6e, \"verified\": true",
             d, k, BLOCK_ROWS, iters, flops / plain / 1e9, accel,
             first_accel, flops / accel / 1e9, plain / accel, stepped,
             flops / stepped / 1e9, plain / stepped,
             (double)searched / (double)(n * (iters - 1)), tile,
             flops / tile / 1e9, flops / 1.5 / tile / 1e9, inertia);
    bench_report("kmeans_assign", (long long)n, s[0].t + 1, iters - 1, extra);
    return 0;
}
