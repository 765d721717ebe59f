/* algorithms/dtree/dtree_bin.c — bin edges and the uint8 codes of a column.
 *
 * A numeric value x gets the number of edges strictly below it, so a value
 * equal to an edge falls in the lower bin and "code <= t" reads "x <= e[t]"
 * (the convention of crm_quantiles_bin, shifted to start at 0). Missing
 * values (NaN, negative category codes) get CRM_DTREE_MISSING. No state;
 * threads split rows. */
#include "algorithms/dtree/dtree_int.h"

#include <math.h>

#define MAX_EDGES (CRM_DTREE_MAX_BINS - 1)

/* A point between a < b, at or above a and below b. */
static double midpoint(double a, double b)
{
    const double m = a + (b - a) / 2.0;
    return (m < b && isfinite(m)) ? m : a;
}

crm_status crm_dtree_edges(const double *sorted, size_t n, size_t max_bins,
                           double *edges, size_t *nedges)
{
    if ((n > 0 && !sorted) || !edges || !nedges || max_bins < 2 ||
        max_bins > CRM_DTREE_MAX_BINS)
        return CRM_EINVAL;
    size_t distinct = n > 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(sorted[i]) || (i > 0 && sorted[i] < sorted[i - 1]))
            return CRM_EINVAL;
        distinct += i > 0 && sorted[i] > sorted[i - 1];
    }
    size_t m = 0;
    if (distinct <= max_bins) {
        for (size_t i = 1; i < n; i++)
            if (sorted[i] > sorted[i - 1])
                edges[m++] = midpoint(sorted[i - 1], sorted[i]);
    } else {
        for (size_t k = 1; k < max_bins; k++) {
            const double v = sorted[k * n / max_bins - 1];
            if (v < sorted[n - 1] && (m == 0 || v > edges[m - 1]))
                edges[m++] = v;
        }
    }
    *nedges = m;
    return CRM_OK;
}

crm_status crm_dtree_edges_from_cuts(const double *cuts, size_t ncuts,
                                     double *edges, size_t *nedges)
{
    if ((ncuts > 0 && !cuts) || !edges || !nedges || ncuts > MAX_EDGES)
        return CRM_EINVAL;
    size_t m = 0;
    for (size_t k = 0; k < ncuts; k++) {
        const double v = cuts[k];
        if (isnan(v))
            continue;
        if (m > 0 && v < edges[m - 1])
            return CRM_EINVAL;
        if (m == 0 || v > edges[m - 1])
            edges[m++] = v;
    }
    *nedges = m;
    return CRM_OK;
}

/* Number of edges < x: a branch-free binary search (the comparison feeds
 * a conditional move, not a jump the predictor would miss half the time),
 * twice as fast as the branching one on 10 features x 1M rows. */
static uint8_t bin_of(const double *edges, size_t nedges, double x)
{
    if (nedges == 0)
        return 0;
    const double *base = edges;
    size_t n = nedges;
    while (n > 1) {
        const size_t half = n / 2;
        base += (size_t)(base[half - 1] < x) * half;
        n -= half;
    }
    return (uint8_t)((size_t)(base - edges) + (*base < x));
}

crm_status crm_dtree_bin_values(const double *edges, size_t nedges,
                                const double *x, size_t n, uint8_t *out)
{
    if ((nedges > 0 && !edges) || (n > 0 && (!x || !out)) ||
        nedges > MAX_EDGES)
        return CRM_EINVAL;
#pragma omp parallel for schedule(static) if (n >= DTREE_PARALLEL_MIN)
    for (size_t i = 0; i < n; i++)
        out[i] = isnan(x[i]) ? CRM_DTREE_MISSING : bin_of(edges, nedges, x[i]);
    return CRM_OK;
}

crm_status crm_dtree_bin_codes(const int32_t *codes, size_t n, size_t ncat,
                               uint8_t *out)
{
    if ((n > 0 && (!codes || !out)) || ncat < 1 || ncat > CRM_DTREE_MAX_BINS)
        return CRM_EINVAL;
    int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) \
    if (n >= DTREE_PARALLEL_MIN)
    for (size_t i = 0; i < n; i++) {
        const int32_t c = codes[i];
        bad |= c >= 0 && (size_t)c >= ncat;
        out[i] = c < 0 || (size_t)c >= ncat ? CRM_DTREE_MISSING : (uint8_t)c;
    }
    return bad ? CRM_ERANGE : CRM_OK;
}
