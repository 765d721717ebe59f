/* tests/algorithms/test_apriori_util.h — shared by test_apriori.c and
 * test_apriori_data.c: basket data, the engine's loop over fake ranks, and
 * comparisons of results. */
#ifndef CRM_TEST_APRIORI_UTIL_H
#define CRM_TEST_APRIORI_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/apriori/apriori.h"

typedef struct bdata {
    size_t n, nitems, cap;
    int64_t *offset; /* n + 1 */
    int32_t *items;
} bdata;

/* Appends a basket. */
void bd_push(bdata *d, const int32_t *items, size_t len);
void bd_free(bdata *d);
/* Baskets [lo, hi) as a view (offset[0] is then nonzero). */
crm_baskets bd_view(const bdata *d, size_t lo, size_t hi);

/* The engine's loop over nranks fake ranks (baskets cut into nranks
 * contiguous parts; counts summed between count and select); prepared
 * selects crm_apriori_prepare + count(NULL). Returns rank 0's miner; *last
 * gets the final status of next_level (CRM_OK, or CRM_ERANGE and its level
 * in *level). */
crm_apriori *mine_ranks(const bdata *d, int nranks, int64_t min_count,
                        size_t max_len, size_t budget, int prepared,
                        crm_status *last, size_t *level);

/* sum over itemsets of count * h(items) mod 2^64, h as in apriori_ref.py. */
uint64_t itemsets_checksum(const crm_apriori *a);

#endif
