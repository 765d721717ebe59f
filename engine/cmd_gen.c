/* engine/cmd_gen.c — `crmine gen`: a synthetic population written straight
 * to a store, alone or under mpirun (docs/GENERATOR.md).
 *
 * Parses the command line, initialises MPI, builds the model (engine/gen.h)
 * on every rank and hands it to crm_gen_write (engine/gen_write.h), which
 * writes the tables in rounds, byte-identical at any rank count. The store
 * is written to OUT.tmp<pid> (rank 0's pid) and renamed over OUT only when
 * complete; any failure is agreed by all ranks, reported once by rank 0, and
 * removes the temporary file. Exit status: 0 success, 1 failure, 2 usage. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/comm_mpi.h"
#include "engine/commands.h"
#include "engine/gen.h"
#include "engine/gen_write.h"
#include "engine/log.h"

const char *crm_cmd_gen_usage(void)
{
    return "usage: crmine gen --profile retail|telecom --customers N "
           "--out STORE.h5\n"
           "           [--seed S] [--tx-per-customer M] [--round-blocks K]\n"
           "       mpirun -np P crmine gen ...\n"
           "Writes a synthetic population to STORE.h5 (replaced when\n"
           "complete): retail gives /customers, /transactions (M lines per\n"
           "customer on average, default 20) and /planted_patterns; telecom\n"
           "gives /customers with a churn label. Segments, co-purchase\n"
           "groups and churn rules are planted (docs/GENERATOR.md). The\n"
           "file is identical for any number of ranks. Seed default 42.\n"
           "Memory: K blocks of 4096 customers per round (default 64).\n";
}

enum { O_PROFILE = 1, O_CUSTOMERS, O_SEED, O_OUT, O_TX, O_ROUND, O_HELP };

typedef struct gen_args {
    crm_gen_params p;
    const char *out;
    int64_t round_blocks; /* 0: CRM_GEN_ROUND_BLOCKS */
} gen_args;

static const struct option long_opts[] = {
    {"profile", required_argument, NULL, O_PROFILE},
    {"customers", required_argument, NULL, O_CUSTOMERS},
    {"seed", required_argument, NULL, O_SEED},
    {"out", required_argument, NULL, O_OUT},
    {"tx-per-customer", required_argument, NULL, O_TX},
    {"round-blocks", required_argument, NULL, O_ROUND},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *what, const char *value)
{
    fprintf(stderr, "crmine gen: %s%s\n%s", what, value ? value : "",
            crm_cmd_gen_usage());
    return 2;
}

/* Whole decimal text to an integer in [lo, hi]; 0 on success. */
static int parse_int(const char *s, long long lo, long long hi, long long *v)
{
    char *end = NULL;
    errno = 0;
    const long long x = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

static int parse_value(int id, const char *v, gen_args *a)
{
    crm_gen_params *p = &a->p;
    long long x = 0;
    char *end = NULL;
    switch (id) {
    case O_ROUND:
        if (parse_int(v, 1, 1 << 20, &x) != 0)
            return usage_error("--round-blocks takes an integer >= 1, not ", v);
        a->round_blocks = x;
        return 0;
    case O_PROFILE:
        if (strcmp(v, "retail") != 0 && strcmp(v, "telecom") != 0)
            return usage_error("--profile takes retail or telecom, not ", v);
        p->profile = v[0] == 'r' ? CRM_GEN_RETAIL : CRM_GEN_TELECOM;
        return 0;
    case O_CUSTOMERS:
        if (parse_int(v, 1, INT64_C(1) << 40, &x) != 0)
            return usage_error("--customers takes an integer >= 1, not ", v);
        p->ncustomers = x;
        return 0;
    case O_SEED:
        if (parse_int(v, 0, INT64_MAX, &x) != 0)
            return usage_error("--seed takes an integer >= 0, not ", v);
        p->seed = (uint64_t)x;
        return 0;
    case O_TX:
        p->tx_per_customer = strtod(v, &end);
        if (end == v || *end != '\0' || !(p->tx_per_customer >= 1.0) ||
            p->tx_per_customer > 10000.0)
            return usage_error("--tx-per-customer takes a number from 1 to "
                               "10000, not ", v);
        return 0;
    }
    return usage_error("unknown option", NULL);
}

/* -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, gen_args *a)
{
    int c, have_profile = 0;
    crm_gen_params *p = &a->p;
    const char **out = &a->out;
    *a = (gen_args){.p = {.seed = 42}};
    optind = 0; /* glibc: full reset */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        if (c == O_HELP) {
            fputs(crm_cmd_gen_usage(), stdout);
            return 0;
        }
        if (c == '?' || c == ':')
            return usage_error("unknown option or missing value: ",
                               argv[optind - 1]);
        if (c == O_OUT)
            *out = optarg;
        else if (parse_value(c, optarg, a) != 0)
            return 2;
        have_profile |= c == O_PROFILE;
    }
    if (optind < argc)
        return usage_error("unexpected argument: ", argv[optind]);
    if (!have_profile || p->ncustomers < 1 || *out == NULL)
        return usage_error("needs --profile, --customers and --out", NULL);
    if (p->profile == CRM_GEN_TELECOM && p->tx_per_customer > 0)
        return usage_error("--tx-per-customer is for the retail profile",
                           NULL);
    return -1;
}

