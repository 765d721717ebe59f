/* engine/run.c — opening a run: store, partition, customer ids.
 *
 * Every rank executes the same sequence of collective reads; the status after
 * each fallible step is agreed across ranks so that no rank enters a
 * collective that another has abandoned. */
#include "engine/run.h"

#include <stdlib.h>
#include <string.h>

#include "core/reduce.h"
#include "engine/partition.h"
#include "version.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

static crm_status make_plists(crm_run *run)
{
    run->fapl = H5Pcreate(H5P_FILE_ACCESS);
    run->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (run->fapl < 0 || run->dxpl < 0)
        return CRM_EHDF5;
    /* collective metadata writes: HDF5 1.10.8's independent ones fail on
     * large parallel files (seen from ~2M customers, docs/FORMAT.md) */
    if (H5Pset_fapl_mpio(run->fapl, crm_mpi_comm_raw(run->mpi),
                         MPI_INFO_NULL) < 0 ||
        H5Pset_coll_metadata_write(run->fapl, 1) < 0 ||
        H5Pset_dxpl_mpio(run->dxpl, H5FD_MPIO_COLLECTIVE) < 0)
        return CRM_EHDF5;
    return CRM_OK;
}

/* Transactions + customers per block, from tx_offset at block boundaries. */
static crm_status block_weights(crm_run *run, size_t nblocks, int64_t *weight,
                                crm_error *err)
{
    crm_status rc = CRM_OK;
    int64_t *bound = calloc(nblocks + 1, sizeof *bound);
    if (bound == NULL)
        return CRM_ENOMEM;
    if (run->has_tx) {
        rc = crm_store_read_i64_strided(run->store, "/customers", "tx_offset",
                                        0, run->block_rows, (int64_t)nblocks,
                                        run->dxpl, bound, err);
        if (rc == CRM_OK)
            rc = crm_store_read_i64_strided(run->store, "/customers",
                                            "tx_offset", run->ncustomers, 1, 1,
                                            run->dxpl, bound + nblocks, err);
    }
    for (size_t b = 0; rc == CRM_OK && b < nblocks; b++) {
        int64_t r0 = 0, r1 = 0;
        crm_partition_rows(b, b + 1, run->block_rows, run->ncustomers, &r0,
                           &r1);
        weight[b] = (r1 - r0) + (bound[b + 1] - bound[b]);
    }
    free(bound);
    return rc;
}

static crm_status partition(crm_run *run, crm_error *err)
{
    const size_t nblocks =
        (size_t)((run->ncustomers + run->block_rows - 1) / run->block_rows);
    crm_status rc = CRM_OK;
    int64_t *weight = calloc(nblocks + 1, sizeof *weight);
    size_t *first = calloc((size_t)run->nranks + 1, sizeof *first);
    if (weight == NULL || first == NULL) {
        rc = CRM_ENOMEM;
        goto done;
    }
    if ((rc = block_weights(run, nblocks, weight, err)) != CRM_OK)
        goto done;
    if ((rc = crm_partition_blocks(weight, nblocks, run->nranks, first)) !=
        CRM_OK)
        goto done;
    crm_partition_rows(first[run->rank], first[run->rank + 1],
                       run->block_rows, run->ncustomers, &run->row0,
                       &run->row1);
done:
    free(first);
    free(weight);
    return rc;
}

static crm_status read_offsets(crm_run *run, crm_error *err)
{
    const int64_t n = run->row1 - run->row0;
    run->tx_offset = calloc((size_t)n + 1, sizeof *run->tx_offset);
    if (run->tx_offset == NULL)
        return CRM_ENOMEM;
    if (!run->has_tx)
        return CRM_OK;
    crm_status rc = crm_store_read_i64_strided(
        run->store, "/customers", "tx_offset", run->row0, 1, n + 1, run->dxpl,
        run->tx_offset, err);
    if (rc != CRM_OK)
        return rc;
    run->tx_row0 = run->tx_offset[0];
    run->tx_row1 = run->tx_offset[n];
    for (int64_t i = 0; i <= n; i++)
        run->tx_offset[i] -= run->tx_row0;
    return CRM_OK;
}

static crm_status describe_customers(crm_run *run, crm_error *err)
{
    run->block_rows = CRM_STORE_BLOCK_ROWS;
    run->has_customers = crm_store_has_table(run->store, "/customers");
    /* a baskets-only store (FIMI, basket lines) has no customers to score */
    if (!run->has_customers && crm_store_has_table(run->store, "/baskets"))
        return CRM_OK;
    if (!run->has_customers)
        return crm_error_set(err, CRM_ENOTFOUND,
                             "%s: the store has no /customers table (import "
                             "customers or transactions into it first)",
                             run->job->store);
    crm_table_info *info = NULL;
    crm_status rc =
        crm_store_table_info(run->store, "/customers", &info, err);
    if (rc != CRM_OK)
        return rc;
    run->ncustomers = info->nrows;
    run->block_rows = info->block_rows > 0 ? info->block_rows
                                           : CRM_STORE_BLOCK_ROWS;
    crm_table_info_free(info);
    run->has_tx = crm_store_has_table(run->store, "/transactions");
    return CRM_OK;
}

