/* engine/gen_write.h — writing a generated population to a store in
 * rounds, collectively over MPI (the driver behind `crmine gen`).
 *
 * Customers are cut into rounds of CRM_GEN_ROUND_BLOCKS blocks of
 * CRM_STORE_BLOCK_ROWS rows. In each round every rank generates a
 * contiguous run of whole blocks (its share: the round's blocks cut evenly
 * in rank order) and appends it, collectively, to /customers,
 * /transactions and /customers/tx_offset. Rounds do not depend on the rank
 * count, so neither does any HDF5 call's selection of global rows: the
 * file is byte-identical at any rank count. Memory per rank is one round's
 * share (about 300 MB at 20 lines per customer and one rank). */
#ifndef CRM_GEN_WRITE_H
#define CRM_GEN_WRITE_H

#include <stdint.h>

#include "core/status.h"
#include "engine/comm_mpi.h"
#include "engine/gen.h"
#include "engine/log.h"

#define CRM_GEN_ROUND_BLOCKS 64 /* default blocks per round */

typedef struct crm_gen_report {
    int64_t transactions; /* rows of /transactions, all ranks */
    double seconds;       /* wall clock of the write on this rank */
    double seconds_count;    /* phases of it: counting transactions, */
    double seconds_create;   /* creating the tables, */
    double seconds_generate; /* generating rows, */
    double seconds_write;    /* appending them (collective writes) */
} crm_gen_report;

/* Creates the store at path (MPI-IO, truncating) and writes the model's
 * tables into it, round_blocks blocks of customers per round (0: the
 * default; the bytes of the file depend on it, its content does not);
 * collective over mpi. Every failure is agreed across
 * ranks (err holds the first failing rank's message); the file is then
 * incomplete and the caller removes it. */
crm_status crm_gen_write(const crm_gen *g, int64_t round_blocks,
                         crm_mpi_comm *mpi, const char *path, crm_log *log,
                         crm_gen_report *rep, crm_error *err);

#endif
