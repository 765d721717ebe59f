/* engine/commands.h — the crmine subcommands. Each takes the arguments after
 * the subcommand name (argv[0] is the subcommand), prints its own usage and
 * one-line errors to stderr, and returns the process exit status
 * (0 success, 1 bad input or failure, 2 bad usage). */
#ifndef CRM_COMMANDS_H
#define CRM_COMMANDS_H

int crm_cmd_import(int argc, char **argv);  /* engine/cmd_import.c */
int crm_cmd_export(int argc, char **argv);  /* engine/cmd_store.c */
int crm_cmd_inspect(int argc, char **argv); /* engine/cmd_store.c */
int crm_cmd_run(int argc, char **argv);     /* engine/cmd_run.c */
int crm_cmd_gen(int argc, char **argv);     /* engine/cmd_gen.c */

/* Usage text of each subcommand, for `crmine help NAME` and usage errors. */
const char *crm_cmd_import_usage(void);
const char *crm_cmd_export_usage(void);
const char *crm_cmd_inspect_usage(void);
const char *crm_cmd_run_usage(void);
const char *crm_cmd_gen_usage(void);

#endif
