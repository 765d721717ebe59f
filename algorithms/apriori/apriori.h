/* algorithms/apriori/apriori.h — frequent itemsets, association rules and
 * cross-sell recommendations by level-wise Apriori with count distribution.
 *
 * Baskets are CSR (crm_baskets): basket b holds items[offset[b] - offset[0]
 * .. offset[b+1] - offset[0]); item ids are 0..nitems-1, in any order, and a
 * repeated item counts once. Every count is an int64 number of baskets.
 *
 * Count distribution: each rank counts its own baskets into counters held by
 * the miner; the engine sums the counters over ranks (integer allreduce SUM)
 * between crm_apriori_count and crm_apriori_select. Threads count disjoint
 * baskets into private counters that are then added. Counts are integers,
 * so every result is exact and identical for any rank split and any thread
 * count. The engine's loop, on every rank:
 *
 *   crm_apriori_count_items(&local, nitems, item_counts);   (zeroed first)
 *   allreduce SUM item_counts[0..nitems), and the basket count
 *   crm_apriori_create(item_counts, nitems, nbaskets, min_count, max_len,
 *                      budget, &a);
 *   crm_apriori_set_threads(a, omp_get_max_threads());      (budget only)
 *   crm_apriori_prepare(a, &local);                         (optional)
 *   while (crm_apriori_next_level(a, &len, &ncounts) == CRM_OK &&
 *          ncounts > 0) {
 *       crm_apriori_count(a, prepared ? NULL : &local);
 *       allreduce SUM crm_apriori_counts(a)[0..ncounts)
 *       crm_apriori_select(a);
 *   }
 *   (CRM_ERANGE from next_level: level `len` would exceed the budget)
 *   crm_apriori_nitemsets / crm_apriori_itemset / crm_apriori_rules
 *
 * Items are recoded: the frequent items (count >= min_count) get codes
 * 0..f-1 by ascending global count, ties by ascending original id (rare
 * items first, which keeps candidate joins and prefix subtrees small); the
 * codes depend on the global counts only, so every rank has the same. Level 2 is
 * counted in a direct triangular array over the f(f-1)/2 pairs of frequent
 * items; deeper levels in a prefix tree of candidates built from the
 * frequent (len-1)-itemsets (join on the common prefix, prune when a
 * (len-1)-subset is infrequent). Infrequent items are dropped from baskets
 * before level 2, and the prepared copy also drops, before each level len,
 * the items found in no frequent (len-1)-itemset and the baskets that are
 * left with fewer than len items.
 *
 * Ownership: the miner owns its counters, prepared baskets and results;
 * pointers it returns live until crm_apriori_destroy. Rules are owned by the
 * caller (crm_apriori_rules_free). No call keeps a pointer to the baskets.
 * A miner is not thread-safe; crm_apriori_recommend and
 * crm_apriori_offers_recommend are. */
#ifndef CRM_APRIORI_H
#define CRM_APRIORI_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct crm_baskets {
    size_t n;              /* baskets */
    const int64_t *offset; /* n + 1, ascending; offset[0] may be nonzero */
    const int32_t *items;  /* offset[n] - offset[0] item ids */
} crm_baskets;

typedef struct crm_apriori crm_apriori;

/* counts[i] += the number of baskets of b holding item i, for i < nitems.
 * The caller zeroes counts first (so calls may be chained). CRM_EINVAL on a
 * NULL argument, a decreasing offset or an item outside 0..nitems-1 (counts
 * untouched), CRM_ENOMEM (counts untouched). Uses 16 bytes per item per
 * thread of scratch. */
crm_status crm_apriori_count_items(const crm_baskets *b, size_t nitems,
                                   int64_t *counts);

/* A miner over the global item counts (nitems of them, summed over ranks)
 * of nbaskets baskets (all ranks, empty ones included). An itemset is
 * frequent when its count >= min_count (>= 1). max_len bounds the itemset
 * length, 0 = no bound. memory_budget_bytes bounds each level's candidates
 * and counters (0 = no bound). The frequent items become the length-1
 * itemsets. CRM_EINVAL (min_count < 1, nbaskets < 0, NULL), CRM_ENOMEM. */
