/* io/csv.c — RFC 4180 records with line numbers, on top of libcsv.
 *
 * Each physical line is fed to a strict libcsv parser. A physical line ends
 * in LF or in a CR that no LF follows, so getline's chunk of a CR-only file
 * is cut into lines here and every record gets its own line number. libcsv
 * calls back per field and per record; the callbacks append to a small batch
 * (field bytes, field spans, record spans) that crm_csv_next hands out one
 * record at a time. A line normally completes one record; a quoted line break
 * makes a record span lines. A chunk may complete records and leave the next
 * one open, so a refill keeps the open record's fields. Whether a record is
 * still open at the end of a line is known from the parity of the quotes fed
 * so far: strict mode admits quotes only in pairs inside quoted fields, so an
 * odd count means "inside quotes". The same parity tells whether a tab lies
 * inside a quoted field, which is how whitespace mode turns unquoted tabs
 * into the space delimiter. */
#define _POSIX_C_SOURCE 200809L
#include "io/csv.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct span {
    size_t first; /* index of the first field (records) or byte (fields) */
    size_t count; /* fields in the record, or bytes in the field */
    int64_t line; /* records: physical line where the record starts */
} span;

struct crm_csv {
    FILE *fp;
    char *path;
    struct csv_parser parser;
    int parser_ready;
    int whitespace; /* delimiter ' ': runs of blanks separate */
    int keep_empty;
    int ragged_ok;
    char *line; /* getline buffer */
    size_t line_cap;
    int64_t line_no;    /* physical lines read so far */
    int64_t start_line; /* line where the open record started */
    int odd_quotes;     /* 1: inside a quoted field */
    int at_eof;
    crm_status cb_status; /* first failure inside a callback */
    char *bytes;          /* batch: field bytes, each NUL-terminated */
    size_t nbytes, cap_bytes;
    span *fields; /* batch: field spans into bytes */
    size_t nfields, cap_fields;
    size_t rec_first_field; /* first field of the record being parsed */
    span *recs;             /* batch: completed records */
    size_t nrecs, cap_recs;
    size_t cur; /* current record in the batch */
    int has_cur;
    char **header; /* header names (owned) */
    size_t nheader;
    int has_expected;
    size_t expected; /* field count every record must have */
};

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / size)
        return -1;
    void *p = realloc(*buf, n * size);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

static void on_field(void *s, size_t len, void *data)
{
    crm_csv *r = data;
    if (r->cb_status != CRM_OK)
        return;
    if (s == NULL && r->whitespace)
        return; /* an empty unquoted field is just more whitespace */
    if (grow((void **)&r->bytes, &r->cap_bytes, r->nbytes + len + 1, 1) != 0 ||
        grow((void **)&r->fields, &r->cap_fields, r->nfields + 1,
             sizeof(span)) != 0) {
        r->cb_status = CRM_ENOMEM;
        return;
    }
    if (len > 0)
        memcpy(r->bytes + r->nbytes, s, len);
    r->bytes[r->nbytes + len] = '\0';
    r->fields[r->nfields++] = (span){r->nbytes, len, 0};
    r->nbytes += len + 1;
}

static void push_record(crm_csv *r)
{
    if (grow((void **)&r->recs, &r->cap_recs, r->nrecs + 1, sizeof(span))) {
        r->cb_status = CRM_ENOMEM;
        return;
    }
    r->recs[r->nrecs++] = (span){
        r->rec_first_field, r->nfields - r->rec_first_field, r->start_line};
    r->rec_first_field = r->nfields;
}

static void on_record(int c, void *data)
{
    crm_csv *r = data;
    (void)c;
    if (r->cb_status != CRM_OK)
        return;
    /* In whitespace mode a line of blanks yields a record of no fields. */
    if (!(r->whitespace && r->nfields == r->rec_first_field))
        push_record(r);
}

