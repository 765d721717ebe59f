/* engine/tree_data.c — the [tree] stage's inputs: features, label, roles.
 *
 * A customer's role comes from its id alone: key = rng(seed, hash of the id
 * text as scores.csv prints it), test when key's top 53 bits as a fraction
 * are below test_fraction. So the split is the same at any rank count and
 * for any order of the customers in the store. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rng.h"
#include "io/datetime.h"
#include "engine/tree_int.h"

#define STREAM_SPLIT UINT64_C(0x7472656573706c74) /* "treesplt" */

crm_status crm_tree_find_column(crm_run *run, const char *key,
                              const char *name, crm_frame **frame,
                              const crm_column **out, crm_error *err)
{
    if ((*out = crm_run_score(run, name)) != NULL)
        return CRM_OK;
    crm_table_info *info = NULL;
    crm_status rc = crm_store_table_info(run->store, "/customers", &info,
                                         err);
    size_t c = 0;
    while (rc == CRM_OK && c < info->ncols &&
           strcmp(info->cols[c].name, name) != 0)
        c++;
    if (rc == CRM_OK && (c == info->ncols || strcmp(name, "customer_id") == 0))
        rc = crm_error_set(err, CRM_ECONFIG, "%s: [tree] %s: unknown column "
                           "\"%s\" (not a /customers column nor a column of "
                           "an earlier stage)", run->job->path, key, name);
    crm_table_info_free(info);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    const char *names[1] = {name};
    rc = crm_store_read(run->store, "/customers", names, 1, run->row0,
                        run->row1 - run->row0, run->dxpl, frame, err);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        return rc;
    *out = crm_table_find(crm_frame_table(*frame), name);
    return CRM_OK;
}

void crm_tree_customer_text(const crm_run *run, size_t i, char *buf,
                            size_t cap)
{
    const crm_column *id =
        crm_table_find(crm_frame_table(run->ids), "customer_id");
    const char *text = id->dict != NULL
                           ? crm_column_dict_text(id, crm_column_get_i64(id, i))
                           : NULL;
    if (text != NULL)
        snprintf(buf, cap, "%s", text);
    else
        snprintf(buf, cap, "%" PRId64, crm_column_get_i64(id, i));
}

static crm_status copy_cats(const crm_column *c, crm_tree_data *d, size_t j)
{
    d->ncat[j] = c->ndict;
    d->cats[j] = calloc(c->ndict + 1, sizeof *d->cats[j]);
    d->code[j] = malloc((d->n + 1) * sizeof *d->code[j]);
    if (d->cats[j] == NULL || d->code[j] == NULL)
        return CRM_ENOMEM;
    for (size_t k = 0; k < c->ndict; k++)
        if ((d->cats[j][k] = strdup(c->dict[k])) == NULL)
            return CRM_ENOMEM;
    for (size_t i = 0; i < d->n; i++)
        d->code[j][i] = crm_column_is_missing(c, i)
                            ? -1
                            : (int32_t)crm_column_get_i64(c, i);
    return CRM_OK;
}

/* Feature j from column c: categorical when c has a dictionary. */
static crm_status add_feature(const crm_run *run, const crm_column *c,
                              crm_tree_data *d, size_t j, crm_error *err)
{
    if ((d->names[j] = strdup(c->name)) == NULL)
        return CRM_ENOMEM;
    if (c->dict_by_row || c->dict_sliced)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] features: \"%s\" "
                             "holds one text per customer (an id?), not a "
                             "feature", run->job->path, c->name);
    if (c->dict != NULL && c->ndict > CRM_DTREE_MAX_BINS)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] features: \"%s\" "
                             "has %zu categories, at most %d (fold rare "
                             "ones into one before importing)",
                             run->job->path, c->name, c->ndict,
                             CRM_DTREE_MAX_BINS);
    if (c->dict != NULL)
        return copy_cats(c, d, j);
    if ((d->num[j] = malloc((d->n + 1) * sizeof *d->num[j])) == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < d->n; i++)
        d->num[j][i] = crm_column_get_f64(c, i);
    return CRM_OK;
}

