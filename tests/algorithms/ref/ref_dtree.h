/* tests/algorithms/ref/ref_dtree.h — a naive CART tree for the dtree tests:
 * rows are kept as index lists, every candidate split is counted row by row
 * (no histograms, no subtraction), and the tree is grown depth first. Same
 * rules as the kernel (dtree.h): gain over the root weight, strict > in
 * feature, threshold, missing-right-first order, open and stop rules. */
#ifndef CRM_REF_DTREE_H
#define CRM_REF_DTREE_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/dtree/dtree.h"

typedef struct ref_dtree_node {
    int32_t feature, left, right; /* -1 for a leaf */
    uint8_t threshold, missing_left;
    int64_t count[2];
    double gain;
} ref_dtree_node;

typedef struct ref_dtree {
    size_t nnodes;
    ref_dtree_node *nodes; /* node 0 is the root */
} ref_dtree;

/* W * impurity of weighted class totals (a, b). */
double ref_dtree_wimp(crm_dtree_criterion crit, double a, double b);

/* A tree on numeric features only (column-major n x d bins). */
ref_dtree ref_dtree_fit(const uint8_t *bins, const uint8_t *labels, size_t n,
                        size_t d, const uint8_t *nbins,
                        const crm_dtree_params *params);
/* The same with row i counted weights[i] times (NULL: once); rows of
 * weight 0 still follow the splits. */
ref_dtree ref_dtree_fit_weighted(const uint8_t *bins, const uint8_t *labels,
                                 const uint8_t *weights, size_t n, size_t d,
                                 const uint8_t *nbins,
                                 const crm_dtree_params *params);
void ref_dtree_free(ref_dtree *t);

/* Best gain at the root of one categorical column (nbj categories plus
 * missing) over every subset of the present items, by enumeration. */
double ref_dtree_best_subset_gain(const uint8_t *col, const uint8_t *labels,
                                  size_t n, size_t nbj,
                                  const crm_dtree_params *params);

/* Direct histogram of node over rows with node_of_row[i] == node (layout of
 * crm_dtree_histograms for one slot: sum(nbins + 1) x 2). */
void ref_dtree_hist(const uint8_t *bins, const uint8_t *labels, size_t n,
                    size_t d, const uint8_t *nbins, const int32_t *node_of_row,
                    int32_t node, int64_t *h);

#endif