crm_status crm_csv_open(const char *path, const crm_csv_opts *opts,
                        crm_csv **out, crm_error *err)
{
    crm_csv *r = NULL;
    crm_status rc = CRM_OK;
    const crm_csv_opts o = opts ? *opts : (crm_csv_opts){0};
    const unsigned char delim = o.delimiter ? (unsigned char)o.delimiter : ',';

    if (path == NULL || out == NULL)
        return crm_error_set(err, CRM_EINVAL, "csv: no path given");
    if (delim == '"' || delim == '\r' || delim == '\n') {
        rc = crm_error_set(err, CRM_EINVAL,
                           "%s: the delimiter cannot be a quote or newline",
                           path);
        goto done;
    }
    if ((r = calloc(1, sizeof *r)) == NULL ||
        (r->path = strdup(path)) == NULL) {
        rc = crm_error_set(err, CRM_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    r->whitespace = delim == ' ';
    r->keep_empty = o.keep_empty;
    r->ragged_ok = o.ragged_ok;
    if ((r->fp = fopen(path, "rb")) == NULL) {
        rc = crm_error_set(err, errno == ENOENT ? CRM_ENOTFOUND : CRM_EIO,
                           "%s: cannot open: %s", path, strerror(errno));
        goto done;
    }
    if (csv_init(&r->parser, (unsigned char)(CSV_STRICT | CSV_STRICT_FINI |
                                             (r->whitespace ? CSV_EMPTY_IS_NULL
                                                            : 0))) != 0) {
        rc = crm_error_set(err, CRM_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    r->parser_ready = 1;
    csv_set_delim(&r->parser, delim);
    csv_set_space_func(&r->parser, never_space);
    *out = r;
    r = NULL;
done:
    crm_csv_close(r);
    return rc;
}

void crm_csv_close(crm_csv *r)
{
    if (r == NULL)
        return;
    if (r->parser_ready)
        csv_free(&r->parser);
    if (r->fp != NULL)
        fclose(r->fp);
    for (size_t i = 0; i < r->nheader; i++)
        free(r->header[i]);
    free(r->header);
    free(r->recs);
    free(r->fields);
    free(r->bytes);
    free(r->line);
    free(r->path);
    free(r);
}

/* 1 when line (without its quotes context) holds only a terminator, or in
 * whitespace mode only blanks. */
static int is_blank(const crm_csv *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char c = s[i];
        if (c == '\r' || c == '\n')
            continue;
        if (r->whitespace && (c == ' ' || c == '\t'))
            continue;
        return 0;
    }
    return 1;
}

/* Updates quote parity over the line; in whitespace mode, unquoted tabs
 * become the space delimiter. */
static void scan_quotes(crm_csv *r, char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            r->odd_quotes = !r->odd_quotes;
        else if (s[i] == '\t' && r->whitespace && !r->odd_quotes)
            s[i] = ' ';
    }
}

static crm_status parse_error(crm_csv *r, crm_error *err)
{
    if (r->cb_status == CRM_ENOMEM || csv_error(&r->parser) == CSV_ENOMEM ||
        csv_error(&r->parser) == CSV_ETOOBIG)
        return crm_error_set(err, CRM_ENOMEM, "%s:%lld: out of memory", r->path,
                             (long long)r->line_no);
    return crm_error_set(err, CRM_EPARSE,
                         "%s:%lld: malformed quoting (a quote inside an "
                         "unquoted field, or text after a closing quote)",
                         r->path, (long long)r->line_no);
}

static crm_status finish(crm_csv *r, crm_error *err)
{
    r->at_eof = 1;
    if (ferror(r->fp))
        return crm_error_set(err, CRM_EIO, "%s:%lld: read error", r->path,
                             (long long)r->line_no);
    if (csv_fini(&r->parser, on_field, on_record, r) != 0)
        return crm_error_set(err, CRM_EPARSE,
                             "%s:%lld: quoted field not closed before the "
                             "end of the file",
                             r->path, (long long)r->start_line);
    return r->cb_status == CRM_OK ? CRM_OK : parse_error(r, err);
}

/* Feeds one physical line; may complete zero or more records. */
static crm_status feed_line(crm_csv *r, char *s, size_t n, crm_error *err)
{
    r->line_no++;
    if (r->line_no == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (!r->odd_quotes) {
        r->start_line = r->line_no;
        if (is_blank(r, s, n)) {
            if (r->keep_empty)
                push_record(r);
            return r->cb_status == CRM_OK ? CRM_OK : parse_error(r, err);
        }
    }
    scan_quotes(r, s, n);
    if (csv_parse(&r->parser, s, n, on_field, on_record, r) != n ||
        r->cb_status != CRM_OK)
        return parse_error(r, err);
    return CRM_OK;
}

/* Length of the physical line at s: through its LF, or through a CR that
 * no LF follows (a file with CR-only line ends is one getline chunk). */
static size_t line_len(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' ||
            (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
            return i + 1;
    return n;
}

/* Feeds what one getline read, a physical line at a time. */
static crm_status feed_chunk(crm_csv *r, size_t n, crm_error *err)
{
    char *s = r->line;
    crm_status rc = CRM_OK;
    while (n > 0 && rc == CRM_OK) {
        const size_t len = line_len(s, n);
        rc = feed_line(r, s, len, err);
        s += len;
        n -= len;
    }
    return rc;
}

/* Empties the batch of handed-out records but keeps the fields of the record
 * still open (a lone CR may end records in the middle of a chunk), moved to
 * the front. */
static void keep_open_record(crm_csv *r)
{
    const size_t nopen = r->nfields - r->rec_first_field;
    const size_t byte0 =
        nopen > 0 ? r->fields[r->rec_first_field].first : r->nbytes;
    if (byte0 > 0 && r->nbytes > byte0)
        memmove(r->bytes, r->bytes + byte0, r->nbytes - byte0);
    for (size_t i = 0; i < nopen; i++) {
        r->fields[i] = r->fields[r->rec_first_field + i];
        r->fields[i].first -= byte0;
    }
    r->nbytes -= byte0;
    r->nfields = nopen;
    r->rec_first_field = 0;
    r->nrecs = r->cur = 0;
}

/* Refills the batch until it holds a record or the file ends. */
static crm_status fill(crm_csv *r, crm_error *err)
{
    crm_status rc = CRM_OK;
    keep_open_record(r);
    while (r->nrecs == 0 && !r->at_eof) {
        errno = 0;
        const ssize_t n = getline(&r->line, &r->line_cap, r->fp);
        if (n < 0) {
            if (errno == ENOMEM)
                return crm_error_set(err, CRM_ENOMEM, "%s: out of memory",
                                     r->path);
            return finish(r, err);
        }
        if ((rc = feed_chunk(r, (size_t)n, err)) != CRM_OK)
            return rc;
    }
    return CRM_OK;
}

static crm_status check_count(const crm_csv *r, crm_error *err)
{
    const span *rec = &r->recs[r->cur];
    if (r->ragged_ok || !r->has_expected || rec->count == r->expected)
        return CRM_OK;
    return crm_error_set(err, CRM_EPARSE,
                         "%s:%lld: expected %zu fields (as in the header), "
                         "got %zu",
                         r->path, (long long)rec->line, r->expected,
                         rec->count);
}

crm_status crm_csv_next(crm_csv *r, int *got, crm_error *err)
{
    crm_status rc = CRM_OK;
    if (r == NULL || got == NULL)
        return crm_error_set(err, CRM_EINVAL, "csv: no reader");
    if (r->has_cur && r->cur + 1 < r->nrecs) {
        r->cur++;
    } else {
        r->has_cur = 0;
        if ((rc = fill(r, err)) != CRM_OK)
            return rc;
        if (r->nrecs == 0) {
            *got = 0;
            return CRM_OK;
        }
        r->has_cur = 1;
    }
    if ((rc = check_count(r, err)) != CRM_OK)
        return rc;
    *got = 1;
    return CRM_OK;
}

crm_status crm_csv_read_header(crm_csv *r, crm_error *err)
{
    crm_status rc = CRM_OK;
    int got = 0;
    if (r == NULL || r->header != NULL || r->has_cur)
        return crm_error_set(err, CRM_EINVAL, "csv: header read twice");
    if ((rc = crm_csv_next(r, &got, err)) != CRM_OK)
        return rc;
    if (!got || crm_csv_nfields(r) == 0)
        return crm_error_set(err, CRM_EEMPTY,
                             "%s: empty file, expected a header line", r->path);
    const size_t n = crm_csv_nfields(r);
    if ((r->header = calloc(n, sizeof *r->header)) == NULL)
        return crm_error_set(err, CRM_ENOMEM, "%s: out of memory", r->path);
    r->nheader = n;
    for (size_t i = 0; i < n; i++)
        if ((r->header[i] = strdup(crm_csv_field(r, i, NULL))) == NULL)
            return crm_error_set(err, CRM_ENOMEM, "%s: out of memory", r->path);
    r->has_expected = 1;
    r->expected = n;
    return CRM_OK;
}

size_t crm_csv_header_count(const crm_csv *r)
{
    return r->nheader;
}

const char *crm_csv_header_name(const crm_csv *r, size_t i)
{
    return i < r->nheader ? r->header[i] : NULL;
}

size_t crm_csv_nfields(const crm_csv *r)
{
    return r->has_cur ? r->recs[r->cur].count : 0;
}

const char *crm_csv_field(const crm_csv *r, size_t i, size_t *len)
{
    if (!r->has_cur || i >= r->recs[r->cur].count) {
        if (len != NULL)
            *len = 0;
        return "";
    }
    const span *f = &r->fields[r->recs[r->cur].first + i];
    if (len != NULL)
        *len = f->count;
    return r->bytes + f->first;
}

int64_t crm_csv_line(const crm_csv *r)
{
    return r->has_cur ? r->recs[r->cur].line : r->line_no;
}

const char *crm_csv_path(const crm_csv *r)
{
    return r->path;
}
