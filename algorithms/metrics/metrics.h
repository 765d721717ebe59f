/* algorithms/metrics/metrics.h — honest evaluation of a binary classifier
 * (churn: 1 = left) from score groups, communication-free.
 *
 * Data: a score group is one distinct score with the number of positive and
 * negative rows that received it. The engine builds the groups and sums
 * their counts across ranks as integers (a single tree scores each row with
 * its leaf's probability, so one group per leaf), so every metric here is a
 * pure function of integer counts and scores: identical at any rank and
 * thread count. Calling sequence:
 *   groups[] filled (score, pos, neg), counts summed over ranks
 *   crm_metrics_sort_groups(groups, &n)      descending score, equal merged
 *   crm_metrics_binary(groups, n, threshold, &m)
 *   crm_metrics_lift(groups, n, nbuckets, rows)   lift/gain table
 *
 * Ties. Rows with equal scores cannot be ordered by the model, so every
 * measure that ranks rows treats a group as one block: AUC counts a
 * positive/negative pair within a group as 1/2 (the Mann–Whitney statistic,
 * what scikit-learn's roc_auc_score computes), and a bucket boundary that
 * cuts through a group takes a proportional share of its positives (the
 * expected value under a random order inside the group), so positives per
 * bucket are fractional. Buckets split the N rows at floor(b * N / nbuckets)
 * by rank, best score first.
 *
 * Conventions: a row is predicted positive when score >= threshold.
 * precision with no predicted positive, recall with no positive, and F1
 * when precision + recall is 0 are 0 (scikit-learn's zero_division = 0);
 * AUC with only one class present is NaN; log loss clips scores to
 * [1e-15, 1 - 1e-15] and averages over all rows (natural log). Sums run
 * over the groups in sorted order, so they are reproducible.
 *
 * Nothing allocates and nothing is kept between calls: every function is
 * reentrant, and all buffers belong to the caller. */
#ifndef CRM_METRICS_H
#define CRM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct crm_score_group {
    double score;   /* in [0, 1] */
    int64_t pos;    /* rows with label 1 */
    int64_t neg;    /* rows with label 0 */
} crm_score_group;

typedef struct crm_binary_metrics {
    int64_t n;                   /* rows: sum of pos + neg */
    int64_t positives;           /* sum of pos */
    int64_t tp, fp, tn, fn;      /* confusion matrix at the threshold */
    double auc;                  /* NaN with one class only */
    double accuracy, precision, recall, f1;
    double log_loss;
    double top_decile_lift;      /* positive rate in the best 10 % of rows
                                    over the overall positive rate (NaN
                                    without positives or with n < 10) */
    double top_decile_capture;   /* share of all positives found there
                                    (NaN without positives, 0 with
                                    n < 10) */
} crm_binary_metrics;

/* One bucket of the lift/gain table, best-scored rows first. */
typedef struct crm_lift_row {
    int64_t rows;                /* rows in this bucket */
    double positives;            /* positives in it (fractional at ties) */
    double min_score, max_score; /* scores of the rows it holds */
    double rate;                 /* positives / rows */
    double lift;                 /* rate / overall positive rate */
    double cum_rows_share;       /* rows in buckets 1..b over n */
    double cum_capture;          /* positives in buckets 1..b over all
                                    (NaN without positives) */
    double cum_lift;             /* cum_capture / cum_rows_share (NaN
                                    while cum_rows_share is 0) */
} crm_lift_row;

/* Sorts groups by descending score, merges groups of equal score (counts
 * added; -0.0 and +0.0 are one score, kept as +0.0) and drops groups with no
 * rows; *n becomes the new count. The result depends only on the multiset
 * of groups, not on their order. CRM_EINVAL for NULL (groups may be NULL
 * when *n is 0), a NaN score or one outside [0, 1], or a negative count;
 * CRM_ERANGE when the rows of all groups together (sum of pos + neg) exceed
 * INT64_MAX, which covers every merged count and the n of the metrics.
 * groups and *n are untouched on failure. */
crm_status crm_metrics_sort_groups(crm_score_group *groups, size_t *n);

/* Every field of *out from sorted groups (as crm_metrics_sort_groups
 * leaves them: strictly descending scores; a group with no rows is
 * allowed and changes nothing). top_decile_lift and top_decile_capture are
 * bucket 1's lift and cum_capture in crm_metrics_lift with 10 buckets.
 * CRM_EINVAL for NULL, unsorted or unmerged groups, a bad score or count
 * (as in crm_metrics_sort_groups), a threshold outside [0, 1] or NaN, or
 * no rows at all; CRM_ERANGE when the rows exceed INT64_MAX (never after
 * crm_metrics_sort_groups succeeded). *out is untouched on failure. */
crm_status crm_metrics_binary(const crm_score_group *groups, size_t n,
                              double threshold, crm_binary_metrics *out);

/* rows[0..nbuckets) = the lift/gain table of the sorted groups (deciles:
 * nbuckets = 10). A bucket can be empty (rows 0, rate and lift NaN, scores
 * NaN) only when there are fewer rows than buckets. lift, cum_capture and
 * cum_lift are NaN without positives (rate is then 0). CRM_EINVAL and
 * CRM_ERANGE as crm_metrics_binary, or for nbuckets outside 1..1000 or a
 * NULL rows; rows is untouched on failure. */
crm_status crm_metrics_lift(const crm_score_group *groups, size_t n,
                            int nbuckets, crm_lift_row *rows);

#endif
