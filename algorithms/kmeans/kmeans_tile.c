/* algorithms/kmeans/kmeans_tile.c — the distance kernel: nearest centres for
 * a tile of rows (see kmeans_int.h for the layout).
 *
 * Two forms, one answer. crm_kmeans_tile is plain C that gcc -O3 vectorises
 * over the rows of the tile; it runs everywhere and is the reference. On
 * x86-64 with gcc, kmeans_tile_vec.h writes the same kernel in GNU C vectors
 * for AVX-512 (16 lanes) and AVX2 (8 lanes), about twice as fast;
 * crm_kmeans_tile_pick chooses by what the CPU supports. fmaf keeps the
 * arithmetic independent of the instruction set: a fused multiply-add is
 * correctly rounded whether it is one vfmadd lane or a libm call, so every
 * kernel and every clone returns identical bits. The plain kernel's clones
 * are picked at load time (GCC function multi-versioning on x86-64 Linux). */
#include "algorithms/kmeans/kmeans_int.h"

#include <math.h>

#define TR CRM_KMEANS_TILE
#define CG CRM_KMEANS_CGROUP

/* xt = the tile's rows feature-major (d x TR); xx[r] = |x_r|² in double
 * unless xx is NULL. */
static inline void tile_transpose(const float *const *rows, size_t d,
                                  float *xt, double *xx)
{
    for (size_t r = 0; r < TR; r++)
        for (size_t j = 0; j < d; j++)
            xt[j * TR + r] = rows[r][j];
    if (xx == NULL)
        return;
    for (size_t r = 0; r < TR; r++)
        xx[r] = 0.0;
    for (size_t j = 0; j < d; j++)
        for (size_t r = 0; r < TR; r++)
            xx[r] += (double)xt[j * TR + r] * (double)xt[j * TR + r];
}

CRM_KMEANS_CLONES
void crm_kmeans_tile(const float *const *rows, size_t d, const float *cpad,
                     const float *cc, size_t kp, float *xt, float *best,
                     float *second, int32_t *idx, double *xx)
{
    tile_transpose(rows, d, xt, xx);
    float b1[TR], b2[TR];
    int32_t i1[TR];
    for (size_t r = 0; r < TR; r++) {
        b1[r] = b2[r] = INFINITY;
        i1[r] = 0;
    }
    for (size_t c = 0; c < kp; c += CG) {
        float acc[CG][TR] = {{0}};
        for (size_t j = 0; j < d; j++) {
            const float *xj = xt + j * TR;
            for (size_t q = 0; q < CG; q++) {
                const float cv = cpad[(c + q) * d + j];
                for (size_t r = 0; r < TR; r++)
                    acc[q][r] = fmaf(xj[r], cv, acc[q][r]);
            }
        }
        /* centres in ascending order with a strict < : ties keep the
         * lowest. The running values are locals, stored once per row:
         * selects on the arrays themselves become masked stores and
         * branches. */
        for (size_t r = 0; r < TR; r++) {
            float lb1 = b1[r], lb2 = b2[r];
            int32_t li = i1[r];
            for (size_t q = 0; q < CG; q++) {
                const float v = cc[c + q] - 2.0f * acc[q][r];
                const float hi = v < lb1 ? lb1 : v; /* the loser */
                lb2 = hi < lb2 ? hi : lb2;
                li = v < lb1 ? (int32_t)(c + q) : li;
                lb1 = v < lb1 ? v : lb1;
            }
            b1[r] = lb1;
            b2[r] = lb2;
            i1[r] = li;
        }
    }
    for (size_t r = 0; r < TR; r++) {
        best[r] = b1[r];
        second[r] = b2[r];
        idx[r] = i1[r];
    }
}

#if CRM_KMEANS_VECTOR
#define TILE_FN tile_lanes16
#define TILE_LANES 16
#define TILE_TARGET "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"
#include "algorithms/kmeans/kmeans_tile_vec.h"
#undef TILE_FN
#undef TILE_LANES
#undef TILE_TARGET
#define TILE_FN tile_lanes8
#define TILE_LANES 8
#define TILE_TARGET "avx2,fma"
#include "algorithms/kmeans/kmeans_tile_vec.h"
#undef TILE_FN
#undef TILE_LANES
#undef TILE_TARGET

static int has_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int has_avx512(void)
{
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && has_avx2();
}
#endif

size_t crm_kmeans_tile_kernels(crm_kmeans_tile_fn **out, size_t max)
{
    size_t n = 0;
    if (n < max)
        out[n++] = crm_kmeans_tile;
#if CRM_KMEANS_VECTOR
    __builtin_cpu_init();
    if (n < max && has_avx2())
        out[n++] = tile_lanes8;
    if (n < max && has_avx512())
        out[n++] = tile_lanes16;
#endif
    return n;
}

crm_kmeans_tile_fn *crm_kmeans_tile_pick(void)
{
    crm_kmeans_tile_fn *k[CRM_KMEANS_NKERNELS];
    return k[crm_kmeans_tile_kernels(k, CRM_KMEANS_NKERNELS) - 1];
}

CRM_KMEANS_CLONES256
void crm_kmeans_fold(const float *x, size_t i0, size_t i1, size_t d,
                     size_t k, const float *centres, const int32_t *label,
                     const int32_t *known, float *dist2, double *part)
{
    double *count = part + k * d;
    double s[CRM_KMEANS_ROWS];
    double inertia = part[k * d + k];
    for (size_t c0 = i0; c0 < i1; c0 += CRM_KMEANS_ROWS) {
        const size_t m = i1 - c0 < CRM_KMEANS_ROWS ? i1 - c0
                                                   : CRM_KMEANS_ROWS;
        const float *xc = x + c0 * d;
        const int32_t *lc = label + c0;
        if (known == NULL)
            crm_kmeans_dist_rows(x, c0, m, d, centres, lc, dist2, s);
        for (size_t r = 0; known != NULL && r < m; r++)
            if (lc[r] != known[c0 + r])
                dist2[c0 + r] = (float)crm_kmeans_dist2(
                    xc + r * d, centres + (size_t)lc[r] * d, d);
        for (size_t r = 0; r < m; r++) {
            double *sum = part + (size_t)lc[r] * d;
            const float *xi = xc + r * d;
            for (size_t j = 0; j < d; j++)
                sum[j] += (double)xi[j];
            count[lc[r]] += 1.0;
        }
        for (size_t r = 0; r < m; r++)
            inertia += (double)dist2[c0 + r];
    }
    part[k * d + k] = inertia;
}
