/* tests/algorithms/dtree_testdata.h — shared by test_dtree.c and
 * test_dtree_forest.c: binned data sets with optional sample weights, their
 * random generator, the engine's loop over fake ranks, and comparisons of
 * trees. Fake ranks run in lockstep in one process: their histograms are
 * summed as the engine's allreduce would. Helpers fail the running test with
 * cr_assert. */
#ifndef CRM_DTREE_TESTDATA_H
#define CRM_DTREE_TESTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/dtree/dtree_int.h"

#define DTREE_TEST_MAXD 12
#define DTREE_TEST_MAXRANKS 4

/* A data set owns its arrays; dtree_data_free releases them. */
typedef struct dtree_data {
    size_t n, d;
    uint8_t *bins;    /* column-major n x d */
    uint8_t *labels;
    uint8_t *weights; /* NULL: unweighted */
    uint8_t nbins[DTREE_TEST_MAXD], cat[DTREE_TEST_MAXD];
} dtree_data;

/* What dtree_data_gen draws. Per feature, nbins from [2, cat_bins_max]
 * (categorical) or [1, num_bins_max]; per row and feature a bin, then
 * missing with probability miss_pct % (a missing feature 0 adds miss_score
 * to the row's score); the label is score > cut, the score summing the first
 * three features' values and a uniform [0, 1] noise; then a weight from
 * 0..max_w (no weights at all when max_w is 0). */
typedef struct dtree_gen_spec {
    size_t n, d;
    unsigned cat_mask; /* feature j is categorical where bit j is set */
    int cat_bins_max, num_bins_max;
    int miss_pct;
    double miss_score;
    double cut;
    int max_w;
} dtree_gen_spec;

dtree_data dtree_data_gen(uint64_t seed, const dtree_gen_spec *s);
void dtree_data_free(dtree_data *x);
/* Rows [lo, hi) of x (weights too, if any) as a data set of their own. */
dtree_data dtree_data_slice(const dtree_data *x, size_t lo, size_t hi);

/* omp_set_num_threads(t), or nothing without OpenMP. */
void dtree_set_threads(int t);

/* The engine's loop over nranks fake ranks (contiguous row blocks of x,
 * weighted when x->weights is set); threads > 0 first sets the OpenMP thread
 * count (and leaves it so), 0 keeps it. leaf (may be NULL) gets every row's
 * final node. Asserts that all ranks' models agree; returns rank 0's. */
crm_dtree_model *dtree_fit_ranks(const dtree_data *x,
                                 const crm_dtree_params *p, int nranks,
                                 int threads, int32_t *leaf);
/* dtree_fit_ranks on one rank, thread count as it is. */
crm_dtree_model *dtree_fit(const dtree_data *x, const crm_dtree_params *p);

/* One split of the rows over fake ranks, run with a thread count. */
typedef struct dtree_run {
    int nranks, threads;
} dtree_run;

/* Fits x on one rank and one thread, asserts more than min_nodes nodes,
 * then fits it for each of runs[0..nruns) and asserts the same model and
 * the same final node for every row each time; last, that predict (at the
 * last run's thread count) puts every row in its training leaf. Ends with
 * one thread. */
void dtree_check_runs(const dtree_data *x, const crm_dtree_params *p,
                      size_t min_nodes, const dtree_run *runs, size_t nruns);

/* Same nodes and importances, bit for bit. */
void dtree_same_model(const crm_dtree_model *a, const crm_dtree_model *b);
/* Fits x with p on one rank and asserts the tree of the brute-force
 * reference (weighted when x->weights is set), naming seed and params k in
 * its messages. Returns the number of splits. */
int dtree_match_reference(const dtree_data *x, const crm_dtree_params *p,
                          int seed, size_t k);

/* Histogram bins per class over all features: sum of nbins[j] + 1. */
size_t dtree_hist_bins(const dtree_data *x);
/* Every open node's histogram of the level g just finished, derived ones
 * too, against a direct count of the rows of r (node ids nr); direct holds
 * 2 * nb counts, nb = dtree_hist_bins(r). */
void dtree_check_level(const crm_dtree_grower *g, const dtree_data *r,
                       const int32_t *nr, size_t nb, int64_t *direct);

#endif
