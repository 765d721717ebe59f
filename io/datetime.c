/* io/datetime.c — civil dates <-> day counts, and the text formats import
 * accepts. The day-count conversions shift the year to start in March, so the
 * leap day is the last day of the shifted year, and count whole 400-year eras
 * (146097 days) so that negative years need no special case. Parsing walks a
 * cursor over the text; each format is a short sequence of digit groups and
 * literals, checked for range only once the whole text has matched. */
#include "io/datetime.h"

#include <stdio.h>
#include <string.h>

typedef struct cursor {
    const char *s;
    size_t n;
    size_t i;
} cursor;

typedef struct civil {
    int64_t y;
    int mo, d, h, mi, sec;
    int64_t offset; /* seconds east of UTC */
} civil;

int64_t crm_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;              /* [0, 399] */
    const int64_t mp = m > 2 ? m - 3 : m + 9;       /* March = 0 */
    const int64_t doy = (153 * mp + 2) / 5 + d - 1; /* [0, 365] */
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void crm_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097; /* [0, 146096] */
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int crm_date_valid(int64_t y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* Reads between min and max decimal digits. */
static int digits(cursor *c, int min, int max, int *v)
{
    int k = 0, x = 0;
    while (k < max && c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        x = x * 10 + (c->s[c->i] - '0');
        c->i++;
        k++;
    }
    *v = x;
    return k >= min;
}

static int lit(cursor *c, char ch)
{
    if (c->i < c->n && c->s[c->i] == ch) {
        c->i++;
        return 1;
    }
    return 0;
}

static int at_end(const cursor *c)
{
    return c->i == c->n;
}

static crm_status to_seconds(const civil *t, int64_t *seconds)
{
    if (!crm_date_valid(t->y, t->mo, t->d) || t->h > 23 || t->mi > 59 ||
        t->sec > 59)
        return CRM_ERANGE;
    *seconds = crm_days_from_civil(t->y, t->mo, t->d) * CRM_SECONDS_PER_DAY +
               t->h * 3600 + t->mi * 60 + t->sec - t->offset;
    return CRM_OK;
}

/* [Z|+HH:MM|+HHMM|+HH|-...] at the end of an ISO time. */
static int iso_offset(cursor *c, civil *t)
{
    int oh = 0, om = 0;
    if (lit(c, 'Z'))
        return at_end(c);
    const int sign = lit(c, '+') ? 1 : lit(c, '-') ? -1 : 0;
    if (sign == 0)
        return at_end(c);
    if (!digits(c, 2, 2, &oh))
        return 0;
    if (lit(c, ':')) {
        if (!digits(c, 2, 2, &om))
            return 0;
    } else if (!at_end(c) && !digits(c, 2, 2, &om)) {
        return 0;
    }
    if (oh > 23 || om > 59)
        return 0;
    t->offset = sign * (oh * 3600 + om * 60);
    return at_end(c);
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.fff]][offset]] */
static int parse_iso(cursor *c, civil *t)
{
    int y = 0, frac = 0;
    if (!digits(c, 4, 4, &y) || !lit(c, '-') || !digits(c, 2, 2, &t->mo) ||
        !lit(c, '-') || !digits(c, 2, 2, &t->d))
        return 0;
    t->y = y;
    if (at_end(c))
        return 1;
    if (!lit(c, 'T') && !lit(c, ' '))
        return 0;
    if (!digits(c, 2, 2, &t->h) || !lit(c, ':') || !digits(c, 2, 2, &t->mi))
        return 0;
    if (lit(c, ':')) {
        if (!digits(c, 2, 2, &t->sec))
            return 0;
        if (lit(c, '.')) {
            if (!digits(c, 1, 9, &frac))
                return 0;
            while (digits(c, 1, 9, &frac))
                ; /* sub-nanosecond digits are dropped too */
        }
    }
    return iso_offset(c, t);
}

/* YYYYMMDD */
static int parse_compact(cursor *c, civil *t)
{
    int y = 0;
    if (!digits(c, 4, 4, &y) || !digits(c, 2, 2, &t->mo) ||
        !digits(c, 2, 2, &t->d))
        return 0;
    t->y = y;
    return at_end(c);
}