crm_status crm_run_open(crm_run *run, const crm_job *job, crm_mpi_comm *mpi,
                        crm_log *log, crm_error *err)
{
    memset(run, 0, sizeof *run);
    run->job = job;
    run->mpi = mpi;
    run->comm = crm_mpi_comm_get(mpi);
    run->rank = run->comm->rank;
    run->nranks = run->comm->size;
    run->log = log;
#if defined(_OPENMP)
    run->nthreads = omp_get_max_threads();
#else
    run->nthreads = 1;
#endif
    run->fapl = run->dxpl = H5I_INVALID_HID;
    run->report = cJSON_CreateObject();
    crm_status rc = CRM_OK;
    if (run->report != NULL) {
        cJSON_AddStringToObject(run->report, "job", job->name);
        cJSON_AddStringToObject(run->report, "crmine_version", CRM_VERSION);
        cJSON_AddStringToObject(run->report, "git_sha", CRM_GIT_SHA);
        cJSON_AddNumberToObject(run->report, "ranks", run->nranks);
        cJSON_AddNumberToObject(run->report, "threads", run->nthreads);
        cJSON_AddNumberToObject(run->report, "seed", (double)job->seed);
        cJSON_AddStringToObject(run->report, "store", job->store);
        run->stages = cJSON_AddObjectToObject(run->report, "stages");
    }
    rc = (run->report == NULL || run->stages == NULL)
                        ? CRM_ENOMEM
                        : make_plists(run);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        return rc;
    const double t0 = crm_log_now();
    rc = crm_store_open(job->store, run->fapl, 0, &run->store, err);
    if (rc == CRM_OK)
        rc = describe_customers(run, err);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        return rc;
    rc = partition(run, err);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        return rc;
    rc = read_offsets(run, err);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        return rc;
    static const char *const id[] = {"customer_id"};
    if (run->has_customers)
        rc = crm_store_read(run->store, "/customers", id, 1, run->row0,
                            run->row1 - run->row0, run->dxpl, &run->ids, err);
    run->seconds_read += crm_log_now() - t0;
    return crm_mpi_agree(mpi, rc, err);
}

void crm_run_close(crm_run *run)
{
    for (size_t i = 0; i < run->nextras; i++)
        if (run->extras[i].free_ctx != NULL)
            run->extras[i].free_ctx(run->extras[i].ctx);
    run->nextras = 0;
    for (size_t i = 0; i < run->nmodels; i++)
        if (run->models[i].free_ctx != NULL)
            run->models[i].free_ctx(run->models[i].ctx);
    run->nmodels = 0;
    for (size_t i = 0; i < run->nscores; i++) {
        free(run->score_data[i]);
        for (size_t j = 0; run->score_text[i] != NULL &&
                           j < run->scores[i].ndict;
             j++)
            free(run->score_text[i][j]);
        free(run->score_text[i]);
        run->score_text[i] = NULL;
    }
    run->nscores = 0;
    for (size_t f = 0; f < run->ntx_cache; f++)
        crm_frame_free(run->tx_cache[f]);
    run->ntx_cache = 0;
    crm_frame_free(run->ids);
    free(run->tx_offset);
    crm_store_close(run->store);
    if (run->dxpl >= 0)
        H5Pclose(run->dxpl);
    if (run->fapl >= 0)
        H5Pclose(run->fapl);
    cJSON_Delete(run->report); /* owns stages */
    run->ids = NULL;
    run->tx_offset = NULL;
    run->store = NULL;
    run->stages = run->report = NULL;
    run->fapl = run->dxpl = H5I_INVALID_HID;
}

int64_t crm_run_order_key(const crm_column *order, const crm_column *time,
                          size_t row)
{
    if (order != NULL && !crm_column_is_missing(order, row))
        return crm_column_get_i64(order, row);
    return INT64_MIN / 2 + crm_column_get_i64(time, row);
}

size_t crm_run_nlocal(const crm_run *run)
{
    return (size_t)(run->row1 - run->row0);
}

crm_status crm_run_add_score_text(crm_run *run, const char *name,
                                  int64_t *code, char **text, size_t n)
{
    const crm_column col = {.name = name,
                            .type = CRM_TYPE_INT64,
                            .dict = (const char *const *)text,
                            .ndict = n,
                            .dict_row0 = run->row0,
                            .dict_sliced = 1,
                            .dict_by_row = 1};
    const size_t slot = run->nscores;
    const crm_status rc = crm_run_add_score(run, col, code);
    if (rc == CRM_OK) {
        run->score_text[slot] = text;
    } else {
        for (size_t j = 0; j < n; j++)
            free(text[j]);
        free(text);
    }
    return rc;
}

crm_status crm_run_add_output(crm_run *run, const char *name,
                              crm_output_fn write, void *ctx,
                              void (*free_ctx)(void *ctx))
{
    if (run->nextras == CRM_RUN_MAX_OUTPUTS) {
        if (free_ctx != NULL)
            free_ctx(ctx);
        return CRM_ERANGE;
    }
    run->extras[run->nextras++] =
        (crm_extra_output){name, write, ctx, free_ctx};
    return CRM_OK;
}

