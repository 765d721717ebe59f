/* engine/job.c — job file parsing on top of libinih.
 *
 * libinih calls `on_key` for each key; it does not report sections without
 * keys nor the line of a key, so the stream reader it pulls lines through
 * (`next_line`) counts lines and notes section headers itself. Keys are
 * looked up in one table per section; each entry parses its value into the
 * crm_job. The first error is kept with its line; parsing then stops. */
#define _POSIX_C_SOURCE 200809L
#include "engine/job.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/datetime.h"

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
    crm_status rc;
    crm_error *err;
} parse_state;

typedef crm_status (*key_parser)(parse_state *ps, const char *value);

typedef struct key_entry {
    const char *section;
    const char *key;
    key_parser parse;
} key_entry;

static const char *const sections[] = {"job",    "input",  "output",
                                       "rfm",    "kmeans", "apriori"};
enum { NSECTIONS = sizeof sections / sizeof sections[0] };

static crm_status fail(parse_state *ps, const char *key, const char *fmt,
                       const char *value)
{
    char what[256];
    snprintf(what, sizeof what, fmt, value);
    if (key != NULL)
        crm_error_set(ps->err, CRM_ECONFIG, "%s:%d: [%s] %s: %s", ps->path,
                      ps->line, ps->section, key, what);
    else
        crm_error_set(ps->err, CRM_ECONFIG, "%s:%d: %s", ps->path, ps->line,
                      what);
    return CRM_ECONFIG;
}

static char *dup_path(const parse_state *ps, const char *value)
{
    if (value[0] == '/')
        return strdup(value);
    const char *slash = strrchr(ps->job->path, '/');
    if (slash == NULL)
        return strdup(value);
    const size_t dir_len = (size_t)(slash - ps->job->path) + 1;
    char *p = malloc(dir_len + strlen(value) + 1);
    if (p != NULL) {
        memcpy(p, ps->job->path, dir_len);
        strcpy(p + dir_len, value);
    }
    return p;
}

static crm_status set_string(char **dst, char *value)
{
    if (value == NULL)
        return CRM_ENOMEM;
    free(*dst);
    *dst = value;
    return CRM_OK;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = 1;
            return 1;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

static int parse_int(const char *v, long long lo, long long hi,
                     long long *out)
{
    char *end = NULL;
    errno = 0;
    const long long x = strtoll(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || x < lo || x > hi)
        return 0;
    *out = x;
    return 1;
}

static crm_status job_name(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return fail(ps, "name", "expected a non-empty name%s", "");
    return set_string(&ps->job->name, strdup(v));
}

static crm_status job_seed(parse_state *ps, const char *v)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long x = strtoull(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '-')
        return fail(ps, "seed", "expected a non-negative integer, got \"%s\"",
                    v);
    ps->job->seed = (uint64_t)x;
    return CRM_OK;
}

static crm_status input_store(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return fail(ps, "store", "expected a path to an .h5 store%s", "");
    return set_string(&ps->job->store, dup_path(ps, v));
}

static crm_status output_dir(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return fail(ps, "dir", "expected a folder path%s", "");
    return set_string(&ps->job->out_dir, dup_path(ps, v));
}

static crm_status output_csv(parse_state *ps, const char *v)
{
    if (!parse_bool(v, &ps->job->csv))
        return fail(ps, "csv", "expected yes or no, got \"%s\"", v);
    return CRM_OK;
}

static crm_status rfm_as_of(parse_state *ps, const char *v)
{
    int64_t seconds = 0;
    if (crm_date_parse(v, &seconds) != CRM_OK)
        return fail(ps, "as_of", "expected a date YYYY-MM-DD, got \"%s\"", v);
    ps->job->rfm.has_as_of = 1;
    ps->job->rfm.as_of_day = seconds / 86400;
    return CRM_OK;
}

static crm_status rfm_bins(parse_state *ps, const char *v)
{
    long long x = 0;
    if (!parse_int(v, 2, 20, &x))
        return fail(ps, "bins", "expected an integer from 2 to 20, got \"%s\"",
                    v);
    ps->job->rfm.bins = (int)x;
    return CRM_OK;
}

static crm_status rfm_monetary(parse_state *ps, const char *v)
{
    if (strcmp(v, "sum") == 0)
        ps->job->rfm.monetary_mean = 0;
    else if (strcmp(v, "mean") == 0)
        ps->job->rfm.monetary_mean = 1;
    else
        return fail(ps, "monetary", "expected sum or mean, got \"%s\"", v);
    return CRM_OK;
}

