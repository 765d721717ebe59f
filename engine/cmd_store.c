/* engine/cmd_store.c — `crmine export` and `crmine inspect`, the two
 * commands that read a store for people and scripts.
 *
 * Both run serially (one process; MPI is not used even when main has
 * initialised it). Exit status: 0 success, 1 failure with one line
 * `crmine CMD: <message>` on stderr, 2 bad usage with the usage text. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/commands.h"
#include "io/export.h"
#include "io/inspect.h"

const char *crm_cmd_export_usage(void)
{
    return "usage: crmine export STORE.h5:/TABLE --csv OUT.csv\n"
           "Writes every column of TABLE (customers, transactions, scores,\n"
           "...) as CSV: a header line, then one line per row. Text columns\n"
           "hold their text, missing values are empty cells, floats carry\n"
           "the fewest digits that read back exactly. OUT.csv appears only\n"
           "when complete (written to a temporary name, then renamed).\n";
}

const char *crm_cmd_inspect_usage(void)
{
    return "usage: crmine inspect STORE.h5\n"
           "Lists every table of STORE.h5: rows, block_rows, and per column\n"
           "its type (int32, int64, float32, float64, or dict(N) for text\n"
           "with N distinct values) and the number of missing values.\n";
}

static int usage_error(const char *cmd, const char *what, const char *usage)
{
    fprintf(stderr, "crmine %s: %s\n%s", cmd, what, usage);
    return 2;
}

static int failure(const char *cmd, crm_status rc, const crm_error *err)
{
    fprintf(stderr, "crmine %s: %s\n", cmd,
            err->msg[0] != '\0' ? err->msg : crm_strerror(rc));
    return 1;
}

/* Parses argv for the options of one command: --help and, when csv is not
 * NULL, --csv FILE. Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, const char *usage, const char **csv)
{
    static const struct option with_csv[] = {
        {"csv", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const struct option *opts = csv ? with_csv : with_csv + 1;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        if (c == 'c' && csv != NULL) {
            *csv = optarg;
            continue;
        }
        char what[160];
        snprintf(what, sizeof what, "bad option '%s'", argv[optind - 1]);
        return usage_error(argv[0], what, usage);
    }
    return -1;
}

int crm_cmd_export(int argc, char **argv)
{
    const char *usage = crm_cmd_export_usage();
    const char *csv = NULL;
    crm_error err = {{0}};
    const int status = parse(argc, argv, usage, &csv);
    if (status >= 0)
        return status;
    if (optind != argc - 1 || csv == NULL)
        return usage_error("export", "needs STORE.h5:/TABLE and --csv OUT.csv",
                           usage);
    const char *target = argv[optind];
    const char *colon = strrchr(target, ':');
    if (colon == NULL || colon == target || colon[1] == '\0')
        return usage_error("export", "name the table as STORE.h5:/TABLE",
                           usage);
    char *path = strndup(target, (size_t)(colon - target));
    if (path == NULL)
        return failure("export", CRM_ENOMEM, &err);
    const crm_status rc = crm_export_csv(path, colon + 1, csv, &err);
    free(path);
    return rc == CRM_OK ? 0 : failure("export", rc, &err);
}

int crm_cmd_inspect(int argc, char **argv)
{
    const char *usage = crm_cmd_inspect_usage();
    crm_error err = {{0}};
    const int status = parse(argc, argv, usage, NULL);
    if (status >= 0)
        return status;
    if (optind != argc - 1)
        return usage_error("inspect", "needs one STORE.h5", usage);
    char *text = NULL;
    size_t len = 0;
    crm_status rc = crm_inspect(argv[optind], &text, &len, &err);
    if (rc == CRM_OK &&
        (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0))
        rc = crm_error_set(&err, CRM_EIO, "cannot write the listing");
    free(text);
    return rc == CRM_OK ? 0 : failure("inspect", rc, &err);
}
