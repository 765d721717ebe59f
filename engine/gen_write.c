/* engine/gen_write.c — a generated population into a store, in rounds
 * (engine/gen_write.h has the contract; io/store.h's slab writer does the
 * collective appends).
 *
 * Sequence, the same on every rank: count each round's transactions (this
 * rank's share, then an integer sum over ranks), create /customers,
 * /transactions, /planted_patterns and /customers/tx_offset, then per round
 * generate this rank's share and append it to each, then set the table
 * attributes. Each fallible local step is agreed (crm_mpi_agree) before the
 * next collective. Buffers are sized once, for this rank's largest share. */
#include "engine/gen_write.h"

#include <hdf5.h>
#include <stdlib.h>

#include "io/store.h"

#define MAX_COLS 16

typedef struct gen_job {
    const crm_gen *g;
    const crm_gen_params *p;
    crm_mpi_comm *mpi;
    const crm_comm *comm;
    crm_log *log;
    crm_error *err;
    crm_gen_report *rep;      /* phase timers */
    int retail;
    int64_t round_blocks;     /* blocks of customers per round */
    int64_t nrounds;
    int64_t *round_tx;        /* nrounds + 1: transactions before round k */
    int64_t *cut;             /* nrounds + 1: first transaction row written
                                 in round k, a multiple of block_rows */
    int64_t *gen0;            /* nrounds: first customer this rank generates */
    int64_t max_rows, max_tx; /* this rank's largest round, generated */
    hid_t fapl, dxpl;
    crm_store *store;
    crm_store_writer *cust, *tx, *index;
    void *ccols[MAX_COLS], *tcols[MAX_COLS];
    int64_t *off, *idx;       /* max_rows + 2: local and global offsets */
    int64_t *mine;            /* nrounds: this rank's share of round_tx */
} gen_job;

/* This rank's customer rows [*row0, *row1) of round k. */
static void share(const gen_job *j, int64_t k, int64_t *row0, int64_t *row1)
{
    const int64_t b = CRM_STORE_BLOCK_ROWS, n = j->p->ncustomers;
    const int64_t nblocks = (n + b - 1) / b, first = k * j->round_blocks;
    const int64_t nb = nblocks - first < j->round_blocks ? nblocks - first
                                                         : j->round_blocks;
    const int64_t lo = first + nb * j->comm->rank / j->comm->size;
    const int64_t hi = first + nb * (j->comm->rank + 1) / j->comm->size;
    *row0 = lo * b < n ? lo * b : n;
    *row1 = hi * b < n ? hi * b : n;
}

/* Customer rows [*row0, *row1) of round k, all ranks. */
static void round_rows(const gen_job *j, int64_t k, int64_t *row0,
                       int64_t *row1)
{
    const int64_t per = j->round_blocks * CRM_STORE_BLOCK_ROWS;
    const int64_t n = j->p->ncustomers;
    *row0 = k * per < n ? k * per : n;
    *row1 = (k + 1) * per < n ? (k + 1) * per : n;
}

static int64_t count_rows(const crm_gen *g, int64_t row0, int64_t row1)
{
    int64_t sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
    for (int64_t r = row0; r < row1; r++)
        sum += crm_gen_tx_count(g, r);
    return sum;
}

/* Rounds end their transaction rows on a chunk boundary: a chunk that two
 * rounds wrote would be reallocated in the second at a place that depends
 * on the rank split (HDF5 orders a rank's chunks by address). The first
 * rank of round k therefore also writes the rows [cut[k], round_tx[k]) of
 * the last customers of round k - 1, which it generates again: gen0[k]. */
