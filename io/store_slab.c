/* io/store_slab.c — writing tables and index datasets, whole or in slabs
 * (the layout is in docs/FORMAT.md; reads are in store_rw.c).
 *
 * A crm_store_writer holds the open datasets of one table (or one index)
 * and the next global row. crm_store_table_create makes the group, every
 * column and the dictionaries; each append is one collective round whose
 * rows follow the previous round's, a rank's slab after those of lower
 * ranks (an exclusive scan of the slab lengths). crm_store_write is create,
 * one append and close.
 *
 * Parallel contract: every rank makes the same HDF5 calls in the same order
 * (a rank without rows selects none). Local work that can fail (argument
 * checks, packing dictionaries) is agreed over the comm before the next
 * collective. The writer borrows the store and the comm. */
#include "io/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/store_int.h"

#define DICT_CHUNK_BYTES 65536

/* One column's dictionary and where this rank's part of it goes. */
typedef struct dict_plan {
    char *text;             /* packed dictionary bytes */
    int64_t *off;           /* nd + 1 offsets, global after planning */
    int64_t nb, b0, btotal; /* dictionary bytes: here, before, all */
    int64_t nd, d0, dtotal; /* dictionary entries: here, before, all */
    int closing;            /* this rank writes offsets[dtotal] */
} dict_plan;

struct crm_store_writer {
    crm_store *s;           /* borrowed */
    const crm_comm *comm;   /* borrowed */
    char *table;            /* bare name, owned */
    hid_t g, dxpl;
    int64_t total, block_rows, next; /* rows: all, per chunk, written */
    size_t ncols;
    char **names;           /* ncols owned copies */
    crm_type *types;
    hid_t *data;            /* one dataset per column, -1 until created */
};

/* Every rank learns the worst status before the next collective step. */
static crm_status agree(const crm_comm *comm, const crm_store *s,
                        const char *table, crm_status rc, crm_error *err)
{
    int64_t worst = rc;
    if (comm->size > 1 &&
        comm->allreduce_i64(comm, &worst, 1, CRM_OP_MAX) != CRM_OK)
        return crm_error_set(err, CRM_EMPI,
                             "%s:/%s: ranks cannot agree on the write",
                             s->path, crm_store_bare(table));
    if (worst != CRM_OK && rc == CRM_OK)
        return crm_error_set(err, (crm_status)worst,
                             "%s:/%s: the write failed on another rank",
                             s->path, crm_store_bare(table));
    return rc;
}

static crm_store_writer *writer_alloc(crm_store *s, const char *table,
                                      const crm_comm *comm, size_t ncols)
{
    crm_store_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    *w = (crm_store_writer){.s = s, .comm = comm, .g = -1, .dxpl = -1,
                            .ncols = ncols};
    w->table = crm_store_join(crm_store_bare(table), "");
    w->names = calloc(ncols + 1, sizeof *w->names);
    w->types = calloc(ncols + 1, sizeof *w->types);
    w->data = calloc(ncols + 1, sizeof *w->data);
    if (w->table == NULL || w->names == NULL || w->types == NULL ||
        w->data == NULL) {
        crm_store_table_close(w, NULL);
        return NULL;
    }
    for (size_t i = 0; i < ncols; i++)
        w->data[i] = -1;
    return w;
}

/* The rules a schema must meet; the same verdict on every rank unless a
 * rank's own data pointer is missing. */
