/* tests/io/mpi_store_write.c — a parallel write of one table, then a parallel
 * read of it, checked value by value. Run under mpiexec at several rank
 * counts; CTest then compares the files byte for byte (they must be equal
 * for any rank count). Exit status 0 on success, 1 on a failed check.
 *
 * usage: mpi_store_write OUT.h5 [NROWS [BLOCK_ROWS]]
 *
 * The table mixes every column kind: int32 with a missing sentinel, int64,
 * float32 and float64 with NaN, a whole dictionary with UTF-8 text, a
 * row-keyed sliced dictionary (text customer ids) and a sliced dictionary
 * that is not row-keyed. Ranks own whole blocks of BLOCK_ROWS rows. */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/store.h"

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "rank %d: ", rank_of_world());                     \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static int failures;

static int rank_of_world(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

/* ---- a minimal MPI crm_comm (engine has the real one) ---------------- */

static MPI_Op mpi_op(crm_op op)
{
    return op == CRM_OP_SUM ? MPI_SUM : op == CRM_OP_MIN ? MPI_MIN : MPI_MAX;
}

static crm_status allreduce_i64(const crm_comm *c, int64_t *buf, size_t n,
                                crm_op op)
{
    (void)c;
    return MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_INT64_T, mpi_op(op),
                         MPI_COMM_WORLD) == MPI_SUCCESS
               ? CRM_OK
               : CRM_EMPI;
}

static crm_status allreduce_f64(const crm_comm *c, double *buf, size_t n,
                                crm_op op)
{
    (void)c;
    if (op == CRM_OP_SUM)
        return CRM_EINVAL;
    return MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, mpi_op(op),
                         MPI_COMM_WORLD) == MPI_SUCCESS
               ? CRM_OK
               : CRM_EMPI;
}

static crm_status allgather_f64(const crm_comm *c, const double *mine, size_t n,
                                double *all, size_t nall)
{
    int *counts = calloc((size_t)c->size, sizeof *counts);
    int *displs = calloc((size_t)c->size, sizeof *displs);
    const int mine_n = (int)n;
    crm_status rc = CRM_EMPI;
    if (counts == NULL || displs == NULL)
        rc = CRM_ENOMEM;
    else if (MPI_Allgather(&mine_n, 1, MPI_INT, counts, 1, MPI_INT,
                           MPI_COMM_WORLD) == MPI_SUCCESS) {
        for (int r = 1; r < c->size; r++)
            displs[r] = displs[r - 1] + counts[r - 1];
        if ((size_t)(displs[c->size - 1] + counts[c->size - 1]) != nall)
            rc = CRM_EINVAL;
        else if (MPI_Allgatherv(mine, mine_n, MPI_DOUBLE, all, counts, displs,
                                MPI_DOUBLE, MPI_COMM_WORLD) == MPI_SUCCESS)
            rc = CRM_OK;
    }
    free(displs);
    free(counts);
    return rc;
}

static crm_status bcast(const crm_comm *c, void *buf, size_t nbytes, int root)
{
    (void)c;
    return MPI_Bcast(buf, (int)nbytes, MPI_BYTE, root, MPI_COMM_WORLD) ==
                   MPI_SUCCESS
               ? CRM_OK
               : CRM_EMPI;
}

static crm_comm world_comm(void)
{
    crm_comm c = {.allreduce_i64 = allreduce_i64,
                  .allreduce_f64 = allreduce_f64,
                  .allgather_f64 = allgather_f64,
                  .bcast = bcast};
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c.size);
    return c;
}

/* ---- the table -------------------------------------------------------- */

static const char *const cities[] = {"北京市", "Ñandú señor", "café",
                                     "Lima, \"centro\""};

typedef struct local {
    int64_t lo, hi;   /* global rows held here */
    int64_t blo, bhi; /* global blocks held here */
    int32_t *age, *city, *cust, *product;
    int64_t *id;
    float *score;
    double *value;
    char **cust_text, **product_text;
} local;

static void product_name(int64_t block, char *buf, size_t n)
{
    /* variable length so slices do not line up with dictionary chunks */
    snprintf(buf, n, "product %lld %.*s", (long long)block, (int)(block % 23),
             "abcdefghijklmnopqrstuvwxyz");
}

