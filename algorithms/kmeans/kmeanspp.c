/* algorithms/kmeans/kmeanspp.c — k-means++ seeding over blocks of rows.
 *
 * Each rank keeps mind2 (squared distance of every row to its nearest chosen
 * centre) and a sum per block. Choosing the next centre with probability
 * proportional to mind2 is a walk first over the global block sums (every
 * rank holds them all, in global block order) and then inside the one block,
 * on the rank that owns it. Both walks add left to right in double, and
 * the block sum is the same serial sum of the same floats that the row walk
 * repeats, so the pick depends only on (seed, data), never on the split.
 * Threads split blocks in crm_kmeanspp_update and crm_kmeanspp_trials;
 * only the trials allocate (their d x 16 transposed candidates). */
#include "algorithms/kmeans/kmeans.h"

#include <math.h>
#include <stdlib.h>

#include "algorithms/kmeans/kmeans_int.h"

void crm_kmeanspp_reset(float *mind2, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mind2[i] = INFINITY;
}

/* Rows [r0, r1): mind2 lowered to the distance to centre; returns the
 * block's sum of mind2, in row order. The distances of ROWS rows are
 * computed before any is used, so they overlap. */
CRM_KMEANS_CLONES
static double block_update(const float *x, size_t r0, size_t r1, size_t d,
                           const float *centre, float *mind2)
{
    double sum = 0.0, s[CRM_KMEANS_ROWS];
    for (size_t c0 = r0; c0 < r1; c0 += CRM_KMEANS_ROWS) {
        const size_t m = r1 - c0 < CRM_KMEANS_ROWS ? r1 - c0
                                                   : CRM_KMEANS_ROWS;
        for (size_t r = 0; r < m; r++)
            s[r] = crm_kmeans_dist2(x + (c0 + r) * d, centre, d);
        for (size_t r = 0; r < m; r++) {
            const float f = (float)s[r];
            mind2[c0 + r] = f < mind2[c0 + r] ? f : mind2[c0 + r];
        }
        for (size_t r = 0; r < m; r++)
            sum += (double)mind2[c0 + r];
    }
    return sum;
}

crm_status crm_kmeanspp_update(const float *x, size_t n, size_t d,
                               size_t block_rows, const float *new_centre,
                               float *mind2, double *block_sums)
{
    if (d == 0 || block_rows == 0 || new_centre == NULL ||
        (n > 0 && (x == NULL || mind2 == NULL || block_sums == NULL)))
        return CRM_EINVAL;
    const size_t nb = crm_kmeans_nblocks(n, block_rows);
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        const size_t r0 = b * block_rows;
        const size_t r1 = n - r0 < block_rows ? n : r0 + block_rows;
        block_sums[b] = block_update(x, r0, r1, d, new_centre, mind2);
    }
    return CRM_OK;
}

void crm_kmeanspp_pick_block(const double *block_sums, size_t nblocks,
                             double u, size_t *block, double *residual)
{
    double total = 0.0;
    size_t last = nblocks; /* last block of positive weight */
    for (size_t b = 0; b < nblocks; b++) {
        total += block_sums[b];
        if (block_sums[b] > 0.0)
            last = b;
    }
    *block = nblocks;
    *residual = 0.0;
    if (!(total > 0.0))
        return;
    const double target = u * total;
    double before = 0.0;
    for (size_t b = 0; b < nblocks; b++) {
        const double after = before + block_sums[b];
        if (block_sums[b] > 0.0 && target < after) {
            *block = b;
            *residual = target - before;
            return;
        }
        before = after;
    }
    *block = last;
    *residual = block_sums[last];
}

size_t crm_kmeanspp_pick_row(const float *mind2_block, size_t nrows,
                             double residual)
{
    double before = 0.0;
    size_t last = 0;
    for (size_t i = 0; i < nrows; i++) {
        const double w = (double)mind2_block[i];
        if (!(w > 0.0))
            continue;
        last = i;
        if (residual < before + w)
            return i;
        before += w;
    }
    return last;
}

