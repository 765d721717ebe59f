/* tests/algorithms/ref/ref_apriori.h — brute-force frequent itemsets.
 *
 * Every subset (up to max_len items) of every basket's distinct items is
 * written out as a record, the records are sorted, equal ones are counted,
 * and those counted at least min_count times are kept: no candidates, no
 * pruning, nothing shared with the kernel. Exponential in the basket length
 * (baskets of at most REF_APRIORI_MAX_BASKET distinct items). Itemsets come
 * out by length, then lexicographically, as the kernel orders them. */
#ifndef CRM_REF_APRIORI_H
#define CRM_REF_APRIORI_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/apriori/apriori.h"

#define REF_APRIORI_MAX_BASKET 16

typedef struct ref_itemsets {
    size_t n;         /* itemsets */
    size_t *off;      /* n + 1 offsets into items */
    int32_t *items;   /* ascending within an itemset */
    int64_t *count;   /* n */
} ref_itemsets;

/* Returns 0, or -1 on a basket too long or out of memory. max_len 0 = no
 * bound. */
int ref_apriori_mine(const crm_baskets *b, int64_t min_count, size_t max_len,
                     ref_itemsets *out);
void ref_itemsets_free(ref_itemsets *r);

/* The count of x[0..m) (ascending) in r, or -1 when absent. */
int64_t ref_itemsets_find(const ref_itemsets *r, const int32_t *x, size_t m);

#endif
