/* engine/run.h — the context of one `crmine run`, passed to every stage.
 *
 * crm_run holds the only process-wide state of a run: the job, the comm, the
 * log, the open store, this rank's share of customers and transactions, and
 * the scores table the stages fill column by column. Data flow:
 *   crm_run_open      store opened (MPI-IO), blocks assigned to ranks,
 *                     customer ids of this rank read (collective)
 *   stage functions   read what they need (crm_run_read_tx), compute with an
 *                     algorithms/ kernel, add score columns and run.json
 *                     figures
 *   engine/output.c   writes and commits the outputs
 * Every collective is called by all ranks in the same order; a rank's local
 * failure is agreed with crm_mpi_agree before the next collective. */
#ifndef CRM_RUN_H
#define CRM_RUN_H

#include <cjson/cJSON.h>
#include <hdf5.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"
#include "core/table.h"
#include "engine/comm_mpi.h"
#include "engine/job.h"
#include "engine/log.h"
#include "io/store.h"

#define CRM_RUN_MAX_SCORES 64
#define CRM_RUN_MAX_OUTPUTS 8
#define CRM_RUN_MAX_TX_COLS 16

/* Borrowed columns of this rank's transactions (see crm_run_read_tx). */
typedef struct crm_tx_view {
    crm_table t;                          /* t.cols points into cols */
    crm_column cols[CRM_RUN_MAX_TX_COLS];
} crm_tx_view;

/* Writes one extra output file (segments.csv, model.h5) at path; runs on
 * rank 0 only, after the scores are written. */
typedef crm_status (*crm_output_fn)(const char *path, void *ctx,
                                    crm_error *err);

/* Writes a stage's tables into the run's model.h5 (open, serial, rank 0). */
typedef crm_status (*crm_model_fn)(crm_store *model, void *ctx,
                                   crm_error *err);

typedef struct crm_model_part {
    crm_model_fn write;
    void *ctx;                 /* owned by the run, freed with free_ctx */
    void (*free_ctx)(void *ctx);
} crm_model_part;

typedef struct crm_extra_output {
    const char *name;          /* file name in the output folder, static */
    crm_output_fn write;
    void *ctx;                 /* owned by the run, freed with free_ctx */
    void (*free_ctx)(void *ctx);
} crm_extra_output;

typedef struct crm_run {
    const crm_job *job;         /* borrowed, outlives the run */
    crm_mpi_comm *mpi;          /* borrowed */
    const crm_comm *comm;       /* view of mpi */
    int rank, nranks, nthreads;
    crm_log *log;               /* borrowed */
    crm_store *store;           /* the input store, opened with MPI-IO */
    hid_t fapl, dxpl;           /* MPI-IO access and collective transfer */
    int64_t block_rows;         /* customers per global block */
    int64_t ncustomers;         /* all ranks */
    int64_t row0, row1;         /* this rank's customers [row0, row1) */
    int has_customers;          /* the store has /customers (else only
                                   /baskets: nothing to score) */
    int has_tx;                 /* the store has /transactions */
    int64_t tx_row0, tx_row1;   /* this rank's transactions */
    int64_t *tx_offset;         /* row1 - row0 + 1 offsets, rebased to 0 */
    crm_frame *tx_cache[CRM_RUN_MAX_TX_COLS]; /* transaction columns read
                                   so far, each read once per run */
    size_t ntx_cache;
    crm_frame *ids;             /* customer_id of this rank's customers,
                                   NULL without /customers */
    crm_column scores[CRM_RUN_MAX_SCORES]; /* the /scores columns so far */
    void *score_data[CRM_RUN_MAX_SCORES];  /* owned buffers behind scores */
    char **score_text[CRM_RUN_MAX_SCORES]; /* owned per-row strings */
    size_t nscores;
    crm_extra_output extras[CRM_RUN_MAX_OUTPUTS]; /* stage outputs */
    size_t nextras;
    crm_model_part models[CRM_RUN_MAX_OUTPUTS];   /* parts of model.h5 */
    size_t nmodels;
    cJSON *report;              /* run.json, built on every rank */
    cJSON *stages;              /* report's "stages" object */
    double seconds_read;        /* phase timers of this rank */
    double seconds_compute;
    double seconds_write;
} crm_run;

/* Opens the store, partitions the customers and reads their ids.
 * Collective. CRM_ENOTFOUND (err names the store) when the store or its
 * /customers table is missing. On failure the run is left closable. */
crm_status crm_run_open(crm_run *run, const crm_job *job, crm_mpi_comm *mpi,
                        crm_log *log, crm_error *err);
void crm_run_close(crm_run *run);

/* This rank's transactions, columns `names` (those in `optional` may be
 * absent: they are then missing from the view). A column is read once per
 * run and cached, so stages that share columns (RFM and Apriori both want
 * time, amount and order_id) do not read them twice; the view borrows the
 * cache and stays valid until crm_run_close. Collective. CRM_ENOTFOUND
 * naming the stage when the store has no /transactions. */
crm_status crm_run_read_tx(crm_run *run, const char *stage,
                           const char *const *names, size_t nnames,
                           const char *const *optional, size_t noptional,
                           crm_tx_view *view, crm_error *err);

/* The order a transaction row belongs to, the one rule RFM and Apriori
 * share: its order id; for a row without one, or when order is NULL, one
 * order per timestamp, keyed in a range no stored id reaches (ids are
 * non-negative codes or integers far from -2^62). */
int64_t crm_run_order_key(const crm_column *order, const crm_column *time,
                          size_t row);

/* Appends a scores column of nrows = this rank's customers; the run takes
 * ownership of data (malloc'ed) in every case, also on failure. */
crm_status crm_run_add_score(crm_run *run, crm_column col, void *data);

/* Appends a per-customer text column: code[i] = row0 + i and text[i] its
 * string (a row-keyed dictionary sliced across ranks). The run takes
 * ownership of code, text and every string, also on failure. */
crm_status crm_run_add_score_text(crm_run *run, const char *name,
                                  int64_t *code, char **text, size_t n);

/* Registers an extra output file written by rank 0 with the others and
 * committed with them. Call on every rank (ctx may be NULL elsewhere); the
 * run takes ownership of ctx in every case. */
crm_status crm_run_add_output(crm_run *run, const char *name,
                              crm_output_fn write, void *ctx,
                              void (*free_ctx)(void *ctx));

/* Adds a stage's part to model.h5, written by rank 0 after the scores
 * (one file holds every trained stage's model). Call on every rank; the
 * run takes ownership of ctx in every case. */
crm_status crm_run_add_model(crm_run *run, crm_model_fn write, void *ctx,
                             void (*free_ctx)(void *ctx));

/* The scores column `name` an earlier stage added, or NULL. */
const crm_column *crm_run_score(const crm_run *run, const char *name);

/* This rank's customer count. */
size_t crm_run_nlocal(const crm_run *run);

/* This rank's number of customer blocks (the last one may be short). */
size_t crm_run_nblocks(const crm_run *run);

/* out[0..len) = the sum over all customer blocks of all ranks of the
 * per-block partials in parts (crm_run_nblocks x len, block-major), added
 * in the fixed tree of crm_reduce_blocks: identical at any rank count.
 * Collective. */
crm_status crm_run_reduce(crm_run *run, const double *parts, size_t len,
                          double *out);

#endif
