#include <criterion/criterion.h>

#include "core/comm.h"

Test(comm, self_comm_is_one_rank_and_reductions_keep_values)
{
    const crm_comm c = crm_comm_self();
    cr_assert_eq(c.rank, 0);
    cr_assert_eq(c.size, 1);
    int64_t v[2] = {3, -4};
    cr_assert_eq(c.allreduce_i64(&c, v, 2, CRM_OP_SUM), CRM_OK);
    cr_assert_eq(v[0], 3);
    cr_assert_eq(v[1], -4);
    double d[1] = {2.5};
    cr_assert_eq(c.allreduce_f64(&c, d, 1, CRM_OP_MAX), CRM_OK);
    cr_assert_eq(d[0], 2.5);
}

Test(comm, floating_point_sums_are_refused)
{
    const crm_comm c = crm_comm_self();
    double d[1] = {1.0};
    cr_assert_eq(c.allreduce_f64(&c, d, 1, CRM_OP_SUM), CRM_EINVAL);
}

Test(comm, allgather_copies_and_checks_the_total)
{
    const crm_comm c = crm_comm_self();
    const double mine[3] = {1, 2, 3};
    double all[3] = {0};
    cr_assert_eq(c.allgather_f64(&c, mine, 3, all, 3), CRM_OK);
    cr_assert_arr_eq(all, mine, sizeof mine);
    cr_assert_eq(c.allgather_f64(&c, mine, 3, all, 2), CRM_EINVAL);
    char buf[4] = "abc";
    cr_assert_eq(c.bcast(&c, buf, 4, 0), CRM_OK);
    cr_assert_eq(c.bcast(&c, buf, 4, 1), CRM_EINVAL);
}

Test(comm, exscan_on_one_rank_gives_zero_before_and_the_value_as_total)
{
    const crm_comm c = crm_comm_self();
    int64_t before = -1, total = -1;
    cr_assert_eq(crm_comm_exscan_i64(&c, 17, &before, &total), CRM_OK);
    cr_assert_eq(before, 0);
    cr_assert_eq(total, 17);
    cr_assert_eq(crm_comm_exscan_i64(NULL, 1, &before, &total), CRM_EINVAL);
}
