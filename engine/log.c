/* engine/log.c — timestamped, single-speaker log lines. */
#define _POSIX_C_SOURCE 200809L
#include "engine/log.h"

#include <stdarg.h>
#include <time.h>

double crm_log_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void crm_log_init(crm_log *log, FILE *out, int speaker)
{
    log->out = out;
    log->speaker = speaker;
    log->t0 = crm_log_now();
    log->progress_every = 5.0;
    log->last_progress = log->t0;
}

void crm_log_info(crm_log *log, const char *fmt, ...)
{
    if (log == NULL || !log->speaker || log->out == NULL)
        return;
    fprintf(log->out, "[%9.3f s] ", crm_log_now() - log->t0);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log->out, fmt, ap);
    va_end(ap);
    fputc('\n', log->out);
    fflush(log->out);
}

void crm_log_progress(crm_log *log, const char *stage, long long done,
                      long long total)
{
    if (log == NULL || !log->speaker || total <= 0)
        return;
    const double now = crm_log_now();
    if (now - log->last_progress < log->progress_every)
        return;
    log->last_progress = now;
    crm_log_info(log, "%s: %lld%% (%lld of %lld)", stage,
                 done * 100 / total, done, total);
}
