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

#include "engine/job_int.h"
#include "io/datetime.h"

static const char *const sections[] = {"job",    "input",  "output", "rfm",
                                       "kmeans", "apriori", "tree"};
enum { NSECTIONS = sizeof sections / sizeof sections[0] };

crm_status crm_job_fail(parse_state *ps, const char *key, const char *fmt,
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

char *crm_job_dup_path(const parse_state *ps, const char *value)
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

crm_status crm_job_set_string(char **dst, char *value)
{
    if (value == NULL)
        return CRM_ENOMEM;
    free(*dst);
    *dst = value;
    return CRM_OK;
}

int crm_job_parse_bool(const char *v, int *out)
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

int crm_job_parse_int(const char *v, long long lo, long long hi,
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

/* Splits "a, b ,c" into trimmed items; an empty item is an error. */
crm_status crm_job_parse_list(parse_state *ps, const char *key, const char *v,
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
            rc = crm_job_fail(ps, key, "expected a comma-separated list of names, "
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

crm_status crm_job_int_key(parse_state *ps, const char *key, const char *v,
                             long long lo, long long hi, int *dst)
{
    long long x = 0;
    if (!crm_job_parse_int(v, lo, hi, &x)) {
        char what[96];
        snprintf(what, sizeof what, "expected an integer from %lld to %lld, "
                 "got \"%%s\"", lo, hi);
        return crm_job_fail(ps, key, what, v);
    }
    *dst = (int)x;
    return CRM_OK;
}

crm_status crm_job_int_or_auto_key(parse_state *ps, const char *key,
                                   const char *v, long long lo, long long hi,
                                   int *dst)
{
    long long x = 0;
    if (strcmp(v, "auto") == 0)
        x = 0;
    else if (!crm_job_parse_int(v, lo, hi, &x)) {
        char what[96];
        snprintf(what, sizeof what, "expected an integer from %lld to %lld "
                 "or auto, got \"%%s\"", lo, hi);
        return crm_job_fail(ps, key, what, v);
    }
    *dst = (int)x;
    return CRM_OK;
}

crm_status crm_job_real_key(parse_state *ps, const char *key,
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
        return crm_job_fail(ps, key, what, v);
    }
    *dst = x;
    return CRM_OK;
}

crm_status crm_job_day_key(parse_state *ps, const char *key, const char *v,
                           int64_t *day)
{
    int64_t seconds = 0;
    if (crm_date_parse(v, &seconds) != CRM_OK)
        return crm_job_fail(ps, key, "expected a date YYYY-MM-DD, got \"%s\"",
                            v);
    *day = seconds / 86400;
    return CRM_OK;
}

static crm_status open_section(parse_state *ps, const char *name)
{
    size_t i = 0;
    while (i < NSECTIONS && strcmp(sections[i], name) != 0)
        i++;
    snprintf(ps->section, sizeof ps->section, "%s", name);
    if (i == NSECTIONS)
        return crm_job_fail(ps, NULL,
                    "unknown section [%s] (expected job, input, rfm, "
                    "kmeans, apriori, tree or output)",
                    name);
    if (ps->seen & (1u << i))
        return crm_job_fail(ps, NULL, "section [%s] appears twice", name);
    ps->seen |= 1u << i;
    static const struct {
        const char *name;
        crm_stage_kind kind;
    } stages[] = {{"rfm", CRM_STAGE_RFM},
                  {"kmeans", CRM_STAGE_KMEANS},
                  {"apriori", CRM_STAGE_APRIORI},
                  {"tree", CRM_STAGE_TREE}};
    for (size_t s = 0; s < sizeof stages / sizeof stages[0]; s++) {
        if (strcmp(name, stages[s].name) != 0)
            continue;
        if (ps->job->nstages == CRM_JOB_MAX_STAGES)
            return crm_job_fail(ps, NULL, "too many stages at [%s]", name);
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
        return crm_job_fail(ps, NULL, "expected ']' to close the section header%s",
                    "");
    char name[64];
    const size_t len = (size_t)(close - line - 1);
    if (len == 0 || len >= sizeof name)
        return crm_job_fail(ps, NULL, "expected a section name inside [ ]%s", "");
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
    return crm_job_fail(ps, NULL, "expected no indentation (a value cannot continue "
                "on an indented line)%s", "");
}

/* A line too long for libinih's buffer (Debian builds it with 200 bytes)
 * is handed over as "key = \x01" with its value kept aside, so long
 * feature lists work: the value is the text after '=' up to a " ;"
 * comment, trimmed. */
static crm_status stash_long(parse_state *ps, char *buf, int size)
{
    char *line = ps->full, *eq = strchr(line, '=');
    if (eq == NULL || eq - line + 8 > size)
        return crm_job_fail(ps, NULL, "expected \"key = value\" on a long "
                            "line%s", "");
    char *v = eq + 1, *end = v + strlen(v);
    for (char *p = v; *p; p++)
        if (*p == ';' && (p == v || isspace((unsigned char)p[-1]))) {
            end = p;
            break;
        }
    while (isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    free(ps->long_value);
    if ((ps->long_value = strndup(v, (size_t)(end - v))) == NULL)
        return CRM_ENOMEM;
    snprintf(buf, (size_t)size, "%.*s= \x01\n", (int)(eq - line), line);
    return CRM_OK;
}

static char *next_line(char *buf, int size, void *stream)
{
    parse_state *ps = stream;
    if (ps->rc != CRM_OK || getline(&ps->full, &ps->full_cap, ps->fp) < 0)
        return NULL;
    ps->line++;
    if ((ps->rc = check_indent(ps, ps->full)) != CRM_OK)
        return NULL;
    if (strlen(ps->full) + 1 < (size_t)size)
        memcpy(buf, ps->full, strlen(ps->full) + 1);
    else if ((ps->rc = stash_long(ps, buf, size)) != CRM_OK)
        return NULL;
    ps->rc = scan_header(ps, buf);
    return ps->rc == CRM_OK ? buf : NULL;
}

static int on_key(void *user, const char *section, const char *key,
                  const char *value)
{
    parse_state *ps = user;
    (void)section; /* scan_header tracked it, with its line */
    if (strcmp(value, "\x01") == 0 && ps->long_value != NULL)
        value = ps->long_value;
    if (ps->section[0] == '\0') {
        ps->rc = crm_job_fail(ps, key, "key outside any section%s", "");
        return 0;
    }
    char full[80];
    snprintf(full, sizeof full, "%s.%s", ps->section, key);
    for (size_t i = 0; i < ps->nkeys; i++)
        if (strcmp(ps->keys_seen[i], full) == 0) {
            char first[64];
            snprintf(first, sizeof first, "given twice (first on line %d)",
                     ps->keys_line[i]);
            ps->rc = crm_job_fail(ps, key, "%s", first);
            return 0;
        }
    if (ps->nkeys < sizeof ps->keys_seen / sizeof ps->keys_seen[0]) {
        snprintf(ps->keys_seen[ps->nkeys], sizeof ps->keys_seen[0], "%s",
                 full);
        ps->keys_line[ps->nkeys++] = ps->line;
    }
    const key_entry *k = crm_job_key_find(ps->section, key);
    if (k != NULL) {
        ps->rc = k->parse(ps, value);
        return ps->rc == CRM_OK;
    }
    ps->rc = crm_job_fail(ps, key, "unknown key%s (see docs/JOBS.md)", "");
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
    job->tree = (crm_job_tree){.max_depth = 6, .min_samples_leaf = 20,
                               .min_category_rows = 100,
                               .max_bins = 255, .test_fraction = 0.2,
                               .threshold = 0.5, .trees = 1};
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
    crm_status rc = CRM_OK;
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
    if ((rc = crm_job_tree_check(ps)) != CRM_OK)
        return rc;
    if (job->out_dir == NULL) {
        ps->line = 0;
        if (crm_job_set_string(&job->out_dir, crm_job_dup_path(ps, "out")) != CRM_OK)
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
        rc = crm_job_fail(&ps, NULL, "expected \"key = value\" or \"[section]\"%s",
                  "");
        goto done;
    }
    rc = check_complete(&ps);
done:
    if (ps.fp != NULL)
        fclose(ps.fp);
    free(ps.full);
    free(ps.long_value);
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
    free(job->tree.label);
    free(job->tree.positive);
    crm_strlist_free(&job->tree.features);
    free(job->tree.value);
    free(job->tree.model);
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
    case CRM_STAGE_TREE: return "tree";
    }
    return "unknown";
}