static int fill(local *l, int64_t nrows, int64_t block_rows, const crm_comm *c)
{
    const int64_t nblocks = (nrows + block_rows - 1) / block_rows;
    l->blo = nblocks * c->rank / c->size;
    l->bhi = nblocks * (c->rank + 1) / c->size;
    l->lo = l->blo * block_rows;
    l->hi = l->bhi * block_rows < nrows ? l->bhi * block_rows : nrows;
    const size_t n = (size_t)(l->hi - l->lo) + 1,
                 nb = (size_t)(l->bhi - l->blo) + 1;
    l->age = malloc(n * 4);
    l->city = malloc(n * 4);
    l->cust = malloc(n * 4);
    l->product = malloc(n * 4);
    l->id = malloc(n * 8);
    l->score = malloc(n * 4);
    l->value = malloc(n * 8);
    l->cust_text = calloc(n, sizeof(char *));
    l->product_text = calloc(nb, sizeof(char *));
    if (!l->age || !l->city || !l->cust || !l->product || !l->id || !l->score ||
        !l->value || !l->cust_text || !l->product_text)
        return -1;
    for (int64_t r = l->lo; r < l->hi; r++) {
        const size_t i = (size_t)(r - l->lo);
        l->id[i] = r * 7 + 1;
        l->age[i] = r % 13 == 0 ? -1 : (int32_t)(18 + r % 70);
        l->score[i] = r % 17 == 0 ? NAN : (float)sin((double)r);
        l->value[i] =
            r % 19 == 0 ? NAN : (double)r * 0.1 + 1.0 / (double)(r + 1);
        l->city[i] = (int32_t)(r % 5) - 1;
        l->cust[i] = (int32_t)r;
        l->product[i] = (int32_t)(r / block_rows);
        if ((l->cust_text[i] = malloc(24)) == NULL)
            return -1;
        snprintf(l->cust_text[i], 24, "C%07lld", (long long)r);
    }
    for (int64_t b = l->blo; b < l->bhi; b++) {
        char **t = &l->product_text[b - l->blo];
        if ((*t = malloc(64)) == NULL)
            return -1;
        product_name(b, *t, 64);
    }
    return 0;
}

static void release(local *l)
{
    for (int64_t i = 0; l->cust_text && i < l->hi - l->lo; i++)
        free(l->cust_text[i]);
    for (int64_t i = 0; l->product_text && i < l->bhi - l->blo; i++)
        free(l->product_text[i]);
    free(l->cust_text);
    free(l->product_text);
    free(l->age);
    free(l->city);
    free(l->cust);
    free(l->product);
    free(l->id);
    free(l->score);
    free(l->value);
}

static void columns(const local *l, crm_column *cols)
{
    const size_t nb = (size_t)(l->bhi - l->blo), n = (size_t)(l->hi - l->lo);
    cols[0] = (crm_column){.name = "id", .type = CRM_TYPE_INT64, .data = l->id};
    cols[1] = (crm_column){.name = "age",
                           .type = CRM_TYPE_INT32,
                           .data = l->age,
                           .has_missing = 1,
                           .missing_value = -1};
    cols[2] = (crm_column){
        .name = "score", .type = CRM_TYPE_FLOAT32, .data = l->score};
    cols[3] = (crm_column){
        .name = "value", .type = CRM_TYPE_FLOAT64, .data = l->value};
    cols[4] = (crm_column){.name = "city",
                           .type = CRM_TYPE_INT32,
                           .data = l->city,
                           .dict = cities,
                           .ndict = 4};
    cols[5] = (crm_column){.name = "customer",
                           .type = CRM_TYPE_INT32,
                           .data = l->cust,
                           .dict = (const char *const *)l->cust_text,
                           .ndict = n,
                           .dict_row0 = l->lo,
                           .dict_sliced = 1,
                           .dict_by_row = 1};
    cols[6] = (crm_column){.name = "product",
                           .type = CRM_TYPE_INT32,
                           .data = l->product,
                           .dict = (const char *const *)l->product_text,
                           .ndict = nb,
                           .dict_row0 = l->blo,
                           .dict_sliced = 1};
}

static int same_bits(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n) == 0;
}

/* Reads this rank's rows back (collectively) and compares every value. */
static void check_read(const crm_store *s, const local *l, hid_t dxpl,
                       int64_t block_rows)
{
    crm_frame *f = NULL;
    crm_error err = {{0}};
    const int64_t n = l->hi - l->lo;
    crm_status rc =
        crm_store_read(s, "/scores", NULL, 0, l->lo, n, dxpl, &f, &err);
    CHECK(rc == CRM_OK, "read: %s", err.msg);
    if (rc != CRM_OK)
        return;
    const crm_table *t = crm_frame_table(f);
    crm_column want[7];
    columns(l, want);
    CHECK(t->ncols == 7 && t->nrows == (size_t)n, "frame shape");
    for (size_t c = 0; c < 7 && t->ncols == 7; c++) {
        const crm_column *got = &t->cols[c];
        CHECK(strcmp(got->name, want[c].name) == 0, "column %zu name", c);
        CHECK(same_bits(got->data, want[c].data,
                        (size_t)n * crm_type_size(want[c].type)),
              "column %s values", want[c].name);
    }
    if (t->ncols == 7) {
        const crm_column *city = &t->cols[4], *cust = &t->cols[5];
        const crm_column *prod = &t->cols[6];
        CHECK(city->ndict == 4 && strcmp(city->dict[0], "北京市") == 0,
              "city dictionary");
        CHECK(cust->dict_sliced && cust->dict_row0 == l->lo &&
                  cust->ndict == (size_t)n,
              "customer slice");
        for (int64_t i = 0; i < n && cust->ndict == (size_t)n; i++)
            CHECK(strcmp(cust->dict[i], l->cust_text[i]) == 0, "customer %lld",
                  (long long)(l->lo + i));
        for (size_t b = 0; b < prod->ndict; b++) {
            char name[64];
            product_name((int64_t)b, name, sizeof name);
            CHECK(strcmp(prod->dict[b], name) == 0, "product %zu", b);
        }
        (void)block_rows;
    }
    crm_frame_free(f);
}

