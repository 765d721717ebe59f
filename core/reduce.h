/* core/reduce.h — block-ordered sums that do not depend on the rank count.
 *
 * Rows are cut into global blocks; a kernel computes one partial vector per
 * block. crm_reduce_blocks adds the partials of all blocks on all ranks in a
 * fixed binary tree over global block indices: node (level l, index j) covers
 * blocks [j 2^l, (j+1) 2^l), its sum is left + right (a missing right half,
 * past the last block, is skipped). Each rank sums the largest tree nodes
 * lying wholly in its block range, then ranks exchange those O(log blocks)
 * node sums (one allgather) and every rank finishes the top of the tree. The
 * additions are therefore the same, in the same order, for any split of the
 * blocks: the result is bitwise identical at any rank count, and each rank
 * sends about 2 log2(blocks) vectors rather than one per block (DESIGN.md,
 * "Determinism"). Rounding error is that of pairwise summation:
 * |error| <= ceil(log2 blocks) * eps * sum |partials| (plus the kernel's own
 * error inside each block). */
#ifndef CRM_REDUCE_H
#define CRM_REDUCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"

/* out[0..len) = the tree sum over all blocks of every rank. This rank holds
 * the partials of blocks [block0, block0 + nblocks) in parts (nblocks x len,
 * block-major); ranks hold contiguous ranges in rank order that together
 * cover [0, total_blocks). Collective; out is equal on every rank (all zero
 * when total_blocks is 0). CRM_EINVAL on inconsistent ranges, CRM_ENOMEM. */
crm_status crm_reduce_blocks(const crm_comm *c, const double *parts,
                             size_t nblocks, int64_t block0,
                             int64_t total_blocks, size_t len, double *out);

#endif
