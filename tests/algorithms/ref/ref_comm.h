/* tests/algorithms/ref/ref_comm.h — a multi-rank crm_comm for unit tests.
 *
 * ref_comm_run starts one thread per fake rank, each with its own crm_comm
 * whose collectives meet at a barrier and combine the ranks' buffers, so a
 * kernel can be run on a split of its rows without MPI. Collective sizes that
 * differ between ranks make every rank's call fail with CRM_EINVAL. */
#ifndef CRM_REF_COMM_H
#define CRM_REF_COMM_H

#include <stdint.h>

#include "core/comm.h"

#define REF_COMM_MAX_RANKS 16

typedef crm_status (*ref_comm_fn)(const crm_comm *c, void *arg);

/* Runs fn(comm_r, args[r]) for r < nranks on nranks threads and waits for
 * all; status[r] gets rank r's result. nranks in 1..REF_COMM_MAX_RANKS. */
void ref_comm_run(int nranks, ref_comm_fn fn, void *const *args,
                  crm_status *status);

/* A SplitMix64 step: test data from a seed. */
static inline uint64_t ref_rand(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform integer in lo..hi inclusive (hi - lo < 2^32). */
static inline int64_t ref_rand_range(uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(ref_rand(state) % (uint64_t)(hi - lo + 1));
}

#endif