static crm_status data_alloc(size_t n, size_t dim, crm_tree_data **out)
{
    crm_tree_data *d = calloc(1, sizeof *d);
    if (d == NULL)
        return CRM_ENOMEM;
    d->n = n;
    d->d = dim;
    d->names = calloc(dim + 1, sizeof *d->names);
    d->num = calloc(dim + 1, sizeof *d->num);
    d->code = calloc(dim + 1, sizeof *d->code);
    d->cats = calloc(dim + 1, sizeof *d->cats);
    d->ncat = calloc(dim + 1, sizeof *d->ncat);
    d->label = calloc(n + 1, 1);
    d->role = calloc(n + 1, 1);
    d->key = calloc(n + 1, sizeof *d->key);
    *out = d;
    if (!d->names || !d->num || !d->code || !d->cats || !d->ncat ||
        !d->label || !d->role || !d->key)
        return CRM_ENOMEM;
    return CRM_OK;
}

/* Decimal text of v into the end of buf[24]; returns its start. The
 * same text as "%" PRId64, a tenth of the time (10M ids a night). */
static const char *decimal(int64_t v, char buf[24])
{
    char *p = buf + 23;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    *p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

static void fill_keys(const crm_run *run, crm_tree_data *d)
{
    const crm_column *id =
        crm_table_find(crm_frame_table(run->ids), "customer_id");
    char text[256], digits[24];
    for (size_t i = 0; i < d->n; i++) {
        const char *s = text;
        if (id->dict == NULL)
            s = decimal(crm_column_get_i64(id, i), digits);
        else
            crm_tree_customer_text(run, i, text, sizeof text);
        d->key[i] = crm_rng_u64(run->job->seed, STREAM_SPLIT,
                                crm_rng_hash_bytes(s, strlen(s)));
    }
}

crm_status crm_tree_data_gather(crm_run *run, char *const *names,
                                size_t nnames, crm_tree_data **out,
                                crm_error *err)
{
    crm_tree_data *d = NULL;
    crm_status rc = data_alloc(crm_run_nlocal(run), nnames, &d);
    if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
        goto done;
    for (size_t j = 0; j < nnames; j++) {
        crm_frame *frame = NULL;
        const crm_column *c = NULL;
        if ((rc = crm_tree_find_column(run, "features", names[j], &frame, &c, err)) !=
            CRM_OK)
            goto done;
        rc = add_feature(run, c, d, j, err);
        crm_frame_free(frame);
        if ((rc = crm_mpi_agree(run->mpi, rc, err)) != CRM_OK)
            goto done;
    }
    fill_keys(run, d);
done:
    if (rc == CRM_OK)
        *out = d;
    else
        crm_tree_data_free(d);
    return rc;
}

void crm_tree_data_drop_values(crm_tree_data *d)
{
    for (size_t j = 0; j < d->d; j++) {
        free(d->num[j]);
        free(d->code[j]);
        d->num[j] = NULL;
        d->code[j] = NULL;
    }
}

void crm_tree_data_free(crm_tree_data *d)
{
    if (d == NULL)
        return;
    for (size_t j = 0; j < d->d; j++) {
        for (size_t k = 0; d->cats != NULL && d->cats[j] != NULL &&
                           k < d->ncat[j];
             k++)
            free(d->cats[j][k]);
        if (d->cats != NULL)
            free(d->cats[j]);
        if (d->num != NULL)
            free(d->num[j]);
        if (d->code != NULL)
            free(d->code[j]);
        if (d->names != NULL)
            free(d->names[j]);
    }
    free(d->names);
    free(d->num);
    free(d->code);
    free(d->cats);
    free(d->ncat);
    free(d->label);
    free(d->role);
    free(d->key);
    free(d);
}

/* ---- the label ---------------------------------------------------------- */

/* 1 / 0 for the usual spellings of churned / stayed, -1 otherwise. */
static int truth(const char *s)
{
    static const char *const yes[] = {"yes", "y", "true", "t", "1", "1.0"};
    static const char *const no[] = {"no", "n", "false", "f", "0", "0.0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* class[k] = the class of category k of a dictionary label. */
static crm_status category_classes(const crm_run *run, const crm_column *c,
                                   int *cls, crm_error *err)
{
    const char *pos = run->job->tree.positive;
    size_t k = 0;
    while (pos != NULL && k < c->ndict && strcmp(c->dict[k], pos) != 0)
        k++;
    if (pos != NULL && k == c->ndict)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] positive: \"%s\" "
                             "is not a value of label %s", run->job->path,
                             pos, c->name);
    for (k = 0; k < c->ndict; k++) {
        cls[k] = pos != NULL ? strcmp(c->dict[k], pos) == 0
                             : truth(c->dict[k]);
        if (cls[k] < 0 || (pos != NULL && c->ndict > 2))
            return crm_error_set(err, CRM_ECONFIG, "%s: [tree] label %s: "
                                 "expected two classes (yes/no, true/false, "
                                 "1/0, or positive = the churn value), "
                                 "found %zu categories including \"%s\"",
                                 run->job->path, c->name, c->ndict,
                                 c->dict[k]);
    }
    return CRM_OK;
}

/* label[i] from column c; role UNLABELLED where it is missing. */
static crm_status label_from_column(const crm_run *run, const crm_column *c,
                                    crm_tree_data *d, crm_error *err)
{
    int cls[CRM_DTREE_MAX_BINS + 1];
    if (c->dict != NULL && c->ndict > CRM_DTREE_MAX_BINS)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] label %s: "
                             "expected two classes, found %zu categories",
                             run->job->path, c->name, c->ndict);
    crm_status rc = c->dict != NULL ? category_classes(run, c, cls, err)
                                    : CRM_OK;
    for (size_t i = 0; rc == CRM_OK && i < d->n; i++) {
        if (crm_column_is_missing(c, i)) {
            d->role[i] = CRM_TREE_UNLABELLED;
            continue;
        }
        const double v = crm_column_get_f64(c, i);
        const int y = c->dict != NULL ? cls[(size_t)v] : v == 1 ? 1
                                                       : v == 0 ? 0
                                                                : -1;
        if (y < 0) {
            char id[256];
            crm_tree_customer_text(run, i, id, sizeof id);
            rc = crm_error_set(err, CRM_ECONFIG, "%s: [tree] label %s: "
                               "customer %s (row %" PRId64 ") has %g, "
                               "expected 0 or 1", run->job->path, c->name,
                               id, run->row0 + (int64_t)i, v);
        }
        d->label[i] = (uint8_t)(y > 0);
    }
    return rc;
}

