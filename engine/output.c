/* engine/output.c — scores.h5, scores.csv and run.json, committed together. */
#define _POSIX_C_SOURCE 200809L
#include "engine/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/export.h"

enum { OUT_H5, OUT_CSV, OUT_JSON, NFIXED };
enum { NOUT = NFIXED + CRM_RUN_MAX_OUTPUTS };
static const char *const fixed_names[NFIXED] = {"scores.h5", "scores.csv",
                                                "run.json"};

typedef struct out_paths {
    size_t n;               /* NFIXED + the stages' extra outputs */
    int skip[NOUT];         /* not written by this job (csv = no) */
    char final[NOUT][4096];
    char temp[NOUT][4096];
} out_paths;

static crm_status make_dir(const char *path, crm_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return crm_error_set(err, CRM_EINVAL, "%s: path too long", path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            break;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return crm_error_set(err, CRM_EIO, "%s: cannot create the output "
                             "folder: %s", path, strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return crm_error_set(err, CRM_EIO, "%s: the output folder is not a "
                             "folder", path);
    if (access(buf, W_OK | X_OK) != 0)
        return crm_error_set(err, CRM_EIO, "%s: cannot write in the output "
                             "folder: %s", path, strerror(errno));
    return CRM_OK;
}

static crm_status plan_paths(crm_run *run, out_paths *paths, crm_error *err)
{
    long long pid = (long long)getpid();
    crm_status rc = CRM_OK;
    if (run->rank == 0)
        rc = make_dir(run->job->out_dir, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    rc = run->comm->bcast(run->comm, &pid, sizeof pid, 0);
    paths->n = NFIXED + run->nextras;
    for (size_t i = 0; rc == CRM_OK && i < paths->n; i++) {
        const char *dir = run->job->out_dir;
        const char *name = i < NFIXED ? fixed_names[i]
                                      : run->extras[i - NFIXED].name;
        paths->skip[i] = i == OUT_CSV && !run->job->csv;
        if (snprintf(paths->final[i], sizeof paths->final[i], "%s/%s", dir,
                     name) >= (int)sizeof paths->final[i] ||
            snprintf(paths->temp[i], sizeof paths->temp[i], "%s/.%s.%lld.tmp",
                     dir, name, pid) >= (int)sizeof paths->temp[i])
            rc = crm_error_set(err, CRM_EINVAL, "%s: path too long", dir);
    }
    return rc;
}

/* Closes st; HDF5 writes cached chunks at close, so a full disk shows up
 * here. Returns rc, or the close's failure when rc was CRM_OK. */
static crm_status close_checked(crm_store *st, const char *path,
                                crm_status rc, crm_error *err)
{
    const crm_status closed = crm_store_close(st);
    if (rc == CRM_OK && closed != CRM_OK)
        rc = crm_error_set(err, closed, "%s: cannot finish writing (is the "
                           "disk full?)", path);
    return rc;
}

static crm_table scores_table(crm_run *run, crm_column *cols)
{
    static const int64_t none[1] = {0};
    if (run->ids != NULL)
        cols[0] = crm_frame_table(run->ids)->cols[0];
    else /* no customers: an empty table still says what it would hold */
        cols[0] = (crm_column){.name = "customer_id", .type = CRM_TYPE_INT64,
                               .data = none};
    for (size_t i = 0; i < run->nscores; i++)
        cols[i + 1] = run->scores[i];
    return (crm_table){.nrows = crm_run_nlocal(run),
                       .ncols = run->nscores + 1,
                       .cols = cols};
}

static crm_status write_h5(crm_run *run, const crm_table *t, const char *path,
                           crm_error *err)
{
    crm_store *out = NULL;
    crm_status rc = crm_store_create(path, run->fapl, &out, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    rc = crm_store_write(out, "/scores", t, run->comm, run->block_rows,
                         run->dxpl, err);
    rc = close_checked(out, path, rc, err);
    return crm_mpi_agree(run->mpi, rc, err);
}

/* Writes len bytes at offset in pieces MPI's int counts can carry. */
static crm_status write_at(MPI_File fh, int64_t offset, const char *buf,
                           size_t len)
{
    const size_t piece = (size_t)1 << 30;
    for (size_t done = 0; done < len; done += piece) {
        const size_t n = len - done < piece ? len - done : piece;
        if (MPI_File_write_at(fh, (MPI_Offset)(offset + (int64_t)done),
                              buf + done, (int)n, MPI_CHAR,
                              MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return CRM_EMPI;
    }
    return CRM_OK;
}

static crm_status write_csv(crm_run *run, const crm_table *t,
                            const char *path, crm_error *err)
{
    char *head = NULL, *body = NULL;
    size_t head_len = 0, body_len = 0;
    int64_t before = 0;
    MPI_File fh = MPI_FILE_NULL;
    crm_status rc = crm_csv_format_header(t, &head, &head_len);
    if (rc == CRM_OK)
        rc = crm_csv_format_rows(t, 0, t->nrows, &body, &body_len);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    if ((rc = crm_comm_exscan_i64(run->comm, (int64_t)body_len, &before,
                                  NULL)) != CRM_OK)
        goto done;
    if (MPI_File_open(crm_mpi_comm_raw(run->mpi), path,
                      MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL,
                      &fh) != MPI_SUCCESS) {
        rc = crm_error_set(err, CRM_EIO, "%s: cannot create", path);
        goto done;
    }
    MPI_File_set_size(fh, 0);
    if (run->rank == 0)
        rc = write_at(fh, 0, head, head_len);
    if (rc == CRM_OK)
        rc = write_at(fh, (int64_t)head_len + before, body, body_len);
    if (rc != CRM_OK)
        crm_error_set(err, rc, "%s: write failed", path);
    MPI_File_close(&fh);
    rc = crm_mpi_agree(run->mpi, rc, err);
done:
    free(body);
    free(head);
    return rc;
}

/* min, mean and max over ranks of each phase timer, into run.json. */
static crm_status report_timers(crm_run *run)
{
    const double mine[3] = {run->seconds_read, run->seconds_compute,
                            run->seconds_write};
    static const char *const names[3] = {"read", "compute", "write"};
    const size_t p = (size_t)run->nranks;
    double *all = malloc(3 * p * sizeof *all);
    if (all == NULL)
        return CRM_ENOMEM;
    crm_status rc = run->comm->allgather_f64(run->comm, mine, 3, all, 3 * p);
    cJSON *phases = cJSON_AddObjectToObject(run->report, "phase_seconds");
    for (size_t k = 0; rc == CRM_OK && k < 3; k++) {
        double lo = all[k], hi = all[k], sum = 0.0;
        for (size_t r = 0; r < p; r++) {
            const double v = all[3 * r + k];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        cJSON *o = cJSON_AddObjectToObject(phases, names[k]);
        cJSON_AddNumberToObject(o, "min", lo);
        cJSON_AddNumberToObject(o, "avg", sum / (double)p);
        cJSON_AddNumberToObject(o, "max", hi);
    }
    free(all);
    return rc;
}

static crm_status write_json(crm_run *run, const char *path, crm_error *err)
{
    crm_status rc = report_timers(run);
    if (rc != CRM_OK || run->rank != 0)
        return rc;
    char *text = cJSON_Print(run->report);
    FILE *fp = text != NULL ? fopen(path, "w") : NULL;
    if (fp == NULL)
        rc = crm_error_set(err, CRM_EIO, "%s: cannot write", path);
    else if (fputs(text, fp) < 0 || fputc('\n', fp) == EOF)
        rc = crm_error_set(err, CRM_EIO, "%s: write failed", path);
    if (fp != NULL && fclose(fp) != 0 && rc == CRM_OK)
        rc = crm_error_set(err, CRM_EIO, "%s: write failed", path);
    cJSON_free(text);
    return rc;
}

/* model.h5: every trained stage's tables in one serial file. */
static crm_status write_models(const char *path, void *ctx, crm_error *err)
{
    crm_run *run = ctx;
    crm_store *st = NULL;
    crm_status rc = crm_store_create(path, H5P_DEFAULT, &st, err);
    for (size_t i = 0; rc == CRM_OK && i < run->nmodels; i++)
        rc = run->models[i].write(st, run->models[i].ctx, err);
    return close_checked(st, path, rc, err);
}

/* The stages' own files, written by rank 0 and agreed. */
static crm_status write_extras(crm_run *run, const out_paths *paths,
                               crm_error *err)
{
    crm_status rc = CRM_OK;
    for (size_t i = 0; run->rank == 0 && rc == CRM_OK && i < run->nextras;
         i++)
        rc = run->extras[i].write(paths->temp[NFIXED + i], run->extras[i].ctx,
                                  err);
    return crm_mpi_agree(run->mpi, rc, err);
}

static crm_status commit(crm_run *run, const out_paths *paths, int ok,
                         crm_error *err)
{
    crm_status rc = CRM_OK;
    if (run->rank != 0)
        return CRM_OK;
    /* run.json goes last: its presence says the other files are complete */
    for (size_t k = 0; k < paths->n; k++) {
        const size_t i = k < OUT_JSON ? k : k + 1 < paths->n ? k + 1
                                                             : OUT_JSON;
        if (paths->skip[i]) {
            /* csv = no: an older scores.csv would contradict the new run */
            if (ok && rc == CRM_OK && remove(paths->final[i]) != 0 &&
                errno != ENOENT)
                rc = crm_error_set(err, CRM_EIO, "%s: cannot remove the "
                                   "previous run's file: %s", paths->final[i],
                                   strerror(errno));
            continue;
        }
        if (!ok || rc != CRM_OK)
            remove(paths->temp[i]); /* failed: no temporary file stays */
        else if (rename(paths->temp[i], paths->final[i]) != 0)
            rc = crm_error_set(err, CRM_EIO, "%s: cannot rename to %s: %s",
                               paths->temp[i], paths->final[i],
                               strerror(errno));
    }
    return rc;
}

crm_status crm_output_write(crm_run *run, crm_error *err)
{
    out_paths paths;
    crm_column *cols = calloc(run->nscores + 1, sizeof *cols);
    crm_status rc = cols == NULL ? CRM_ENOMEM : CRM_OK;
    if (rc == CRM_OK && run->nmodels > 0)
        rc = crm_run_add_output(run, "model.h5", write_models, run, NULL);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    if ((rc = plan_paths(run, &paths, err)) != CRM_OK)
        goto done;
    const double t0 = crm_log_now();
    const crm_table t = scores_table(run, cols);
    rc = write_h5(run, &t, paths.temp[OUT_H5], err);
    if (rc == CRM_OK && run->job->csv)
        rc = write_csv(run, &t, paths.temp[OUT_CSV], err);
    if (rc == CRM_OK)
        rc = write_extras(run, &paths, err);
    run->seconds_write += crm_log_now() - t0;
    if (rc == CRM_OK)
        rc = write_json(run, paths.temp[OUT_JSON], err);
    rc = crm_mpi_agree(run->mpi, rc, err);
    const crm_status commit_rc = commit(run, &paths, rc == CRM_OK, err);
    if (rc == CRM_OK)
        rc = crm_mpi_agree(run->mpi, commit_rc, err);
done:
    free(cols);
    return rc;
}
