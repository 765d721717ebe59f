/* algorithms/apriori/apriori_int.h — the miner's state, shared by
 * apriori.c (life cycle, codes, prepared baskets), apriori_level.c
 * (candidates, selection), apriori_count.c (basket recoding and the
 * counting kernels), apriori_store.c (results), apriori_rules.c (rules)
 * and apriori_offer.c (recommendations, plain and through a rule index).
 *
 * Codes: frequent item c (0..f-1) is original id item_of[c]; codes ascend
 * with the global count, ties by id. Candidates of level k >= 3 are cand[ncand * k] in lexicographic
 * order, and the prefix tree over them has one node per distinct prefix:
 * depth d (0..k-1) holds the distinct (d+1)-prefixes in order, item[d][j]
 * being the last item of node j and first[d][j]..first[d][j+1] its children
 * at depth d+1. Leaves (depth k-1) are the candidates themselves, so the
 * counter of leaf j is counts[j]. */
#ifndef CRM_APRIORI_INT_H
#define CRM_APRIORI_INT_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/apriori/apriori.h"

/* Loops over fewer items (basket items, or counters) than this run on one
 * thread: a parallel region costs microseconds on an idle machine and
 * milliseconds on a loaded one, where the partner thread may be
 * descheduled while the other spins at the barrier, and the deep levels of
 * a mining (tens of candidates over a few baskets) would spend their time
 * waking threads. Results do not depend on it: counts are integers. */
#define APRIORI_PARALLEL_MIN 65536

typedef struct apriori_trie {
    size_t k;          /* depth = candidate length (>= 3) */
    int32_t *root;     /* f: code -> depth-0 node, -1 when none */
    size_t *nnodes;    /* k: nodes per depth */
    int32_t **item;    /* k arrays: last item of each node */
    size_t **first;    /* k - 1 arrays of nnodes[d] + 1 child offsets */
} apriori_trie;

struct crm_apriori {
    size_t nitems;        /* original ids 0..nitems-1 */
    size_t nfreq;         /* f: frequent items */
    int64_t nbaskets;     /* global baskets */
    int64_t min_count;    /* frequent when count >= min_count */
    size_t max_len;       /* 0 = no bound */
    size_t budget;        /* bytes per level, 0 = no bound */
    size_t nthreads;      /* for the budget only */
    int32_t *code;        /* nitems: id -> code, -1 when infrequent */
    int32_t *item_of;     /* f: code -> id */
    unsigned char *active; /* f: code in some frequent (level-1)-itemset */

    size_t level;         /* length being counted, or last selected */
    int counting;         /* 1 between next_level and select */
    int done;             /* no further level */
    size_t ncand;         /* counters of the level being counted */
    int64_t *counts;      /* ncand */
    int32_t *cand;        /* ncand * level, level >= 3 */
    apriori_trie trie;    /* over cand, level >= 3 */
    int32_t *prev;        /* nprev * (level) frequent itemsets, codes */
    size_t nprev;

    int prepared;         /* the local baskets were copied */
    size_t pn;            /* prepared baskets */
    size_t *poff;         /* pn + 1 */
    int32_t *pitems;      /* codes, ascending within a basket */

    size_t nres;          /* frequent itemsets, all lengths */
    size_t res_cap, pool_len, pool_cap;
    int32_t *pool;        /* items of every itemset, original ids */
    size_t *res_off;      /* nres + 1 offsets into pool */
    int64_t *res_count;   /* nres */
    size_t nlen;          /* longest length with an itemset */
    size_t *len_first;    /* nlen + 2: first itemset of length l (1..) */
};

/* The baskets' offsets ascend and their items are below nitems. */
int apriori_baskets_valid(const crm_baskets *b, size_t nitems);

/* Writes the basket's frequent, active items as codes, ascending and
 * distinct, into out (capacity len); returns how many. */
size_t apriori_recode(const crm_apriori *a, const int32_t *items, size_t len,
                      int32_t *out);

/* Adds the occurrences of the current level's candidates in b (or in the
 * prepared copy when b is NULL) to a->counts. CRM_ENOMEM leaves them. */
crm_status apriori_count_level(crm_apriori *a, const crm_baskets *b);

/* Builds a->trie over a->cand; CRM_ENOMEM. */
crm_status apriori_trie_build(crm_apriori *a);
void apriori_trie_free(apriori_trie *t);

/* Appends the itemset codes[0..k) (as original ids, ascending) to the
 * results; CRM_ENOMEM. Blocks of one length are opened before their first
 * push and closed (sorted) after their last. */
crm_status apriori_push(crm_apriori *a, const int32_t *codes, size_t k,
                        int64_t count);
crm_status apriori_open_length(crm_apriori *a, size_t k);
crm_status apriori_close_length(crm_apriori *a, size_t k);

/* Drops inactive items and baskets shorter than a->level from the prepared
 * copy; CRM_ENOMEM leaves it as it was. */
crm_status apriori_prepared_shrink(crm_apriori *a);

/* The count of the itemset x[0..m) (original ids, ascending), or -1 when it
 * is not a frequent itemset. */
int64_t apriori_lookup(const crm_apriori *a, const int32_t *x, size_t m);

#endif