crm_status crm_run_add_model(crm_run *run, crm_model_fn write, void *ctx,
                             void (*free_ctx)(void *ctx))
{
    if (run->nmodels == CRM_RUN_MAX_OUTPUTS) {
        if (free_ctx != NULL)
            free_ctx(ctx);
        return CRM_ERANGE;
    }
    run->models[run->nmodels++] = (crm_model_part){write, ctx, free_ctx};
    return CRM_OK;
}

size_t crm_run_nblocks(const crm_run *run)
{
    const int64_t n = run->row1 - run->row0;
    return (size_t)((n + run->block_rows - 1) / run->block_rows);
}

crm_status crm_run_reduce(crm_run *run, const double *parts, size_t len,
                          double *out)
{
    const int64_t total =
        (run->ncustomers + run->block_rows - 1) / run->block_rows;
    return crm_reduce_blocks(run->comm, parts, crm_run_nblocks(run),
                             run->row0 / run->block_rows, total, len, out);
}

crm_status crm_run_add_score(crm_run *run, crm_column col, void *data)
{
    if (run->nscores == CRM_RUN_MAX_SCORES) {
        free(data);
        return CRM_ERANGE;
    }
    col.data = data;
    run->scores[run->nscores] = col;
    run->score_data[run->nscores] = data;
    run->nscores++;
    return CRM_OK;
}

/* Keeps the names of `optional` that /transactions lacks out of the read. */
static crm_status present_columns(crm_run *run, const char *const *names,
                                  size_t nnames, const char *const *optional,
                                  size_t noptional, const char **keep,
                                  size_t *nkeep, crm_error *err)
{
    crm_table_info *info = NULL;
    crm_status rc =
        crm_store_table_info(run->store, "/transactions", &info, err);
    if (rc != CRM_OK)
        return rc;
    *nkeep = 0;
    for (size_t i = 0; i < nnames; i++)
        keep[(*nkeep)++] = names[i];
    for (size_t i = 0; i < noptional; i++)
        for (size_t c = 0; c < info->ncols; c++)
            if (strcmp(info->cols[c].name, optional[i]) == 0)
                keep[(*nkeep)++] = optional[i];
    crm_table_info_free(info);
    return CRM_OK;
}

/* The cached column called name, or NULL. */
static const crm_column *cached(const crm_run *run, const char *name)
{
    for (size_t f = 0; f < run->ntx_cache; f++) {
        const crm_column *c =
            crm_table_find(crm_frame_table(run->tx_cache[f]), name);
        if (c != NULL)
            return c;
    }
    return NULL;
}

/* Reads, in one collective call, the columns of keep not cached yet. */
static crm_status fill_cache(crm_run *run, const char **keep, size_t nkeep,
                             crm_error *err)
{
    const char *miss[CRM_RUN_MAX_TX_COLS];
    size_t nmiss = 0;
    for (size_t i = 0; i < nkeep; i++)
        if (cached(run, keep[i]) == NULL && nmiss < CRM_RUN_MAX_TX_COLS)
            miss[nmiss++] = keep[i];
    if (nmiss == 0)
        return CRM_OK;
    if (run->ntx_cache == CRM_RUN_MAX_TX_COLS)
        return CRM_ERANGE;
    crm_status rc = crm_store_read(run->store, "/transactions", miss, nmiss,
                                   run->tx_row0, run->tx_row1 - run->tx_row0,
                                   run->dxpl,
                                   &run->tx_cache[run->ntx_cache], err);
    if (rc == CRM_OK)
        run->ntx_cache++;
    return rc;
}

crm_status crm_run_read_tx(crm_run *run, const char *stage,
                           const char *const *names, size_t nnames,
                           const char *const *optional, size_t noptional,
                           crm_tx_view *view, crm_error *err)
{
    if (!run->has_tx)
        return crm_error_set(err, CRM_ENOTFOUND,
                             "stage %s needs table /transactions, which %s "
                             "does not have",
                             stage, run->job->store);
    const double t0 = crm_log_now();
    const char *keep[CRM_RUN_MAX_TX_COLS];
    size_t nkeep = 0;
    crm_status rc = nnames + noptional > CRM_RUN_MAX_TX_COLS
                        ? CRM_ERANGE
                        : present_columns(run, names, nnames, optional,
                                          noptional, keep, &nkeep, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) == CRM_OK)
        rc = fill_cache(run, keep, nkeep, err);
    run->seconds_read += crm_log_now() - t0;
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    for (size_t i = 0; i < nkeep; i++)
        view->cols[i] = *cached(run, keep[i]);
    view->t = (crm_table){.nrows = (size_t)(run->tx_row1 - run->tx_row0),
                          .ncols = nkeep,
                          .cols = view->cols};
    return CRM_OK;
}

const crm_column *crm_run_score(const crm_run *run, const char *name)
{
    for (size_t i = 0; i < run->nscores; i++)
        if (strcmp(run->scores[i].name, name) == 0)
            return &run->scores[i];
    return NULL;
}