static int64_t day_of(int64_t seconds)
{
    return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

/* churn_days: a customer who bought on or before the cut-off is labelled
 * 1 when it bought nothing in the churn_days after it; the others are
 * unlabelled (not yet customers then). The window must lie inside the
 * data. Collective. */
static crm_status label_from_days(crm_run *run, crm_tree_data *d, cJSON *js,
                                  crm_error *err)
{
    const crm_job_tree *cfg = &run->job->tree;
    static const char *const need[] = {"time"};
    crm_tx_view tv;
    crm_status rc = crm_run_read_tx(run, "tree", need, 1, NULL, 0, &tv, err);
    if (rc != CRM_OK)
        return rc;
    const crm_column *time = crm_table_find(&tv.t, "time");
    int64_t last = INT64_MIN;
    for (size_t r = 0; r < tv.t.nrows; r++) {
        const int64_t day = day_of(crm_column_get_i64(time, r));
        last = day > last ? day : last;
    }
    if ((rc = run->comm->allreduce_i64(run->comm, &last, 1, CRM_OP_MAX)) !=
        CRM_OK)
        return rc;
    const int64_t cut = cfg->has_as_of ? cfg->as_of_day
                                       : last - cfg->churn_days;
    if (last == INT64_MIN || cut + cfg->churn_days > last)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] churn_days = %d: "
                             "the churn window after the cut-off ends after "
                             "the last transaction; set as_of at least %d "
                             "days before it", run->job->path,
                             cfg->churn_days, cfg->churn_days);
    for (size_t i = 0; i < d->n; i++) {
        int before = 0, inside = 0;
        for (int64_t r = run->tx_offset[i]; r < run->tx_offset[i + 1]; r++) {
            const int64_t day = day_of(crm_column_get_i64(time, (size_t)r));
            before |= day <= cut;
            inside |= day > cut && day <= cut + cfg->churn_days;
        }
        d->label[i] = (uint8_t)(before && !inside);
        d->role[i] = before ? CRM_TREE_TRAIN : CRM_TREE_UNLABELLED;
    }
    char date[32];
    crm_date_format(cut * 86400, date);
    cJSON_AddStringToObject(js, "cutoff", date);
    cJSON_AddNumberToObject(js, "churn_days", cfg->churn_days);
    return CRM_OK;
}

