/* algorithms/kmeans/kmeans_int.h — what the k-means sources share.
 *
 * The tile kernel finds, for CRM_KMEANS_TILE rows at once, the nearest and
 * second-nearest centre by the value ||c||² - 2 x·c. It transposes the rows
 * into a feature-major scratch tile so that each vector lane is one row,
 * and walks the centres CRM_KMEANS_CGROUP at a time with independent
 * accumulators. Every (row, centre) value is the same chain of fmaf calls
 * in feature order, so it is bitwise the same whatever the vector width,
 * the kernel this CPU runs (plain C, or GNU C vectors for AVX2 and AVX-512,
 * kmeans_tile.c), the tile a row lands in, or the thread that runs it. */
#ifndef CRM_KMEANS_INT_H
#define CRM_KMEANS_INT_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "algorithms/kmeans/kmeans.h"

/* GCC function multi-versioning on x86-64 Linux: the AVX-512, AVX2 and
 * baseline clones of a function are picked at load time. fmaf and plain
 * IEEE operations give the same bits in every clone. The 256-bit set is for
 * loops that store and reload per-cluster sums: a 512-bit store followed by
 * a load of the same sums is not forwarded on Zen 4 and stalls. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&       \
    defined(__linux__)
#define CRM_KMEANS_CLONES                                                    \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",         \
                                 "default")))
#define CRM_KMEANS_CLONES256                                                 \
    __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CRM_KMEANS_CLONES
#define CRM_KMEANS_CLONES256
#endif

/* The tile kernels in GNU C vectors (kmeans_tile_vec.h): gcc on x86-64. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CRM_KMEANS_VECTOR 1
#else
#define CRM_KMEANS_VECTOR 0
#endif
#define CRM_KMEANS_NKERNELS 3 /* plain, AVX2, AVX-512 */

#define CRM_KMEANS_TILE 32  /* rows per tile: vector lanes */
#define CRM_KMEANS_CGROUP 8 /* centres per pass over a tile */
/* Bounds cost a pass over per-row state and a distance per row in double
 * (which dist2 needs anyway); they pay when the search they skip is dear.
 * bench_kmeans, 1M planted rows, bounds against plain per iteration: d = 16
 * 1.3-2.3x for k = 2..64, d = 12 k = 8 1.4x, d = 8 k = 8 0.73x but k = 64
 * 2.3x, d = 4 0.8-0.9x up to k = 32 and 1.0x at k = 64. So they default on
 * from d = 12 features or from k = 48 centres. */
#define CRM_KMEANS_ACCEL_MIN_D 12
#define CRM_KMEANS_ACCEL_MIN_K 48

/* The tile kernel's signature (crm_kmeans_tile below). */
typedef void crm_kmeans_tile_fn(const float *const *rows, size_t d,
                                const float *cpad, const float *cc,
                                size_t kp, float *xt, float *best,
                                float *second, int32_t *idx, double *xx);

struct crm_kmeans_work {
    size_t n, d, k, block_rows, nblocks;
    size_t kp;        /* k rounded up to CRM_KMEANS_CGROUP */
    float *cpad;      /* kp x d centres, padding rows 0 */
    float *cc;        /* kp: ||c||² as float, padding +inf */
    float *prev;      /* k x d centres of the previous assign or step */
    double *cnorm;    /* k: ||c|| */
    double *sep;      /* k: distance to the nearest other centre (down) */
    double *shift;    /* k: move since the previous call, rounded up */
    float *xt;        /* nthreads x d x TILE: per-slot transposed tile */
    float *lower;     /* n: bound <= distance to any other centre */
    float *upper;     /* n: bound >= distance to the own centre */
    int32_t *own;     /* n: label of the last assign or step */
    uint32_t *todo;   /* nthreads x todo_len: offsets of rows to search */
    size_t todo_len;  /* min(n, block_rows) */
    size_t nthreads;  /* scratch slots: the most threads a call uses */
    size_t *nfull;    /* nblocks: rows searched in the last call */
    double cmax;      /* max ||c|| */
    double err_coef;  /* |error of ||c||² - 2 x·c| <= err_coef (|x|+cmax)² */
    double shift1, shift2; /* largest and second largest shift */
    size_t shift1_at;      /* index of the largest */
    crm_kmeans_tile_fn *tile; /* crm_kmeans_tile_pick() */
    int accel;        /* use bounds */
    int have_bounds;  /* lower/upper/own are valid for prev */
    int have_own;     /* own holds the last labelling (step's reference) */
};

/* Relative slack that covers double rounding in a d-term sum. */
static inline double crm_kmeans_slack(size_t d)
{
    return (double)(d + 8) * DBL_EPSILON;
}

#define CRM_KMEANS_STRIPES 8 /* independent partial sums in a distance */

/* Squared distance in double: feature j goes to partial sum j % STRIPES,
 * and the partials are added in a fixed tree. Same bits for any vector
 * width (no reassociation is left to the compiler). */
