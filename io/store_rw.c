/* io/store_rw.c — reading the columns of a table (the layout is in
 * docs/FORMAT.md; files, table descriptions and attributes are in store.c,
 * writing in store_slab.c).
 *
 * Parallel contract: every rank makes the same HDF5 calls in the same order
 * (a rank without rows selects none), so each H5Dread is one collective.
 * A read frame owns
 * every buffer it hands out as a crm_table. */
#include "io/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/store_int.h"

typedef struct frame_col {
    char *name;
    void *data;
    char *bytes;       /* dictionary text, NUL-separated */
    const char **dict; /* pointers into bytes */
} frame_col;

struct crm_frame {
    crm_table table;
    crm_column *cols;
    frame_col *own;
};

/* ---- reading ----------------------------------------------------------- */

typedef struct read_ctx {
    const crm_store *s;
    const char *table;
    hid_t g;
    hid_t dxpl;
    int64_t row0, nrows;
    crm_error *err;
} read_ctx;

/* Reads entries [first, first + cnt) of a dictionary. Corrupt offsets are
 * reported only after the collective byte read, which every rank joins. */
static crm_status corrupt_dict(const read_ctx *r, const char *name)
{
    return crm_error_set(r->err, CRM_EFORMAT,
                         "%s:/%s/%s: corrupt dictionary offsets", r->s->path,
                         crm_store_bare(r->table), name);
}

/* Reads offsets [first, first + cnt] of a dictionary into off and the bytes
 * they span into o->bytes. Nonsense offsets are reported only after the byte
 * read, which every rank joins (it is collective in a parallel file). */
static crm_status read_dict_bytes(const read_ctx *r, const char *name,
                                  int64_t first, int64_t cnt, int64_t *off,
                                  frame_col *o)
{
    hid_t doff = -1, dbytes = -1;
    char *oname = crm_store_join(name, ".dict_offsets");
    char *bname = crm_store_join(name, ".dict");
    crm_status rc = CRM_OK;
    if (oname == NULL || bname == NULL) {
        rc = crm_error_set(r->err, CRM_ENOMEM, "out of memory");
        goto done;
    }
    if ((doff = H5Dopen2(r->g, oname, H5P_DEFAULT)) < 0 ||
        (dbytes = H5Dopen2(r->g, bname, H5P_DEFAULT)) < 0 ||
        crm_h5_transfer(doff, H5T_NATIVE_INT64, (hsize_t)first, 1,
                        (hsize_t)cnt + 1, r->dxpl, NULL, off) < 0) {
        rc = crm_store_fail(r->err, r->s, r->table, oname, "read offsets");
        goto done;
    }
    const int ok =
        off[0] >= 0 && off[cnt] >= off[0] && off[cnt] <= crm_h5_len(dbytes);
    const int64_t nb = ok ? off[cnt] - off[0] : 0;
    if ((o->bytes = malloc((size_t)nb + 1)) == NULL)
        rc = crm_error_set(r->err, CRM_ENOMEM, "out of memory");
    else if (crm_h5_transfer(dbytes, H5T_NATIVE_UCHAR,
                             (hsize_t)(ok ? off[0] : 0), 1, (hsize_t)nb,
                             r->dxpl, NULL, o->bytes) < 0)
        rc = crm_store_fail(r->err, r->s, r->table, bname, "read the text");
    else if (!ok)
        rc = corrupt_dict(r, name);
done:
    crm_h5_drop(dbytes);
    crm_h5_drop(doff);
    free(bname);
    free(oname);
    return rc;
}

/* Reads the whole dictionary, or entries [row0, row0 + nrows) of one keyed
 * by row, and points c at it. */
