/* core/rng.h — counter-based random numbers.
 *
 * A value is a pure function of (seed, stream, counter): no state, no thread
 * or rank in the key, so the same customer gets the same draw whatever the
 * partitioning. Keys are mixed with the SplitMix64 finaliser (Steele, Lea and
 * Flood 2014), applied in a chain so that nearby keys give unrelated outputs. */
#ifndef CRM_RNG_H
#define CRM_RNG_H

#include <stdint.h>

/* 64 random bits for the key (seed, stream, counter). */
uint64_t crm_rng_u64(uint64_t seed, uint64_t stream, uint64_t counter);

/* A double uniform on [0, 1) with 53 random bits, for the same key. */
double crm_rng_unit(uint64_t seed, uint64_t stream, uint64_t counter);

/* A well-mixed 64-bit hash of a byte string (FNV-1a folded through the
 * SplitMix64 finaliser), for keying draws by text ids. */
uint64_t crm_rng_hash_bytes(const void *bytes, uint64_t nbytes);

#endif
