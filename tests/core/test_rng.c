#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"

Test(rng, same_key_same_value_and_keys_are_independent)
{
    cr_assert_eq(crm_rng_u64(42, 1, 7), crm_rng_u64(42, 1, 7));
    cr_assert_neq(crm_rng_u64(42, 1, 7), crm_rng_u64(42, 1, 8));
    cr_assert_neq(crm_rng_u64(42, 1, 7), crm_rng_u64(42, 2, 7));
    cr_assert_neq(crm_rng_u64(42, 1, 7), crm_rng_u64(43, 1, 7));
    /* swapping stream and counter must not give the same value */
    cr_assert_neq(crm_rng_u64(1, 2, 3), crm_rng_u64(1, 3, 2));
}

Test(rng, unit_draws_are_in_range_and_roughly_uniform)
{
    enum { N = 200000, BINS = 10 };
    int count[BINS] = {0};
    double sum = 0.0;
    for (uint64_t i = 0; i < N; i++) {
        const double u = crm_rng_unit(7, 0, i);
        cr_assert(u >= 0.0 && u < 1.0);
        count[(int)(u * BINS)]++;
        sum += u;
    }
    /* each bin expects 20000 with sd ~134: 6 sd bounds */
    for (int b = 0; b < BINS; b++)
        cr_assert(abs(count[b] - N / BINS) < 800, "bin %d: %d", b, count[b]);
    cr_assert(fabs(sum / N - 0.5) < 0.005);
}

Test(rng, consecutive_counters_have_uncorrelated_low_bits)
{
    /* the lowest bit of consecutive counters: ~half ones */
    int ones = 0;
    for (uint64_t i = 0; i < 100000; i++)
        ones += (int)(crm_rng_u64(0, 0, i) & 1u);
    cr_assert(ones > 49000 && ones < 51000, "ones = %d", ones);
}

Test(rng, hash_depends_on_every_byte_and_length)
{
    const uint64_t a = crm_rng_hash_bytes("7590-VHVEG", 10);
    cr_assert_eq(a, crm_rng_hash_bytes("7590-VHVEG", 10));
    cr_assert_neq(a, crm_rng_hash_bytes("7590-VHVEH", 10));
    cr_assert_neq(crm_rng_hash_bytes("ab", 1), crm_rng_hash_bytes("ab", 2));
    cr_assert_neq(crm_rng_hash_bytes("", 0), 0);
}
