/* engine/cmd_run.c — `crmine run JOB.ini`: the stage runner.
 *
 * Alone or under mpirun: MPI is initialised here (FUNNELED: OpenMP threads
 * never call MPI), every rank parses the same job file, opens the store, runs
 * the stages in job order and takes part in writing the outputs. Any failure
 * is agreed by all ranks, reported once by rank 0, and ends the run with exit
 * status 1 and no new outputs. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "engine/commands.h"
#include "engine/comm_mpi.h"
#include "engine/job.h"
#include "engine/log.h"
#include "engine/output.h"
#include "engine/run.h"
#include "engine/stage_apriori.h"
#include "engine/stage_kmeans.h"
#include "engine/stage_rfm.h"
#include "engine/stage_tree.h"

typedef crm_status (*stage_fn)(crm_run *run, cJSON *js, crm_error *err);

const char *crm_cmd_run_usage(void)
{
    return "usage: crmine run JOB.ini\n"
           "       mpirun -np P crmine run JOB.ini\n"
           "Runs the stages of the job file (see docs/JOBS.md) over the\n"
           "store it names and writes scores.h5, scores.csv and run.json\n"
           "to its output folder. OMP_NUM_THREADS sets threads per rank.\n";
}

static stage_fn stage_function(crm_stage_kind kind)
{
    switch (kind) {
    case CRM_STAGE_RFM: return crm_stage_rfm;
    case CRM_STAGE_KMEANS: return crm_stage_kmeans;
    case CRM_STAGE_APRIORI: return crm_stage_apriori;
    case CRM_STAGE_TREE: return crm_stage_tree;
    }
    return NULL;
}

static crm_status run_stages(crm_run *run, crm_error *err)
{
    for (size_t i = 0; i < run->job->nstages; i++) {
        const char *name = crm_stage_name(run->job->stages[i]);
        cJSON *js = cJSON_AddObjectToObject(run->stages, name);
        crm_log_info(run->log, "%s: start", name);
        const double t0 = crm_log_now();
        crm_status rc = js == NULL ? CRM_ENOMEM : CRM_OK;
        rc = crm_mpi_agree(run->mpi, rc, err);
        if (rc == CRM_OK)
            rc = stage_function(run->job->stages[i])(run, js, err);
        if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
            return rc;
        const double secs = crm_log_now() - t0;
        cJSON_AddNumberToObject(js, "seconds", secs);
        cJSON_AddNumberToObject(js, "rows", (double)run->ncustomers);
        crm_log_info(run->log, "%s: done, %lld customers in %.3f s", name,
                     (long long)run->ncustomers, secs);
    }
    return CRM_OK;
}

static crm_status run_job(const char *path, crm_mpi_comm *mpi, crm_log *log,
                          crm_error *err)
{
    crm_job *job = NULL;
    crm_run run;
    int opened = 0;
    crm_status rc = crm_job_load(path, &job, err);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        goto done;
    rc = crm_run_open(&run, job, mpi, log, err);
    opened = 1;
    if (rc != CRM_OK)
        goto done;
    crm_log_info(log, "job %s: %d rank(s) x %d thread(s), %lld customers, "
                 "store %s", job->name, run.nranks, run.nthreads,
                 (long long)run.ncustomers, job->store);
    if ((rc = run_stages(&run, err)) != CRM_OK)
        goto done;
    rc = crm_output_write(&run, err);
    if (rc == CRM_OK)
        crm_log_info(log, "outputs written to %s", job->out_dir);
done:
    if (opened)
        crm_run_close(&run);
    crm_job_free(job);
    return rc;
}

int crm_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        fputs(crm_cmd_run_usage(), c == 'h' ? stdout : stderr);
        return c == 'h' ? 0 : 2;
    }
    if (argc - optind != 1) {
        fputs(crm_cmd_run_usage(), stderr);
        return 2;
    }
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS) {
        fputs("crmine run: MPI could not be initialised\n", stderr);
        return 1;
    }
    crm_mpi_comm *mpi = NULL;
    crm_error err = {{0}};
    crm_status rc = crm_mpi_comm_create(MPI_COMM_WORLD, &mpi);
    crm_log log;
    if (rc == CRM_OK) {
        crm_log_init(&log, stderr, crm_mpi_comm_get(mpi)->rank == 0);
        rc = run_job(argv[optind], mpi, &log, &err);
    }
    if (rc != CRM_OK && (mpi == NULL || crm_mpi_comm_get(mpi)->rank == 0))
        fprintf(stderr, "crmine run: %s\n",
                err.msg[0] != '\0' ? err.msg : crm_strerror(rc));
    crm_mpi_comm_destroy(mpi);
    H5close(); /* before MPI goes: HDF5 must not tear files down inside it */
    MPI_Finalize();
    return rc == CRM_OK ? 0 : 1;
}
