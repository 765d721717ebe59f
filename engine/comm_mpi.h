/* engine/comm_mpi.h — the MPI implementation of crm_comm.
 *
 * The only place crm_comm operations meet MPI. MPI_ERRORS_RETURN is set on the
 * duplicated communicator so failures come back as CRM_EMPI instead of
 * aborting. The crm_comm returned borrows the crm_mpi_comm, which must outlive
 * it. Counts larger than INT_MAX are refused with CRM_ERANGE. */
#ifndef CRM_COMM_MPI_H
#define CRM_COMM_MPI_H

#include <mpi.h>

#include "core/comm.h"

typedef struct crm_mpi_comm crm_mpi_comm;

/* Duplicates base (normally MPI_COMM_WORLD) and builds a crm_comm over it. */
crm_status crm_mpi_comm_create(MPI_Comm base, crm_mpi_comm **out);
void crm_mpi_comm_destroy(crm_mpi_comm *m);

/* The crm_comm view; valid while m lives. */
const crm_comm *crm_mpi_comm_get(const crm_mpi_comm *m);

/* The duplicated MPI communicator (for MPI-IO and HDF5 property lists). */
MPI_Comm crm_mpi_comm_raw(const crm_mpi_comm *m);

/* Agrees on a status: every rank returns the status of the lowest-numbered
 * failing rank (CRM_OK when none failed), and err (on every rank) takes that
 * rank's message, so all ranks fail together before the next collective
 * (STYLE rule 24) and rank 0 can report the failure once. */
crm_status crm_mpi_agree(const crm_mpi_comm *m, crm_status local,
                         crm_error *err);

#endif
