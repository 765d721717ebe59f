/* engine/output.h — writing a run's outputs and committing them.
 *
 * In the job's output folder: scores.h5 (/scores, one row per customer in
 * customer_id order, written collectively with parallel HDF5), scores.csv
 * (when csv = yes; each rank formats its rows and writes them at its offset
 * with MPI-IO, so the file is the same at any rank count) and run.json
 * (rank 0). Each is written under a temporary name (.NAME.PID.tmp, PID of
 * rank 0) and renamed only after every rank agreed the whole job succeeded;
 * on failure the temporary files are removed and earlier outputs are left as
 * they were. Collective. */
#ifndef CRM_OUTPUT_H
#define CRM_OUTPUT_H

#include "engine/run.h"

/* Writes the outputs of a run whose stages all succeeded, then commits
 * them. On failure nothing new is left in the output folder. */
crm_status crm_output_write(crm_run *run, crm_error *err);

#endif