static void plan_cuts(gen_job *j)
{
    const int64_t b = CRM_STORE_BLOCK_ROWS;
    for (int64_t k = 0; k <= j->nrounds; k++)
        j->cut[k] = k < j->nrounds ? j->round_tx[k] / b * b
                                   : j->round_tx[k];
    for (int64_t k = 0; k < j->nrounds; k++) {
        int64_t r0, r1, start, end, tail = 0;
        share(j, k, &r0, &r1);
        round_rows(j, k, &start, &end);
        j->gen0[k] = r0;
        while (r1 > r0 && r0 == start &&
               tail < j->round_tx[k] - j->cut[k])
            tail += crm_gen_tx_count(j->g, --j->gen0[k]);
        const int64_t rows = j->mine[k] + tail;
        j->max_tx = rows > j->max_tx ? rows : j->max_tx;
        j->max_rows = r1 - j->gen0[k] > j->max_rows ? r1 - j->gen0[k]
                                                    : j->max_rows;
    }
}

/* Transactions of every round (summed over ranks, exact integers), the
 * cuts, and this rank's largest round. */
static crm_status count_tx(gen_job *j)
{
    const size_t n = (size_t)j->nrounds + 1;
    j->round_tx = calloc(n, sizeof *j->round_tx);
    j->cut = calloc(n, sizeof *j->cut);
    j->gen0 = calloc(n, sizeof *j->gen0);
    j->mine = calloc(n, sizeof *j->mine);
    crm_status rc = j->round_tx && j->cut && j->gen0 && j->mine
                        ? CRM_OK
                        : CRM_ENOMEM;
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK)
        return rc;
    for (int64_t k = 0; k < j->nrounds; k++) {
        int64_t r0, r1;
        share(j, k, &r0, &r1);
        j->mine[k] = j->retail ? count_rows(j->g, r0, r1) : 0;
        j->round_tx[k + 1] = j->mine[k];
    }
    rc = j->comm->allreduce_i64(j->comm, j->round_tx + 1, (size_t)j->nrounds,
                                CRM_OP_SUM);
    for (int64_t k = 0; rc == CRM_OK && k < j->nrounds; k++)
        j->round_tx[k + 1] += j->round_tx[k];
    if (rc == CRM_OK)
        plan_cuts(j);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

static crm_status alloc_cols(const crm_column *schema, size_t ncols,
                             int64_t nrows, void **cols)
{
    for (size_t i = 0; i < ncols; i++) {
        const size_t size = crm_type_size(schema[i].type);
        if ((cols[i] = malloc((size_t)nrows * size + size)) == NULL)
            return CRM_ENOMEM;
    }
    return CRM_OK;
}

