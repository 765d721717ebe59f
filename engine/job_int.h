/* engine/job_int.h — what the job parser's files share.
 *
 * job.c drives libinih and holds the value parsers every section uses;
 * job_keys.c holds the keys of [job], [input], [output] and the stage
 * sections up to [apriori], job_tree.c those of [tree]. A key parser takes
 * the raw value and either fills the crm_job or returns CRM_ECONFIG through
 * crm_job_fail, which formats "FILE:LINE: [section] key: problem". */
#ifndef CRM_JOB_INT_H
#define CRM_JOB_INT_H

#include <stdio.h>

#include "engine/job.h"

typedef struct parse_state {
    crm_job *job;
    const char *path;
    FILE *fp;
    int line;            /* line last handed to libinih */
    char section[64];    /* current section, "" before the first */
    unsigned seen;       /* bit per known section already opened */
    char keys_seen[64][80]; /* "section.key" of each key given so far */
    int keys_line[64];      /* and its line */
    size_t nkeys;
    char *full;          /* the physical line (getline) */
    size_t full_cap;
    char *long_value;    /* value of a line too long for libinih */
    crm_status rc;
    crm_error *err;
} parse_state;

typedef crm_status (*key_parser)(parse_state *ps, const char *value);

typedef struct key_entry {
    const char *section;
    const char *key;
    key_parser parse;
} key_entry;

/* CRM_ECONFIG with err = "FILE:LINE: [section] key: " + fmt (one %s, the
 * value); key NULL leaves out "[section] key: ". */
crm_status crm_job_fail(parse_state *ps, const char *key, const char *fmt,
                        const char *value);

/* value resolved against the job file's folder (malloc'ed, NULL: ENOMEM). */
char *crm_job_dup_path(const parse_state *ps, const char *value);

/* Replaces *dst by value; CRM_ENOMEM when value is NULL. */
crm_status crm_job_set_string(char **dst, char *value);

/* 1 and *out for yes/true/on/1 or no/false/off/0, else 0. */
int crm_job_parse_bool(const char *v, int *out);

/* 1 and *out for a decimal integer in [lo, hi], else 0. */
int crm_job_parse_int(const char *v, long long lo, long long hi,
                      long long *out);

/* "a, b ,c" into trimmed items; an empty item is an error. */
crm_status crm_job_parse_list(parse_state *ps, const char *key, const char *v,
                              crm_strlist *out);

/* An integer / a number in [lo, hi] into *dst, else an error naming key. */
crm_status crm_job_int_key(parse_state *ps, const char *key, const char *v,
                           long long lo, long long hi, int *dst);
crm_status crm_job_real_key(parse_state *ps, const char *key, const char *v,
                            double lo, double hi, double *dst);
/* "auto" (stored as 0) or an integer in [lo, hi], lo >= 1, into *dst. */
crm_status crm_job_int_or_auto_key(parse_state *ps, const char *key,
                                   const char *v, long long lo, long long hi,
                                   int *dst);

/* A date YYYY-MM-DD as days since 1970-01-01, else an error naming key. */
crm_status crm_job_day_key(parse_state *ps, const char *key, const char *v,
                           int64_t *day);

/* The parser of [section] key, or NULL when there is none. */
const key_entry *crm_job_key_find(const char *section, const char *key);

/* The same for the keys of [tree] (job_tree.c). */
const key_entry *crm_job_tree_key_find(const char *key);

/* The [tree] keys that only make sense together, once the file is read:
 * a label or churn_days (not both) and features, unless a model is
 * given. CRM_ECONFIG naming the file. */
crm_status crm_job_tree_check(parse_state *ps);

#endif
