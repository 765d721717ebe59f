/* engine/partition.h — which customers each rank owns.
 *
 * Customers are cut into fixed global blocks of block_rows rows (the store's
 * chunk length). A rank owns a contiguous run of whole blocks, so every
 * block-ordered result is the same at any rank count. Runs are balanced by
 * weight (transactions + customers per block, so a store without transactions
 * balances by customers): rank r starts at the first block whose prefix
 * weight reaches r * W / P. Pure integer arithmetic: every rank computes the
 * same cut without talking. */
#ifndef CRM_PARTITION_H
#define CRM_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* first[r] .. first[r+1]-1 are rank r's blocks, for r < nranks; first has
 * nranks + 1 entries, first[0] = 0 and first[nranks] = nblocks. weight has
 * nblocks non-negative entries. CRM_EINVAL on nranks < 1 or a negative
 * weight. */
crm_status crm_partition_blocks(const int64_t *weight, size_t nblocks,
                                int nranks, size_t *first);

/* Rows [*row0, *row1) of the blocks [b0, b1) in a table of nrows rows. */
void crm_partition_rows(size_t b0, size_t b1, int64_t block_rows,
                        int64_t nrows, int64_t *row0, int64_t *row1);

#endif