static crm_status alloc_buffers(gen_job *j)
{
    size_t nc = 0, nt = 0;
    const crm_column *cs = crm_gen_schema(j->g, CRM_GEN_CUSTOMERS, &nc);
    const crm_column *ts = crm_gen_schema(j->g, CRM_GEN_TRANSACTIONS, &nt);
    crm_status rc = nc <= MAX_COLS && nt <= MAX_COLS ? CRM_OK : CRM_EINVAL;
    if (rc == CRM_OK)
        rc = alloc_cols(cs, nc, j->max_rows, j->ccols);
    if (rc == CRM_OK)
        rc = alloc_cols(ts, nt, j->max_tx, j->tcols);
    j->off = calloc((size_t)j->max_rows + 2, sizeof *j->off);
    j->idx = calloc((size_t)j->max_rows + 2, sizeof *j->idx);
    if (rc == CRM_OK && (j->off == NULL || j->idx == NULL))
        rc = CRM_ENOMEM;
    if (rc != CRM_OK)
        crm_error_set(j->err, rc, "gen: cannot allocate a round of %lld "
                      "customers and %lld transactions",
                      (long long)j->max_rows, (long long)j->max_tx);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

/* Collective metadata writes: with HDF5 1.10.8's default independent ones,
 * a metadata-cache sync point during a collective write of a table with
 * tens of thousands of chunks failed ("writev: Bad address" in OMPIO, a
 * segfault in ROMIO) from about 2 million customers on. */
static crm_status open_store(gen_job *j, const char *path)
{
    crm_status rc = CRM_OK;
    j->fapl = H5Pcreate(H5P_FILE_ACCESS);
    j->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (j->fapl < 0 || j->dxpl < 0 ||
        H5Pset_fapl_mpio(j->fapl, crm_mpi_comm_raw(j->mpi), MPI_INFO_NULL) <
            0 || H5Pset_coll_metadata_write(j->fapl, 1) < 0 ||
        H5Pset_dxpl_mpio(j->dxpl, H5FD_MPIO_COLLECTIVE) < 0)
        rc = crm_error_set(j->err, CRM_EHDF5,
                           "%s: cannot make MPI-IO property lists", path);
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK)
        return rc;
    rc = crm_store_create(path, j->fapl, &j->store, j->err);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

/* The crm_table of schema over column buffers, n rows. */
static crm_table view(const crm_column *schema, size_t ncols, void **cols,
                      int64_t n, crm_column *out)
{
    for (size_t i = 0; i < ncols; i++) {
        out[i] = schema[i];
        out[i].data = cols[i];
    }
    return (crm_table){.nrows = (size_t)n, .ncols = ncols, .cols = out};
}

/* /planted_patterns, written whole: rank 0 holds every row. */
static crm_status write_patterns(gen_job *j)
{
    size_t nc = 0;
    const crm_column *schema = crm_gen_schema(j->g, CRM_GEN_PATTERNS, &nc);
    const int64_t n =
        j->comm->rank == 0 ? (int64_t)crm_gen_pattern_rows(j->g) : 0;
    void *cols[MAX_COLS] = {0};
    crm_column c[MAX_COLS];
    crm_status rc = alloc_cols(schema, nc, n, cols);
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) == CRM_OK) {
        if (n > 0)
            crm_gen_patterns(j->g, cols);
        const crm_table t = view(schema, nc, cols, n, c);
        rc = crm_store_write(j->store, "planted_patterns", &t, j->comm, 0,
                             j->dxpl, j->err);
    }
    for (size_t i = 0; i < nc; i++)
        free(cols[i]);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

static crm_status create_tables(gen_job *j)
{
    size_t nc = 0, nt = 0;
    const crm_column *cs = crm_gen_schema(j->g, CRM_GEN_CUSTOMERS, &nc);
    const crm_column *ts = crm_gen_schema(j->g, CRM_GEN_TRANSACTIONS, &nt);
    const crm_table csch = {.ncols = nc, .cols = cs};
    const crm_table tsch = {.ncols = nt, .cols = ts};
    crm_status rc = crm_store_table_create(j->store, "customers", &csch,
                                           j->p->ncustomers, 0, j->comm,
                                           j->dxpl, &j->cust, j->err);
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK || !j->retail)
        return rc;
    rc = crm_store_table_create(j->store, "transactions", &tsch,
                                j->round_tx[j->nrounds], 0, j->comm, j->dxpl,
                                &j->tx, j->err);
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK)
        return rc;
    if ((rc = write_patterns(j)) != CRM_OK)
        return rc;
    rc = crm_store_index_create(j->store, "customers", "tx_offset",
                                j->p->ncustomers + 1, j->comm, j->dxpl,
                                &j->index, j->err);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

/* Transactions of customers [g0, r1) into the buffers: local offsets in
 * off (r1 - g0 + 1). */
static crm_status fill_tx(gen_job *j, int64_t g0, int64_t r1)
{
    const int64_t n = r1 - g0;
    j->off[0] = 0;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++)
        j->off[i + 1] = crm_gen_tx_count(j->g, g0 + i);
    for (int64_t i = 0; i < n; i++)
        j->off[i + 1] += j->off[i];
    crm_status rc = j->off[n] > j->max_tx ? CRM_EINVAL : CRM_OK;
    if (rc == CRM_OK)
        rc = crm_gen_transactions(j->g, g0, (size_t)n, j->off, j->tcols);
    if (rc != CRM_OK)
        crm_error_set(j->err, rc, "gen: cannot generate the transactions of "
                      "customers %lld..%lld", (long long)g0, (long long)r1);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

