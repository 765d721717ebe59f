#include <criterion/criterion.h>
#include <string.h>

#include "core/status.h"

Test(status, every_code_has_a_distinct_message)
{
    for (int a = 0; a < CRM_STATUS_COUNT; a++) {
        const char *ma = crm_strerror((crm_status)a);
        cr_assert_not_null(ma);
        cr_assert_gt(strlen(ma), 0);
        for (int b = a + 1; b < CRM_STATUS_COUNT; b++)
            cr_assert_str_neq(ma, crm_strerror((crm_status)b));
    }
}

Test(status, unknown_code_still_gets_a_message)
{
    cr_assert_str_eq(crm_strerror((crm_status)9999), "unknown error");
    cr_assert_str_eq(crm_strerror((crm_status)-1), "unknown error");
}

Test(status, ok_is_zero_and_errors_are_positive)
{
    cr_assert_eq(CRM_OK, 0);
    cr_assert_gt(CRM_EINVAL, 0);
    cr_assert_gt(CRM_EFORMAT, CRM_OK);
}

Test(status, error_set_keeps_the_first_message_and_returns_the_code)
{
    crm_error err = {{0}};
    cr_assert_eq(crm_error_set(&err, CRM_EPARSE, "a.csv:%d: bad", 3),
                 CRM_EPARSE);
    cr_assert_str_eq(err.msg, "a.csv:3: bad");
    cr_assert_eq(crm_error_set(&err, CRM_EIO, "later"), CRM_EIO);
    cr_assert_str_eq(err.msg, "a.csv:3: bad");
    crm_error_clear(&err);
    cr_assert_str_eq(err.msg, "");
    cr_assert_eq(crm_error_set(NULL, CRM_EIO, "x"), CRM_EIO);
}

Test(status, long_messages_are_truncated_not_overflowed)
{
    crm_error err = {{0}};
    char big[2 * CRM_ERROR_LEN];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    crm_error_set(&err, CRM_EIO, "%s", big);
    cr_assert_eq(strlen(err.msg), CRM_ERROR_LEN - 1);
}
