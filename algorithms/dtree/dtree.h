/* algorithms/dtree/dtree.h — a CART classification tree (binary label) grown
 * level by level from integer class-count histograms, communication-free.
 *
 * Data: every feature is binned once into uint8 codes. A numeric feature with
 * edges e[0..m) has m + 1 value bins: code b holds e[b-1] < x <= e[b]. A
 * categorical feature's codes are its category codes 0..ncat-1 (ncat <= 255).
 * CRM_DTREE_MISSING (255) is the missing code of both kinds. The bin matrix is
 * n x d, column-major (feature j of local row i at bins[j * n + i]); labels
 * are uint8 0/1; node_of_row holds one int32 node id per local row.
 *
 * Engine calling sequence on every rank (P ranks, any thread count):
 *   crm_quantiles_cuts or a sorted sample → crm_dtree_edges[_from_cuts]
 *   crm_dtree_bin_values / crm_dtree_bin_codes, one column at a time
 *   crm_dtree_grower_create(&params, d, nbins, categorical, &g)
 *   crm_dtree_rows_init(node_of_row, n)
 *   while (!crm_dtree_done(g)) {
 *       len = crm_dtree_hist_len(g)                     int64 elements
 *       crm_dtree_histograms(g, bins, labels, n, node_of_row, hist)
 *         (a forest's tree: crm_dtree_histograms_weighted with its weights)
 *       allreduce(hist, len, int64, SUM)                the one collective
 *       crm_dtree_level_finish(g, hist)                 same on every rank
 *       crm_dtree_partition(g, bins, n, node_of_row)    local rows move down
 *   }
 *   crm_dtree_model_create(g, &model); crm_dtree_grower_destroy(g)
 *   crm_dtree_predict(model, bins, n, prob, leaf); crm_dtree_rules_text(...)
 * Status must be agreed across ranks after histograms (a bad code or label on
 * one rank) and after level_finish (CRM_ENOMEM) before the next collective.
 * After the loop node_of_row holds each training row's leaf.
 *
 * Random forests (dtree_forest.c): tree t of a forest is this same loop with
 * per-row bootstrap weights w_i = crm_dtree_bootstrap_weight(seed, t, key_i)
 * passed to crm_dtree_histograms_weighted, and params.max_features /
 * params.seed set so that each node searches a random subset of features.
 * Rows of weight 0 (out of bag) are not counted but still move down the
 * tree, so after the loop node_of_row gives their leaf for OOB scoring.
 *
 * Parallel contract: histograms split features over threads, each thread
 * writing only its features' counts, and every count is an integer, so the
 * summed histograms — and with them every split, since split search is a pure
 * function of them — are identical for any rank and thread count. Ties in
 * split choice go to the lowest feature, then the lowest threshold bin (or
 * shortest category prefix), then missing-goes-right. */
#ifndef CRM_DTREE_H
#define CRM_DTREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define CRM_DTREE_MISSING 255    /* bin code of a missing value */
#define CRM_DTREE_MAX_BINS 255   /* value bins per feature, missing aside */
#define CRM_DTREE_MAX_DEPTH 30
#define CRM_DTREE_DEFAULT_DEPTH 6

typedef enum crm_dtree_criterion {
    CRM_DTREE_GINI = 0,
    CRM_DTREE_ENTROPY = 1
} crm_dtree_criterion;

/* Growth parameters; zero means default everywhere (a plain single tree).
 * Class weights multiply the integer class counts inside the impurity only
 * (Gini 1 - sum p_c^2, entropy -sum p_c log2 p_c over weighted proportions);
 * counts, min_samples_leaf and leaf probabilities do not see them. "Rows"
 * here and in crm_dtree_node are counted rows: with sample weights
 * (crm_dtree_histograms_weighted) a row counts weight times, so node counts,
 * min_samples_leaf, balanced weights and leaf probabilities are in weighted
 * rows, exactly as if each row were repeated weight times. The gain
 * of a split is the weighted impurity decrease over the root's weight,
 * (W_p I_p - W_l I_l - W_r I_r) / W_root — scikit-learn's
 * min_impurity_decrease scale. A node splits when its best gain exceeds
 * 1e-12 (rounding noise) and is >= min_gain.
 *
 * max_features k (1..d; 0 or d: all features): each open node searches only
 * the k features of crm_dtree_feature_subset(seed, node id, d, k) — the
 * random forest's per-node feature sampling (Breiman 2001, "mtry"). A node
 * whose subset offers no valid split becomes a leaf (no redraw). Give each
 * tree of a forest its own seed (forest seed + tree will do: crm_rng mixes
 * the seed, and feature streams never meet bootstrap streams).
 *
 * min_category_rows m (0 or 1: none): at each node, a category — or the
 * missing bin of a categorical feature — with fewer than m counted rows
 * takes no part in the ordered search and goes right (LightGBM's
 * min_data_per_group). Ordering
 * categories by target rate and taking the best prefix overfits when many
 * categories are small (51 US states in 2,666 BigML churn rows lost 0.03
 * test AUC to scikit-learn's one-hot tree; with m = 100 it gains 0.006). */
