/* core/rng.c — SplitMix64-style counter-based generator. */
#include "core/rng.h"

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t crm_rng_u64(uint64_t seed, uint64_t stream, uint64_t counter)
{
    const uint64_t golden = UINT64_C(0x9e3779b97f4a7c15);
    uint64_t z = mix(seed + golden);
    z = mix(z ^ (stream + 2 * golden));
    return mix(z ^ (counter + 3 * golden));
}

double crm_rng_unit(uint64_t seed, uint64_t stream, uint64_t counter)
{
    return (double)(crm_rng_u64(seed, stream, counter) >> 11) * 0x1.0p-53;
}

uint64_t crm_rng_hash_bytes(const void *bytes, uint64_t nbytes)
{
    const unsigned char *p = bytes;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (uint64_t i = 0; i < nbytes; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return mix(h ^ nbytes);
}