/* Splits "a, b ,c" into trimmed items; an empty item is an error. */
static crm_status parse_list(parse_state *ps, const char *key, const char *v,
                             crm_strlist *out)
{
    crm_strlist l = {0};
    crm_status rc = CRM_OK;
    const char *p = v;
    while (rc == CRM_OK) {
        const char *comma = strchr(p, ',');
        const char *end = comma != NULL ? comma : p + strlen(p);
        while (p < end && isspace((unsigned char)*p))
            p++;
        const char *stop = end;
        while (stop > p && isspace((unsigned char)stop[-1]))
            stop--;
        char **grown = realloc(l.items, (l.n + 1) * sizeof *grown);
        char *item = grown != NULL ? strndup(p, (size_t)(stop - p)) : NULL;
        if (grown != NULL)
            l.items = grown;
        if (item == NULL)
            rc = CRM_ENOMEM;
        else if (item[0] == '\0') {
            free(item);
            rc = fail(ps, key, "expected a comma-separated list of names, "
                      "got \"%s\"", v);
        } else
            l.items[l.n++] = item;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (rc != CRM_OK) {
        crm_strlist_free(&l);
        return rc;
    }
    crm_strlist_free(out);
    *out = l;
    return CRM_OK;
}

static crm_status kmeans_features(parse_state *ps, const char *v)
{
    return parse_list(ps, "features", v, &ps->job->kmeans.features);
}

static crm_status kmeans_onehot(parse_state *ps, const char *v)
{
    return parse_list(ps, "onehot", v, &ps->job->kmeans.onehot);
}

static crm_status kmeans_log1p(parse_state *ps, const char *v)
{
    return parse_list(ps, "log1p", v, &ps->job->kmeans.log1p);
}

static crm_status kmeans_scaling(parse_state *ps, const char *v)
{
    if (strcmp(v, "zscore") == 0)
        ps->job->kmeans.zscore = 1;
    else if (strcmp(v, "none") == 0)
        ps->job->kmeans.zscore = 0;
    else
        return fail(ps, "scaling", "expected zscore or none, got \"%s\"", v);
    return CRM_OK;
}

static crm_status kmeans_init(parse_state *ps, const char *v)
{
    if (strcmp(v, "auto") == 0)
        ps->job->kmeans.init = CRM_KMEANS_INIT_AUTO;
    else if (strcmp(v, "k-means++") == 0)
        ps->job->kmeans.init = CRM_KMEANS_INIT_PLUSPLUS;
    else if (strcmp(v, "k-means||") == 0)
        ps->job->kmeans.init = CRM_KMEANS_INIT_PARALLEL;
    else
        return fail(ps, "init", "expected auto, k-means++ or k-means||, "
                    "got \"%s\"", v);
    return CRM_OK;
}

static crm_status kmeans_k(parse_state *ps, const char *v)
{
    long long x = 0;
    if (strcmp(v, "auto") == 0)
        ps->job->kmeans.k = 0;
    else if (parse_int(v, 1, 4096, &x))
        ps->job->kmeans.k = (int)x;
    else
        return fail(ps, "k", "expected an integer from 1 to 4096 or auto, "
                    "got \"%s\"", v);
    return CRM_OK;
}

static crm_status int_key(parse_state *ps, const char *key, const char *v,
                             long long lo, long long hi, int *dst)
{
    long long x = 0;
    if (!parse_int(v, lo, hi, &x)) {
        char what[96];
        snprintf(what, sizeof what, "expected an integer from %lld to %lld, "
                 "got \"%%s\"", lo, hi);
        return fail(ps, key, what, v);
    }
    *dst = (int)x;
    return CRM_OK;
}

static crm_status kmeans_k_min(parse_state *ps, const char *v)
{
    return int_key(ps, "k_min", v, 2, 4096, &ps->job->kmeans.k_min);
}

static crm_status kmeans_k_max(parse_state *ps, const char *v)
{
    return int_key(ps, "k_max", v, 2, 4096, &ps->job->kmeans.k_max);
}

static crm_status kmeans_n_init(parse_state *ps, const char *v)
{
    return int_key(ps, "n_init", v, 1, 1000, &ps->job->kmeans.n_init);
}

static crm_status kmeans_max_iter(parse_state *ps, const char *v)
{
    return int_key(ps, "max_iter", v, 1, 100000,
                      &ps->job->kmeans.max_iter);
}

static crm_status kmeans_tol(parse_state *ps, const char *v)
{
    char *end = NULL;
    errno = 0;
    const double x = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !(x >= 0) || x > 1e6)
        return fail(ps, "tol", "expected a number >= 0, got \"%s\"", v);
    ps->job->kmeans.tol = x;
    return CRM_OK;
}