typedef struct crm_dtree_params {
    crm_dtree_criterion criterion;
    int max_depth;           /* 1..CRM_DTREE_MAX_DEPTH; 0 → 6 */
    int64_t min_samples_leaf; /* rows in each child, >= 1; 0 → 1 */
    double min_gain;         /* >= 0 */
    double class_weight[2];  /* > 0; both 0 → 1, 1 */
    int balanced;            /* 1: weights n / (2 n_c) from the root counts */
    int max_features;        /* features searched per node, 0..d; 0 → all */
    uint64_t seed;           /* keys the feature subsets (max_features) */
    int64_t min_category_rows; /* >= 0; rarer categories go right */
    int threads;             /* the caller's OpenMP threads, >= 0; 0 → 1:
                              * how finely the histogram work is cut,
                              * never the result */
} crm_dtree_params;

/* A node. Internal nodes send a row left when (numeric) its code <= threshold,
 * (categorical) bit code of cats is set, (missing code) missing_left. The set
 * holds every code 0..254 that goes left: categories absent from the node's
 * training rows (and codes beyond the training categories) follow the missing
 * values. When a node had no missing rows, missing values follow its larger
 * child (ties left). For categorical splits the missing bin is sorted by
 * target rate with the categories, so the binary partition of categories
 * plus missing is the optimal one (Breiman). Fixed layout with explicit
 * padding, so equal models compare equal byte for byte. */
typedef struct crm_dtree_node {
    int32_t feature;      /* -1 for a leaf */
    int32_t left, right;  /* child node ids, -1 for a leaf */
    int32_t parent;       /* -1 for the root */
    int32_t depth;        /* root 0 */
    uint8_t threshold;    /* numeric: last code on the left */
    uint8_t missing_left; /* missing (and absent categories) go left */
    uint8_t categorical;  /* the feature is categorical */
    uint8_t missing_seen; /* the node's training rows had missing values
                             for this feature (else missing_left follows
                             the larger child and rules do not show it) */
    int64_t count[2];     /* (weighted) training rows of class 0, 1 */
    double prob;          /* Laplace: (count[1] + 1) / (count[0] + count[1] + 2) */
    double gain;          /* of the node's split, 0 for a leaf */
    uint64_t cats[4];     /* categorical: left set, bit c of cats[c / 64] */
} crm_dtree_node;

/* A trained tree. Transparent so that the engine can store and reload it;
 * a model built by hand must keep children ids inside [0, nnodes). */
typedef struct crm_dtree_model {
    size_t nnodes;
    crm_dtree_node *nodes;   /* node 0 is the root; children after parents */
    size_t d;                /* features */
    uint8_t *nbins;          /* value bins per feature */
    uint8_t *categorical;    /* 1 for a categorical feature */
    double *importance;      /* total gain per feature (not normalised) */
} crm_dtree_model;

typedef struct crm_dtree_grower crm_dtree_grower;

/* ---- binning ---------------------------------------------------------- */

/* Edges of a numeric feature from sorted (ascending, finite) sample values:
 * with at most max_bins distinct values, the midpoints between consecutive
 * distinct values (so rules read "tenure <= 5.5"); otherwise the sample
 * values at positions k * n / max_bins - 1, k = 1..max_bins-1, skipping
 * repeats and the maximum (equal-frequency bins, "x <= v" as with
 * crm_quantiles_cuts). The engine passes a deterministic sample (rows
 * chosen by a hash of their global id, gathered and sorted) or uses exact
 * cuts with crm_dtree_edges_from_cuts.
 * edges holds max_bins - 1 doubles; *nedges gets the count (0 for a
 * constant or empty sample). CRM_EINVAL for NULL, max_bins outside
 * 2..255, or an unsorted or non-finite sample. */
crm_status crm_dtree_edges(const double *sorted, size_t n, size_t max_bins,
                           double *edges, size_t *nedges);

/* Edges from exact cut points (crm_quantiles_cuts: ascending, maybe
 * repeated, NaN when there was no value): NaN and repeats dropped. edges
 * holds ncuts doubles (may alias cuts). CRM_EINVAL for NULL or ncuts > 254,
 * CRM_EINVAL for descending cuts. */
crm_status crm_dtree_edges_from_cuts(const double *cuts, size_t ncuts,
                                     double *edges, size_t *nedges);

/* out[i] = number of edges < x[i] (0..nedges), CRM_DTREE_MISSING for NaN.
 * CRM_EINVAL for NULL (x, out may be NULL when n is 0) or nedges > 254.
 * Threads over rows. */
