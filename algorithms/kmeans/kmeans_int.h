/* algorithms/kmeans/kmeans_int.h — what kmeans.c and kmeans_tile.c share.
 *
 * The tile kernel finds, for CRM_KMEANS_TILE rows at once, the nearest and
 * second-nearest centre by the value ||c||² - 2 x·c. It transposes the rows
 * into a feature-major scratch tile so that each vector lane is one row,
 * and walks the centres CRM_KMEANS_CGROUP at a time with independent
 * accumulators. Every (row, centre) value is the same chain of fmaf calls
 * in feature order, so it is bitwise the same whatever the vector width,
 * the tile a row lands in, or the thread that runs it. */
#ifndef CRM_KMEANS_INT_H
#define CRM_KMEANS_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "algorithms/kmeans/kmeans.h"

#define CRM_KMEANS_TILE 64  /* rows per tile: vector lanes */
#define CRM_KMEANS_CGROUP 4 /* centres per pass over a tile */
/* Bounds cost a pass over per-row state; measured on 1M x 16 planted data
 * they lose at k <= 32 (0.66-0.75x) and win at k = 64 (1.26x per
 * iteration, 1.65x near convergence), so they default on from here. */
#define CRM_KMEANS_ACCEL_MIN_K 48

struct crm_kmeans_work {
    size_t n, d, k, block_rows, nblocks;
    size_t kp;        /* k rounded up to CRM_KMEANS_CGROUP */
    float *cpad;      /* kp x d centres, padding rows 0 */
    float *cc;        /* kp: ||c||² as float, padding +inf */
    float *prev;      /* k x d centres of the previous assign */
    double *cnorm;    /* k: ||c|| */
    double *sep;      /* k: distance to the nearest other centre, rounded down */
    double *shift;    /* k: move since the previous assign, rounded up */
    float *xt;        /* nblocks x d x TILE: per-block transposed tile */
    float *upper;     /* n: bound >= distance to own centre */
    float *lower;     /* n: bound <= distance to any other centre */
    int32_t *own;     /* n: label the bounds refer to */
    uint32_t *todo;   /* n: per block, offsets of the rows to search */
    size_t *nfull;    /* nblocks: rows searched exhaustively, last assign */
    double cmax;      /* max ||c|| */
    double err_coef;  /* |error of ||c||² - 2 x·c| <= err_coef (|x|+cmax)² */
    double shift1, shift2; /* largest and second largest shift */
    size_t shift1_at;      /* index of the largest */
    int accel;        /* use bounds */
    int have_bounds;  /* upper/lower/own are valid for prev */
};

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

/* v as a float rounded towards +inf; v >= 0. */
static inline float crm_kmeans_round_up(double v)
{
    float f = (float)v;
    if ((double)f < v) {
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        u++;
        memcpy(&f, &u, sizeof f);
    }
    return f;
}

/* v as a float rounded towards -inf; v >= 0. */
static inline float crm_kmeans_round_down(double v)
{
    float f = (float)v;
    if ((double)f > v) {
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        u--;
        memcpy(&f, &u, sizeof f);
    }
    return f;
}

/* Folds rows [i0, i1) into the block partial part, serially in row order:
 * coordinate sums, counts, inertia; dist2[i] = crm_kmeans_dist2 to the
 * row's centre, and upper[i] >= its square root when upper is not NULL. */
void crm_kmeans_fold(const float *x, size_t i0, size_t i1, size_t d,
                     size_t k, const float *centres, const int32_t *label,
                     float *dist2, float *upper, double *part);

/* For rows rows[0..TILE): best[r] = min over c < kp of cc[c] - 2 x_r·c_c,
 * idx[r] = its lowest index, second[r] = the least value of the other
 * centres (+inf when k is 1). xt is d x TILE scratch. */
void crm_kmeans_tile(const float *const *rows, size_t d, const float *cpad,
                     const float *cc, size_t kp, float *xt, float *best,
                     float *second, int32_t *idx);

#endif
