/* algorithms/dtree/dtree_int.h — the grower's state, shared by the dtree_*.c
 * files and (read-only, through dtree_debug_level) the unit tests.
 *
 * Histogram of one node: B = sum_j (nbins[j] + 1) bins x 2 classes of int64,
 * feature j at offset[j], its missing bin last. The grower keeps the
 * histograms of the open nodes of the level being finished (cur) and of the
 * previous level (prev), whose nodes are the parents of the derived ones.
 * An open node of the next level is either counted (slot s of the engine's
 * buffer) or derived (prev[parent_idx] - counted slot of its sibling). */
#ifndef CRM_DTREE_INT_H
#define CRM_DTREE_INT_H

/* Loops shorter than this (rows, or rows x features) run on one thread: a
 * parallel region costs tens of microseconds, far more on a loaded machine
 * whose spare thread is descheduled, and small stores (a 7,000-customer
 * churn file) would spend their time waking threads. Results do not depend
 * on it: every loop writes disjoint outputs. */
#define DTREE_PARALLEL_MIN 65536

#include "algorithms/dtree/dtree.h"

/* Where an open node's histogram comes from. */
typedef struct dtree_open {
    int32_t node;       /* node id */
    int32_t slot;       /* counted slot, or -1 when derived */
    int32_t sib_slot;   /* derived: the sibling's counted slot */
    int32_t parent_idx; /* derived: the parent's index in prev */
} dtree_open;

/* The best split of a node (gain 0: none). */
typedef struct dtree_split {
    double gain;
    int32_t feature;       /* -1: none */
    int32_t prefix;        /* categorical: items in the left set */
    uint8_t threshold;
    uint8_t missing_left;  /* decided during the search (missing present) */
    uint8_t missing_seen;  /* the feature had missing rows at the node */
    int64_t left[2];       /* class counts of the left child */
    uint64_t cats[4];      /* categorical left set */
} dtree_split;

struct crm_dtree_grower {
    crm_dtree_params p;
    size_t d;
    uint8_t *nbins;
    uint8_t *categorical;
    size_t *offset;        /* d: first bin of feature j in a node histogram */
    size_t nb;             /* B: bins per node histogram */
    double weight[2];      /* effective class weights */
    double wroot;          /* weighted root count */
    crm_dtree_node *nodes;
    int32_t *slot_of_node; /* counted slot at this level, -1 otherwise */
    size_t nnodes, node_cap;
    dtree_open *open, *open_next;
    size_t nopen, nopen_next, open_cap;
    size_t ncounted;       /* counted slots at this level */
    int64_t *cur, *prev;   /* nopen and previous nopen histograms */
    int32_t *prev_node;    /* node ids of prev's histograms */
    size_t cur_cap, prev_cap; /* in histograms */
    size_t nprev;
    dtree_split *best;     /* open_cap */
    size_t nfeat;          /* features searched per node (max_features) */
    uint8_t *fmask;        /* nfeat < d: nopen x d feature-subset masks */
    size_t fmask_cap;      /* bytes */
    int32_t level;
    int done;
};

/* 1 when a row with code b at internal node nd goes left. */
static inline int dtree_goes_left(const crm_dtree_node *nd, uint8_t b)
{
    if (b == CRM_DTREE_MISSING)
        return nd->missing_left;
    if (nd->categorical)
        return (int)((nd->cats[b >> 6] >> (b & 63)) & 1u);
    return b <= nd->threshold;
}

/* *p grows to at least need elements of size elem (doubling); *p and *cap
 * unchanged on CRM_ENOMEM. */
crm_status dtree_reserve(void **p, size_t *cap, size_t need, size_t elem);

/* A leaf with these counts (prob by Laplace), zero padding. */
void dtree_init_node(crm_dtree_node *nd, int32_t parent, int32_t depth,
                     const int64_t count[2]);

/* Weighted impurity times weight (W * I) of class counts (a, b) weighted. */
double dtree_wimpurity(crm_dtree_criterion crit, double a, double b);

/* Best split of an open node with histogram h (B x 2) and class counts cnt
 * over the features j with mask[j] set (mask NULL: all features);
 * best->feature -1 when no split passes the rules. Pure function of its
 * arguments: thread-safe. */
void dtree_best_split(const crm_dtree_grower *g, const int64_t *h,
                      const int64_t cnt[2], const uint8_t *mask,
                      dtree_split *best);

/* Test hook: the open nodes of the last finished level and their histograms
 * (B x 2 int64 each, consecutive); returns their number. */
size_t dtree_debug_level(const crm_dtree_grower *g, const int32_t **nodes,
                         const int64_t **hists);

#endif
