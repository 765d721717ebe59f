#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../algorithms/ref/ref_comm.h"
#include "core/reduce.h"

enum { LEN = 3, MAXB = 300 };

static double parts[MAXB * LEN];

/* Values spanning 30 orders of magnitude with both signs, so that any change
 * in the order of additions changes the rounded result. */
static void fill(int64_t nblocks, uint64_t seed)
{
    uint64_t s = seed;
    for (int64_t i = 0; i < nblocks * LEN; i++) {
        const double m = (double)(ref_rand(&s) >> 11) * 0x1p-53 - 0.5;
        parts[i] = ldexp(m, (int)ref_rand_range(&s, -50, 50));
    }
}

/* The tree written out directly: pairwise over [lo, hi) split at the
 * largest power of two below hi - lo... expressed on aligned nodes. */
static void ref_node(int level, int64_t index, int64_t total, double *out)
{
    if (level == 0) {
        memcpy(out, parts + index * LEN, sizeof(double) * LEN);
        return;
    }
    ref_node(level - 1, 2 * index, total, out);
    if (((2 * index + 1) << (level - 1)) >= total)
        return;
    double right[LEN];
    ref_node(level - 1, 2 * index + 1, total, right);
    for (int i = 0; i < LEN; i++)
        out[i] += right[i];
}

typedef struct split_arg {
    int64_t b0, n, total;
    double out[LEN];
} split_arg;

static crm_status run_rank(const crm_comm *c, void *arg)
{
    split_arg *a = arg;
    return crm_reduce_blocks(c, parts + a->b0 * LEN, (size_t)a->n, a->b0,
                             a->total, LEN, a->out);
}

/* Splits [0, total) at sorted random cut points over nranks ranks. */
static void run_split(int64_t total, int nranks, uint64_t seed,
                      double *result)
{
    split_arg args[REF_COMM_MAX_RANKS];
    void *ptrs[REF_COMM_MAX_RANKS];
    crm_status st[REF_COMM_MAX_RANKS];
    int64_t cut[REF_COMM_MAX_RANKS + 1];
    uint64_t s = seed;
    cut[0] = 0;
    cut[nranks] = total;
    for (int r = 1; r < nranks; r++)
        cut[r] = ref_rand_range(&s, 0, total);
    for (int r = 1; r < nranks; r++) /* insertion sort of the cuts */
        for (int q = r; q > 1 && cut[q] < cut[q - 1]; q--) {
            const int64_t t = cut[q];
            cut[q] = cut[q - 1];
            cut[q - 1] = t;
        }
    for (int r = 0; r < nranks; r++) {
        args[r] = (split_arg){cut[r], cut[r + 1] - cut[r], total, {0}};
        ptrs[r] = &args[r];
    }
    ref_comm_run(nranks, run_rank, ptrs, st);
    for (int r = 0; r < nranks; r++) {
        cr_assert_eq(st[r], CRM_OK, "rank %d", r);
        cr_assert_arr_eq(args[r].out, args[0].out, sizeof args[0].out,
                         "ranks disagree");
    }
    memcpy(result, args[0].out, sizeof args[0].out);
}

Test(reduce, one_rank_equals_the_pairwise_tree_reference)
{
    const int64_t sizes[] = {1, 2, 3, 7, 8, 9, 100, 257};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const int64_t total = sizes[k];
        fill(total, 100 + (uint64_t)k);
        double got[LEN], want[LEN];
        const crm_comm self = crm_comm_self();
        cr_assert_eq(crm_reduce_blocks(&self, parts, (size_t)total, 0, total,
                                       LEN, got), CRM_OK);
        int top = 0;
        while (((int64_t)1 << top) < total)
            top++;
        ref_node(top, 0, total, want);
        cr_assert_arr_eq(got, want, sizeof got, "total %lld",
                         (long long)total);
    }
}

Test(reduce, bitwise_identical_for_any_split_across_ranks)
{
    const int64_t sizes[] = {1, 5, 64, 65, 299};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const int64_t total = sizes[k];
        fill(total, 7 + (uint64_t)k);
        double one[LEN], many[LEN];
        run_split(total, 1, 0, one);
        for (int p = 2; p <= 7; p++)
            for (uint64_t seed = 1; seed <= 4; seed++) {
                run_split(total, p, seed * 31 + (uint64_t)p, many);
                cr_assert_arr_eq(one, many, sizeof one,
                                 "total %lld, %d ranks, seed %llu",
                                 (long long)total, p,
                                 (unsigned long long)seed);
            }
    }
}

Test(reduce, a_left_to_right_fold_would_differ_on_this_data)
{
    /* guards the test above: the data must be order-sensitive */
    fill(299, 11);
    double tree[LEN], seq[LEN] = {0};
    run_split(299, 1, 0, tree);
    for (int64_t b = 0; b < 299; b++)
        for (int i = 0; i < LEN; i++)
            seq[i] += parts[b * LEN + i];
    cr_assert(memcmp(tree, seq, sizeof tree) != 0);
}

Test(reduce, error_is_within_the_pairwise_bound)
{
    fill(257, 3);
    double got[LEN];
    run_split(257, 3, 5, got);
    for (int i = 0; i < LEN; i++) {
        long double exact = 0, mag = 0;
        for (int64_t b = 0; b < 257; b++) {
            exact += parts[b * LEN + i];
            mag += fabs(parts[b * LEN + i]);
        }
        cr_assert_leq(fabsl((long double)got[i] - exact),
                      9 * 0x1p-53 * mag);
    }
}

Test(reduce, empty_ranks_zero_blocks_and_bad_ranges)
{
    double out[LEN] = {1, 1, 1};
    const crm_comm self = crm_comm_self();
    cr_assert_eq(crm_reduce_blocks(&self, NULL, 0, 0, 0, LEN, out), CRM_OK);
    cr_assert_eq(out[0], 0.0);
    cr_assert_eq(crm_reduce_blocks(&self, parts, 2, 0, 1, LEN, out),
                 CRM_EINVAL);
    /* one rank alone claiming part of the blocks cannot tile them */
    cr_assert_eq(crm_reduce_blocks(&self, parts, 2, 0, 5, LEN, out),
                 CRM_EINVAL);
    cr_assert_eq(crm_reduce_blocks(&self, parts, 1, 0, 1, 0, out),
                 CRM_EINVAL);
}
