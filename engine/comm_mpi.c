/* engine/comm_mpi.c — crm_comm over an MPI communicator. */
#include "engine/comm_mpi.h"

#include <limits.h>
#include <stdlib.h>

struct crm_mpi_comm {
    MPI_Comm comm;
    crm_comm view;
};

static MPI_Comm raw(const crm_comm *c)
{
    return ((const crm_mpi_comm *)c->ctx)->comm;
}

static MPI_Op to_mpi_op(crm_op op)
{
    switch (op) {
    case CRM_OP_SUM: return MPI_SUM;
    case CRM_OP_MIN: return MPI_MIN;
    case CRM_OP_MAX: return MPI_MAX;
    }
    return MPI_OP_NULL;
}

static crm_status allreduce_i64(const crm_comm *c, int64_t *buf, size_t n,
                                crm_op op)
{
    if (n > INT_MAX)
        return CRM_ERANGE;
    if (n == 0)
        return CRM_OK;
    const int rc = MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_INT64_T,
                                 to_mpi_op(op), raw(c));
    return rc == MPI_SUCCESS ? CRM_OK : CRM_EMPI;
}

static crm_status allreduce_f64(const crm_comm *c, double *buf, size_t n,
                                crm_op op)
{
    /* a sum of doubles depends on the order of its terms: refused */
    if (op == CRM_OP_SUM)
        return CRM_EINVAL;
    if (n > INT_MAX)
        return CRM_ERANGE;
    if (n == 0)
        return CRM_OK;
    const int rc = MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE,
                                 to_mpi_op(op), raw(c));
    return rc == MPI_SUCCESS ? CRM_OK : CRM_EMPI;
}

static crm_status allgather_f64(const crm_comm *c, const double *mine,
                                size_t n, double *all, size_t nall)
{
    if (n > INT_MAX || nall > INT_MAX)
        return CRM_ERANGE;
    crm_status st = CRM_OK;
    int *counts = calloc((size_t)c->size, sizeof *counts);
    int *displs = calloc((size_t)c->size, sizeof *displs);
    if (counts == NULL || displs == NULL) {
        st = CRM_ENOMEM;
        goto done;
    }
    const int mine_n = (int)n;
    if (MPI_Allgather(&mine_n, 1, MPI_INT, counts, 1, MPI_INT, raw(c)) !=
        MPI_SUCCESS) {
        st = CRM_EMPI;
        goto done;
    }
    long long sum = 0;
    for (int r = 0; r < c->size; r++) {
        displs[r] = (int)sum;
        sum += counts[r];
    }
    if (sum != (long long)nall) {
        st = CRM_EINVAL;
        goto done;
    }
    if (MPI_Allgatherv(mine, mine_n, MPI_DOUBLE, all, counts, displs,
                       MPI_DOUBLE, raw(c)) != MPI_SUCCESS)
        st = CRM_EMPI;
done:
    free(displs);
    free(counts);
    return st;
}

static crm_status bcast(const crm_comm *c, void *buf, size_t nbytes, int root)
{
    if (nbytes > INT_MAX)
        return CRM_ERANGE;
    const int rc = MPI_Bcast(buf, (int)nbytes, MPI_BYTE, root, raw(c));
    return rc == MPI_SUCCESS ? CRM_OK : CRM_EMPI;
}

crm_status crm_mpi_comm_create(MPI_Comm base, crm_mpi_comm **out)
{
    if (out == NULL)
        return CRM_EINVAL;
    crm_mpi_comm *m = calloc(1, sizeof *m);
    if (m == NULL)
        return CRM_ENOMEM;
    if (MPI_Comm_dup(base, &m->comm) != MPI_SUCCESS) {
        free(m);
        return CRM_EMPI;
    }
    MPI_Comm_set_errhandler(m->comm, MPI_ERRORS_RETURN);
    int rank = 0, size = 1;
    MPI_Comm_rank(m->comm, &rank);
    MPI_Comm_size(m->comm, &size);
    m->view = (crm_comm){
        .rank = rank,
        .size = size,
        .ctx = m,
        .allreduce_i64 = allreduce_i64,
        .allreduce_f64 = allreduce_f64,
        .allgather_f64 = allgather_f64,
        .bcast = bcast,
    };
    *out = m;
    return CRM_OK;
}

void crm_mpi_comm_destroy(crm_mpi_comm *m)
{
    if (m == NULL)
        return;
    MPI_Comm_free(&m->comm);
    free(m);
}

const crm_comm *crm_mpi_comm_get(const crm_mpi_comm *m)
{
    return &m->view;
}

MPI_Comm crm_mpi_comm_raw(const crm_mpi_comm *m)
{
    return m->comm;
}

crm_status crm_mpi_agree(const crm_mpi_comm *m, crm_status local,
                         crm_error *err)
{
    int rank = 0, size = 1;
    MPI_Comm_rank(m->comm, &rank);
    MPI_Comm_size(m->comm, &size);
    int first = local != CRM_OK ? rank : size;
    if (MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, m->comm) !=
        MPI_SUCCESS)
        return CRM_EMPI;
    if (first == size)
        return CRM_OK;
    /* the status and the message both come from the first failing rank */
    int st = (int)local;
    crm_error msg = {{0}};
    if (err != NULL)
        msg = *err;
    if (MPI_Bcast(&st, 1, MPI_INT, first, m->comm) != MPI_SUCCESS ||
        MPI_Bcast(msg.msg, CRM_ERROR_LEN, MPI_CHAR, first, m->comm) !=
            MPI_SUCCESS)
        return CRM_EMPI;
    if (err != NULL)
        *err = msg;
    return (crm_status)st;
}