static crm_status read_dict(const read_ctx *r, const crm_column_info *ci,
                            crm_column *c, frame_col *o)
{
    const int64_t first = ci->dict_by_row ? r->row0 : 0;
    const int64_t cnt = ci->dict_by_row ? r->nrows : ci->ndict;
    int64_t *off = malloc((size_t)(cnt + 1) * sizeof *off);
    crm_status rc = CRM_OK;
    if (off == NULL ||
        (o->dict = malloc((size_t)(cnt + 1) * sizeof *o->dict)) == NULL)
        rc = crm_error_set(r->err, CRM_ENOMEM, "out of memory");
    if (rc == CRM_OK)
        rc = read_dict_bytes(r, ci->name, first, cnt, off, o);
    for (int64_t i = 0; i < cnt && rc == CRM_OK; i++) {
        if (off[i + 1] <= off[i] || off[i + 1] > off[cnt] ||
            o->bytes[off[i + 1] - 1 - off[0]] != '\0')
            rc = corrupt_dict(r, ci->name);
        else
            o->dict[i] = o->bytes + (off[i] - off[0]);
    }
    if (rc == CRM_OK) {
        c->dict = o->dict;
        c->ndict = (size_t)cnt;
        c->dict_row0 = first;
        c->dict_sliced = c->dict_by_row = ci->dict_by_row;
    }
    free(off);
    return rc;
}

static crm_status read_column(const read_ctx *r, const crm_column_info *ci,
                              crm_column *c, frame_col *o)
{
    hid_t d = -1;
    const size_t size = crm_type_size(ci->type);
    if ((uint64_t)r->nrows >= SIZE_MAX / size ||
        (o->name = crm_store_join(ci->name, "")) == NULL ||
        (o->data = malloc((size_t)r->nrows * size + size)) == NULL)
        return crm_error_set(r->err, CRM_ENOMEM, "out of memory");
    if ((d = H5Dopen2(r->g, ci->name, H5P_DEFAULT)) < 0 ||
        crm_h5_transfer(d, crm_store_mem_type(ci->type), (hsize_t)r->row0, 1,
                        (hsize_t)r->nrows, r->dxpl, NULL, o->data) < 0) {
        crm_h5_drop(d);
        return crm_store_fail(r->err, r->s, r->table, ci->name,
                              "read the column");
    }
    crm_h5_drop(d);
    *c = (crm_column){.name = o->name,
                      .type = ci->type,
                      .data = o->data,
                      .has_missing = ci->has_missing,
                      .missing_value = ci->missing_value};
    return ci->has_dict ? read_dict(r, ci, c, o) : CRM_OK;
}

static const crm_column_info *find_info(const crm_table_info *info,
                                        const char *name)
{
    for (size_t i = 0; name != NULL && i < info->ncols; i++)
        if (strcmp(info->cols[i].name, name) == 0)
            return &info->cols[i];
    return NULL;
}

/* The columns to read: names, or every column; all checked before any
 * collective read starts. */
static crm_status pick_columns(const read_ctx *r, const crm_table_info *info,
                               const char *const *names, size_t n,
                               const crm_column_info **pick)
{
    for (size_t i = 0; i < n; i++) {
        pick[i] = names ? find_info(info, names[i]) : &info->cols[i];
        if (pick[i] == NULL)
            return crm_error_set(
                r->err, CRM_ENOTFOUND, "%s:/%s: no column '%s'", r->s->path,
                crm_store_bare(r->table), names[i] ? names[i] : "");
    }
    return CRM_OK;
}

static crm_frame *frame_create(size_t ncols, int64_t nrows)
{
    crm_frame *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->cols = calloc(ncols + 1, sizeof *f->cols);
    f->own = calloc(ncols + 1, sizeof *f->own);
    f->table =
        (crm_table){.nrows = (size_t)nrows, .ncols = ncols, .cols = f->cols};
    if (f->cols == NULL || f->own == NULL) {
        crm_frame_free(f);
        return NULL;
    }
    return f;
}

