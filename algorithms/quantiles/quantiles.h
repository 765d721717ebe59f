/* algorithms/quantiles/quantiles.h — exact order statistics over all ranks.
 *
 * Values are never gathered. Each double maps to a 64-bit key whose unsigned
 * order is the numeric order (crm_quantiles_key), and a radix select fixes the
 * key of every wanted rank one byte at a time: 8 rounds, in each of which every
 * rank counts its candidate values into 256 buckets per distinct key prefix and
 * one allreduce_i64(SUM) adds the counts. Counts are integers, so the answer is
 * exact and identical for any split of the values across ranks and threads.
 * Cost: 8 passes over the local values and 9 collectives of at most
 * 256 * nk + 3 int64 each. NaN is skipped; -0.0 and +0.0 are one value (+0.0).
 * Every function that takes a comm is collective: all ranks call it in the
 * same order with the same ranks/bins; argument and memory errors on any one
 * rank are agreed, so every rank returns the same status. Nothing is kept
 * between calls; scratch is allocated and freed inside. */
#ifndef CRM_QUANTILES_H
#define CRM_QUANTILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"

/* The order-preserving key of v: for non-NaN a, b, a < b iff key(a) < key(b),
 * and a == b iff key(a) == key(b) (so key(-0.0) == key(+0.0)). Meaningless
 * for NaN, which callers skip. Thread-safe, no failure. */
uint64_t crm_quantiles_key(double v);

/* The double whose key is key (+0.0 for the key of zero). */
double crm_quantiles_value(uint64_t key);

/* *total = number of non-NaN values among v[0..n) on all ranks. Collective.
 * CRM_EINVAL if c or total is NULL, or v is NULL with n > 0 on any rank. */
crm_status crm_quantiles_count(const crm_comm *c, const double *v, size_t n,
                               int64_t *total);

/* out[j] = the value of 0-based rank ranks[j] in the ascending order of all
 * non-NaN values on all ranks (ties counted with multiplicity), for j < nk.
 * ranks need not be sorted or distinct and must be the same on every rank.
 * Collective. CRM_ERANGE if some ranks[j] < 0 or >= the total count (always
 * so when there is no value); CRM_EINVAL for NULL arguments (v may be NULL
 * when n == 0; ranks and out may be NULL when nk == 0); CRM_ENOMEM. */
crm_status crm_quantiles_select(const crm_comm *c, const double *v, size_t n,
                                const int64_t *ranks, size_t nk, double *out);

/* The bins - 1 equal-frequency cut points of the non-NaN values on all ranks:
 * with N = *total, cuts[j] = value of rank ceil((j + 1) * N / bins) - 1, for
 * j < bins - 1, so at least ceil(N / bins) values lie at or below cuts[0].
 * When N == 0 the cuts are NaN and the call succeeds. Collective. CRM_EINVAL
 * if bins is outside 2..1024 or for NULL arguments; CRM_ENOMEM. */
crm_status crm_quantiles_cuts(const crm_comm *c, const double *v, size_t n,
                              int bins, double *cuts, int64_t *total);

/* The bin of v among cuts from crm_quantiles_cuts: 1 + #{j : v > cuts[j]},
 * in 1..bins. Bin b holds the values in (cuts[b-2], cuts[b-1]]: a value equal
 * to a cut goes to the lower bin, so equal values always share a bin and, with
 * many ties, some bins stay empty. Monotone: a <= b implies bin(a) <= bin(b).
 * Returns 0 for NaN (no bin). Thread-safe, no failure. */
int crm_quantiles_bin(double v, const double *cuts, int bins);

#endif
