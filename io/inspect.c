/* io/inspect.c — the listing behind `crmine inspect` (see io/inspect.h).
 *
 * Per table: the description from crm_store_table_info, then a pass over the
 * rows, a slice of whole blocks at a time, counting missing values per
 * column. Widths are measured in UTF-8 code points so non-ASCII column
 * names stay aligned in a terminal. The text is built in a memory stream
 * (open_memstream) and handed to the caller, who prints it. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "io/inspect.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/store.h"

#define INSPECT_SLICE_ROWS 65536

/* Code points in a UTF-8 string: every byte that does not continue one. */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void type_text(const crm_column_info *c, char *out, size_t n)
{
    if (c->has_dict)
        snprintf(out, n, "dict(%" PRId64 ")", c->ndict);
    else
        snprintf(out, n, "%s", crm_type_name(c->type));
}

/* missing[i] = missing values of column i, reading the whole table. */
static crm_status count_missing(const crm_store *s, const char *table,
                                const crm_table_info *info, int64_t *missing,
                                crm_error *err)
{
    const int64_t block = info->block_rows;
    const int64_t step =
        block * (block < INSPECT_SLICE_ROWS ? INSPECT_SLICE_ROWS / block : 1);
    crm_status rc = CRM_OK;
    for (int64_t row0 = 0; row0 < info->nrows && rc == CRM_OK; row0 += step) {
        const int64_t left = info->nrows - row0;
        crm_frame *f = NULL;
        rc = crm_store_read(s, table, NULL, 0, row0, left < step ? left : step,
                            H5P_DEFAULT, &f, err);
        const crm_table *t = crm_frame_table(f);
        for (size_t c = 0; rc == CRM_OK && c < t->ncols; c++)
            for (size_t r = 0; r < t->nrows; r++)
                missing[c] += crm_column_is_missing(&t->cols[c], r);
        crm_frame_free(f);
    }
    return rc;
}

static void print_columns(const crm_table_info *info, const int64_t *missing,
                          FILE *out)
{
    char type[48];
    size_t wname = strlen("column"), wtype = strlen("type");
    for (size_t i = 0; i < info->ncols; i++) {
        type_text(&info->cols[i], type, sizeof type);
        if (width(info->cols[i].name) > wname)
            wname = width(info->cols[i].name);
        if (strlen(type) > wtype)
            wtype = strlen(type);
    }
    fprintf(out, "  %-*s  %-*s  %12s\n", (int)wname, "column", (int)wtype,
            "type", "missing");
    for (size_t i = 0; i < info->ncols; i++) {
        const char *name = info->cols[i].name;
        type_text(&info->cols[i], type, sizeof type);
        /* pad by code points, not bytes, for UTF-8 names */
        fprintf(out, "  %s%*s  %-*s  %12" PRId64 "\n", name,
                (int)(wname - width(name)), "", (int)wtype, type, missing[i]);
    }
}

static crm_status inspect_table(const crm_store *s, const char *table,
                                FILE *out, crm_error *err)
{
    crm_table_info *info = NULL;
    int64_t *missing = NULL;
    crm_status rc = crm_store_table_info(s, table, &info, err);
    if (rc != CRM_OK)
        return rc;
    if ((missing = calloc(info->ncols + 1, sizeof *missing)) == NULL)
        rc = crm_error_set(err, CRM_ENOMEM, "out of memory");
    else
        rc = count_missing(s, table, info, missing, err);
    if (rc == CRM_OK) {
        fprintf(out,
                "table /%s: %" PRId64 " rows, block_rows %" PRId64
                ", %zu columns\n",
                table, info->nrows, info->block_rows, info->ncols);
        print_columns(info, missing, out);
    }
    free(missing);
    crm_table_info_free(info);
    return rc;
}

crm_status crm_inspect(const char *store_path, char **text, size_t *len,
                       crm_error *err)
{
    crm_store *s = NULL;
    char **names = NULL, *buf = NULL;
    size_t n = 0, nbuf = 0;
    FILE *out = NULL;
    crm_status rc;
    if (store_path == NULL || text == NULL)
        return crm_error_set(err, CRM_EINVAL, "inspect: missing argument");
    if ((rc = crm_store_open(store_path, H5P_DEFAULT, 0, &s, err)) != CRM_OK ||
        (rc = crm_store_tables(s, &names, &n, err)) != CRM_OK)
        goto done;
    if ((out = open_memstream(&buf, &nbuf)) == NULL) {
        rc = crm_error_set(err, CRM_ENOMEM, "inspect: out of memory");
        goto done;
    }
    fprintf(out, "store %s: %zu table%s\n", store_path, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && rc == CRM_OK; i++) {
        fputc('\n', out);
        rc = inspect_table(s, names[i], out, err);
    }
    const int failed = ferror(out) != 0;
    if (fclose(out) != 0 || failed) {
        if (rc == CRM_OK)
            rc = crm_error_set(err, CRM_ENOMEM, "inspect: out of memory");
    }
    out = NULL;
    if (rc == CRM_OK) {
        *text = buf;
        if (len != NULL)
            *len = nbuf;
        buf = NULL;
    }
done:
    free(buf);
    crm_store_names_free(names, n);
    crm_store_close(s);
    return rc;
}
