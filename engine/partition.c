/* engine/partition.c — weight-balanced contiguous block ranges. */
#include "engine/partition.h"

crm_status crm_partition_blocks(const int64_t *weight, size_t nblocks,
                                int nranks, size_t *first)
{
    if (nranks < 1 || first == NULL || (weight == NULL && nblocks > 0))
        return CRM_EINVAL;
    int64_t total = 0;
    for (size_t b = 0; b < nblocks; b++) {
        if (weight[b] < 0)
            return CRM_EINVAL;
        total += weight[b];
    }
    /* rank r begins where the prefix weight first reaches
     * floor(total * r / nranks), computed without overflowing total * r */
    size_t b = 0;
    int64_t prefix = 0;
    first[0] = 0;
    for (int r = 1; r < nranks; r++) {
        const int64_t target = total / nranks * r +
                               total % nranks * r / nranks;
        while (b < nblocks && prefix + weight[b] <= target) {
            prefix += weight[b];
            b++;
        }
        /* take the block that straddles the target when that lands closer */
        if (b < nblocks && target - prefix > prefix + weight[b] - target) {
            prefix += weight[b];
            b++;
        }
        first[r] = b;
    }
    first[nranks] = nblocks;
    return CRM_OK;
}

void crm_partition_rows(size_t b0, size_t b1, int64_t block_rows,
                        int64_t nrows, int64_t *row0, int64_t *row1)
{
    int64_t lo = (int64_t)b0 * block_rows;
    int64_t hi = (int64_t)b1 * block_rows;
    *row0 = lo < nrows ? lo : nrows;
    *row1 = hi < nrows ? hi : nrows;
}
