/* tests/algorithms/test_kmeans_tile.c — the tile kernels (kmeans_int.h):
 * the plain one against the definition written out here, and every kernel
 * this CPU runs (AVX2, AVX-512 in GNU C vectors) against the plain one bit
 * for bit, on random tiles, ties and awkward shapes. White-box: includes the
 * kernel's internal header. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algorithms/kmeans/kmeans_int.h"
#include "core/rng.h"

#define TR CRM_KMEANS_TILE

typedef struct tile_out {
    float best[TR], second[TR];
    int32_t idx[TR];
    double xx[TR];
} tile_out;

typedef struct tile_case {
    size_t d, k, kp;
    float *x;    /* TR x d rows */
    float *cpad; /* kp x d, padding 0 */
    float *cc;   /* kp, padding +inf */
    const float *rows[TR];
    float *xt;
} tile_case;

/* Values on a coarse grid (multiples of 1/4 in [-4, 4)), so that equal
 * distances and equal centres happen often; dup makes row r equal to row
 * r / 2 and centre c equal to centre c / 2. */
static tile_case make_case(size_t d, size_t k, uint64_t seed, int dup)
{
    tile_case t = {.d = d, .k = k};
    t.kp = (k + CRM_KMEANS_CGROUP - 1) / CRM_KMEANS_CGROUP *
           CRM_KMEANS_CGROUP;
    t.x = calloc(TR * d, sizeof *t.x);
    t.cpad = calloc(t.kp * d, sizeof *t.cpad);
    t.cc = calloc(t.kp, sizeof *t.cc);
    t.xt = calloc(TR * d, sizeof *t.xt);
    cr_assert(t.x && t.cpad && t.cc && t.xt);
    for (size_t i = 0; i < TR * d; i++)
        t.x[i] = (float)(crm_rng_u64(seed, 1, i) % 32) / 4.0f - 4.0f;
    for (size_t i = 0; i < k * d; i++)
        t.cpad[i] = (float)(crm_rng_u64(seed, 2, i) % 32) / 4.0f - 4.0f;
    if (dup) {
        for (size_t r = 1; r < TR; r++)
            memcpy(t.x + r * d, t.x + r / 2 * d, d * sizeof *t.x);
        for (size_t c = 1; c < k; c++)
            memcpy(t.cpad + c * d, t.cpad + c / 2 * d, d * sizeof *t.x);
    }
    for (size_t c = 0; c < t.kp; c++) {
        double s = 0.0;
        for (size_t j = 0; c < k && j < d; j++)
            s += (double)t.cpad[c * d + j] * (double)t.cpad[c * d + j];
        t.cc[c] = c < k ? (float)s : INFINITY;
    }
    for (size_t r = 0; r < TR; r++)
        t.rows[r] = t.x + r * d;
    return t;
}

static void free_case(tile_case *t)
{
    free(t->x);
    free(t->cpad);
    free(t->cc);
    free(t->xt);
}

static void run(crm_kmeans_tile_fn *fn, tile_case *t, int with_xx,
                tile_out *o)
{
    memset(o, 0, sizeof *o);
    fn(t->rows, t->d, t->cpad, t->cc, t->kp, t->xt, o->best, o->second,
       o->idx, with_xx ? o->xx : NULL);
}

/* The definition: value(r, c) = ||c||² - 2 (the fmaf chain of x_r · c in
 * feature order), best its least value with the lowest index, second the
 * least value over the other centres (+inf when k is 1). */
static void definition(const tile_case *t, tile_out *o)
{
    for (size_t r = 0; r < TR; r++) {
        float b = INFINITY, s = INFINITY;
        int32_t at = 0;
        for (size_t c = 0; c < t->k; c++) {
            float dot = 0.0f;
            for (size_t j = 0; j < t->d; j++)
                dot = fmaf(t->x[r * t->d + j], t->cpad[c * t->d + j], dot);
            const float v = t->cc[c] - 2.0f * dot;
            if (v < b) {
                s = b;
                b = v;
                at = (int32_t)c;
            } else if (v < s) {
                s = v;
            }
        }
        o->best[r] = b;
        o->second[r] = s;
        o->idx[r] = at;
        double xx = 0.0;
        for (size_t j = 0; j < t->d; j++)
            xx += (double)t->x[r * t->d + j] * (double)t->x[r * t->d + j];
        o->xx[r] = xx;
    }
}