/* Lanes of the trial kernel: candidates are padded to a multiple. */
#define LANES 8

/* Rows in flight: each row's distances are a chain of d dependent
 * fused multiply-adds, so R rows interleave to hide their latency. */
#define R 8

/* Adds min(mind2[i], e_t) for rows [i0, i0 + m), m <= R, to pot. */
static inline void rows_trials(const float *x, size_t i0, size_t m,
                               size_t d, const float *ct,
                               const float *mind2, double *pot)
{
    float acc[R][LANES] = {{0}};
    for (size_t j = 0; j < d; j++) {
        const float *cj = ct + j * LANES;
        for (size_t r = 0; r < R; r++) {
            const float xv = x[(i0 + (r < m ? r : 0)) * d + j];
#pragma GCC unroll 1 /* left whole, the loop vectoriser takes it */
            for (size_t t = 0; t < LANES; t++) {
                const float diff = xv - cj[t];
                acc[r][t] = fmaf(diff, diff, acc[r][t]);
            }
        }
    }
    for (size_t r = 0; r < m; r++) { /* row order */
        const float mr = mind2[i0 + r];
        float e[LANES];
#pragma GCC unroll 1
        for (size_t t = 0; t < LANES; t++)
            e[t] = acc[r][t] < mr ? acc[r][t] : mr;
#pragma GCC unroll 1
        for (size_t t = 0; t < LANES; t++)
            pot[t] += (double)e[t];
    }
}

/* pots[t] = sum over rows [r0, r1), in row order, of min(mind2[i], e_t(i))
 * for the LANES candidates of one group, where e_t is the squared
 * distance to candidate t as fmaf(x - c, x - c, acc) in feature order, in
 * float. ct is the group's d x LANES transposed candidates, so each
 * feature's step is one vector over the candidates. */
CRM_KMEANS_CLONES256
static void group_trials(const float *x, size_t r0, size_t r1, size_t d,
                         const float *ct, const float *mind2, double *pots)
{
    double pot[LANES] = {0};
    for (size_t i = r0; i < r1; i += R)
        rows_trials(x, i, r1 - i < R ? r1 - i : R, d, ct, mind2, pot);
    for (size_t t = 0; t < LANES; t++)
        pots[t] = pot[t];
}

crm_status crm_kmeanspp_trials(const float *x, size_t n, size_t d,
                               size_t block_rows, const float *cands,
                               size_t ntrials, const float *mind2,
                               double *pots)
{
    if (d == 0 || block_rows == 0 || cands == NULL || ntrials == 0 ||
        ntrials > CRM_KMEANSPP_MAX_TRIALS ||
        (n > 0 && (x == NULL || mind2 == NULL || pots == NULL)))
        return CRM_EINVAL;
    const size_t lp = (ntrials + LANES - 1) / LANES * LANES;
    float *t = malloc(d * lp * sizeof *t);
    if (t == NULL)
        return CRM_ENOMEM;
    for (size_t g = 0; g < lp; g += LANES) /* group-major, d x LANES each */
        for (size_t j = 0; j < d; j++)
            for (size_t q = 0; q < LANES; q++)
                t[g * d + j * LANES + q] =
                    g + q < ntrials ? cands[(g + q) * d + j] : 0.0f;
    const size_t nb = crm_kmeans_nblocks(n, block_rows);
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        const size_t r0 = b * block_rows;
        const size_t r1 = n - r0 < block_rows ? n : r0 + block_rows;
        double pot[CRM_KMEANSPP_MAX_TRIALS];
        for (size_t g = 0; g < lp; g += LANES)
            group_trials(x, r0, r1, d, t + g * d, mind2, pot + g);
        for (size_t q = 0; q < ntrials; q++)
            pots[b * ntrials + q] = pot[q];
    }
    free(t);
    return CRM_OK;
}
