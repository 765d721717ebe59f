/* algorithms/dtree/dtree_forest.c — the random pieces of a random forest:
 * the feature subset searched at a node and a row's bootstrap weight.
 *
 * Both are pure functions of a counter-based key (core/rng.h), never of a
 * thread, a rank or a call order, so every rank draws the same subsets and
 * a row gets the same weight wherever it lives. The forest itself is the
 * engine's loop over trees around the grower (dtree.h). */
#include "algorithms/dtree/dtree.h"

#include <string.h>

#include "core/rng.h"

crm_status crm_dtree_feature_subset(uint64_t seed, int32_t node, size_t d,
                                    size_t k, uint8_t *mask)
{
    if (!mask || node < 0 || k > d)
        return CRM_EINVAL;
    memset(mask, 0, d);
    const uint64_t stream = CRM_DTREE_FEATURE_STREAM | (uint64_t)node;
    /* Floyd: after step i the chosen set is a uniform (i+1)-subset of
     * 0..j, because j itself is new and stands in for a repeated r. */
    for (size_t i = 0; i < k; i++) {
        const size_t j = d - k + i;
        const size_t r = (size_t)(crm_rng_u64(seed, stream, i) %
                                  ((uint64_t)j + 1));
        if (mask[r])
            mask[j] = 1;
        else
            mask[r] = 1;
    }
    return CRM_OK;
}

uint8_t crm_dtree_bootstrap_weight(uint64_t seed, uint32_t tree,
                                   uint64_t row_key)
{
    const double u = crm_rng_unit(seed, tree, row_key);
    double p = 0.36787944117144233; /* P(X = 0) = e^-1, correctly rounded */
    double cdf = p;
    unsigned k = 0;
    /* P(X = k) = P(X = k-1) / k. Once the terms no longer change the
     * double cdf (k near 18) the tail is below 2^-53: stop there. */
    while (u >= cdf && k < 255) {
        k++;
        p /= (double)k;
        const double next = cdf + p;
        if (next == cdf)
            break;
        cdf = next;
    }
    return (uint8_t)k;
}