crm_status crm_apriori_create(const int64_t *item_counts, size_t nitems,
                              int64_t nbaskets, int64_t min_count,
                              size_t max_len, size_t memory_budget_bytes,
                              crm_apriori **out);
void crm_apriori_destroy(crm_apriori *a); /* NULL is accepted */

/* The number of threads crm_apriori_count will run, used only to charge
 * their private counters (4 bytes per counter each) to the memory budget.
 * Default 1; 0 is taken as 1. */
void crm_apriori_set_threads(crm_apriori *a, size_t nthreads);

/* Keeps an internal recoded copy of the local baskets (frequent items only,
 * sorted, distinct; baskets of fewer than 2 items dropped), which
 * crm_apriori_count(a, NULL) then counts and shrinks level by level. Call
 * at most once, before the first crm_apriori_next_level. Costs 4 bytes per
 * kept item and 8 per kept basket. CRM_EINVAL (bad baskets, second call,
 * after next_level), CRM_ENOMEM. */
crm_status crm_apriori_prepare(crm_apriori *a, const crm_baskets *b);

/* Builds the candidates of the next level and zeroes their counters: *len
 * is the level's itemset length (2, 3, ...) and *ncounts its counters, 0
 * when no candidate remains or *len > max_len (the mining is then done;
 * later calls return 0 again). CRM_ERANGE when the candidates and counters
 * would exceed the memory budget (*len names the level, *ncounts the
 * candidates); the results of the earlier levels stay valid. CRM_EINVAL
 * when the previous level was not selected, CRM_ENOMEM. */
crm_status crm_apriori_next_level(crm_apriori *a, size_t *len,
                                  size_t *ncounts);

/* The ncounts counters of the current level, owned by a, valid until the
 * next crm_apriori_next_level; the engine sums them over ranks in place.
 * NULL when no level is being counted. */
int64_t *crm_apriori_counts(crm_apriori *a);

/* Adds to the counters the candidates' occurrences in the baskets b, which
 * are recoded on the fly (any baskets; calls add up, so a rank may count
 * its baskets in pieces), or in the prepared copy when b is NULL. OpenMP
 * over baskets (dynamic schedule); each thread holds 4 bytes per counter
 * of private counters, which all threads then add in parallel.
 * CRM_EINVAL (no level being counted, b NULL without prepare, bad baskets;
 * counters untouched), CRM_ENOMEM (counters untouched). */
crm_status crm_apriori_count(crm_apriori *a, const crm_baskets *b);

/* Keeps the candidates whose summed count >= min_count as the frequent
 * itemsets of the level and appends them to the results. CRM_EINVAL when no
 * level is being counted, CRM_ENOMEM. */
crm_status crm_apriori_select(crm_apriori *a);

/* Results: all frequent itemsets found so far, ordered by length, then
 * lexicographically by original item id. Length-1 itemsets are there from
 * crm_apriori_create. */
size_t crm_apriori_nitemsets(const crm_apriori *a);
/* Itemset i < nitemsets: *items (original ids, ascending, owned by a), *len
 * and *count. */
void crm_apriori_itemset(const crm_apriori *a, size_t i, const int32_t **items,
                         size_t *len, int64_t *count);
/* The longest length with a frequent itemset (0 when there is none), and
 * the number of frequent itemsets of length len (0 beyond): run.json's
 * itemsets_by_length is count_by_length(a, 1..max_itemset_len). */
size_t crm_apriori_max_itemset_len(const crm_apriori *a);
size_t crm_apriori_count_by_length(const crm_apriori *a, size_t len);
/* The global basket count and min_count given to crm_apriori_create. */
int64_t crm_apriori_nbaskets(const crm_apriori *a);
int64_t crm_apriori_min_count(const crm_apriori *a);

