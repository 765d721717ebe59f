/* tests/algorithms/ref/ref_metrics.h — binary metrics the obvious way, one
 * row at a time: AUC by comparing every positive row with every negative
 * row, the confusion matrix by counting, log loss as a per-row sum, the lift
 * table by sorting the rows. No shared code with algorithms/metrics. */
#ifndef CRM_REF_METRICS_H
#define CRM_REF_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct ref_row {
    double score;
    int label; /* 0 or 1 */
} ref_row;

/* (pairs ranked right + pairs tied / 2) / pairs, over every (positive,
 * negative) pair of rows; NaN without pairs. */
double ref_auc(const ref_row *rows, size_t m);

/* c = {tp, fp, tn, fn} with score >= threshold predicted positive. */
void ref_confusion(const ref_row *rows, size_t m, double threshold,
                   int64_t c[4]);

/* Mean over rows of -log(p) (label 1) or -log(1 - p) (label 0), p the
 * score clipped to [1e-15, 1 - 1e-15]. */
double ref_log_loss(const ref_row *rows, size_t m);

typedef struct ref_bucket {
    int64_t rows, positives;
    double min_score, max_score; /* NaN when empty */
} ref_bucket;

/* Rows sorted by descending score and cut at floor(b m / nb); only right
 * when scores are distinct (ties have no order here). */
void ref_lift(const ref_row *rows, size_t m, int nb, ref_bucket *out);

#endif