/* Rows [lo, hi) of round k's transactions that this rank writes, given the
 * global row t0 of its first own customer and t1 past its last. */
static void tx_slice(const gen_job *j, int64_t k, int64_t t0, int64_t t1,
                     int first, int last, int64_t *lo, int64_t *hi)
{
    const int64_t a = j->cut[k], b = j->cut[k + 1];
    *lo = first ? a : t0 < a ? a : t0 > b ? b : t0;
    *hi = last ? b : t1 < a ? a : t1 > b ? b : t1;
}

/* Transactions and tx_offset values of this rank's customers [r0, r1) of
 * round k (generated from gen0[k], see plan_cuts). */
static crm_status round_tx(gen_job *j, int64_t k, int64_t r0, int64_t r1)
{
    size_t nt = 0;
    crm_column c[MAX_COLS];
    void *cols[MAX_COLS];
    const crm_column *ts = crm_gen_schema(j->g, CRM_GEN_TRANSACTIONS, &nt);
    const int64_t g0 = j->gen0[k], skip = r0 - g0, n = r1 - r0;
    int64_t before = 0, start, end, lo = 0, hi = 0;
    double clock = crm_log_now();
    crm_status rc = fill_tx(j, g0, r1);
    j->rep->seconds_generate += crm_log_now() - clock;
    clock = crm_log_now();
    if (rc == CRM_OK)
        rc = crm_comm_exscan_i64(j->comm, j->off[skip + n] - j->off[skip],
                                 &before, NULL);
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK)
        return rc;
    const int64_t t0 = j->round_tx[k] + before; /* row of customer r0 */
    round_rows(j, k, &start, &end);
    if (n > 0)
        tx_slice(j, k, t0, t0 + j->off[skip + n] - j->off[skip], r0 == start,
                 r1 == end, &lo, &hi);
    const int64_t from = hi > lo ? lo - (t0 - j->off[skip]) : 0; /* of lo */
    for (size_t i = 0; i < nt; i++)
        cols[i] = (char *)j->tcols[i] +
                  from * (int64_t)crm_type_size(ts[i].type);
    const crm_table t = view(ts, nt, cols, hi - lo, c);
    rc = crm_store_table_append(j->tx, &t, j->err);
    if (rc == CRM_OK && crm_store_writer_rows(j->tx) != j->cut[k + 1])
        rc = crm_error_set(j->err, CRM_EINVAL, "gen: round %lld ends at "
                           "transaction %lld, not %lld", (long long)k,
                           (long long)crm_store_writer_rows(j->tx),
                           (long long)j->cut[k + 1]);
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK)
        return rc;
    const int closing = n > 0 && r1 == j->p->ncustomers;
    for (int64_t i = 0; i < n + closing; i++)
        j->idx[i] = t0 + j->off[skip + i] - j->off[skip];
    rc = crm_store_index_append(j->index, j->idx, n + closing, j->err);
    j->rep->seconds_write += crm_log_now() - clock;
    return crm_mpi_agree(j->mpi, rc, j->err);
}

static crm_status write_rounds(gen_job *j)
{
    size_t nc = 0;
    crm_column c[MAX_COLS];
    const crm_column *cs = crm_gen_schema(j->g, CRM_GEN_CUSTOMERS, &nc);
    crm_status rc = CRM_OK;
    for (int64_t k = 0; k < j->nrounds && rc == CRM_OK; k++) {
        int64_t r0, r1;
        share(j, k, &r0, &r1);
        const double t0 = crm_log_now();
        crm_gen_customers(j->g, r0, (size_t)(r1 - r0), j->ccols);
        const double t1 = crm_log_now();
        const crm_table t = view(cs, nc, j->ccols, r1 - r0, c);
        rc = crm_store_table_append(j->cust, &t, j->err);
        j->rep->seconds_generate += t1 - t0;
        j->rep->seconds_write += crm_log_now() - t1;
        if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) == CRM_OK && j->retail)
            rc = round_tx(j, k, r0, r1);
        crm_log_progress(j->log, "gen", (long long)(k + 1),
                         (long long)j->nrounds);
    }
    return rc;
}