static crm_status kmeans_model(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return fail(ps, "model", "expected a path to a model.h5%s", "");
    return set_string(&ps->job->kmeans.model, dup_path(ps, v));
}

static crm_status apriori_basket(parse_state *ps, const char *v)
{
    if (strcmp(v, "order") == 0)
        ps->job->apriori.basket_customer = 0;
    else if (strcmp(v, "customer") == 0)
        ps->job->apriori.basket_customer = 1;
    else
        return fail(ps, "basket", "expected order or customer, got \"%s\"",
                    v);
    return CRM_OK;
}

static crm_status apriori_item(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return fail(ps, "item", "expected a column name%s", "");
    return set_string(&ps->job->apriori.item, strdup(v));
}

/* A fraction in (0, 1] written with a decimal point or exponent, or an
 * absolute count written as an integer >= 1. */
static crm_status apriori_min_support(parse_state *ps, const char *v)
{
    long long count = 0;
    char *end = NULL;
    errno = 0;
    const double x = strtod(v, &end);
    if (strpbrk(v, ".eE") == NULL && parse_int(v, 1, INT64_MAX, &count)) {
        ps->job->apriori.min_count = count;
        return CRM_OK;
    }
    if (errno != 0 || end == v || *end != '\0' || !(x > 0 && x <= 1))
        return fail(ps, "min_support", "expected a fraction in (0, 1] or a "
                    "count >= 1, got \"%s\"", v);
    ps->job->apriori.min_support = x;
    ps->job->apriori.min_count = 0;
    return CRM_OK;
}

static crm_status apriori_real(parse_state *ps, const char *key,
                               const char *v, double lo, double hi,
                               double *dst)
{
    char *end = NULL;
    errno = 0;
    const double x = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !(x >= lo && x <= hi)) {
        char what[96];
        snprintf(what, sizeof what, "expected a number from %g to %g, got "
                 "\"%%s\"", lo, hi);
        return fail(ps, key, what, v);
    }
    *dst = x;
    return CRM_OK;
}

static crm_status apriori_min_confidence(parse_state *ps, const char *v)
{
    return apriori_real(ps, "min_confidence", v, 0, 1,
                        &ps->job->apriori.min_confidence);
}

static crm_status apriori_min_lift(parse_state *ps, const char *v)
{
    return apriori_real(ps, "min_lift", v, 0, 1e12,
                        &ps->job->apriori.min_lift);
}

static crm_status apriori_max_len(parse_state *ps, const char *v)
{
    return int_key(ps, "max_len", v, 0, 64, &ps->job->apriori.max_len);
}

static crm_status apriori_recommend(parse_state *ps, const char *v)
{
    return int_key(ps, "recommend", v, 0, 100,
                      &ps->job->apriori.recommend);
}

static crm_status apriori_memory(parse_state *ps, const char *v)
{
    long long x = 0;
    if (!parse_int(v, 1, 1 << 30, &x))
        return fail(ps, "memory_mb", "expected a number of MB >= 1, got "
                    "\"%s\"", v);
    ps->job->apriori.memory_mb = x;
    return CRM_OK;
}

static const key_entry keys[] = {
    {"job", "name", job_name},         {"job", "seed", job_seed},
    {"input", "store", input_store},   {"output", "dir", output_dir},
    {"output", "csv", output_csv},     {"rfm", "as_of", rfm_as_of},
    {"rfm", "bins", rfm_bins},         {"rfm", "monetary", rfm_monetary},
    {"kmeans", "features", kmeans_features},
    {"kmeans", "onehot", kmeans_onehot},
    {"kmeans", "log1p", kmeans_log1p},
    {"kmeans", "scaling", kmeans_scaling},
    {"kmeans", "k", kmeans_k},
    {"kmeans", "init", kmeans_init},
    {"kmeans", "k_min", kmeans_k_min},
    {"kmeans", "k_max", kmeans_k_max},
    {"kmeans", "n_init", kmeans_n_init},
    {"kmeans", "max_iter", kmeans_max_iter},
    {"kmeans", "tol", kmeans_tol},
    {"kmeans", "model", kmeans_model},
    {"apriori", "basket", apriori_basket},
    {"apriori", "item", apriori_item},
    {"apriori", "min_support", apriori_min_support},
    {"apriori", "max_len", apriori_max_len},
    {"apriori", "min_confidence", apriori_min_confidence},
    {"apriori", "min_lift", apriori_min_lift},
    {"apriori", "recommend", apriori_recommend},
    {"apriori", "memory_mb", apriori_memory},
};