static crm_status check_schema(const crm_store_writer *w, const crm_table *t,
                               crm_error *err)
{
    for (size_t i = 0; i < t->ncols; i++) {
        const crm_column *c = &t->cols[i];
        const char *why = NULL;
        if (!crm_store_valid_column(c->name))
            why = "is not a valid column name";
        else if (crm_type_size(c->type) == 0 ||
                 (c->data == NULL && t->nrows > 0))
            why = "has no data or an unknown type";
        else if (c->dict &&
                 (c->type == CRM_TYPE_FLOAT32 || c->type == CRM_TYPE_FLOAT64))
            why = "has a dictionary but float codes";
        for (size_t j = 0; why == NULL && j < i; j++)
            if (strcmp(t->cols[j].name, c->name) == 0)
                why = "appears twice";
        for (size_t k = 0; why == NULL && c->dict && k < c->ndict; k++)
            if (c->dict[k] == NULL)
                why = "has a NULL dictionary entry";
        if (why != NULL)
            return crm_error_set(err, CRM_EINVAL, "%s:/%s: column '%s' %s",
                                 w->s->path, w->table,
                                 c->name ? c->name : "(null)", why);
    }
    for (size_t i = 0; i < t->ncols; i++) {
        w->types[i] = t->cols[i].type;
        if ((w->names[i] = crm_store_join(t->cols[i].name, "")) == NULL)
            return crm_error_set(err, CRM_ENOMEM, "out of memory");
    }
    return CRM_OK;
}

