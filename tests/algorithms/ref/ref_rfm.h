/* tests/algorithms/ref/ref_rfm.h — RFM written straight from docs/JOBS.md,
 * one customer and one row at a time, with quadratic distinct counting, its
 * own floor and its own segment rules (no code shared with algorithms/rfm). */
#ifndef CRM_REF_RFM_H
#define CRM_REF_RFM_H

#include <stddef.h>
#include <stdint.h>

#include "algorithms/rfm/rfm.h"

void ref_rfm_measures(const crm_rfm_tx *tx, int64_t as_of_day, int mean,
                      int32_t *recency, int32_t *frequency, double *monetary);

/* Scores as crm_rfm_score on one rank; segment[i] is the segment's name. */
void ref_rfm_score(size_t n, const int32_t *recency, const int32_t *frequency,
                   const double *monetary, int bins, int32_t *r_score,
                   int32_t *f_score, int32_t *m_score, const char **segment);

/* The segment name of scores (r, f) on a scale of bins. */
const char *ref_rfm_segment(int r, int f, int bins);

#endif