crm_status crm_store_read(const crm_store *s, const char *table,
                          const char *const *names, size_t nnames, int64_t row0,
                          int64_t nrows, hid_t dxpl, crm_frame **out,
                          crm_error *err)
{
    crm_table_info *info = NULL;
    crm_frame *f = NULL;
    const crm_column_info **pick = NULL;
    read_ctx r = {.s = s,
                  .table = table,
                  .g = -1,
                  .dxpl = -1,
                  .row0 = row0,
                  .nrows = nrows,
                  .err = err};
    crm_status rc;
    if (out == NULL)
        return crm_error_set(err, CRM_EINVAL, "store read: no output");
    if ((rc = crm_store_table_info(s, table, &info, err)) != CRM_OK)
        return rc;
    const size_t n = names ? nnames : info->ncols;
    if (row0 < 0 || nrows < 0 || row0 > info->nrows - nrows) {
        rc = crm_error_set(err, CRM_ERANGE,
                           "%s:/%s: rows [%lld, %lld) are outside the "
                           "table's %lld rows",
                           s->path, crm_store_bare(table), (long long)row0,
                           (long long)row0 + nrows, (long long)info->nrows);
        goto done;
    }
    if ((f = frame_create(n, nrows)) == NULL ||
        (pick = calloc(n + 1, sizeof *pick)) == NULL) {
        rc = crm_error_set(err, CRM_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = pick_columns(&r, info, names, n, pick)) != CRM_OK ||
        (rc = crm_store_open_table(s, table, &r.g, err)) != CRM_OK)
        goto done;
    if ((r.dxpl = crm_store_xfer(s, dxpl)) < 0)
        rc = crm_store_fail(err, s, table, NULL, "copy the transfer list");
    for (size_t i = 0; i < n && rc == CRM_OK; i++)
        rc = read_column(&r, pick[i], &f->cols[i], &f->own[i]);
    if (rc == CRM_OK) {
        *out = f;
        f = NULL;
    }
done:
    crm_h5_drop(r.dxpl);
    crm_h5_drop(r.g);
    free(pick);
    crm_frame_free(f);
    crm_table_info_free(info);
    return rc;
}

const crm_table *crm_frame_table(const crm_frame *f)
{
    return f ? &f->table : NULL;
}

void crm_frame_free(crm_frame *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; f->own != NULL && i < f->table.ncols; i++) {
        free(f->own[i].dict);
        free(f->own[i].bytes);
        free(f->own[i].data);
        free(f->own[i].name);
    }
    free(f->own);
    free(f->cols);
    free(f);
}

crm_status crm_store_read_i64_strided(const crm_store *s, const char *table,
                                      const char *column, int64_t row0,
                                      int64_t stride, int64_t count, hid_t dxpl,
                                      int64_t *out, crm_error *err)
{
    hid_t g = -1, d = -1, t = -1, xfer = -1;
    crm_status rc;
    if (column == NULL || (out == NULL && count > 0) || row0 < 0 ||
        stride < 1 || count < 0)
        return crm_error_set(err, CRM_EINVAL, "strided read: bad arguments");
    if ((rc = crm_store_open_table(s, table, &g, err)) != CRM_OK)
        return rc;
    if (H5Lexists(g, column, H5P_DEFAULT) <= 0) {
        rc = crm_error_set(err, CRM_ENOTFOUND, "%s:/%s: no column '%s'",
                           s->path, crm_store_bare(table), column);
        goto done;
    }
    if ((d = H5Dopen2(g, column, H5P_DEFAULT)) < 0 ||
        (t = H5Dget_type(d)) < 0 || H5Tget_class(t) != H5T_INTEGER) {
        rc = crm_error_set(err, CRM_EFORMAT,
                           "%s:/%s/%s: not an integer dataset",
                           s->path, crm_store_bare(table), column);
        goto done;
    }
    const int64_t n = crm_h5_len(d);
    if (count > 0 && (row0 >= n || (n - 1 - row0) / stride < count - 1)) {
        rc = crm_error_set(err, CRM_ERANGE,
                           "%s:/%s/%s: %lld values from %lld "
                           "by %lld pass the end (%lld)",
                           s->path, crm_store_bare(table), column,
                           (long long)count, (long long)row0, (long long)stride,
                           (long long)n);
        goto done;
    }
    if ((xfer = crm_store_xfer(s, dxpl)) < 0 ||
        crm_h5_transfer(d, H5T_NATIVE_INT64, (hsize_t)row0, (hsize_t)stride,
                        (hsize_t)count, xfer, NULL, out) < 0)
        rc = crm_store_fail(err, s, table, column, "read the values");
done:
    crm_h5_drop(xfer);
    crm_h5_drop(t);
    crm_h5_drop(d);
    crm_h5_drop(g);
    return rc;
}