/* Rank 0's pid names the temporary file beside out. */
static crm_status temp_path(const crm_comm *comm, const char *out, char *tmp,
                            size_t n, crm_error *err)
{
    long long pid = (long long)getpid();
    crm_status rc = comm->bcast(comm, &pid, sizeof pid, 0);
    if (rc == CRM_OK && snprintf(tmp, n, "%s.tmp%lld", out, pid) >= (int)n)
        rc = crm_error_set(err, CRM_EINVAL, "%s: path too long", out);
    return rc;
}

/* Renames the finished file over out (rank 0), or removes it. */
static crm_status commit(crm_mpi_comm *mpi, const char *tmp, const char *out,
                         crm_status rc, crm_error *err)
{
    crm_status mine = CRM_OK;
    if (crm_mpi_comm_get(mpi)->rank != 0)
        return crm_mpi_agree(mpi, rc, err);
    if (rc != CRM_OK)
        remove(tmp);
    else if (rename(tmp, out) != 0)
        mine = crm_error_set(err, CRM_EIO, "%s: cannot rename to %s: %s", tmp,
                             out, strerror(errno));
    if (mine != CRM_OK)
        remove(tmp);
    return crm_mpi_agree(mpi, rc != CRM_OK ? rc : mine, err);
}

static crm_status generate(const gen_args *a, crm_mpi_comm *mpi, crm_log *log,
                           crm_error *err)
{
    const crm_gen_params *p = &a->p;
    const char *out = a->out;
    crm_gen *g = NULL;
    char tmp[4096];
    crm_gen_report rep = {0};
    const crm_comm *comm = crm_mpi_comm_get(mpi);
    crm_status rc = crm_gen_create(p, &g);
    if (rc != CRM_OK)
        crm_error_set(err, rc, "cannot build the %s model",
                      p->profile == CRM_GEN_RETAIL ? "retail" : "telecom");
    if (rc == CRM_OK)
        rc = temp_path(comm, out, tmp, sizeof tmp, err);
    if ((rc = crm_mpi_agree(mpi, rc, err)) != CRM_OK)
        goto done;
    crm_log_info(log, "gen %s: %lld customers, seed %llu, %d rank(s)",
                 p->profile == CRM_GEN_RETAIL ? "retail" : "telecom",
                 (long long)p->ncustomers, (unsigned long long)p->seed,
                 comm->size);
    rc = crm_gen_write(g, a->round_blocks, mpi, tmp, log, &rep, err);
    rc = commit(mpi, tmp, out, rc, err);
    crm_log_info(log, "gen: rank 0 phases: count %.3f s, create %.3f s, "
                 "generate %.3f s, write %.3f s", rep.seconds_count,
                 rep.seconds_create, rep.seconds_generate, rep.seconds_write);
    if (rc == CRM_OK)
        crm_log_info(log, "gen: %lld customers, %lld transactions in %.3f s "
                     "-> %s", (long long)p->ncustomers,
                     (long long)rep.transactions, rep.seconds, out);
done:
    crm_gen_destroy(g);
    return rc;
}

int crm_cmd_gen(int argc, char **argv)
{
    gen_args a;
    const int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS) {
        fputs("crmine gen: MPI could not be initialised\n", stderr);
        return 1;
    }
    crm_mpi_comm *mpi = NULL;
    crm_error err = {{0}};
    crm_log log;
    crm_status rc = crm_mpi_comm_create(MPI_COMM_WORLD, &mpi);
    if (rc == CRM_OK) {
        crm_log_init(&log, stderr, crm_mpi_comm_get(mpi)->rank == 0);
        rc = generate(&a, mpi, &log, &err);
    }
    if (rc != CRM_OK && (mpi == NULL || crm_mpi_comm_get(mpi)->rank == 0))
        fprintf(stderr, "crmine gen: %s\n",
                err.msg[0] != '\0' ? err.msg : crm_strerror(rc));
    crm_mpi_comm_destroy(mpi);
    MPI_Finalize();
    return rc == CRM_OK ? 0 : 1;
}
