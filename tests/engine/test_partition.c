#include <criterion/criterion.h>
#include <stdlib.h>

#include "engine/partition.h"

/* Checks the structural promises: cuts ascend from 0 to nblocks. */
static void assert_valid(const size_t *first, size_t nblocks, int nranks)
{
    cr_assert_eq(first[0], 0);
    cr_assert_eq(first[nranks], nblocks);
    for (int r = 0; r < nranks; r++)
        cr_assert_leq(first[r], first[r + 1]);
}

Test(partition, equal_weights_split_evenly)
{
    int64_t w[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    size_t first[5];
    cr_assert_eq(crm_partition_blocks(w, 8, 4, first), CRM_OK);
    assert_valid(first, 8, 4);
    for (int r = 0; r < 4; r++)
        cr_assert_eq(first[r + 1] - first[r], 2);
}

Test(partition, heavy_block_gets_a_rank_of_its_own)
{
    /* block 1 holds most transactions: balancing by weight isolates it */
    int64_t w[6] = {10, 1000, 10, 10, 10, 10};
    size_t first[3];
    cr_assert_eq(crm_partition_blocks(w, 6, 2, first), CRM_OK);
    assert_valid(first, 6, 2);
    cr_assert_eq(first[1], 2, "rank 1 starts after the heavy block");
}

Test(partition, no_rank_weight_is_worse_than_half_a_block_off_target)
{
    int64_t w[100];
    for (int i = 0; i < 100; i++)
        w[i] = (i * 37) % 11 + 1;
    for (int p = 1; p <= 7; p++) {
        size_t first[8];
        cr_assert_eq(crm_partition_blocks(w, 100, p, first), CRM_OK);
        assert_valid(first, 100, p);
        int64_t total = 0, prefix = 0;
        for (int i = 0; i < 100; i++)
            total += w[i];
        size_t b = 0;
        for (int r = 1; r < p; r++) {
            while (b < first[r])
                prefix += w[b++];
            const int64_t target = total * r / p;
            cr_assert_leq(llabs(prefix - target), 11 / 2 + 1,
                          "p %d r %d prefix %lld target %lld", p, r,
                          (long long)prefix, (long long)target);
        }
    }
}

Test(partition, more_ranks_than_blocks_leaves_some_ranks_empty)
{
    int64_t w[2] = {5, 5};
    size_t first[5];
    cr_assert_eq(crm_partition_blocks(w, 2, 4, first), CRM_OK);
    assert_valid(first, 2, 4);
    size_t owned = 0;
    for (int r = 0; r < 4; r++)
        owned += first[r + 1] - first[r];
    cr_assert_eq(owned, 2);
}

Test(partition, zero_blocks_and_bad_arguments)
{
    size_t first[3] = {9, 9, 9};
    cr_assert_eq(crm_partition_blocks(NULL, 0, 2, first), CRM_OK);
    cr_assert_eq(first[0], 0);
    cr_assert_eq(first[2], 0);
    int64_t neg[1] = {-1};
    cr_assert_eq(crm_partition_blocks(neg, 1, 1, first), CRM_EINVAL);
    cr_assert_eq(crm_partition_blocks(neg, 1, 0, first), CRM_EINVAL);
}

Test(partition, rows_of_the_last_block_stop_at_nrows)
{
    int64_t r0 = 0, r1 = 0;
    crm_partition_rows(2, 3, 100, 250, &r0, &r1);
    cr_assert_eq(r0, 200);
    cr_assert_eq(r1, 250);
    crm_partition_rows(3, 3, 100, 250, &r0, &r1);
    cr_assert_eq(r0, 250);
    cr_assert_eq(r1, 250);
}
