/* algorithms/kmeans/kmeanspp.c — k-means++ seeding over blocks of rows.
 *
 * Each rank keeps mind2 (squared distance of every row to its nearest chosen
 * centre) and a sum per block. Choosing the next centre with probability
 * proportional to mind2 is a walk first over the global block sums (every
 * rank holds them all, in global block order) and then inside the one block,
 * on the rank that owns it. Both walks add left to right in double, and
 * the block sum is the same serial sum of the same floats that the row walk
 * repeats, so the pick depends only on (seed, data), never on the split.
 *
 * One pass over the rows per centre (crm_kmeanspp_pass): it first lowers
 * mind2 by the centre chosen last, then sums, per block, the potential each
 * candidate for the next centre would leave. The potential of the candidate
 * that wins is the next block sums, so mind2 needs no pass of its own; the
 * rank that walks a block applies the last centre to it first
 * (crm_kmeanspp_apply), with the same float distance, so the walk and the
 * sums see the same floats. Threads split blocks; each call allocates its
 * transposed candidates (d x 8 per group). */
#include "algorithms/kmeans/kmeans.h"

#include <math.h>
#include <stdlib.h>

#include "algorithms/kmeans/kmeans_int.h"

void crm_kmeanspp_reset(float *mind2, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mind2[i] = INFINITY;
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

/* e(i, c): the squared distance of row xi to c in float, a chain of fmaf
 * in feature order; the lanes of rows_trials compute the same bits. */
static inline float trial_dist(const float *xi, const float *c, size_t d)
{
    float acc = 0.0f;
    for (size_t j = 0; j < d; j++) {
        const float diff = xi[j] - c[j];
        acc = fmaf(diff, diff, acc);
    }
    return acc;
}

/* Rows [i0, i0 + m), m <= R: with first, mind2[i] is lowered to lane 0's
 * distance (the centre chosen last) before use; then min(mind2[i], e_t) is
 * added to pot[t] for every lane. */
static inline void rows_trials(const float *x, size_t i0, size_t m,
                               size_t d, const float *ct, int first,
                               float *mind2, double *pot)
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
        float mr = mind2[i0 + r];
        if (first) {
            mr = acc[r][0] < mr ? acc[r][0] : mr;
            mind2[i0 + r] = mr;
        }
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
 * for the LANES lanes of one group; ct is the group's d x LANES transposed
 * centres, so each feature's step is one vector over the lanes. With
 * first, lane 0 is the centre chosen last and lowers mind2 first. */
CRM_KMEANS_CLONES256
static void group_trials(const float *x, size_t r0, size_t r1, size_t d,
                         const float *ct, int first, float *mind2,
                         double *pots)
{
    double pot[LANES] = {0};
    for (size_t i = r0; i < r1; i += R)
        rows_trials(x, i, r1 - i < R ? r1 - i : R, d, ct, first, mind2,
                    pot);
    for (size_t t = 0; t < LANES; t++)
        pots[t] = pot[t];
}

void crm_kmeanspp_apply(const float *x, size_t n, size_t d,
                        const float *prev, float *mind2)
{
    for (size_t i = 0; i < n; i++) {
        const float e = trial_dist(x + i * d, prev, d);
        mind2[i] = e < mind2[i] ? e : mind2[i];
    }
}

crm_status crm_kmeanspp_pass(const float *x, size_t n, size_t d,
                             size_t block_rows, const float *prev,
                             const float *cands, size_t ntrials,
                             float *mind2, double *pots)
{
    if (d == 0 || block_rows == 0 || cands == NULL || ntrials == 0 ||
        ntrials > CRM_KMEANSPP_MAX_TRIALS ||
        (n > 0 && (x == NULL || mind2 == NULL || pots == NULL)))
        return CRM_EINVAL;
    const size_t lead = prev != NULL; /* lane 0: the centre chosen last */
    const size_t lp = (lead + ntrials + LANES - 1) / LANES * LANES;
    float *t = malloc(d * lp * sizeof *t);
    if (t == NULL)
        return CRM_ENOMEM;
    for (size_t g = 0; g < lp; g += LANES) /* group-major, d x LANES each */
        for (size_t j = 0; j < d; j++)
            for (size_t q = 0; q < LANES; q++) {
                const size_t at = g + q; /* lane; candidate at - lead */
                t[g * d + j * LANES + q] =
                    at < lead                  ? prev[j]
                    : at - lead < ntrials      ? cands[(at - lead) * d + j]
                                               : 0.0f;
            }
    const size_t nb = crm_kmeans_nblocks(n, block_rows);
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        const size_t r0 = b * block_rows;
        const size_t r1 = n - r0 < block_rows ? n : r0 + block_rows;
        double pot[CRM_KMEANSPP_MAX_TRIALS + LANES];
        for (size_t g = 0; g < lp; g += LANES) /* group 0 first: mind2 */
            group_trials(x, r0, r1, d, t + g * d, lead && g == 0, mind2,
                         pot + g);
        for (size_t q = 0; q < ntrials; q++)
            pots[b * ntrials + q] = pot[lead + q];
    }
    free(t);
    return CRM_OK;
}