static void check_strided(const crm_store *s, int64_t nrows, int64_t block_rows,
                          hid_t dxpl)
{
    const int64_t nblocks = (nrows + block_rows - 1) / block_rows;
    int64_t *ids = calloc((size_t)nblocks + 1, sizeof *ids);
    crm_error err = {{0}};
    const crm_status rc = crm_store_read_i64_strided(
        s, "scores", "id", 0, block_rows, nblocks, dxpl, ids, &err);
    CHECK(rc == CRM_OK, "strided read: %s", err.msg);
    for (int64_t b = 0; rc == CRM_OK && b < nblocks; b++)
        CHECK(ids[b] == b * block_rows * 7 + 1, "strided id at block %lld",
              (long long)b);
    free(ids);
}

static void check_tables(const crm_store *s)
{
    char **names = NULL;
    size_t n = 0;
    crm_error err = {{0}};
    const crm_status rc = crm_store_tables(s, &names, &n, &err);
    CHECK(rc == CRM_OK && n == 2 && strcmp(names[0], "extra") == 0 &&
              strcmp(names[1], "scores") == 0,
          "table list: %s", err.msg);
    crm_store_names_free(names, n);
}

static crm_status write_table(const char *path, const local *l,
                              const crm_comm *comm, int64_t block_rows,
                              hid_t fapl, hid_t dxpl, crm_error *err)
{
    crm_store *s = NULL;
    crm_column cols[7];
    columns(l, cols);
    const crm_table t = {
        .nrows = (size_t)(l->hi - l->lo), .ncols = 7, .cols = cols};
    crm_status rc = crm_store_create(path, fapl, &s, err);
    if (rc == CRM_OK)
        rc = crm_store_write(s, "/scores", &t, comm, block_rows, dxpl, err);
    if (rc == CRM_OK)
        rc = crm_store_set_attr_text(s, "scores", "source", "mpi test", err);
    if (rc == CRM_OK)
        rc = crm_store_set_attr_i64(s, "scores", "seed", 42, err);
    /* a second table, written twice: the replacement must not make the
     * layout depend on the rank count either */
    const crm_column extra[2] = {cols[0], cols[5]};
    const crm_table e = {.nrows = t.nrows, .ncols = 2, .cols = extra};
    for (int i = 0; i < 2 && rc == CRM_OK; i++)
        rc = crm_store_write(s, "extra", &e, comm, block_rows, dxpl, err);
    crm_store_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const crm_comm comm = world_comm();
    const int64_t nrows = argc > 2 ? atoll(argv[2]) : 5000;
    const int64_t block_rows = argc > 3 ? atoll(argv[3]) : 256;
    local l = {0};
    crm_error err = {{0}};
    crm_store *s = NULL;
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    const hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (argc < 2 || fapl < 0 || dxpl < 0 ||
        H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL) < 0 ||
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0 ||
        fill(&l, nrows, block_rows, &comm) != 0) {
        fprintf(stderr, "usage: mpi_store_write OUT.h5 [NROWS [BLOCK_ROWS]]\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    crm_status rc =
        write_table(argv[1], &l, &comm, block_rows, fapl, dxpl, &err);
    CHECK(rc == CRM_OK, "write: %s", err.msg);
    if (rc == CRM_OK) {
        rc = crm_store_open(argv[1], fapl, 0, &s, &err);
        CHECK(rc == CRM_OK, "open: %s", err.msg);
    }
    if (rc == CRM_OK) {
        check_read(s, &l, dxpl, block_rows);
        check_strided(s, nrows, block_rows, dxpl);
        check_tables(s);
    }
    crm_store_close(s);
    release(&l);
    H5Pclose(dxpl);
    H5Pclose(fapl);
    int total = 0;
    MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (comm.rank == 0)
        printf("mpi_store_write: %d ranks, %lld rows: %s\n", comm.size,
               (long long)nrows, total ? "FAILED" : "ok");
    MPI_Finalize();
    return total ? 1 : 0;
}