/* The dictionary as NUL-terminated bytes and ndict + 1 offsets from 0. */
static crm_status pack_dict(const crm_column *c, dict_plan *p)
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
static crm_status plan_dicts(const crm_store_writer *w, const crm_table *t,
                             dict_plan *plans, crm_error *err)
{
    crm_status rc = CRM_OK;
    for (size_t i = 0; i < t->ncols && rc == CRM_OK; i++)
        if (t->cols[i].dict != NULL)
            rc = pack_dict(&t->cols[i], &plans[i]);
    if (rc != CRM_OK)
        crm_error_set(err, rc, "%s: out of memory", w->s->path);
    if ((rc = agree(w->comm, w->s, w->table, rc, err)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < t->ncols; i++) {
        const crm_column *c = &t->cols[i];
        dict_plan *p = &plans[i];
        if (c->dict == NULL)
            continue;
        if (c->dict_sliced &&
            ((rc = crm_comm_exscan_i64(w->comm, p->nb, &p->b0, &p->btotal)) ||
             (rc = crm_comm_exscan_i64(w->comm, p->nd, &p->d0, &p->dtotal))))
            return crm_error_set(err, rc,
                                 "%s:/%s/%s: cannot place the dictionary",
                                 w->s->path, w->table, c->name);
        if (!c->dict_sliced && w->comm->rank != 0)
            p->nb = p->nd = 0;
        p->closing =
            p->d0 + p->nd == p->dtotal && (p->nd > 0 || w->comm->rank == 0);
        for (int64_t k = 0; k <= p->nd; k++)
            p->off[k] += p->b0;
    }
    return CRM_OK;
}

/* Replaces the table's group with an empty one holding the table attrs. */
static herr_t create_group(crm_store_writer *w)
{
    hid_t gcpl = -1;
    const int32_t version = CRM_STORE_FORMAT_VERSION;
    const htri_t exists = H5Lexists(w->s->file, w->table, H5P_DEFAULT);
    herr_t st = -1;
    /* the flush puts the old table's metadata on disk before it is freed,
     * so its dead bytes do not depend on when the cache flushed */
    if (exists < 0 ||
        (exists > 0 && (H5Fflush(w->s->file, H5F_SCOPE_LOCAL) < 0 ||
                        H5Ldelete(w->s->file, w->table, H5P_DEFAULT) < 0)) ||
        (gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
        H5Pset_obj_track_times(gcpl, 0) < 0 ||
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED |
                                             H5P_CRT_ORDER_INDEXED) < 0 ||
        (w->g = H5Gcreate2(w->s->file, w->table, H5P_DEFAULT, gcpl,
                           H5P_DEFAULT)) < 0)
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

/* Creates one column's dataset with its attributes and, for a dictionary
 * column, the dictionary datasets (into *bytes and *offsets). */
static herr_t create_column(const crm_store_writer *w, size_t i,
                            const crm_column *c, const dict_plan *p,
                            hid_t *bytes, hid_t *offsets)
{
    const int32_t one = 1;
    const int int_type = c->type == CRM_TYPE_INT32 || c->type == CRM_TYPE_INT64;
    char *bname = NULL, *oname = NULL;
    herr_t st = -1;
    if ((w->data[i] = crm_h5_dataset(w->g, c->name,
                                     crm_store_file_type(c->type), w->total,
                                     w->block_rows, 1)) < 0 ||
        (int_type && c->has_missing &&
         crm_h5_put_attr(w->data[i], "missing_value", H5T_STD_I64LE,
                         H5T_NATIVE_INT64, &c->missing_value) < 0) ||
        (c->dict && c->dict_by_row &&
         crm_h5_put_attr(w->data[i], "dict_is_row_key", H5T_STD_I32LE,
                         H5T_NATIVE_INT32, &one) < 0))
        return -1;
    if (c->dict == NULL)
        return 0;
    if ((bname = crm_store_join(c->name, ".dict")) != NULL &&
        (oname = crm_store_join(c->name, ".dict_offsets")) != NULL &&
        (*bytes = crm_h5_dataset(w->g, bname, H5T_STD_U8LE, p->btotal,
                                 DICT_CHUNK_BYTES, 0)) >= 0 &&
        (*offsets = crm_h5_dataset(w->g, oname, H5T_STD_I64LE, p->dtotal + 1,
                                   w->block_rows, 1)) >= 0)
        st = 0;
    free(oname);
    free(bname);
    return st;
}

/* Writes this rank's part of a dictionary. */
static herr_t write_dict(const crm_store_writer *w, const dict_plan *p,
                         hid_t bytes, hid_t offsets)
{
    if (crm_h5_transfer(bytes, H5T_NATIVE_UCHAR, (hsize_t)p->b0, 1,
                        (hsize_t)p->nb, w->dxpl, p->text, NULL) < 0)
        return -1;
    return crm_h5_transfer(offsets, H5T_NATIVE_INT64, (hsize_t)p->d0, 1,
                           (hsize_t)(p->nd + p->closing), w->dxpl, p->off,
                           NULL);
}

/* All datasets are created before any is written: in a parallel file the
 * fill chunks of every column then sit in chunk order, so the collective
 * writes reallocate them in the same order at any rank count. */
static crm_status create_all(crm_store_writer *w, const crm_table *t,
                             const dict_plan *plans, crm_error *err)
{
    crm_status rc = CRM_OK;
    hid_t *dsets = calloc(2 * t->ncols + 1, sizeof *dsets);
    if (dsets == NULL)
        return crm_error_set(err, CRM_ENOMEM, "out of memory");
    for (size_t i = 0; i < 2 * t->ncols; i++)
        dsets[i] = -1;
    if (create_group(w) < 0)
        rc = crm_store_fail(err, w->s, w->table, NULL, "create the table");
    for (size_t i = 0; i < t->ncols && rc == CRM_OK; i++)
        if (create_column(w, i, &t->cols[i], &plans[i], &dsets[2 * i],
                          &dsets[2 * i + 1]) < 0)
            rc = crm_store_fail(err, w->s, w->table, t->cols[i].name,
                                "create the column");
    for (size_t i = 0; i < t->ncols && rc == CRM_OK; i++)
        if (t->cols[i].dict != NULL &&
            write_dict(w, &plans[i], dsets[2 * i], dsets[2 * i + 1]) < 0)
            rc = crm_store_fail(err, w->s, w->table, t->cols[i].name,
                                "write the dictionary");
    /* the close writes the cached chunks: a full disk shows here */
    for (size_t i = 0; i < 2 * t->ncols; i++)
        if (dsets[i] >= 0 && H5Dclose(dsets[i]) < 0 && rc == CRM_OK)
            rc = crm_store_fail(err, w->s, w->table, t->cols[i / 2].name,
                                "write the dictionary");
    free(dsets);
    return rc;
}

static void plans_free(dict_plan *p, size_t n)
{
    for (size_t i = 0; p != NULL && i < n; i++) {
        free(p[i].off);
        free(p[i].text);
    }
    free(p);
}

/* The checks every create makes before its first collective. */
static crm_status check_args(const crm_store *s, const crm_comm *comm,
                             const void *out, int64_t n, crm_error *err)
{
    if (s == NULL || comm == NULL || out == NULL || n < 0)
        return crm_error_set(err, CRM_EINVAL, "store write: bad arguments");
    if (!s->parallel && comm->size > 1)
        return crm_error_set(err, CRM_EINVAL,
                             "%s: a serial file cannot take "
                             "a write from %d ranks",
                             s->path, comm->size);
    return CRM_OK;
}

crm_status crm_store_table_create(crm_store *s, const char *table,
                                  const crm_table *schema, int64_t total_rows,
                                  int64_t block_rows, const crm_comm *comm,
                                  hid_t dxpl, crm_store_writer **out,
                                  crm_error *err)
{
    crm_store_writer *w = NULL;
    dict_plan *plans = NULL;
    crm_status rc = check_args(s, comm, out, total_rows, err);
    if (rc != CRM_OK)
        return rc;
    if (schema == NULL || block_rows < 0 || !crm_store_valid_table(table) ||
        (schema->ncols > 0 && schema->cols == NULL))
        return crm_error_set(err, CRM_EINVAL, "store write: bad arguments");
    if ((w = writer_alloc(s, table, comm, schema->ncols)) == NULL ||
        (plans = calloc(schema->ncols + 1, sizeof *plans)) == NULL)
        rc = crm_error_set(err, CRM_ENOMEM, "out of memory");
    else
        rc = check_schema(w, schema, err);
    if ((rc = agree(comm, s, table, rc, err)) != CRM_OK)
        goto done;
    w->total = total_rows;
    w->block_rows = block_rows ? block_rows : CRM_STORE_BLOCK_ROWS;
    if ((rc = plan_dicts(w, schema, plans, err)) != CRM_OK)
        goto done;
    if ((w->dxpl = crm_store_xfer(s, dxpl)) < 0)
        rc = crm_store_fail(err, s, table, NULL, "copy the transfer list");
    else
        rc = create_all(w, schema, plans, err);
    if (rc == CRM_OK) {
        *out = w;
        w = NULL;
    }
done:
    plans_free(plans, schema->ncols);
    crm_store_table_close(w, NULL);
    return rc;
}

/* One collective round: this rank's nrows rows of data[i] for column i. */
static crm_status append_rows(crm_store_writer *w, const void *const *data,
                              int64_t nrows, crm_status rc, crm_error *err)
{
    int64_t before = 0, round = 0;
    const int64_t dummy = 0;
    if ((rc = agree(w->comm, w->s, w->table, rc, err)) != CRM_OK)
        return rc;
    if ((rc = crm_comm_exscan_i64(w->comm, nrows, &before, &round)) != CRM_OK)
        return crm_error_set(err, rc, "%s:/%s: cannot place the rows",
                             w->s->path, w->table);
    if (round > w->total - w->next)
        return crm_error_set(err, CRM_ERANGE,
                             "%s:/%s: %lld more rows pass the end of the "
                             "table (%lld of %lld written)",
                             w->s->path, w->table, (long long)round,
                             (long long)w->next, (long long)w->total);
    for (size_t i = 0; i < w->ncols; i++)
        if (crm_h5_transfer(w->data[i], crm_store_mem_type(w->types[i]),
                            (hsize_t)(w->next + before), 1, (hsize_t)nrows,
                            w->dxpl, nrows > 0 ? data[i] : &dummy, NULL) < 0)
            return crm_store_fail(err, w->s, w->table, w->names[i],
                                  "write the column");
    w->next += round;
    return CRM_OK;
}

crm_status crm_store_table_append(crm_store_writer *w, const crm_table *slab,
                                  crm_error *err)
{
    const void **data = NULL;
    crm_status rc = CRM_OK;
    if (w == NULL)
        return crm_error_set(err, CRM_EINVAL, "table append: no writer");
    if ((data = calloc(w->ncols + 1, sizeof *data)) == NULL)
        rc = crm_error_set(err, CRM_ENOMEM, "out of memory");
    else if (slab == NULL || slab->ncols != w->ncols ||
             (slab->ncols > 0 && slab->cols == NULL))
        rc = crm_error_set(err, CRM_EINVAL,
                           "%s:/%s: the slab does not match the table",
                           w->s->path, w->table);
    for (size_t i = 0; rc == CRM_OK && i < w->ncols; i++) {
        const crm_column *c = &slab->cols[i];
        if (c->name == NULL || strcmp(c->name, w->names[i]) != 0 ||
            c->type != w->types[i] || (c->data == NULL && slab->nrows > 0))
            rc = crm_error_set(err, CRM_EINVAL,
                               "%s:/%s: slab column %zu is not '%s' of type "
                               "%s with data",
                               w->s->path, w->table, i, w->names[i],
                               crm_type_name(w->types[i]));
        else
            data[i] = c->data;
    }
    const int64_t nrows = slab && rc == CRM_OK ? (int64_t)slab->nrows : 0;
    rc = append_rows(w, data, nrows, rc, err);
    free(data);
    return rc;
}

/* Opens the table group and replaces the index dataset in it. */
static crm_status create_index(crm_store_writer *w, const char *name,
                               hid_t dxpl, crm_error *err)
{
    const int32_t one = 1;
    crm_status rc = crm_store_open_table(w->s, w->table, &w->g, err);
    if (rc != CRM_OK)
        return rc;
    w->block_rows = CRM_STORE_BLOCK_ROWS;
    const htri_t exists = H5Lexists(w->g, name, H5P_DEFAULT);
    if (crm_h5_get_attr(w->g, "block_rows", H5T_NATIVE_INT64,
                        &w->block_rows) < 0 ||
        exists < 0 || (exists > 0 && H5Ldelete(w->g, name, H5P_DEFAULT) < 0) ||
        (w->data[0] = crm_h5_dataset(w->g, name, H5T_STD_I64LE, w->total,
                                     w->block_rows > 0 ? w->block_rows : 1,
                                     1)) < 0 ||
        crm_h5_put_attr(w->data[0], "crmine_index", H5T_STD_I32LE,
                        H5T_NATIVE_INT32, &one) < 0 ||
        (w->dxpl = crm_store_xfer(w->s, dxpl)) < 0)
        rc = crm_store_fail(err, w->s, w->table, name, "create the index");
    return rc;
}

crm_status crm_store_index_create(crm_store *s, const char *table,
                                  const char *name, int64_t n,
                                  const crm_comm *comm, hid_t dxpl,
                                  crm_store_writer **out, crm_error *err)
{
    crm_store_writer *w = NULL;
    crm_status rc = check_args(s, comm, out, n, err);
    if (rc != CRM_OK)
        return rc;
    if (!crm_store_valid_column(name) || !crm_store_valid_table(table))
        return crm_error_set(err, CRM_EINVAL, "index write: bad arguments");
    if ((w = writer_alloc(s, table, comm, 1)) == NULL ||
        (w->names[0] = crm_store_join(name, "")) == NULL) {
        crm_store_table_close(w, NULL);
        return crm_error_set(err, CRM_ENOMEM, "out of memory");
    }
    w->types[0] = CRM_TYPE_INT64;
    w->total = n;
    if ((rc = create_index(w, name, dxpl, err)) == CRM_OK) {
        *out = w;
        w = NULL;
    }
    crm_store_table_close(w, NULL);
    return rc;
}

crm_status crm_store_index_append(crm_store_writer *w, const int64_t *values,
                                  int64_t n, crm_error *err)
{
    crm_status rc = CRM_OK;
    if (w == NULL)
        return crm_error_set(err, CRM_EINVAL, "index append: no writer");
    if (n < 0 || (values == NULL && n > 0) || w->ncols != 1 ||
        w->types[0] != CRM_TYPE_INT64)
        rc = crm_error_set(err, CRM_EINVAL, "%s:/%s: bad index values",
                           w->s->path, w->table);
    const void *data[1] = {values};
    return append_rows(w, data, rc == CRM_OK ? n : 0, rc, err);
}

int64_t crm_store_writer_rows(const crm_store_writer *w)
{
    return w ? w->next : 0;
}

crm_status crm_store_table_close(crm_store_writer *w, crm_error *err)
{
    crm_status rc = CRM_OK;
    if (w == NULL)
        return CRM_OK;
    if (w->next != w->total)
        rc = crm_error_set(err, CRM_ERANGE,
                           "%s:/%s: %lld of %lld rows were written",
                           w->s->path, w->table, (long long)w->next,
                           (long long)w->total);
    /* the close writes the cached chunks: a full disk shows here */
    for (size_t i = 0; w->data != NULL && i < w->ncols; i++)
        if (w->data[i] >= 0 && H5Dclose(w->data[i]) < 0 && rc == CRM_OK)
            rc = crm_store_fail(err, w->s, w->table,
                                w->names ? w->names[i] : NULL,
                                "write the column's data (is the disk "
                                "full?)");
    for (size_t i = 0; w->names != NULL && i < w->ncols; i++)
        free(w->names[i]);
    crm_h5_drop(w->dxpl);
    crm_h5_drop(w->g);
    free(w->data);
    free(w->types);
    free(w->names);
    free(w->table);
    free(w);
    return rc;
}

/* ---- whole tables ------------------------------------------------------ */

crm_status crm_store_write(crm_store *s, const char *table, const crm_table *t,
                           const crm_comm *comm, int64_t block_rows, hid_t dxpl,
                           crm_error *err)
{
    crm_store_writer *w = NULL;
    int64_t total = 0;
    crm_status rc = check_args(s, comm, t, 0, err);
    if (rc != CRM_OK)
        return rc;
    if ((rc = crm_comm_exscan_i64(comm, (int64_t)t->nrows, NULL, &total)) !=
        CRM_OK)
        return crm_error_set(err, rc, "%s:/%s: cannot place the rows",
                             s->path, table ? crm_store_bare(table) : "");
    rc = crm_store_table_create(s, table, t, total, block_rows, comm, dxpl, &w,
                                err);
    if (rc == CRM_OK)
        rc = crm_store_table_append(w, t, err);
    const crm_status closed = crm_store_table_close(w, err);
    return rc != CRM_OK ? rc : closed;
}

crm_status crm_store_write_index(crm_store *s, const char *table,
                                 const char *name, const int64_t *values,
                                 int64_t n, crm_error *err)
{
    crm_store_writer *w = NULL;
    const crm_comm self = crm_comm_self();
    hid_t g = -1;
    crm_status rc;
    if (!crm_store_valid_column(name) || n < 0 || (values == NULL && n > 0))
        return crm_error_set(err, CRM_EINVAL, "index write: bad arguments");
    if ((rc = crm_store_open_table(s, table, &g, err)) != CRM_OK)
        return rc;
    crm_h5_drop(g);
    if (s->parallel)
        return crm_error_set(err, CRM_EINVAL,
                             "%s:/%s/%s: index datasets are written serially",
                             s->path, crm_store_bare(table), name);
    rc = crm_store_index_create(s, table, name, n, &self, H5P_DEFAULT, &w, err);
    if (rc == CRM_OK)
        rc = crm_store_index_append(w, values, n, err);
    const crm_status closed = crm_store_table_close(w, err);
    return rc != CRM_OK ? rc : closed;
}
