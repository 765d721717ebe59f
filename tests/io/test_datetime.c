/* tests/io/test_datetime.c — civil date arithmetic and the accepted formats. */
#include <criterion/criterion.h>
#include <string.h>

#include "io/datetime.h"

static crm_status parse(const char *s, int64_t *t)
{
    return crm_datetime_parse(s, strlen(s), t);
}

static int64_t secs(const char *s)
{
    int64_t t = 0;
    cr_assert_eq(parse(s, &t), CRM_OK, "could not parse \"%s\"", s);
    return t;
}

Test(datetime, epoch_is_day_zero)
{
    cr_assert_eq(crm_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(secs("1970-01-01"), 0);
    cr_assert_eq(secs("1970-01-01 00:00:01"), 1);
}

Test(datetime, days_before_1970_are_negative)
{
    cr_assert_eq(crm_days_from_civil(1969, 12, 31), -1);
    cr_assert_eq(secs("1969-12-31"), -86400);
    cr_assert_eq(secs("1969-12-31 23:59:59"), -1);
    cr_assert_eq(crm_days_from_civil(1900, 1, 1), -25567);
    cr_assert_eq(crm_days_from_civil(1600, 3, 1), -135080);
}

Test(datetime, known_dates_match_published_epoch_seconds)
{
    cr_assert_eq(secs("2000-01-01"), 946684800);
    cr_assert_eq(secs("2010-12-01 08:26:00"), 1291191960);
    cr_assert_eq(secs("2011-12-09 12:50:00"), 1323435000);
    cr_assert_eq(secs("2038-01-19T03:14:07"), 2147483647);
    cr_assert_eq(secs("1997-01-01"), 852076800);
}

Test(datetime, civil_round_trips_over_eight_centuries)
{
    for (int64_t days = -150000; days <= 150000; days += 7) {
        int64_t y = 0;
        int m = 0, d = 0;
        crm_civil_from_days(days, &y, &m, &d);
        cr_assert(crm_date_valid(y, m, d));
        cr_assert_eq(crm_days_from_civil(y, m, d), days);
    }
}

Test(datetime, consecutive_days_differ_by_one)
{
    int64_t prev = crm_days_from_civil(1899, 12, 31);
    for (int64_t y = 1900; y <= 2100; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                if (!crm_date_valid(y, m, d))
                    continue;
                const int64_t k = crm_days_from_civil(y, m, d);
                cr_assert_eq(k, prev + 1);
                prev = k;
            }
}

Test(datetime, leap_years_follow_the_gregorian_rule)
{
    int64_t t = 0;
    cr_assert_eq(parse("2000-02-29", &t), CRM_OK);
    cr_assert_eq(parse("2012-02-29", &t), CRM_OK);
    cr_assert_eq(parse("1900-02-29", &t), CRM_ERANGE);
    cr_assert_eq(parse("2011-02-29", &t), CRM_ERANGE);
    cr_assert_eq(parse("2100-02-29", &t), CRM_ERANGE);
    cr_assert(crm_date_valid(2400, 2, 29));
}

Test(datetime, impossible_dates_and_times_are_range_errors)
{
    const char *bad[] = {"2011-02-30",          "2011-04-31",
                         "2011-13-01",          "2011-00-10",
                         "2011-01-00",          "2011-01-32",
                         "2011-12-10 24:00:00", "2011-12-10 23:60",
                         "2011-12-10T10:00:60", "20110230",
                         "2/30/2011",           "13/1/2011 8:26"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 0;
        cr_assert_eq(parse(bad[i], &t), CRM_ERANGE, "%s", bad[i]);
    }
}

Test(datetime, malformed_text_is_a_parse_error_and_leaves_output)
{
    const char *bad[] = {"",
                         "2011",
                         "2011-1-5",
                         "2011-12-10x",
                         "10.12.2011",
                         "2011/12/10",
                         "2011-12-10 8:26",
                         "12/1/11",
                         "2011-12-10T08",
                         "2011-12-10 08:26:00+0",
                         "abc",
                         " 2011-12-10",
                         "2011-12-10 08:26 ",
                         "201112101"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 77;
        cr_assert_eq(parse(bad[i], &t), CRM_EPARSE, "%s", bad[i]);
        cr_assert_eq(t, 77);
    }
}

Test(datetime, every_listed_format_is_detected)
{
    const int64_t day = secs("2011-12-10");
    const int64_t t = day + 8 * 3600 + 26 * 60;
    cr_assert_eq(secs("20111210"), day);
    cr_assert_eq(secs("12/10/2011"), day);
    cr_assert_eq(secs("12/10/2011 8:26"), t);
    cr_assert_eq(secs("12/10/2011 08:26:00"), t);
    cr_assert_eq(secs("2011-12-10 08:26"), t);
    cr_assert_eq(secs("2011-12-10 08:26:00"), t);
    cr_assert_eq(secs("2011-12-10T08:26"), t);
    cr_assert_eq(secs("2011-12-10T08:26:00"), t);
    cr_assert_eq(secs("2011-12-10T08:26:00.250"), t);
    cr_assert_eq(secs("2011-12-10T08:26:00.1234567890123Z"), t);
    cr_assert_eq(secs("1/2/2011"), secs("2011-01-02"));
}

Test(datetime, iso_offsets_are_applied_to_get_utc)
{
    const int64_t utc = secs("2011-12-10T08:26:00Z");
    cr_assert_eq(secs("2011-12-10T10:26:00+02:00"), utc);
    cr_assert_eq(secs("2011-12-10T10:26:00+0200"), utc);
    cr_assert_eq(secs("2011-12-10T10:26:00+02"), utc);
    cr_assert_eq(secs("2011-12-10T03:26:00-05:00"), utc);
    cr_assert_eq(secs("2011-12-10 13:56:00+05:30"), utc);
    cr_assert_eq(secs("2011-12-10T00:30:00+01:00"), secs("2011-12-09T23:30"));
}

Test(datetime, explicit_format_parses_fields_and_literals)
{
    int64_t t = 0;
    const char *s = "10.12.2011 08h26m05s 100%";
    cr_assert_eq(
        crm_datetime_parse_format(s, strlen(s), "%d.%m.%Y %Hh%Mm%Ss 100%%", &t),
        CRM_OK);
    cr_assert_eq(t, secs("2011-12-10 08:26:05"));
    cr_assert_eq(crm_datetime_parse_format("2011", 4, "%Y", &t), CRM_OK);
    cr_assert_eq(t, secs("2011-01-01"));
    cr_assert_eq(crm_datetime_parse_format("1/2/2011", 8, "%d/%m/%Y", &t),
                 CRM_OK);
    cr_assert_eq(t, secs("2011-02-01"));
}

Test(datetime, explicit_format_rejects_mismatch_range_and_bad_directive)
{
    int64_t t = 0;
    cr_assert_eq(crm_datetime_parse_format("10-12-2011", 10, "%d.%m.%Y", &t),
                 CRM_EPARSE);
    cr_assert_eq(crm_datetime_parse_format("10.12.2011x", 11, "%d.%m.%Y", &t),
                 CRM_EPARSE);
    cr_assert_eq(crm_datetime_parse_format("30.02.2011", 10, "%d.%m.%Y", &t),
                 CRM_ERANGE);
    cr_assert_eq(crm_datetime_parse_format("x", 1, "%q", &t), CRM_EINVAL);
    cr_assert_eq(crm_datetime_parse_format("x", 1, "abc%", &t), CRM_EINVAL);
    cr_assert(crm_datetime_format_ok("%Y-%m-%d %H:%M:%S %%"));
    cr_assert(!crm_datetime_format_ok("%y"));
    cr_assert(!crm_datetime_format_ok(NULL));
}

Test(datetime, plain_date_accepts_only_yyyy_mm_dd)
{
    int64_t t = 0;
    cr_assert_eq(crm_date_parse("2011-12-10", &t), CRM_OK);
    cr_assert_eq(t, 1323475200);
    cr_assert_eq(crm_date_parse("2011-12-10 00:00", &t), CRM_EPARSE);
    cr_assert_eq(crm_date_parse("20111210", &t), CRM_EPARSE);
    cr_assert_eq(crm_date_parse("2011-02-30", &t), CRM_ERANGE);
    cr_assert_eq(crm_date_parse(NULL, &t), CRM_EINVAL);
    cr_assert_eq(crm_datetime_parse(NULL, 0, &t), CRM_EINVAL);
}

Test(datetime, formatting_rounds_toward_the_earlier_day)
{
    char d[CRM_DATE_LEN], dt[CRM_DATETIME_LEN];
    crm_date_format(0, d);
    cr_assert_str_eq(d, "1970-01-01");
    crm_date_format(-1, d);
    cr_assert_str_eq(d, "1969-12-31");
    crm_date_format(1323475200 + 86399, d);
    cr_assert_str_eq(d, "2011-12-10");
    crm_datetime_format(-1, dt);
    cr_assert_str_eq(dt, "1969-12-31 23:59:59");
    crm_datetime_format(1291191960, dt);
    cr_assert_str_eq(dt, "2010-12-01 08:26:00");
    crm_date_format(crm_days_from_civil(2000, 2, 29) * 86400, d);
    cr_assert_str_eq(d, "2000-02-29");
}

Test(datetime, format_then_parse_is_identity)
{
    for (int64_t t = -4000000000LL; t < 4000000000LL; t += 9876543) {
        char dt[CRM_DATETIME_LEN];
        crm_datetime_format(t, dt);
        cr_assert_eq(secs(dt), t, "%s", dt);
    }
}