crm_status crm_dtree_bin_values(const double *edges, size_t nedges,
                                const double *x, size_t n, uint8_t *out);

/* out[i] = codes[i] for 0 <= codes[i] < ncat, CRM_DTREE_MISSING for a
 * negative code. CRM_ERANGE for a code >= ncat (map categories unseen in
 * training to -1 or fold rare ones into "other" beforehand); CRM_EINVAL for
 * NULL or ncat outside 1..255. */
crm_status crm_dtree_bin_codes(const int32_t *codes, size_t n, size_t ncat,
                               uint8_t *out);

/* ---- growth ----------------------------------------------------------- */

/* A grower for d features with nbins[j] value bins (1..255; for a numeric
 * feature nedges + 1, for a categorical one ncat) and categorical[j] 0/1
 * (both copied). CRM_EINVAL for NULL, d 0 or above INT32_MAX, bad bins or
 * params (max_features < 0 or > d among them); CRM_ENOMEM. Release with
 * crm_dtree_grower_destroy. */
crm_status crm_dtree_grower_create(const crm_dtree_params *params, size_t d,
                                   const uint8_t *nbins,
                                   const uint8_t *categorical,
                                   crm_dtree_grower **out);
void crm_dtree_grower_destroy(crm_dtree_grower *g); /* NULL is fine */

/* Sets every node id to the root (0). */
void crm_dtree_rows_init(int32_t *node_of_row, size_t n);

/* 1 when no node is left to split. */
int crm_dtree_done(const crm_dtree_grower *g);

/* int64 elements of this level's histogram: counted nodes x sum over
 * features of (nbins + 1) x 2 classes. 0 when done. */
size_t crm_dtree_hist_len(const crm_dtree_grower *g);

/* Zeroes hist and counts this rank's rows into it: for each row in a node
 * counted at this level, hist[((slot * B) + off_j + code) * 2 + label]++,
 * where B = sum (nbins + 1), off_j the sum over earlier features, code the
 * row's bin (missing at nbins[j]). The rows that count are listed first
 * (16 bytes each, allocated per call), then every feature is counted over
 * the list, threads over features. bins may be NULL when n is 0.
 * CRM_EINVAL for NULL, done, a label other than 0/1 or a node id the
 * grower does not know (any row), or a code >= nbins other than missing (a
 * row that counts); CRM_ERANGE for n above 2^32 - 1 rows on one rank;
 * CRM_ENOMEM. hist is then unspecified. */
crm_status crm_dtree_histograms(const crm_dtree_grower *g, const uint8_t *bins,
                                const uint8_t *labels, size_t n,
                                const int32_t *node_of_row, int64_t *hist);

/* As crm_dtree_histograms, but row i adds weights[i] instead of 1 (weights
 * NULL: all 1, the same as crm_dtree_histograms). Weight 0 leaves a row out
 * of every count (its label is still checked, its codes are not); the row is still
 * moved by crm_dtree_partition. Counts stay exact int64, so the rank sum and
 * the tree are the same for any partition of the rows; with integer
 * weights the tree is the one grown from each row repeated weights[i]
 * times. Use the same weights at every level of one tree. Every feature is
 * counted even with max_features (the unsearched ones feed the subtraction
 * of the next level, whose subsets differ). Status as above. */
crm_status crm_dtree_histograms_weighted(const crm_dtree_grower *g,
                                         const uint8_t *bins,
                                         const uint8_t *labels,
                                         const uint8_t *weights, size_t n,
                                         const int32_t *node_of_row,
                                         int64_t *hist);

/* Takes the summed histogram of every rank (hist_len elements, unchanged):
 * derives each larger sibling as parent - smaller, chooses every open node's
 * split, creates the children and plans the next level (only the smaller
 * child of each split is counted). CRM_EINVAL for NULL, done, or a histogram
 * that contradicts the node counts; CRM_ENOMEM (the node array and the two
 * levels' histograms grow here; the grower is then unusable). */
crm_status crm_dtree_level_finish(crm_dtree_grower *g, const int64_t *hist);

/* Moves each row down from its node to the leaf of the current tree that
 * its codes reach (after a level_finish: one step for the rows of the nodes
 * just split). Idempotent; may be called per chunk of rows. CRM_EINVAL for
 * NULL or a node id the grower does not know. Threads over rows. */
crm_status crm_dtree_partition(const crm_dtree_grower *g, const uint8_t *bins,
                               size_t n, int32_t *node_of_row);

/* ---- random forests (dtree_forest.c) ----------------------------------- */

/* Random streams: feature subsets use crm_rng_u64(seed, FEATURE_STREAM |
 * node, i); bootstrap weights use crm_rng_u64(seed, tree, row_key) with tree
 * below 2^32, so for one seed the two never share a key. */