/* M/D/YYYY[ H:MM[:SS]] */
static int parse_us(cursor *c, civil *t)
{
    int y = 0;
    if (!digits(c, 1, 2, &t->mo) || !lit(c, '/') || !digits(c, 1, 2, &t->d) ||
        !lit(c, '/') || !digits(c, 4, 4, &y))
        return 0;
    t->y = y;
    if (at_end(c))
        return 1;
    if (!lit(c, ' ') || !digits(c, 1, 2, &t->h) || !lit(c, ':') ||
        !digits(c, 2, 2, &t->mi))
        return 0;
    if (lit(c, ':') && !digits(c, 2, 2, &t->sec))
        return 0;
    return at_end(c);
}

crm_status crm_datetime_parse(const char *s, size_t len, int64_t *seconds)
{
    if (s == NULL || seconds == NULL)
        return CRM_EINVAL;
    int (*const formats[])(cursor *, civil *) = {parse_iso, parse_compact,
                                                 parse_us};
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        cursor c = {s, len, 0};
        civil t = {0};
        if (formats[k](&c, &t))
            return to_seconds(&t, seconds);
    }
    return CRM_EPARSE;
}

/* One %-directive of a format; 0 when the text does not match. */
static int directive(cursor *c, char d, civil *t)
{
    int y = 0;
    switch (d) {
    case 'Y':
        if (!digits(c, 1, 4, &y))
            return 0;
        t->y = y;
        return 1;
    case 'm': return digits(c, 1, 2, &t->mo);
    case 'd': return digits(c, 1, 2, &t->d);
    case 'H': return digits(c, 1, 2, &t->h);
    case 'M': return digits(c, 1, 2, &t->mi);
    case 'S': return digits(c, 1, 2, &t->sec);
    case '%': return lit(c, '%');
    default: return 0;
    }
}

int crm_datetime_format_ok(const char *fmt)
{
    if (fmt == NULL)
        return 0;
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f == '\0' || !(*f == 'Y' || *f == 'm' || *f == 'd' || *f == 'H' ||
                            *f == 'M' || *f == 'S' || *f == '%'))
            return 0;
    }
    return 1;
}

crm_status crm_datetime_parse_format(const char *s, size_t len, const char *fmt,
                                     int64_t *seconds)
{
    if (s == NULL || seconds == NULL || !crm_datetime_format_ok(fmt))
        return CRM_EINVAL;
    cursor c = {s, len, 0};
    civil t = {.y = 1970, .mo = 1, .d = 1};
    for (const char *f = fmt; *f != '\0'; f++) {
        const int ok = *f == '%' ? directive(&c, *++f, &t) : lit(&c, *f);
        if (!ok)
            return CRM_EPARSE;
    }
    if (!at_end(&c))
        return CRM_EPARSE;
    return to_seconds(&t, seconds);
}

crm_status crm_date_parse(const char *s, int64_t *seconds)
{
    if (s == NULL || seconds == NULL)
        return CRM_EINVAL;
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    cursor c = {s, n, 0};
    civil t = {0};
    int y = 0;
    if (!digits(&c, 4, 4, &y) || !lit(&c, '-') || !digits(&c, 2, 2, &t.mo) ||
        !lit(&c, '-') || !digits(&c, 2, 2, &t.d) || !at_end(&c))
        return CRM_EPARSE;
    t.y = y;
    return to_seconds(&t, seconds);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void crm_date_format(int64_t seconds, char out[CRM_DATE_LEN])
{
    int64_t y = 0;
    int m = 0, d = 0;
    char tmp[64]; /* room for any int64 year; out keeps the first 10 bytes */
    crm_civil_from_days(floor_div(seconds, CRM_SECONDS_PER_DAY), &y, &m, &d);
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d", (long long)y, m, d);
    memcpy(out, tmp, CRM_DATE_LEN - 1);
    out[CRM_DATE_LEN - 1] = '\0';
}

void crm_datetime_format(int64_t seconds, char out[CRM_DATETIME_LEN])
{
    const int64_t days = floor_div(seconds, CRM_SECONDS_PER_DAY);
    const int64_t sod = seconds - days * CRM_SECONDS_PER_DAY;
    int64_t y = 0;
    int m = 0, d = 0;
    char tmp[96];
    crm_civil_from_days(days, &y, &m, &d);
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y,
             m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
    memcpy(out, tmp, CRM_DATETIME_LEN - 1);
    out[CRM_DATETIME_LEN - 1] = '\0';
}
