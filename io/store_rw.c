/* io/store_rw.c — reading and writing the columns of a table (the layout is
 * in docs/FORMAT.md; files, table descriptions and attributes are in
 * store.c).
 *
 * Parallel contract: every rank makes the same HDF5 calls in the same order
 * (a rank without rows selects none), so each H5Dread/H5Dwrite is one
 * collective. Local work that can fail (packing dictionaries) is agreed
 * across ranks before the collective that follows it. A read frame owns
 * every buffer it hands out as a crm_table. */
#include "io/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/store_int.h"

#define DICT_CHUNK_BYTES 65536

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

/* ---- writing ----------------------------------------------------------- */

/* One column's datasets and where this rank's part of them goes. */
typedef struct col_plan {
    hid_t data, bytes, offsets; /* datasets; -1 until created */
    char *text;                 /* packed dictionary bytes */
    int64_t *off;               /* nd + 1 offsets, global after planning */
    int64_t nb, b0, btotal;     /* dictionary bytes: here, before, all */
    int64_t nd, d0, dtotal;     /* dictionary entries: here, before, all */
    int closing;                /* this rank writes offsets[dtotal] */
} col_plan;

typedef struct write_ctx {
    crm_store *s;
    const char *table;
    const crm_table *t;
    hid_t g;
    hid_t dxpl;
    const crm_comm *comm;
    int64_t row0, total, block_rows; /* this rank's first row, all rows */
    col_plan *plans;                 /* t->ncols */
    crm_error *err;
} write_ctx;

/* Every rank learns the worst status before the next collective step. */
static crm_status agree(const write_ctx *w, crm_status rc)
{
    int64_t worst = rc;
    if (w->comm->size > 1 &&
        w->comm->allreduce_i64(w->comm, &worst, 1, CRM_OP_MAX) != CRM_OK)
        return crm_error_set(w->err, CRM_EMPI,
                             "%s:/%s: ranks cannot agree on the write",
                             w->s->path, crm_store_bare(w->table));
    if (worst != CRM_OK && rc == CRM_OK)
        return crm_error_set(w->err, (crm_status)worst,
                             "%s:/%s: the write failed on another rank",
                             w->s->path, crm_store_bare(w->table));
    return rc;
}

/* The rules a table must meet to be written; the same verdict on every rank
 * unless a rank's own data pointer is missing. */
static crm_status check_table(const write_ctx *w)
{
    for (size_t i = 0; i < w->t->ncols; i++) {
        const crm_column *c = &w->t->cols[i];
        const char *why = NULL;
        if (!crm_store_valid_column(c->name))
            why = "is not a valid column name";
        else if (crm_type_size(c->type) == 0 ||
                 (c->data == NULL && w->t->nrows > 0))
            why = "has no data or an unknown type";
        else if (c->dict &&
                 (c->type == CRM_TYPE_FLOAT32 || c->type == CRM_TYPE_FLOAT64))
            why = "has a dictionary but float codes";
        for (size_t j = 0; why == NULL && j < i; j++)
            if (strcmp(w->t->cols[j].name, c->name) == 0)
                why = "appears twice";
        for (size_t k = 0; why == NULL && c->dict && k < c->ndict; k++)
            if (c->dict[k] == NULL)
                why = "has a NULL dictionary entry";
        if (why != NULL)
            return crm_error_set(w->err, CRM_EINVAL, "%s:/%s: column '%s' %s",
                                 w->s->path, crm_store_bare(w->table),
                                 c->name ? c->name : "(null)", why);
    }
    return CRM_OK;
}

/* The dictionary as NUL-terminated bytes and ndict + 1 offsets from 0. */
static crm_status pack_dict(const crm_column *c, col_plan *p)
{
    size_t total = 0;
    for (size_t i = 0; i < c->ndict; i++)
        total += strlen(c->dict[i]) + 1;
    if ((p->text = malloc(total + 1)) == NULL ||
        (p->off = malloc((c->ndict + 1) * sizeof *p->off)) == NULL)
        return CRM_ENOMEM;
    size_t at = 0;
    for (size_t i = 0; i < c->ndict; i++) {
        const size_t len = strlen(c->dict[i]) + 1;
        p->off[i] = (int64_t)at;
        memcpy(p->text + at, c->dict[i], len);
        at += len;
    }
    p->off[c->ndict] = (int64_t)at;
    p->nb = p->btotal = (int64_t)at;
    p->nd = p->dtotal = (int64_t)c->ndict;
    return CRM_OK;
}

/* Places each dictionary: a sliced one after the slices of lower ranks, a
 * whole one written by rank 0 alone. The last rank holding entries writes
 * the closing offset. */