/* Role of every labelled row from its key; counts over all ranks. */
static crm_status assign_roles(crm_run *run, crm_tree_data *d,
                               double test_fraction)
{
    int64_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < d->n; i++) {
        if (d->role[i] != CRM_TREE_UNLABELLED)
            d->role[i] = (double)(d->key[i] >> 11) * 0x1p-53 < test_fraction
                             ? CRM_TREE_TEST
                             : CRM_TREE_TRAIN;
        count[d->role[i]]++;
    }
    const crm_status rc = run->comm->allreduce_i64(run->comm, count, 3,
                                                   CRM_OP_SUM);
    memcpy(d->count, count, sizeof count);
    return rc;
}

/* Both classes among the training rows, else the model is meaningless. */
static crm_status check_classes(crm_run *run, const crm_tree_data *d,
                                const char *name, cJSON *js, crm_error *err)
{
    int64_t pos[2] = {0, 0};
    for (size_t i = 0; i < d->n; i++)
        if (d->role[i] == CRM_TREE_TRAIN)
            pos[d->label[i]]++;
    crm_status rc = run->comm->allreduce_i64(run->comm, pos, 2, CRM_OP_SUM);
    if (rc != CRM_OK)
        return rc;
    cJSON_AddNumberToObject(js, "train_positives", (double)pos[1]);
    if (d->count[CRM_TREE_TRAIN] == 0)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] label %s: no "
                             "customer to train on (every label missing, or "
                             "test_fraction too large)", run->job->path,
                             name);
    if (pos[0] == 0 || pos[1] == 0)
        return crm_error_set(err, CRM_ECONFIG, "%s: [tree] label %s: every "
                             "training customer has label %d; a churn model "
                             "needs both classes", run->job->path, name,
                             pos[1] > 0);
    return CRM_OK;
}

crm_status crm_tree_data_label(crm_run *run, crm_tree_data *d,
                               double test_fraction, cJSON *js,
                               crm_error *err)
{
    const crm_job_tree *cfg = &run->job->tree;
    crm_frame *frame = NULL;
    const crm_column *c = NULL;
    crm_status rc = CRM_OK;
    const char *name = cfg->label != NULL ? cfg->label : "churn";
    if (cfg->label != NULL) {
        if ((rc = crm_tree_find_column(run, "label", cfg->label, &frame, &c, err)) ==
            CRM_OK)
            rc = crm_mpi_agree(run->mpi, label_from_column(run, c, d, err),
                               err);
    } else {
        rc = crm_mpi_agree(run->mpi, label_from_days(run, d, js, err), err);
    }
    crm_frame_free(frame);
    if (rc == CRM_OK)
        rc = assign_roles(run, d, test_fraction);
    d->has_label = rc == CRM_OK;
    cJSON_AddStringToObject(js, "label", name);
    cJSON_AddNumberToObject(js, "train_rows", (double)d->count[0]);
    cJSON_AddNumberToObject(js, "test_rows", (double)d->count[1]);
    cJSON_AddNumberToObject(js, "unlabelled", (double)d->count[2]);
    if (rc == CRM_OK && test_fraction < 1.0)
        rc = check_classes(run, d, name, js, err);
    return crm_mpi_agree(run->mpi, rc, err);
}
