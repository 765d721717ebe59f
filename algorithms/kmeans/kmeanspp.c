/* algorithms/kmeans/kmeanspp.c — k-means++ seeding over blocks of rows.
 *
 * Each rank keeps mind2 (squared distance of every row to its nearest chosen
 * centre) and a sum per block. Choosing the next centre with probability
 * proportional to mind2 is a walk first over the global block sums (every
 * rank holds them all, in global block order) and then inside the one block,
 * on the rank that owns it. Both walks add left to right in double, and
 * the block sum is the same serial sum of the same floats that the row walk
 * repeats, so the pick depends only on (seed, data), never on the split.
 * Threads split blocks in crm_kmeanspp_update; nothing here allocates. */
#include "algorithms/kmeans/kmeans.h"

#include <math.h>

#include "algorithms/kmeans/kmeans_int.h"

void crm_kmeanspp_reset(float *mind2, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mind2[i] = INFINITY;
}

static double block_update(const float *x, size_t r0, size_t r1, size_t d,
                           const float *centre, float *mind2)
{
    double sum = 0.0;
    for (size_t i = r0; i < r1; i++) {
        const float f = (float)crm_kmeans_dist2(x + i * d, centre, d);
        mind2[i] = f < mind2[i] ? f : mind2[i];
        sum += (double)mind2[i];
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
