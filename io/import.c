/* io/import.c — the field-level rules every import shares: what counts as
 * empty (only blanks), as an integer and as a number (plain decimal, never
 * "nan", "inf", hex or "1,5"), how a header column is found, and how a bad
 * value is reported ("FILE:LINE: column "NAME": expected WHAT, got "VALUE"").
 * The imports themselves live in import_tx.c, import_cust.c and
 * import_basket.c. */
#include "io/import_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const reason_texts[] = {
#define CRM_IMPORT_REASON_TEXT(code, text) text,
    CRM_IMPORT_REASON_MAP(CRM_IMPORT_REASON_TEXT)
#undef CRM_IMPORT_REASON_TEXT
};

const char *crm_import_reason_text(crm_import_reason reason)
{
    if ((unsigned)reason >= (unsigned)CRM_REJECT_COUNT)
        return "unknown reason";
    return reason_texts[reason];
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

crm_text crm_imp_trim(const char *s, size_t n)
{
    while (n > 0 && is_blank(s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    return (crm_text){s, n};
}

crm_text crm_imp_field(const crm_csv *r, size_t i)
{
    size_t n = 0;
    const char *s = crm_csv_field(r, i, &n);
    return crm_imp_trim(s, n);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int crm_imp_parse_i64(crm_text t, int64_t *v)
{
    size_t i = 0;
    const int neg = t.n > 0 && t.s[0] == '-';
    if (t.n > 0 && (t.s[0] == '-' || t.s[0] == '+'))
        i++;
    if (i == t.n)
        return 0;
    uint64_t x = 0;
    const uint64_t limit = (uint64_t)INT64_MAX; /* INT64_MIN is excluded */
    for (; i < t.n; i++) {
        if (!is_digit(t.s[i]))
            return 0;
        const uint64_t d = (uint64_t)(t.s[i] - '0');
        if (x > (limit - d) / 10)
            return 0;
        x = x * 10 + d;
    }
    *v = neg ? -(int64_t)x : (int64_t)x;
    return 1;
}

int crm_imp_parse_id(crm_text t, int64_t *v)
{
    char canon[24];
    int64_t x = 0;
    if (!crm_imp_parse_i64(t, &x))
        return 0;
    const int n = snprintf(canon, sizeof canon, "%" PRId64, x);
    if (n < 0 || (size_t)n != t.n || memcmp(canon, t.s, t.n) != 0)
        return 0; /* "007", "+7", "-0": the text is the id */
    *v = x;
    return 1;
}

/* Length of the decimal number at the start of t, 0 when there is none. */
static size_t decimal_len(crm_text t)
{
    size_t i = 0, mant = 0;
    if (i < t.n && (t.s[i] == '+' || t.s[i] == '-'))
        i++;
    for (; i < t.n && is_digit(t.s[i]); i++)
        mant++;
    if (i < t.n && t.s[i] == '.')
        for (i++; i < t.n && is_digit(t.s[i]); i++)
            mant++;
    if (mant == 0)
        return 0;
    if (i < t.n && (t.s[i] == 'e' || t.s[i] == 'E')) {
        size_t j = i + 1, exp = 0;
        if (j < t.n && (t.s[j] == '+' || t.s[j] == '-'))
            j++;
        for (; j < t.n && is_digit(t.s[j]); j++)
            exp++;
        if (exp == 0)
            return 0;
        i = j;
    }
    return i;
}

int crm_imp_parse_f64(crm_text t, double *v)
{
    char buf[128];
    if (t.n == 0 || t.n >= sizeof buf || decimal_len(t) != t.n)
        return 0;
    memcpy(buf, t.s, t.n);
    buf[t.n] = '\0';
    const double x = strtod(buf, NULL);
    if (!isfinite(x))
        return -1;
    *v = x;
    return 1;
}

void crm_imp_show(crm_text t, char *buf, size_t cap)
{
    const size_t max = 60;
    size_t n = t.n;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)t.s[n] & 0xC0) == 0x80)
            n--; /* do not cut a UTF-8 sequence */
    }
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap; i++) {
        const unsigned char c = (unsigned char)t.s[i];
        buf[k++] = (c < 0x20 || c == 0x7F) ? ' ' : (char)c;
    }
    if (n < t.n && k + 4 < cap) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

static void list_header(const crm_csv *r, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < crm_csv_header_count(r) && k + 1 < cap; i++) {
        const char *h = crm_csv_header_name(r, i);
        char shown[96];
        crm_imp_show(crm_imp_trim(h, strlen(h)), shown, sizeof shown);
        const int w =
            snprintf(buf + k, cap - k, "%s\"%s\"", i ? ", " : "", shown);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

static int header_is(const crm_csv *r, size_t i, const char *name)
{
    const char *h = crm_csv_header_name(r, i);
    const crm_text t = crm_imp_trim(h, strlen(h));
    return t.n == strlen(name) && memcmp(t.s, name, t.n) == 0;
}

crm_status crm_imp_find_column(const crm_csv *r, const char *opt,
                               const char *name, size_t *idx, crm_error *err)
{
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < crm_csv_header_count(r); i++) {
        if (!header_is(r, i, name))
            continue;
        if (found != SIZE_MAX)
            return crm_error_set(err, CRM_EDUP,
                                 "%s:1: column \"%s\" (%s) appears twice in "
                                 "the header",
                                 crm_csv_path(r), name, opt);
        found = i;
    }
    if (found == SIZE_MAX) {
        char cols[400];
        list_header(r, cols, sizeof cols);
        return crm_error_set(err, CRM_ENOTFOUND,
                             "%s: column \"%s\" (%s) not found in the "
                             "header; the columns are %s",
                             crm_csv_path(r), name, opt, cols);
    }
    *idx = found;
    return CRM_OK;
}

crm_status crm_imp_bad_value(crm_error *err, const crm_csv *r, int64_t line,
                             const char *column, const char *what,
                             crm_text value)
{
    char shown[96];
    crm_imp_show(value, shown, sizeof shown);
    return crm_error_set(err, CRM_EPARSE,
                         "%s:%lld: column \"%s\": expected %s, got \"%s\"",
                         crm_csv_path(r), (long long)line, column, what, shown);
}

crm_status crm_imp_nomem(crm_error *err, const char *path)
{
    return crm_error_set(err, CRM_ENOMEM, "%s: out of memory during import",
                         path ? path : "import");
}