#define CRM_DTREE_FEATURE_STREAM (UINT64_C(1) << 63)

/* The k of d features searched at node: mask[j] = 1 for the chosen j, 0
 * otherwise (d bytes). Floyd's sampling (Bentley & Floyd 1987), a uniformly
 * random k-subset in k draws and no scratch: for i = 0..k-1, with
 * j = d - k + i and r = crm_rng_u64(seed, CRM_DTREE_FEATURE_STREAM |
 * node, i) % (j + 1), choose r unless chosen already, else j. (The modulo
 * bias, below d / 2^64, is immaterial.) A pure function of its arguments:
 * the same on every rank and thread. CRM_EINVAL for NULL mask, node < 0 or
 * k > d. */
crm_status crm_dtree_feature_subset(uint64_t seed, int32_t node, size_t d,
                                    size_t k, uint8_t *mask);

/* Bootstrap weight of one row in tree tree: a Poisson(1) count, capped at
 * 255, by inversion of u = crm_rng_unit(seed, tree, row_key) on the
 * Poisson(1) distribution function. Poisson(1) weights are the standard
 * online and distributed bootstrap (Oza & Russell 2001): the limit of n
 * draws with replacement from n rows, but drawn per row with no global
 * count, so it needs no communication. Keyed by a global row key (the
 * engine passes a hash of the customer id, e.g. crm_rng_hash_bytes), the
 * sample does not depend on the partition. About 37% of rows get 0 (out of
 * bag). Pure function: thread-safe. */
uint8_t crm_dtree_bootstrap_weight(uint64_t seed, uint32_t tree,
                                   uint64_t row_key);

/* ---- the model -------------------------------------------------------- */

/* The grown tree (copied; the grower may be destroyed). CRM_EINVAL for NULL
 * or a grower that is not done; CRM_ENOMEM. */
crm_status crm_dtree_model_create(const crm_dtree_grower *g,
                                  crm_dtree_model **out);
void crm_dtree_model_destroy(crm_dtree_model *m); /* NULL is fine */

/* For each of n rows of the column-major bin matrix (m->d columns): prob[i]
 * = its leaf's prob, leaf[i] = the leaf's node id (either may be NULL). Any
 * code is accepted (see crm_dtree_node for unknown categories). Threads over rows. CRM_EINVAL for NULL m or bins with n > 0. */
crm_status crm_dtree_predict(const crm_dtree_model *m, const uint8_t *bins,
                             size_t n, double *prob, int32_t *leaf);

/* Names for the rules text, all borrowed. */
typedef struct crm_dtree_names {
    const char *target;                  /* e.g. "churn" */
    const char *const *feature;          /* d names */
    const double *const *edges;          /* numeric j: nbins[j] - 1 edges */
    const char *const *const *category;  /* categorical j: nbins[j] names */
} crm_dtree_names;

/* One line per leaf, in ascending node id, each ending in '\n':
 *   IF tenure <= 5.5 AND Contract = Month-to-month THEN churn 0.63 (n = 1,204)
 * The path is simplified: the splits on one feature become one condition,
 * met exactly by the rows that every one of them sends towards the leaf,
 * and the conditions follow the order of each feature's first split from
 * the root. Numeric: the tightest bounds, "x <= b", "x > a" or
 * "a < x <= b" ("x is not missing" when only an every-value-left split
 * bounds it). Categorical: the intersection of the branches' sets over the
 * real categories 0..nbins-1, "x = a" or "x IN {a, b}". Missing values:
 * "(... OR x is missing)" when every split on x sends them towards the leaf
 * and at least one of those nodes saw missing values in training. With no
 * value left the condition reads "x is missing" when missing values reach
 * the leaf, else "x IN {}" (an unreachable leaf of a hand-built model). The
 * root alone reads "IF TRUE". Numbers are the shortest text that reads back
 * exactly; the probability has two decimals; n has thousands separators.
 * Writes at most cap bytes, NUL included; *len = the full length without
 * the NUL. buf NULL with cap 0 is a size query. CRM_ERANGE when cap <= *len
 * (buf then holds a truncated, terminated prefix); CRM_EINVAL for NULL
 * names, a split whose categorical flag differs from its feature's, or a
 * path through a leaf. */
crm_status crm_dtree_rules_text(const crm_dtree_model *m,
                                const crm_dtree_names *names, char *buf,
                                size_t cap, size_t *len);

/* The rule of one leaf without the trailing newline, as above. CRM_EINVAL
 * also when leaf is not a leaf of m. */
crm_status crm_dtree_rule_text(const crm_dtree_model *m,
                               const crm_dtree_names *names, int32_t leaf,
                               char *buf, size_t cap, size_t *len);

#endif