static inline double crm_kmeans_dist2(const float *a, const float *b,
                                      size_t d)
{
    double acc[CRM_KMEANS_STRIPES] = {0};
    size_t j = 0;
    for (; j + CRM_KMEANS_STRIPES <= d; j += CRM_KMEANS_STRIPES)
        for (size_t l = 0; l < CRM_KMEANS_STRIPES; l++) {
            const double t = (double)a[j + l] - (double)b[j + l];
            acc[l] += t * t;
        }
    for (size_t l = 0; j + l < d; l++) {
        const double t = (double)a[j + l] - (double)b[j + l];
        acc[l] += t * t;
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) +
           ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* v as a float rounded towards +inf; v >= 0. Branch-free: the rounding
 * direction of (float)v is data, and a branch on it mispredicts half the
 * time. */
static inline float crm_kmeans_round_up(double v)
{
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u += (uint32_t)((double)f < v);
    memcpy(&f, &u, sizeof f);
    return f;
}

/* v as a float rounded towards -inf; v >= 0. Branch-free. */
static inline float crm_kmeans_round_down(double v)
{
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u -= (uint32_t)((double)f > v);
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Rows per pass of the per-row loops (settle, fold): each pass runs one
 * short loop per output, so no loop waits on another's latency. */
#define CRM_KMEANS_ROWS 32

/* s[r] = crm_kmeans_dist2(row i0 + r, centre lab[r]) and dist2[i0 + r] =
 * (float)s[r] for r < m <= CRM_KMEANS_ROWS. */
static inline void crm_kmeans_dist_rows(const float *x, size_t i0, size_t m,
                                        size_t d, const float *centres,
                                        const int32_t *lab, float *dist2,
                                        double *s)
{
    double acc[CRM_KMEANS_ROWS][CRM_KMEANS_STRIPES];
    for (size_t r = 0; r < m; r++) {
        const float *xi = x + (i0 + r) * d;
        const float *ci = centres + (size_t)lab[r] * d;
        double a[CRM_KMEANS_STRIPES] = {0};
        size_t j = 0;
        for (; j + CRM_KMEANS_STRIPES <= d; j += CRM_KMEANS_STRIPES)
            for (size_t l = 0; l < CRM_KMEANS_STRIPES; l++) {
                const double t = (double)xi[j + l] - (double)ci[j + l];
                a[l] += t * t;
            }
        for (size_t l = 0; j + l < d; l++) {
            const double t = (double)xi[j + l] - (double)ci[j + l];
            a[l] += t * t;
        }
        for (size_t l = 0; l < CRM_KMEANS_STRIPES; l++)
            acc[r][l] = a[l];
    }
    for (size_t r = 0; r < m; r++) {
        s[r] = ((acc[r][0] + acc[r][1]) + (acc[r][2] + acc[r][3])) +
               ((acc[r][4] + acc[r][5]) + (acc[r][6] + acc[r][7]));
        dist2[i0 + r] = (float)s[r];
    }
}

/* Folds rows [i0, i1) into the block partial part, serially in row order:
 * coordinate sums, counts, and the inertia as the sum of dist2 (the float
 * values, added in double). dist2[i] = crm_kmeans_dist2 to the row's centre,
 * computed here unless known is not NULL and known[i] == label[i]: then
 * dist2[i] already holds it. */
void crm_kmeans_fold(const float *x, size_t i0, size_t i1, size_t d,
                     size_t k, const float *centres, const int32_t *label,
                     const int32_t *known, float *dist2, double *part);

/* For rows rows[0..TILE): best[r] = min over c < kp of cc[c] - 2 x_r·c_c,
 * idx[r] = its lowest index, second[r] = the least value of the other
 * centres (+inf when k is 1), xx[r] = |x_r|² in double (feature order;
 * skipped when xx is NULL: only the bounds need it). xt is d x TILE
 * scratch. */
crm_kmeans_tile_fn crm_kmeans_tile; /* plain C: the reference */

/* The kernels this CPU runs, the plain one first and the fastest last (at
 * most max); they all return the same bits. */
size_t crm_kmeans_tile_kernels(crm_kmeans_tile_fn **out, size_t max);

/* The fastest of them. */
crm_kmeans_tile_fn *crm_kmeans_tile_pick(void);

/* Padded centres, norms, separations and (with live bounds) the shifts
 * since the previous call; remembers the centres. */
void crm_kmeans_prepare(crm_kmeans_work *w, const float *centres);

/* Exhaustive search for rows r0 + todo[0..m) in tiles (xt: this thread's
 * scratch): labels, and both bounds when accelerating. */
void crm_kmeans_search(crm_kmeans_work *w, float *xt, const float *x,
                       size_t r0, const uint32_t *todo, size_t m,
                       int32_t *label);

#endif
