/* io/datetime.h — calendar dates and times as int64 seconds since
 * 1970-01-01T00:00:00 UTC.
 *
 * Proleptic Gregorian calendar, no leap seconds, no time zone taken from the
 * environment: a time without an offset is read as UTC, and an ISO 8601
 * offset (Z, +HH:MM, +HHMM, +HH) is applied. Pure functions of their
 * arguments; thread-safe. */
#ifndef CRM_DATETIME_H
#define CRM_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define CRM_SECONDS_PER_DAY 86400
#define CRM_DATE_LEN 11     /* "YYYY-MM-DD" and its NUL */
#define CRM_DATETIME_LEN 20 /* "YYYY-MM-DD HH:MM:SS" and its NUL */

/* Days since 1970-01-01 of the civil date y-m-d (negative before 1970). The
 * caller passes a valid date (m 1..12, d within the month). */
int64_t crm_days_from_civil(int64_t y, int m, int d);

/* The civil date of a day count since 1970-01-01. */
void crm_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* 1 when d is a day of month m in year y (leap years included). */
int crm_date_valid(int64_t y, int m, int d);

/* Parses s[0..len) with the format detected from the text itself:
 *   YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM],
 *   YYYY-MM-DD HH:MM[:SS[.fff]] (same optional offset), YYYYMMDD,
 *   M/D/YYYY and M/D/YYYY H:MM[:SS].
 * Fractions of a second are dropped. CRM_EPARSE when the text matches none
 * of these, CRM_ERANGE when it does but names no real date or time
 * (2011-02-30, 24:00), CRM_EINVAL for NULL arguments. */
crm_status crm_datetime_parse(const char *s, size_t len, int64_t *seconds);

/* Parses s[0..len) against fmt, a strptime-like pattern: %Y (1-4 digits),
 * %m %d %H %M %S (1-2 digits), %% and literal characters, which must match
 * exactly; the whole text must be used. Absent fields default to month 1,
 * day 1, 00:00:00. CRM_EINVAL for an unknown directive (see
 * crm_datetime_format_ok), otherwise as crm_datetime_parse. */
crm_status crm_datetime_parse_format(const char *s, size_t len, const char *fmt,
                                     int64_t *seconds);

/* 1 when fmt uses only the directives crm_datetime_parse_format knows. */
int crm_datetime_format_ok(const char *fmt);

/* Parses a plain date "YYYY-MM-DD" (NUL-terminated, as in a job file) to the
 * seconds of its midnight UTC. CRM_EPARSE / CRM_ERANGE / CRM_EINVAL as
 * crm_datetime_parse. */
crm_status crm_date_parse(const char *s, int64_t *seconds);

/* Writes "YYYY-MM-DD", the UTC day holding seconds (rounded toward minus
 * infinity, so -1 is 1969-12-31), into out. */
void crm_date_format(int64_t seconds, char out[CRM_DATE_LEN]);

/* Writes "YYYY-MM-DD HH:MM:SS" (UTC) into out. */
void crm_datetime_format(int64_t seconds, char out[CRM_DATETIME_LEN]);

#endif