static crm_status plan_dicts(write_ctx *w)
{
    crm_status rc = CRM_OK;
    for (size_t i = 0; i < w->t->ncols && rc == CRM_OK; i++)
        if (w->t->cols[i].dict != NULL)
            rc = pack_dict(&w->t->cols[i], &w->plans[i]);
    if (rc != CRM_OK)
        crm_error_set(w->err, rc, "%s: out of memory", w->s->path);
    if ((rc = agree(w, rc)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < w->t->ncols && rc == CRM_OK; i++) {
        const crm_column *c = &w->t->cols[i];
        col_plan *p = &w->plans[i];
        if (c->dict == NULL)
            continue;
        if (c->dict_sliced &&
            ((rc = crm_comm_exscan_i64(w->comm, p->nb, &p->b0, &p->btotal)) ||
             (rc = crm_comm_exscan_i64(w->comm, p->nd, &p->d0, &p->dtotal))))
            return crm_error_set(w->err, rc,
                                 "%s:/%s/%s: cannot place the dictionary",
                                 w->s->path, crm_store_bare(w->table), c->name);
        if (!c->dict_sliced && w->comm->rank != 0)
            p->nb = p->nd = 0;
        p->closing =
            p->d0 + p->nd == p->dtotal && (p->nd > 0 || w->comm->rank == 0);
        for (int64_t k = 0; k <= p->nd; k++)
            p->off[k] += p->b0;
    }
    return rc;
}

/* Replaces the table's group with an empty one holding the table attrs. */
static herr_t create_group(write_ctx *w)
{
    hid_t gcpl = -1;
    const int32_t version = CRM_STORE_FORMAT_VERSION;
    const char *name = crm_store_bare(w->table);
    const htri_t exists = H5Lexists(w->s->file, name, H5P_DEFAULT);
    herr_t st = -1;
    /* the flush puts the old table's metadata on disk before it is freed,
     * so its dead bytes do not depend on when the cache flushed */
    if (exists < 0 ||
        (exists > 0 && (H5Fflush(w->s->file, H5F_SCOPE_LOCAL) < 0 ||
                        H5Ldelete(w->s->file, name, H5P_DEFAULT) < 0)) ||
        (gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
        H5Pset_obj_track_times(gcpl, 0) < 0 ||
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED |
                                             H5P_CRT_ORDER_INDEXED) < 0 ||
        (w->g = H5Gcreate2(w->s->file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) <
            0)
        goto done;
    if (crm_h5_put_attr(w->g, "crmine_table", H5T_STD_I32LE, H5T_NATIVE_INT32,
                        &version) >= 0 &&
        crm_h5_put_attr(w->g, "nrows", H5T_STD_I64LE, H5T_NATIVE_INT64,
                        &w->total) >= 0)
        st = crm_h5_put_attr(w->g, "block_rows", H5T_STD_I64LE,
                             H5T_NATIVE_INT64, &w->block_rows);
done:
    crm_h5_drop(gcpl);
    return st;
}

/* Creates one column's datasets and attributes (no data yet). */
static herr_t create_column(const write_ctx *w, const crm_column *c,
                            col_plan *p)
{
    const int32_t one = 1;
    const int int_type = c->type == CRM_TYPE_INT32 || c->type == CRM_TYPE_INT64;
    char *bname = NULL, *oname = NULL;
    herr_t st = -1;
    if ((p->data = crm_h5_dataset(w->g, c->name, crm_store_file_type(c->type),
                                  w->total, w->block_rows, 1)) < 0 ||
        (int_type && c->has_missing &&
         crm_h5_put_attr(p->data, "missing_value", H5T_STD_I64LE,
                         H5T_NATIVE_INT64, &c->missing_value) < 0) ||
        (c->dict && c->dict_by_row &&
         crm_h5_put_attr(p->data, "dict_is_row_key", H5T_STD_I32LE,
                         H5T_NATIVE_INT32, &one) < 0))
        return -1;
    if (c->dict == NULL)
        return 0;
    if ((bname = crm_store_join(c->name, ".dict")) != NULL &&
        (oname = crm_store_join(c->name, ".dict_offsets")) != NULL &&
        (p->bytes = crm_h5_dataset(w->g, bname, H5T_STD_U8LE, p->btotal,
                                   DICT_CHUNK_BYTES, 0)) >= 0 &&
        (p->offsets = crm_h5_dataset(w->g, oname, H5T_STD_I64LE, p->dtotal + 1,
                                     w->block_rows, 1)) >= 0)
        st = 0;
    free(oname);
    free(bname);
    return st;
}

/* Writes this rank's part of one column and of its dictionary. */
static herr_t write_column(const write_ctx *w, const crm_column *c,
                           const col_plan *p)
{
    const int32_t dummy = 0;
    if (crm_h5_transfer(p->data, crm_store_mem_type(c->type), (hsize_t)w->row0,
                        1, w->t->nrows, w->dxpl, c->data ? c->data : &dummy,
                        NULL) < 0)
        return -1;
    if (c->dict == NULL)
        return 0;
    if (crm_h5_transfer(p->bytes, H5T_NATIVE_UCHAR, (hsize_t)p->b0, 1,
                        (hsize_t)p->nb, w->dxpl, p->text, NULL) < 0)
        return -1;
    return crm_h5_transfer(p->offsets, H5T_NATIVE_INT64, (hsize_t)p->d0, 1,
                           (hsize_t)(p->nd + p->closing), w->dxpl, p->off,
                           NULL);
}

/* All datasets are created before any is written: in a parallel file the
 * fill chunks of every column then sit in chunk order, so the collective
 * writes reallocate them in the same order at any rank count. */
static crm_status write_all(write_ctx *w)
{
    if (create_group(w) < 0)
        return crm_store_fail(w->err, w->s, w->table, NULL, "create the table");
    for (size_t i = 0; i < w->t->ncols; i++)
        if (create_column(w, &w->t->cols[i], &w->plans[i]) < 0)
            return crm_store_fail(w->err, w->s, w->table, w->t->cols[i].name,
                                  "create the column");
    for (size_t i = 0; i < w->t->ncols; i++)
        if (write_column(w, &w->t->cols[i], &w->plans[i]) < 0)
            return crm_store_fail(w->err, w->s, w->table, w->t->cols[i].name,
                                  "write the column");
    return CRM_OK;
}

static col_plan *plans_create(size_t n)
{
    col_plan *p = calloc(n + 1, sizeof *p);
    for (size_t i = 0; p != NULL && i < n; i++)
        p[i].data = p[i].bytes = p[i].offsets = -1;
    return p;
}

static void plans_free(col_plan *p, size_t n)
{
    for (size_t i = 0; p != NULL && i < n; i++) {
        crm_h5_drop(p[i].offsets);
        crm_h5_drop(p[i].bytes);
        crm_h5_drop(p[i].data);
        free(p[i].off);
        free(p[i].text);
    }
    free(p);
}

crm_status crm_store_write(crm_store *s, const char *table, const crm_table *t,
                           const crm_comm *comm, int64_t block_rows, hid_t dxpl,
                           crm_error *err)
{
    write_ctx w = {.s = s,
                   .table = table,
                   .t = t,
                   .g = -1,
                   .dxpl = -1,
                   .comm = comm,
                   .err = err,
                   .block_rows =
                       block_rows ? block_rows : CRM_STORE_BLOCK_ROWS};
    crm_status rc;
    if (s == NULL || t == NULL || comm == NULL || block_rows < 0 ||
        !crm_store_valid_table(table) || (t->ncols > 0 && t->cols == NULL))
        return crm_error_set(err, CRM_EINVAL, "store write: bad arguments");
    if (!s->parallel && comm->size > 1)
        return crm_error_set(err, CRM_EINVAL,
                             "%s: a serial file cannot take "
                             "a write from %d ranks",
                             s->path, comm->size);
    w.plans = plans_create(t->ncols);
    rc =
        w.plans ? check_table(&w) : crm_error_set(err, CRM_ENOMEM, "no memory");
    if ((rc = agree(&w, rc)) != CRM_OK)
        goto done;
    if ((rc = crm_comm_exscan_i64(comm, (int64_t)t->nrows, &w.row0,
                                  &w.total)) != CRM_OK) {
        crm_error_set(err, rc, "%s:/%s: cannot place the rows", s->path,
                      crm_store_bare(table));
        goto done;
    }
    if ((rc = plan_dicts(&w)) != CRM_OK)
        goto done;
    if ((w.dxpl = crm_store_xfer(s, dxpl)) < 0)
        rc = crm_store_fail(err, s, table, NULL, "copy the transfer list");
    else
        rc = write_all(&w);
done:
    plans_free(w.plans, t->ncols);
    crm_h5_drop(w.g);
    crm_h5_drop(w.dxpl);
    return rc;
}

crm_status crm_store_write_index(crm_store *s, const char *table,
                                 const char *name, const int64_t *values,
                                 int64_t n, crm_error *err)
{
    hid_t g = -1, d = -1;
    int64_t block_rows = CRM_STORE_BLOCK_ROWS;
    const int32_t one = 1;
    crm_status rc;
    if (!crm_store_valid_column(name) || n < 0 || (values == NULL && n > 0))
        return crm_error_set(err, CRM_EINVAL, "index write: bad arguments");
    if ((rc = crm_store_open_table(s, table, &g, err)) != CRM_OK)
        return rc;
    if (s->parallel) {
        rc = crm_error_set(err, CRM_EINVAL,
                           "%s:/%s/%s: index datasets are written serially",
                           s->path, crm_store_bare(table), name);
        goto done;
    }
    const htri_t exists = H5Lexists(g, name, H5P_DEFAULT);
    if (crm_h5_get_attr(g, "block_rows", H5T_NATIVE_INT64, &block_rows) < 0 ||
        exists < 0 || (exists > 0 && H5Ldelete(g, name, H5P_DEFAULT) < 0) ||
        (d = crm_h5_dataset(g, name, H5T_STD_I64LE, n,
                            block_rows > 0 ? block_rows : 1, 1)) < 0 ||
        crm_h5_put_attr(d, "crmine_index", H5T_STD_I32LE, H5T_NATIVE_INT32,
                        &one) < 0 ||
        crm_h5_transfer(d, H5T_NATIVE_INT64, 0, 1, (hsize_t)n, H5P_DEFAULT,
                        values ? (const void *)values : &one, NULL) < 0)
        rc = crm_store_fail(err, s, table, name, "write the index");
done:
    crm_h5_drop(d);
    crm_h5_drop(g);
    return rc;
}