static const size_t shapes[][2] = {{1, 1}, {1, 2}, {2, 3},  {3, 8},
                                   {3, 9}, {16, 8}, {16, 64}, {5, 17},
                                   {17, 24}, {33, 7}, {40, 70}};

Test(kmeans_tile, plain_kernel_follows_the_definition)
{
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int dup = 0; dup < 2; dup++) {
            tile_case t = make_case(shapes[s][0], shapes[s][1], 7 + s, dup);
            tile_out got, want;
            run(crm_kmeans_tile, &t, 1, &got);
            definition(&t, &want);
            cr_assert_arr_eq(got.best, want.best, sizeof got.best,
                             "d %zu k %zu dup %d", t.d, t.k, dup);
            cr_assert_arr_eq(got.second, want.second, sizeof got.second);
            cr_assert_arr_eq(got.idx, want.idx, sizeof got.idx);
            for (size_t r = 0; r < TR; r++) /* order of the sum may differ */
                cr_assert_float_eq(got.xx[r], want.xx[r],
                                   1e-12 * (1.0 + want.xx[r]));
            free_case(&t);
        }
}

Test(kmeans_tile, every_kernel_gives_the_plain_bits)
{
    crm_kmeans_tile_fn *k[CRM_KMEANS_NKERNELS];
    const size_t nk = crm_kmeans_tile_kernels(k, CRM_KMEANS_NKERNELS);
    /* every kernel the CPU can run is listed, so none goes unchecked */
    size_t expected = 1;
#if CRM_KMEANS_VECTOR
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") &&
                     __builtin_cpu_supports("fma");
    expected += (size_t)avx2;
    expected += (size_t)(avx2 && __builtin_cpu_supports("avx512f") &&
                     __builtin_cpu_supports("avx512vl") &&
                     __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512bw"));
#endif
    cr_assert_eq(nk, expected);
    cr_assert_eq(crm_kmeans_tile_pick(), k[nk - 1]);
    cr_log_info("%zu tile kernels on this CPU", nk);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int dup = 0; dup < 2; dup++)
            for (int with_xx = 0; with_xx < 2; with_xx++) {
                tile_case t =
                    make_case(shapes[s][0], shapes[s][1], 100 + s, dup);
                tile_out want;
                run(crm_kmeans_tile, &t, with_xx, &want);
                for (size_t q = 1; q < nk; q++) {
                    tile_out got;
                    run(k[q], &t, with_xx, &got);
                    cr_assert_arr_eq(&got, &want, sizeof got,
                                     "kernel %zu, d %zu k %zu dup %d xx %d",
                                     q, t.d, t.k, dup, with_xx);
                }
                free_case(&t);
            }
}

Test(kmeans_tile, kernels_agree_on_random_real_values)
{
    crm_kmeans_tile_fn *k[CRM_KMEANS_NKERNELS];
    const size_t nk = crm_kmeans_tile_kernels(k, CRM_KMEANS_NKERNELS);
    for (uint64_t seed = 0; seed < 50; seed++) {
        const size_t d = 1 + crm_rng_u64(seed, 9, 0) % 24;
        const size_t kk = 1 + crm_rng_u64(seed, 9, 1) % 40;
        tile_case t = make_case(d, kk, seed, 0);
        for (size_t i = 0; i < TR * d; i++) /* off the grid */
            t.x[i] += (float)crm_rng_unit(seed, 10, i) * 1e-3f;
        tile_out want;
        run(crm_kmeans_tile, &t, 1, &want);
        for (size_t q = 1; q < nk; q++) {
            tile_out got;
            run(k[q], &t, 1, &got);
            cr_assert_arr_eq(&got, &want, sizeof got, "seed %llu kernel %zu",
                             (unsigned long long)seed, q);
        }
        free_case(&t);
    }
}
