/* engine/main.c — the crmine command line: dispatch to the subcommands.
 *
 *   crmine import transactions|customers|baskets ...
 *   crmine export STORE.h5:/table --csv OUT.csv
 *   crmine inspect STORE.h5
 *   crmine run JOB.ini
 *   crmine gen --profile retail|telecom --customers N --out STORE.h5
 *   crmine --version | help [command] */
#include <stdio.h>
#include <string.h>

#include "engine/commands.h"
#include "version.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *(*usage)(void);
    const char *summary;
} command;

static const command commands[] = {
    {"import", crm_cmd_import, crm_cmd_import_usage,
     "CSV, FIMI or basket lines -> STORE.h5 tables"},
    {"export", crm_cmd_export, crm_cmd_export_usage,
     "a store table -> CSV"},
    {"inspect", crm_cmd_inspect, crm_cmd_inspect_usage,
     "tables, columns, types, rows and missing counts of a store"},
    {"run", crm_cmd_run, crm_cmd_run_usage,
     "run a job file (alone or under mpirun)"},
    {"gen", crm_cmd_gen, crm_cmd_gen_usage,
     "a synthetic retail or telecom population -> STORE.h5"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void overview(FILE *out)
{
    fputs("usage: crmine COMMAND [ARGS]\n\n"
          "crmine scores a customer base: RFM segments today, k-means,\n"
          "Apriori, churn trees and CLV as they land. Commands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("  help     crmine help COMMAND shows a command's usage\n"
          "\ncrmine --version prints the version.\n",
          out);
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int help(int argc, char **argv)
{
    if (argc < 3) {
        overview(stdout);
        return 0;
    }
    const command *cmd = find(argv[2]);
    if (cmd == NULL) {
        fprintf(stderr, "crmine help: unknown command \"%s\"\n", argv[2]);
        return 2;
    }
    fputs(cmd->usage(), stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        overview(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("crmine %s (%s)\n", CRM_VERSION, CRM_GIT_SHA);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0)
        return help(argc, argv);
    const command *cmd = find(argv[1]);
    if (cmd == NULL) {
        fprintf(stderr, "crmine: unknown command \"%s\" (crmine help lists "
                        "them)\n", argv[1]);
        return 2;
    }
    return cmd->run(argc - 1, argv + 1);
}
