/* engine/job_tree.c — the keys of [tree] (docs/JOBS.md), the churn model. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "engine/job_int.h"

static crm_job_tree *cfg(parse_state *ps)
{
    return &ps->job->tree;
}

static crm_status name_key(parse_state *ps, const char *key, const char *v,
                           char **dst)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, key, "expected a column name%s", "");
    return crm_job_set_string(dst, strdup(v));
}

static crm_status tree_label(parse_state *ps, const char *v)
{
    return name_key(ps, "label", v, &cfg(ps)->label);
}

static crm_status tree_positive(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "positive", "expected the label value that "
                            "means churn (e.g. Yes)%s", "");
    return crm_job_set_string(&cfg(ps)->positive, strdup(v));
}

static crm_status tree_churn_days(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "churn_days", v, 1, 36500,
                           &cfg(ps)->churn_days);
}

static crm_status tree_as_of(parse_state *ps, const char *v)
{
    cfg(ps)->has_as_of = 1;
    return crm_job_day_key(ps, "as_of", v, &cfg(ps)->as_of_day);
}

static crm_status tree_features(parse_state *ps, const char *v)
{
    return crm_job_parse_list(ps, "features", v, &cfg(ps)->features);
}

static crm_status tree_criterion(parse_state *ps, const char *v)
{
    if (strcmp(v, "gini") == 0)
        cfg(ps)->entropy = 0;
    else if (strcmp(v, "entropy") == 0)
        cfg(ps)->entropy = 1;
    else
        return crm_job_fail(ps, "criterion", "expected gini or entropy, got "
                            "\"%s\"", v);
    return CRM_OK;
}

static crm_status tree_max_depth(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "max_depth", v, 1, 30, &cfg(ps)->max_depth);
}

static crm_status tree_min_samples_leaf(parse_state *ps, const char *v)
{
    long long x = 0;
    if (!crm_job_parse_int(v, 1, INT64_MAX, &x))
        return crm_job_fail(ps, "min_samples_leaf", "expected an integer >= "
                            "1, got \"%s\"", v);
    cfg(ps)->min_samples_leaf = x;
    return CRM_OK;
}

static crm_status tree_min_category_rows(parse_state *ps, const char *v)
{
    long long x = 0;
    if (!crm_job_parse_int(v, 0, INT64_MAX / 4, &x))
        return crm_job_fail(ps, "min_category_rows", "expected an integer >= "
                            "0, got \"%s\"", v);
    cfg(ps)->min_category_rows = x;
    return CRM_OK;
}

static crm_status tree_min_gain(parse_state *ps, const char *v)
{
    return crm_job_real_key(ps, "min_gain", v, 0, 1e6, &cfg(ps)->min_gain);
}

static crm_status tree_class_weight(parse_state *ps, const char *v)
{
    if (strcmp(v, "none") == 0)
        cfg(ps)->balanced = 0;
    else if (strcmp(v, "balanced") == 0)
        cfg(ps)->balanced = 1;
    else
        return crm_job_fail(ps, "class_weight", "expected none or balanced, "
                            "got \"%s\"", v);
    return CRM_OK;
}

static crm_status tree_max_bins(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "max_bins", v, 2, 255, &cfg(ps)->max_bins);
}

static crm_status tree_test_fraction(parse_state *ps, const char *v)
{
    return crm_job_real_key(ps, "test_fraction", v, 0, 0.9,
                            &cfg(ps)->test_fraction);
}

static crm_status tree_threshold(parse_state *ps, const char *v)
{
    return crm_job_real_key(ps, "threshold", v, 0, 1, &cfg(ps)->threshold);
}

static crm_status tree_value(parse_state *ps, const char *v)
{
    return name_key(ps, "value", v, &cfg(ps)->value);
}

static crm_status tree_trees(parse_state *ps, const char *v)
{
    return crm_job_int_key(ps, "trees", v, 1, 1000, &cfg(ps)->trees);
}

static crm_status tree_max_features(parse_state *ps, const char *v)
{
    if (strcmp(v, "auto") == 0) {
        cfg(ps)->max_features = 0;
        return CRM_OK;
    }
    return crm_job_int_key(ps, "max_features", v, 1, 100000,
                           &cfg(ps)->max_features);
}

static crm_status tree_model(parse_state *ps, const char *v)
{
    if (v[0] == '\0')
        return crm_job_fail(ps, "model", "expected a path to a model.h5%s",
                            "");
    return crm_job_set_string(&cfg(ps)->model, crm_job_dup_path(ps, v));
}

static const key_entry keys[] = {
    {"tree", "label", tree_label},
    {"tree", "positive", tree_positive},
    {"tree", "churn_days", tree_churn_days},
    {"tree", "as_of", tree_as_of},
    {"tree", "features", tree_features},
    {"tree", "criterion", tree_criterion},
    {"tree", "max_depth", tree_max_depth},
    {"tree", "min_samples_leaf", tree_min_samples_leaf},
    {"tree", "min_category_rows", tree_min_category_rows},
    {"tree", "min_gain", tree_min_gain},
    {"tree", "class_weight", tree_class_weight},
    {"tree", "max_bins", tree_max_bins},
    {"tree", "test_fraction", tree_test_fraction},
    {"tree", "threshold", tree_threshold},
    {"tree", "value", tree_value},
    {"tree", "trees", tree_trees},
    {"tree", "max_features", tree_max_features},
    {"tree", "model", tree_model},
};

const key_entry *crm_job_tree_key_find(const char *key)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

/* A derived label looks after the cut-off, so features must not: with an
 * [rfm] stage in the job, its as_of is the cut-off. */
