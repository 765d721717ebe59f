/* engine/log.h — rank 0's log of a run, on stderr.
 *
 * Lines carry the seconds since the run started, so a slow stage stands out:
 *   [   1.234 s] rfm: done, 23570 customers in 0.012 s
 * Only the rank given as `speaker` prints; the others keep silent, so a
 * message is printed once however many ranks run. Progress lines are
 * throttled to one per `progress_every` seconds. */
#ifndef CRM_LOG_H
#define CRM_LOG_H

#include <stdio.h>

typedef struct crm_log {
    FILE *out;              /* stderr normally */
    int speaker;            /* 1 on the rank that prints */
    double t0;              /* wall clock at the start of the run, seconds */
    double progress_every;  /* seconds between progress lines */
    double last_progress;   /* wall clock of the last progress line */
} crm_log;

/* Wall-clock seconds from a monotonic clock. */
double crm_log_now(void);

void crm_log_init(crm_log *log, FILE *out, int speaker);

void crm_log_info(crm_log *log, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "stage: 40% (done/total)" at most once per progress_every seconds. */
void crm_log_progress(crm_log *log, const char *stage, long long done,
                      long long total);

#endif
