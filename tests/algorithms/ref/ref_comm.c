/* tests/algorithms/ref/ref_comm.c — fake ranks as threads, collectives as
 * barrier-separated reads of each other's buffers. */
#include "ref_comm.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct shared {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int nranks;
    int waiting;
    unsigned gen;
    const void *ptr[REF_COMM_MAX_RANKS];
    size_t len[REF_COMM_MAX_RANKS];
} shared;

typedef struct rank_job {
    crm_comm comm;
    ref_comm_fn fn;
    void *arg;
    crm_status status;
} rank_job;

static void barrier(shared *s)
{
    pthread_mutex_lock(&s->mu);
    const unsigned gen = s->gen;
    if (++s->waiting == s->nranks) {
        s->waiting = 0;
        s->gen++;
        pthread_cond_broadcast(&s->cv);
    } else {
        while (gen == s->gen)
            pthread_cond_wait(&s->cv, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
}

/* Publishes this rank's buffer; 1 when every rank passed the same length. */
static int publish(const crm_comm *c, const void *buf, size_t n)
{
    shared *s = c->ctx;
    s->ptr[c->rank] = buf;
    s->len[c->rank] = n;
    barrier(s);
    for (int r = 0; r < s->nranks; r++)
        if (s->len[r] != n)
            return 0;
    return 1;
}

static crm_status fake_allreduce_i64(const crm_comm *c, int64_t *buf, size_t n,
                                     crm_op op)
{
    shared *s = c->ctx;
    const int same = publish(c, buf, n);
    int64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; same && i < n; i++) {
        int64_t acc = ((const int64_t *)s->ptr[0])[i];
        for (int r = 1; r < s->nranks; r++) {
            const int64_t x = ((const int64_t *)s->ptr[r])[i];
            acc = op == CRM_OP_SUM ? acc + x
                  : op == CRM_OP_MIN ? (x < acc ? x : acc)
                                     : (x > acc ? x : acc);
        }
        tmp[i] = acc;
    }
    barrier(s); /* everyone has read every buffer */
    if (same)
        memcpy(buf, tmp, n * sizeof *buf);
    free(tmp);
    return same ? CRM_OK : CRM_EINVAL;
}

static crm_status fake_allreduce_f64(const crm_comm *c, double *buf, size_t n,
                                     crm_op op)
{
    shared *s = c->ctx;
    const int same = publish(c, buf, n) && op != CRM_OP_SUM;
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; same && i < n; i++) {
        double acc = ((const double *)s->ptr[0])[i];
        for (int r = 1; r < s->nranks; r++) {
            const double x = ((const double *)s->ptr[r])[i];
            acc = op == CRM_OP_MIN ? (x < acc ? x : acc) : (x > acc ? x : acc);
        }
        tmp[i] = acc;
    }
    barrier(s);
    if (same)
        memcpy(buf, tmp, n * sizeof *buf);
    free(tmp);
    return same ? CRM_OK : CRM_EINVAL;
}

static crm_status fake_allgather_f64(const crm_comm *c, const double *mine,
                                     size_t n, double *all, size_t nall)
{
    shared *s = c->ctx;
    s->ptr[c->rank] = mine;
    s->len[c->rank] = n;
    barrier(s);
    size_t sum = 0;
    for (int r = 0; r < s->nranks; r++)
        sum += s->len[r];
    if (sum == nall) {
        size_t at = 0;
        for (int r = 0; r < s->nranks; r++) {
            memcpy(all + at, s->ptr[r], s->len[r] * sizeof *all);
            at += s->len[r];
        }
    }
    barrier(s);
    return sum == nall ? CRM_OK : CRM_EINVAL;
}

static crm_status fake_bcast(const crm_comm *c, void *buf, size_t nbytes,
                             int root)
{
    shared *s = c->ctx;
    const int same = publish(c, buf, nbytes);
    if (same && c->rank != root)
        memcpy(buf, s->ptr[root], nbytes);
    barrier(s);
    return same ? CRM_OK : CRM_EINVAL;
}

static void *rank_main(void *p)
{
    rank_job *job = p;
    job->status = job->fn(&job->comm, job->arg);
    return NULL;
}

void ref_comm_run(int nranks, ref_comm_fn fn, void *const *args,
                  crm_status *status)
{
    shared s = {.nranks = nranks};
    rank_job jobs[REF_COMM_MAX_RANKS];
    pthread_t tid[REF_COMM_MAX_RANKS];
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    for (int r = 0; r < nranks; r++) {
        jobs[r] = (rank_job){
            .comm = {.rank = r,
                     .size = nranks,
                     .ctx = &s,
                     .allreduce_i64 = fake_allreduce_i64,
                     .allreduce_f64 = fake_allreduce_f64,
                     .allgather_f64 = fake_allgather_f64,
                     .bcast = fake_bcast},
            .fn = fn,
            .arg = args[r],
            .status = CRM_OK};
        pthread_create(&tid[r], NULL, rank_main, &jobs[r]);
    }
    for (int r = 0; r < nranks; r++) {
        pthread_join(tid[r], NULL);
        status[r] = jobs[r].status;
    }
    pthread_cond_destroy(&s.cv);
    pthread_mutex_destroy(&s.mu);
}