static crm_status open_section(parse_state *ps, const char *name)
{
    size_t i = 0;
    while (i < NSECTIONS && strcmp(sections[i], name) != 0)
        i++;
    snprintf(ps->section, sizeof ps->section, "%s", name);
    if (i == NSECTIONS)
        return fail(ps, NULL,
                    "unknown section [%s] (expected job, input, rfm, "
                    "kmeans, apriori or output)",
                    name);
    if (ps->seen & (1u << i))
        return fail(ps, NULL, "section [%s] appears twice", name);
    ps->seen |= 1u << i;
    static const struct {
        const char *name;
        crm_stage_kind kind;
    } stages[] = {{"rfm", CRM_STAGE_RFM},
                  {"kmeans", CRM_STAGE_KMEANS},
                  {"apriori", CRM_STAGE_APRIORI}};
    for (size_t s = 0; s < sizeof stages / sizeof stages[0]; s++) {
        if (strcmp(name, stages[s].name) != 0)
            continue;
        if (ps->job->nstages == CRM_JOB_MAX_STAGES)
            return fail(ps, NULL, "too many stages at [%s]", name);
        ps->job->stages[ps->job->nstages++] = stages[s].kind;
    }
    return CRM_OK;
}

/* Notes a "[name]" header on the line libinih is about to parse. */
static crm_status scan_header(parse_state *ps, const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    if (*line != '[')
        return CRM_OK;
    const char *close = strchr(line, ']');
    if (close == NULL)
        return fail(ps, NULL, "expected ']' to close the section header%s",
                    "");
    char name[64];
    const size_t len = (size_t)(close - line - 1);
    if (len == 0 || len >= sizeof name)
        return fail(ps, NULL, "expected a section name inside [ ]%s", "");
    memcpy(name, line + 1, len);
    name[len] = '\0';
    return open_section(ps, name);
}

/* libinih (as Debian builds it) joins an indented line onto the previous
 * value; a job file is clearer without that, so indentation is refused. */
static crm_status check_indent(parse_state *ps, const char *line)
{
    if (*line != ' ' && *line != '\t')
        return CRM_OK;
    while (*line == ' ' || *line == '\t')
        line++;
    if (*line == '\0' || *line == '\n' || *line == '\r' || *line == ';' ||
        *line == '#')
        return CRM_OK;
    return fail(ps, NULL, "expected no indentation (a value cannot continue "
                "on an indented line)%s", "");
}

static char *next_line(char *buf, int size, void *stream)
{
    parse_state *ps = stream;
    if (ps->rc != CRM_OK || fgets(buf, size, ps->fp) == NULL)
        return NULL;
    ps->line++;
    if ((ps->rc = check_indent(ps, buf)) != CRM_OK)
        return NULL;
    const size_t len = strlen(buf);
    if (len + 1 == (size_t)size && buf[len - 1] != '\n' && !feof(ps->fp)) {
        ps->rc = fail(ps, NULL, "line is longer than %s characters",
                      "198");
        return NULL;
    }
    ps->rc = scan_header(ps, buf);
    return ps->rc == CRM_OK ? buf : NULL;
}

static int on_key(void *user, const char *section, const char *key,
                  const char *value)
{
    parse_state *ps = user;
    (void)section; /* scan_header tracked it, with its line */
    if (ps->section[0] == '\0') {
        ps->rc = fail(ps, key, "key outside any section%s", "");
        return 0;
    }
    char full[80];
    snprintf(full, sizeof full, "%s.%s", ps->section, key);
    for (size_t i = 0; i < ps->nkeys; i++)
        if (strcmp(ps->keys_seen[i], full) == 0) {
            char first[64];
            snprintf(first, sizeof first, "given twice (first on line %d)",
                     ps->keys_line[i]);
            ps->rc = fail(ps, key, "%s", first);
            return 0;
        }
    if (ps->nkeys < sizeof ps->keys_seen / sizeof ps->keys_seen[0]) {
        snprintf(ps->keys_seen[ps->nkeys], sizeof ps->keys_seen[0], "%s",
                 full);
        ps->keys_line[ps->nkeys++] = ps->line;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(keys[i].section, ps->section) == 0 &&
            strcmp(keys[i].key, key) == 0) {
            ps->rc = keys[i].parse(ps, value);
            return ps->rc == CRM_OK;
        }
    }
    ps->rc = fail(ps, key, "unknown key%s (see docs/JOBS.md)", "");
    return 0;
}