/* An association rule lhs -> rhs; lhs and rhs are original item ids,
 * ascending, disjoint, and point into the rule array's own storage.
 * With N baskets and counts n(.) of lhs, rhs and lhs u rhs (= count):
 * support = count/N, confidence = count/n(lhs), lift = count N /
 * (n(lhs) n(rhs)), leverage = count/N - n(lhs) n(rhs) / N^2, conviction =
 * (N - n(rhs)) n(lhs) / (N (n(lhs) - count)), which is +INFINITY (IEEE
 * inf; a writer prints "inf") when confidence is 1. */
typedef struct crm_rule {
    const int32_t *lhs;
    size_t nlhs;
    const int32_t *rhs;
    size_t nrhs;
    int64_t count; /* baskets holding lhs u rhs */
    double support, confidence, lift, leverage, conviction;
} crm_rule;

/* Every rule X -> Y (X, Y non-empty, disjoint, X u Y frequent) with
 * confidence >= min_confidence and lift >= min_lift, ordered by confidence
 * descending, lift descending, count descending, then lhs and rhs
 * lexicographically (shorter first on a common prefix). *rules is NULL when
 * *nrules is 0. The caller frees the array with crm_apriori_rules_free.
 * CRM_EINVAL (NULL, NaN filter), CRM_ERANGE (an itemset longer than 62
 * items), CRM_ENOMEM. */
crm_status crm_apriori_rules(const crm_apriori *a, double min_confidence,
                             double min_lift, crm_rule **rules,
                             size_t *nrules);
void crm_apriori_rules_free(crm_rule *rules, size_t nrules); /* NULL ok */

/* The top_n items to offer a customer who owns owned[0..nowned) (original
 * ids, ascending, distinct). A rule applies when the customer owns all of
 * its lhs and not all of its rhs; each rhs item not owned is scored by
 * confidence x lift of the rule, and an item's score is its best over the
 * applying rules. The min(top_n, scored items) best items go to items_out
 * and scores_out (capacity top_n), by score descending, then item id
 * ascending; *nout says how many. rules may come in any order. Thread-safe
 * and allocation-free (items_out and scores_out are the only scratch):
 * O(nrules (nlhs + nrhs) log nowned + offers x top_n). CRM_EINVAL on NULL
 * or unsorted owned. */
crm_status crm_apriori_recommend(const crm_rule *rules, size_t nrules,
                                 const int32_t *owned, size_t nowned,
                                 size_t top_n, int32_t *items_out,
                                 double *scores_out, size_t *nout);

/* An index of rules by their smallest antecedent item, for answering many
 * customers with crm_apriori_offers_recommend: the same result as
 * crm_apriori_recommend over the same rules, found by visiting only the
 * rules headed by an owned item (plus those with an empty lhs). Every lhs
 * and rhs item must lie in 0..nitems-1. The index copies what it needs:
 * the rules may be freed once it is made. Costs 8 (nitems + 2) bytes plus
 * 32 per rule and 4 per rule item. CRM_EINVAL (rules NULL with nrules > 0,
 * out NULL, an item outside 0..nitems-1), CRM_ENOMEM. */
typedef struct crm_apriori_offers crm_apriori_offers;
crm_status crm_apriori_offers_create(const crm_rule *rules, size_t nrules,
                                     size_t nitems, crm_apriori_offers **out);
void crm_apriori_offers_destroy(crm_apriori_offers *ix); /* NULL is ok */

/* crm_apriori_recommend(rules, nrules, owned, ...) of the rules ix was
 * made from, bit for bit, in O(visited rules (nlhs + nrhs) log nowned +
 * offers x top_n); owned ids outside 0..nitems-1 are allowed (they head no
 * rule). Thread-safe: ix is only read, and items_out / scores_out are the
 * only scratch. CRM_EINVAL on ix NULL, the other arguments as
 * crm_apriori_recommend. */
crm_status crm_apriori_offers_recommend(const crm_apriori_offers *ix,
                                        const int32_t *owned, size_t nowned,
                                        size_t top_n, int32_t *items_out,
                                        double *scores_out, size_t *nout);

#endif
