/* io/export.c — CSV formatting of column views, and export of a stored
 * table to a CSV file (the rules are in io/export.h).
 *
 * Text grows in a `text` buffer that doubles; a failed allocation is
 * remembered and reported once at the end, so the formatting loops carry no
 * error checks. The export reads the table in slices of whole blocks and
 * streams each slice to a temporary file, renamed over the target at the
 * end. */
#define _POSIX_C_SOURCE 200809L
#include "io/export.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/store.h"

#define EXPORT_SLICE_ROWS 65536 /* rows per read, rounded to whole blocks */

typedef struct text {
    char *p;
    size_t len, cap;
    int failed; /* an allocation failed; p holds what came before */
} text;

static void reserve(text *b, size_t more)
{
    if (b->failed || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->failed = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void put(text *b, const char *s, size_t n)
{
    reserve(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* A field, quoted when it holds a separator, a quote or a line end, or is
 * empty (an unquoted empty cell means missing). */
static void put_field(text *b, const char *s)
{
    if (s[0] != '\0' && strpbrk(s, ",\"\r\n") == NULL) {
        put(b, s, strlen(s));
        return;
    }
    put(b, "\"", 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        put(b, s, (size_t)(q - s) + 1);
        put(b, "\"", 1);
    }
    put(b, s, strlen(s));
    put(b, "\"", 1);
}

/* Hands the text to the caller, or frees it after a failed allocation. */
static crm_status finish(text *b, char **buf, size_t *len)
{
    reserve(b, 0);
    if (b->failed) {
        free(b->p);
        return CRM_ENOMEM;
    }
    *buf = b->p;
    *len = b->len;
    return CRM_OK;
}

size_t crm_csv_format_f64(double v, char out[CRM_CSV_NUM_LEN])
{
    int n = 0;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(out, CRM_CSV_NUM_LEN, "%.*g", digits, v);
        const double back = strtod(out, NULL);
        if (isnan(v) || memcmp(&back, &v, sizeof v) == 0)
            break;
    }
    return (size_t)n;
}

static size_t format_f32(float v, char out[CRM_CSV_NUM_LEN])
{
    int n = 0;
    for (int digits = 6; digits <= 9; digits++) {
        n = snprintf(out, CRM_CSV_NUM_LEN, "%.*g", digits, (double)v);
        const float back = strtof(out, NULL);
        if (memcmp(&back, &v, sizeof v) == 0)
            break;
    }
    return (size_t)n;
}

crm_status crm_csv_format_header(const crm_table *t, char **buf, size_t *len)
{
    text b = {0};
    if (t == NULL || buf == NULL || len == NULL ||
        (t->ncols > 0 && t->cols == NULL))
        return CRM_EINVAL;
    for (size_t i = 0; i < t->ncols; i++) {
        if (i > 0)
            put(&b, ",", 1);
        put_field(&b, t->cols[i].name ? t->cols[i].name : "");
    }
    put(&b, "\n", 1);
    return finish(&b, buf, len);
}

/* One cell; CRM_ERANGE for a dictionary code whose text is not held. */
static crm_status put_cell(text *b, const crm_column *c, size_t row)
{
    char num[CRM_CSV_NUM_LEN];
    if (crm_column_is_missing(c, row))
        return CRM_OK;
    if (c->dict != NULL) {
        const char *s = crm_column_dict_text(c, crm_column_get_i64(c, row));
        if (s == NULL)
            return CRM_ERANGE;
        put_field(b, s);
        return CRM_OK;
    }
    size_t n = 0;
    switch (c->type) {
    case CRM_TYPE_INT32:
    case CRM_TYPE_INT64:
        n = (size_t)snprintf(num, sizeof num, "%lld",
                             (long long)crm_column_get_i64(c, row));
        break;
    case CRM_TYPE_FLOAT32:
        n = format_f32(((const float *)c->data)[row], num);
        break;
    case CRM_TYPE_FLOAT64:
        n = crm_csv_format_f64(((const double *)c->data)[row], num);
        break;
    }
    put(b, num, n);
    return CRM_OK;
}

crm_status crm_csv_format_rows(const crm_table *t, size_t row0, size_t nrows,
                               char **buf, size_t *len)
{
    text b = {0};
    crm_status rc = CRM_OK;
    if (t == NULL || buf == NULL || len == NULL || row0 > t->nrows ||
        nrows > t->nrows - row0 || (t->ncols > 0 && t->cols == NULL))
        return CRM_EINVAL;
    reserve(&b, nrows * (t->ncols + 1) * 8);
    for (size_t r = row0; r < row0 + nrows && rc == CRM_OK; r++) {
        for (size_t i = 0; i < t->ncols && rc == CRM_OK; i++) {
            if (i > 0)
                put(&b, ",", 1);
            rc = put_cell(&b, &t->cols[i], r);
        }
        put(&b, "\n", 1);
    }
    if (rc != CRM_OK) {
        free(b.p);
        return rc;
    }
    return finish(&b, buf, len);
}

/* ---- export ------------------------------------------------------------ */

typedef struct export_ctx {
    const char *store_path, *table, *csv_path;
    crm_store *s;
    crm_table_info *info;
    FILE *out;
    crm_error *err;
} export_ctx;

static crm_status put_text(const export_ctx *x, crm_status rc, char *buf,
                           size_t len)
{
    if (rc == CRM_ENOMEM)
        return crm_error_set(x->err, rc, "%s: out of memory", x->csv_path);
    if (rc != CRM_OK)
        return crm_error_set(x->err, rc,
                             "%s:/%s: a dictionary code has no text",
                             x->store_path, x->table);
    const size_t wrote = fwrite(buf, 1, len, x->out);
    free(buf);
    if (wrote != len)
        return crm_error_set(x->err, CRM_EIO, "%s: cannot write: %s",
                             x->csv_path, strerror(errno));
    return CRM_OK;
}

static crm_status write_header(const export_ctx *x)
{
    const size_t n = x->info->ncols;
    crm_column *cols = calloc(n + 1, sizeof *cols);
    char *buf = NULL;
    size_t len = 0;
    if (cols == NULL)
        return crm_error_set(x->err, CRM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        cols[i] = (crm_column){.name = x->info->cols[i].name,
                               .type = x->info->cols[i].type};
    const crm_table t = {.nrows = 0, .ncols = n, .cols = cols};
    const crm_status rc = crm_csv_format_header(&t, &buf, &len);
    free(cols);
    return put_text(x, rc, buf, len);
}

static crm_status write_rows(const export_ctx *x)
{
    const int64_t block = x->info->block_rows;
    const int64_t step =
        block * (block < EXPORT_SLICE_ROWS ? EXPORT_SLICE_ROWS / block : 1);
    crm_status rc = CRM_OK;
    for (int64_t row0 = 0; row0 < x->info->nrows && rc == CRM_OK;
         row0 += step) {
        const int64_t left = x->info->nrows - row0;
        crm_frame *f = NULL;
        char *buf = NULL;
        size_t len = 0;
        rc = crm_store_read(x->s, x->table, NULL, 0, row0,
                            left < step ? left : step, H5P_DEFAULT, &f, x->err);
        if (rc == CRM_OK) {
            const crm_table *t = crm_frame_table(f);
            rc = crm_csv_format_rows(t, 0, t->nrows, &buf, &len);
            rc = put_text(x, rc, buf, len);
        }
        crm_frame_free(f);
    }
    return rc;
}

crm_status crm_csv_write_table(const crm_table *t, const char *path,
                               crm_error *err)
{
    char *head = NULL, *body = NULL;
    size_t hl = 0, bl = 0;
    crm_status rc = crm_csv_format_header(t, &head, &hl);
    if (rc == CRM_OK)
        rc = crm_csv_format_rows(t, 0, t->nrows, &body, &bl);
    if (rc != CRM_OK) {
        free(head);
        return crm_error_set(err, rc, "%s: cannot format the table", path);
    }
    FILE *fp = fopen(path, "w");
    if (fp == NULL || fwrite(head, 1, hl, fp) != hl ||
        fwrite(body, 1, bl, fp) != bl)
        rc = crm_error_set(err, CRM_EIO, "%s: cannot write: %s", path,
                           strerror(errno));
    if (fp != NULL && fclose(fp) != 0 && rc == CRM_OK)
        rc = crm_error_set(err, CRM_EIO, "%s: cannot write: %s", path,
                           strerror(errno));
    free(body);
    free(head);
    return rc;
}

/* Creates csv_path.<pid>.tmp beside the target (mode 0666 less umask). */
static crm_status open_temp(export_ctx *x, char **tmp)
{
    const size_t n = strlen(x->csv_path) + 32;
    if ((*tmp = malloc(n)) == NULL)
        return crm_error_set(x->err, CRM_ENOMEM, "out of memory");
    snprintf(*tmp, n, "%s.%ld.tmp", x->csv_path, (long)getpid());
    const int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0 || (x->out = fdopen(fd, "w")) == NULL) {
        const int e = errno;
        if (fd >= 0)
            close(fd);
        free(*tmp);
        *tmp = NULL;
        return crm_error_set(x->err, CRM_EIO, "%s: cannot create: %s",
                             x->csv_path, strerror(e));
    }
    return CRM_OK;
}

crm_status crm_export_csv(const char *store_path, const char *table,
                          const char *csv_path, crm_error *err)
{
    export_ctx x = {.store_path = store_path,
                    .table = table,
                    .csv_path = csv_path,
                    .err = err};
    char *tmp = NULL;
    crm_status rc;
    if (store_path == NULL || table == NULL || csv_path == NULL)
        return crm_error_set(err, CRM_EINVAL, "export: missing argument");
    if ((rc = crm_store_open(store_path, H5P_DEFAULT, 0, &x.s, err)) !=
            CRM_OK ||
        (rc = crm_store_table_info(x.s, table, &x.info, err)) != CRM_OK ||
        (rc = open_temp(&x, &tmp)) != CRM_OK)
        goto done;
    if ((rc = write_header(&x)) == CRM_OK)
        rc = write_rows(&x);
    const crm_status store_closed = crm_store_close(x.s);
    x.s = NULL;
    if (rc == CRM_OK && store_closed != CRM_OK)
        rc = crm_error_set(err, store_closed,
                           "%s: HDF5 cannot close the store", store_path);
    const int flushed = fflush(x.out) == 0 && fsync(fileno(x.out)) == 0;
    const int closed = fclose(x.out) == 0;
    if (rc == CRM_OK && (!flushed || !closed || rename(tmp, csv_path) != 0))
        rc = crm_error_set(err, CRM_EIO, "%s: cannot write: %s", csv_path,
                           strerror(errno));
    if (rc != CRM_OK)
        unlink(tmp);
done:
    free(tmp);
    crm_table_info_free(x.info);
    crm_store_close(x.s);
    return rc;
}