/* Closes the writers (each checks that every row was written) and labels
 * the customers table. */
static crm_status finish(gen_job *j)
{
    crm_status rc = crm_store_table_close(j->index, j->err);
    const crm_status rt = crm_store_table_close(j->tx, j->err);
    const crm_status rcu = crm_store_table_close(j->cust, j->err);
    j->index = j->tx = j->cust = NULL;
    rc = rc != CRM_OK ? rc : rt != CRM_OK ? rt : rcu;
    if ((rc = crm_mpi_agree(j->mpi, rc, j->err)) != CRM_OK)
        return rc;
    const char *label = crm_gen_label(j->g);
    rc = crm_store_set_attr_text(j->store, "customers", "gen_profile",
                                 j->retail ? "retail" : "telecom", j->err);
    if (rc == CRM_OK)
        rc = crm_store_set_attr_i64(j->store, "customers", "gen_seed",
                                    (int64_t)j->p->seed, j->err);
    if (rc == CRM_OK && label != NULL)
        rc = crm_store_set_attr_text(j->store, "customers", "label", label,
                                     j->err);
    return crm_mpi_agree(j->mpi, rc, j->err);
}

static void release(gen_job *j)
{
    crm_store_table_close(j->index, NULL);
    crm_store_table_close(j->tx, NULL);
    crm_store_table_close(j->cust, NULL);
    crm_store_close(j->store);
    if (j->dxpl >= 0)
        H5Pclose(j->dxpl);
    if (j->fapl >= 0)
        H5Pclose(j->fapl);
    for (size_t i = 0; i < MAX_COLS; i++) {
        free(j->ccols[i]);
        free(j->tcols[i]);
    }
    free(j->idx);
    free(j->off);
    free(j->mine);
    free(j->gen0);
    free(j->cut);
    free(j->round_tx);
}

crm_status crm_gen_write(const crm_gen *g, int64_t round_blocks,
                         crm_mpi_comm *mpi, const char *path, crm_log *log,
                         crm_gen_report *rep, crm_error *err)
{
    const int64_t per = round_blocks > 0 ? round_blocks : CRM_GEN_ROUND_BLOCKS;
    const double t0 = crm_log_now();
    const crm_gen_params *p = crm_gen_get_params(g);
    const int64_t nblocks =
        (p->ncustomers + CRM_STORE_BLOCK_ROWS - 1) / CRM_STORE_BLOCK_ROWS;
    gen_job j = {.g = g, .p = p, .mpi = mpi, .comm = crm_mpi_comm_get(mpi),
                 .log = log, .err = err, .rep = rep, .fapl = -1, .dxpl = -1,
                 .retail = p->profile == CRM_GEN_RETAIL,
                 .round_blocks = per, .nrounds = (nblocks + per - 1) / per};
    *rep = (crm_gen_report){0};
    crm_status rc = count_tx(&j);
    rep->seconds_count = crm_log_now() - t0;
    if (rc == CRM_OK)
        rc = alloc_buffers(&j);
    if (rc == CRM_OK)
        rc = open_store(&j, path);
    const double t1 = crm_log_now();
    if (rc == CRM_OK)
        rc = create_tables(&j);
    rep->seconds_create = crm_log_now() - t1;
    if (rc == CRM_OK)
        rc = write_rounds(&j);
    if (rc == CRM_OK)
        rc = finish(&j);
    if (rc == CRM_OK) { /* a full disk shows in the final flush */
        rc = crm_store_close(j.store);
        j.store = NULL;
        if (rc != CRM_OK)
            crm_error_set(err, rc, "%s: cannot flush and close", path);
        rc = crm_mpi_agree(mpi, rc, err);
    }
    rep->transactions = j.round_tx ? j.round_tx[j.nrounds] : 0;
    release(&j);
    rep->seconds = crm_log_now() - t0;
    return rc;
}