static crm_status check_cutoff(parse_state *ps)
{
    crm_job *job = ps->job;
    int rfm = 0;
    for (size_t s = 0; s < job->nstages; s++)
        rfm |= job->stages[s] == CRM_STAGE_RFM;
    if (!rfm)
        return CRM_OK;
    if (!job->rfm.has_as_of)
        return crm_error_set(ps->err, CRM_ECONFIG, "%s: [tree] churn_days "
                             "with an [rfm] stage: set [rfm] as_of (the "
                             "cut-off), so the RFM features see only the "
                             "days before the churn window", ps->path);
    if (job->tree.has_as_of && job->tree.as_of_day != job->rfm.as_of_day)
        return crm_error_set(ps->err, CRM_ECONFIG, "%s: [tree] as_of differs "
                             "from [rfm] as_of: the churn window must start "
                             "where the RFM features end", ps->path);
    job->tree.has_as_of = 1;
    job->tree.as_of_day = job->rfm.as_of_day;
    return CRM_OK;
}

crm_status crm_job_tree_check(parse_state *ps)
{
    crm_status rc = CRM_OK;
    const crm_job *job = ps->job;
    const crm_job_tree *t = &job->tree;
    int present = 0;
    for (size_t s = 0; s < job->nstages; s++)
        present |= job->stages[s] == CRM_STAGE_TREE;
    if (!present)
        return CRM_OK;
    if (t->label != NULL && t->churn_days > 0)
        return crm_error_set(ps->err, CRM_ECONFIG, "%s: [tree] label and "
                             "churn_days: give one (a label column, or a "
                             "label derived from the transactions)",
                             ps->path);
    if (t->model != NULL)
        return CRM_OK;
    if (t->label == NULL && t->churn_days == 0)
        return crm_error_set(ps->err, CRM_ECONFIG, "%s: [tree] label: "
                             "missing (the churn column, or churn_days = N "
                             "to derive it, or model = a trained model.h5)",
                             ps->path);
    if (t->features.n == 0)
        return crm_error_set(ps->err, CRM_ECONFIG, "%s: [tree] features: "
                             "missing (the columns to learn from)",
                             ps->path);
    if (t->churn_days > 0 && (rc = check_cutoff(ps)) != CRM_OK)
        return rc;
    if (t->positive != NULL && t->label == NULL)
        return crm_error_set(ps->err, CRM_ECONFIG, "%s: [tree] positive: "
                             "only with label", ps->path);
    return CRM_OK;
}
