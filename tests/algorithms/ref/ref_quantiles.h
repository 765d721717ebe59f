/* tests/algorithms/ref/ref_quantiles.h — order statistics the obvious way:
 * copy the non-NaN values, sort them, index. No shared code with
 * algorithms/quantiles. Zeros come back as +0.0 (the kernel's convention). */
#ifndef CRM_REF_QUANTILES_H
#define CRM_REF_QUANTILES_H

#include <stddef.h>
#include <stdint.h>

/* The non-NaN values of v, ascending, in a malloc'd array (*m of them;
 * the caller frees it; NULL when *m is 0). */
double *ref_sorted(const double *v, size_t n, size_t *m);

/* cuts[j] = sorted[ceil((j+1) * m / bins) - 1] for j < bins - 1 (NaN when
 * there is no value); returns m. */
size_t ref_cuts(const double *v, size_t n, int bins, double *cuts);

/* 1 + the number of cuts strictly below v; 0 for NaN. */
int ref_bin(double v, const double *cuts, int bins);

#endif