static crm_status set_defaults(crm_job *job)
{
    job->csv = 1;
    job->rfm.bins = 5;
    job->kmeans = (crm_job_kmeans){.zscore = 1, .k = 8, .k_min = 2,
                                   .k_max = 10, .n_init = 3,
                                   .max_iter = 300, .tol = 1e-4};
    job->apriori = (crm_job_apriori){.min_support = 0.01,
                                     .min_confidence = 0.2, .min_lift = 1.0,
                                     .recommend = 3, .memory_mb = 1024};
    if ((job->apriori.item = strdup("item")) == NULL)
        return CRM_ENOMEM;
    const char *base = strrchr(job->path, '/');
    base = base == NULL ? job->path : base + 1;
    job->name = strdup(base);
    if (job->name == NULL)
        return CRM_ENOMEM;
    char *dot = strrchr(job->name, '.');
    if (dot != NULL && dot != job->name)
        *dot = '\0';
    return CRM_OK;
}

static crm_status check_complete(parse_state *ps)
{
    crm_job *job = ps->job;
    if (job->store == NULL)
        return crm_error_set(ps->err, CRM_ECONFIG,
                             "%s: [input] store: missing (the HDF5 store to "
                             "read)",
                             ps->path);
    if (job->nstages == 0)
        return crm_error_set(ps->err, CRM_ECONFIG,
                             "%s: no stage section (expected at least one "
                             "of [rfm])",
                             ps->path);
    if ((ps->seen & (1u << 4)) && job->kmeans.model == NULL &&
        job->kmeans.features.n == 0)
        return crm_error_set(ps->err, CRM_ECONFIG,
                             "%s: [kmeans] features: missing (the columns to "
                             "cluster on, or model = a trained model.h5)",
                             ps->path);
    if (job->kmeans.k_min > job->kmeans.k_max)
        return crm_error_set(ps->err, CRM_ECONFIG,
                             "%s: [kmeans] k_min (%d) is larger than k_max "
                             "(%d)", ps->path, job->kmeans.k_min,
                             job->kmeans.k_max);
    if (job->out_dir == NULL) {
        ps->line = 0;
        if (set_string(&job->out_dir, dup_path(ps, "out")) != CRM_OK)
            return CRM_ENOMEM;
    }
    return CRM_OK;
}

void crm_strlist_free(crm_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

crm_status crm_job_load(const char *path, crm_job **out, crm_error *err)
{
    if (path == NULL || out == NULL)
        return CRM_EINVAL;
    crm_status rc = CRM_OK;
    parse_state ps = {.path = path, .err = err};
    ps.job = calloc(1, sizeof *ps.job);
    if (ps.job == NULL || (ps.job->path = strdup(path)) == NULL) {
        rc = CRM_ENOMEM;
        goto done;
    }
    if ((rc = set_defaults(ps.job)) != CRM_OK)
        goto done;
    ps.fp = fopen(path, "r");
    if (ps.fp == NULL) {
        rc = crm_error_set(err, CRM_ENOTFOUND, "%s: cannot read the job file: "
                           "%s", path, strerror(errno));
        goto done;
    }
    const int bad_line = ini_parse_stream(next_line, &ps, on_key, &ps);
    if (ps.rc == CRM_OK && ferror(ps.fp))
        ps.rc = crm_error_set(err, CRM_EIO, "%s: cannot read the job file "
                              "(is it a folder?)", path);
    if (ps.rc != CRM_OK) {
        rc = ps.rc;
        goto done;
    }
    if (bad_line != 0) {
        ps.line = bad_line;
        rc = fail(&ps, NULL, "expected \"key = value\" or \"[section]\"%s",
                  "");
        goto done;
    }
    rc = check_complete(&ps);
done:
    if (ps.fp != NULL)
        fclose(ps.fp);
    if (rc == CRM_OK)
        *out = ps.job;
    else
        crm_job_free(ps.job);
    return rc;
}

void crm_job_free(crm_job *job)
{
    if (job == NULL)
        return;
    crm_strlist_free(&job->kmeans.features);
    crm_strlist_free(&job->kmeans.onehot);
    crm_strlist_free(&job->kmeans.log1p);
    free(job->kmeans.model);
    free(job->apriori.item);
    free(job->out_dir);
    free(job->store);
    free(job->name);
    free(job->path);
    free(job);
}

const char *crm_stage_name(crm_stage_kind kind)
{
    switch (kind) {
    case CRM_STAGE_RFM: return "rfm";
    case CRM_STAGE_KMEANS: return "kmeans";
    case CRM_STAGE_APRIORI: return "apriori";
    }
    return "unknown";
}
