/* engine/kmeans_model.c — model.h5 for the [kmeans] stage. */
#define _POSIX_C_SOURCE 200809L
#include "engine/kmeans_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/comm.h"
#include "io/store.h"

static char *join(const crm_strlist *l)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->items[i]) + 1;
    char *s = calloc(len, 1);
    for (size_t i = 0; s != NULL && i < l->n; i++) {
        if (i > 0)
            strcat(s, ",");
        strcat(s, l->items[i]);
    }
    return s;
}

static crm_status split(const char *s, crm_strlist *out)
{
    *out = (crm_strlist){0};
    if (s[0] == '\0')
        return CRM_OK;
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    out->items = calloc(n, sizeof *out->items);
    if (out->items == NULL)
        return CRM_ENOMEM;
    for (const char *p = s;; p++) {
        const char *end = strchr(p, ',');
        const size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((out->items[out->n] = strndup(p, len)) == NULL)
            return CRM_ENOMEM;
        out->n++;
        if (end == NULL)
            return CRM_OK;
        p = end;
    }
}

static crm_status save_centres(const crm_kmeans_model *m, crm_store *st,
                               crm_error *err)
{
    const crm_comm self = crm_comm_self();
    crm_column *cols = calloc(m->d + 1, sizeof *cols);
    int32_t *cluster = calloc(m->k, sizeof *cluster);
    double *coords = calloc(m->k * m->d + 1, sizeof *coords);
    crm_status rc = (cols && cluster && coords) ? CRM_OK : CRM_ENOMEM;
    if (rc != CRM_OK)
        goto done;
    cols[0] = (crm_column){.name = "cluster", .type = CRM_TYPE_INT32,
                           .data = cluster};
    for (size_t c = 0; c < m->k; c++)
        cluster[c] = (int32_t)c;
    for (size_t j = 0; j < m->d; j++) {
        for (size_t c = 0; c < m->k; c++)
            coords[j * m->k + c] = (double)m->centres[c * m->d + j];
        cols[j + 1] = (crm_column){.name = m->names[j],
                                   .type = CRM_TYPE_FLOAT64,
                                   .data = coords + j * m->k};
    }
    const crm_table t = {.nrows = m->k, .ncols = m->d + 1, .cols = cols};
    rc = crm_store_write(st, "/kmeans_centres", &t, &self, 0, H5P_DEFAULT,
                         err);
done:
    free(coords);
    free(cluster);
    free(cols);
    return rc;
}

static crm_status save_scaling(const crm_kmeans_model *m, crm_store *st,
                               crm_error *err)
{
    const crm_comm self = crm_comm_self();
    int32_t *code = calloc(m->d + 1, sizeof *code);
    int32_t *flag = calloc(m->d + 1, sizeof *flag);
    if (code == NULL || flag == NULL) {
        free(code);
        free(flag);
        return CRM_ENOMEM;
    }
    for (size_t j = 0; j < m->d; j++) {
        code[j] = (int32_t)j;
        flag[j] = m->scaling->log1p[j];
    }
    const crm_column cols[] = {
        {.name = "feature", .type = CRM_TYPE_INT32, .data = code,
         .dict = (const char *const *)m->names, .ndict = m->d},
        {.name = "mean", .type = CRM_TYPE_FLOAT64, .data = m->scaling->mean},
        {.name = "scale", .type = CRM_TYPE_FLOAT64,
         .data = m->scaling->scale},
        {.name = "log1p", .type = CRM_TYPE_INT32, .data = flag},
    };
    const crm_table t = {.nrows = m->d, .ncols = 4, .cols = cols};
    const crm_status rc = crm_store_write(st, "/kmeans_scaling", &t, &self,
                                          0, H5P_DEFAULT, err);
    free(flag);
    free(code);
    return rc;
}

static crm_status save_attrs(const crm_kmeans_model *m, crm_store *st,
                             crm_error *err)
{
    const crm_strlist *lists[3] = {&m->features, &m->onehot, &m->log1p};
    static const char *const names[3] = {"features", "onehot", "log1p"};
    crm_status rc = CRM_OK;
    for (size_t i = 0; rc == CRM_OK && i < 3; i++) {
        char *text = join(lists[i]);
        rc = text == NULL ? CRM_ENOMEM
                          : crm_store_set_attr_text(st, "/kmeans_centres",
                                                    names[i], text, err);
        free(text);
    }
    char inertia[40];
    snprintf(inertia, sizeof inertia, "%.17g", m->inertia);
    if (rc == CRM_OK)
        rc = crm_store_set_attr_text(st, "/kmeans_centres", "inertia",
                                     inertia, err);
    return rc;
}

crm_status crm_kmeans_model_save(const crm_kmeans_model *model,
                                 crm_store *st, crm_error *err)
{
    crm_status rc = save_centres(model, st, err);
    if (rc == CRM_OK)
        rc = save_scaling(model, st, err);
    if (rc == CRM_OK)
        rc = save_attrs(model, st, err);
    return rc;
}

static crm_status model_alloc(size_t k, size_t d, crm_kmeans_model **out)
{
    crm_kmeans_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return CRM_ENOMEM;
    m->k = k;
    m->d = d;
    m->centres = calloc(k * d + 1, sizeof *m->centres);
    m->names = calloc(d + 1, sizeof *m->names);
    m->scaling = calloc(1, sizeof *m->scaling);
    if (m->scaling != NULL) {
        m->scaling->d = d;
        m->scaling->log1p = calloc(d + 1, sizeof *m->scaling->log1p);
        m->scaling->mean = calloc(d + 1, sizeof *m->scaling->mean);
        m->scaling->scale = calloc(d + 1, sizeof *m->scaling->scale);
        m->scaling->count = calloc(d + 1, sizeof *m->scaling->count);
    }
    if (!m->centres || !m->names || !m->scaling || !m->scaling->log1p ||
        !m->scaling->mean || !m->scaling->scale || !m->scaling->count) {
        crm_kmeans_model_free(m);
        return CRM_ENOMEM;
    }
    *out = m;
    return CRM_OK;
}

/* Fills names, scaling and centres from the two tables. */
static crm_status fill(crm_kmeans_model *m, const crm_table *cen,
                       const crm_table *sca, const char *path,
                       crm_error *err)
{
    const crm_column *feat = crm_table_find(sca, "feature");
    const crm_column *mean = crm_table_find(sca, "mean");
    const crm_column *scale = crm_table_find(sca, "scale");
    const crm_column *flag = crm_table_find(sca, "log1p");
    if (!feat || !mean || !scale || !flag || feat->dict == NULL)
        return crm_error_set(err, CRM_EFORMAT, "%s: /kmeans_scaling lacks "
                             "feature, mean, scale or log1p", path);
    for (size_t j = 0; j < m->d; j++) {
        const char *name = crm_column_dict_text(feat, crm_column_get_i64(feat,
                                                                         j));
        const crm_column *c = name ? crm_table_find(cen, name) : NULL;
        if (c == NULL || c->type != CRM_TYPE_FLOAT64)
            return crm_error_set(err, CRM_EFORMAT, "%s: feature %zu has no "
                                 "float64 centre column", path, j);
        if ((m->names[j] = strdup(name)) == NULL)
            return CRM_ENOMEM;
        m->scaling->mean[j] = crm_column_get_f64(mean, j);
        m->scaling->scale[j] = crm_column_get_f64(scale, j);
        m->scaling->log1p[j] = (int)crm_column_get_i64(flag, j);
        for (size_t c2 = 0; c2 < m->k; c2++)
            m->centres[c2 * m->d + j] = (float)crm_column_get_f64(c, c2);
    }
    return CRM_OK;
}

static crm_status load_attrs(crm_kmeans_model *m, crm_store *st,
                             crm_error *err)
{
    crm_strlist *lists[3] = {&m->features, &m->onehot, &m->log1p};
    static const char *const names[3] = {"features", "onehot", "log1p"};
    crm_status rc = CRM_OK;
    for (size_t i = 0; rc == CRM_OK && i < 3; i++) {
        char *text = NULL;
        rc = crm_store_get_attr_text(st, "/kmeans_centres", names[i], &text,
                                     err);
        if (rc == CRM_OK)
            rc = split(text, lists[i]);
        free(text);
    }
    char *inertia = NULL;
    if (rc == CRM_OK &&
        (rc = crm_store_get_attr_text(st, "/kmeans_centres", "inertia",
                                      &inertia, err)) == CRM_OK)
        m->inertia = strtod(inertia, NULL);
    free(inertia);
    return rc;
}

crm_status crm_kmeans_model_load(const char *path, crm_kmeans_model **out,
                                 crm_error *err)
{
    crm_store *st = NULL;
    crm_frame *cen = NULL, *sca = NULL;
    crm_kmeans_model *m = NULL;
    crm_status rc = crm_store_open(path, H5P_DEFAULT, 0, &st, err);
    if (rc == CRM_OK && (!crm_store_has_table(st, "/kmeans_centres") ||
                         !crm_store_has_table(st, "/kmeans_scaling")))
        rc = crm_error_set(err, CRM_EFORMAT, "%s: not a k-means model (no "
                           "/kmeans_centres and /kmeans_scaling)", path);
    crm_table_info *ci = NULL, *si = NULL;
    if (rc == CRM_OK)
        rc = crm_store_table_info(st, "/kmeans_centres", &ci, err);
    if (rc == CRM_OK)
        rc = crm_store_table_info(st, "/kmeans_scaling", &si, err);
    if (rc == CRM_OK)
        rc = crm_store_read(st, "/kmeans_centres", NULL, 0, 0, ci->nrows,
                            H5P_DEFAULT, &cen, err);
    if (rc == CRM_OK)
        rc = crm_store_read(st, "/kmeans_scaling", NULL, 0, 0, si->nrows,
                            H5P_DEFAULT, &sca, err);
    if (rc == CRM_OK)
        rc = model_alloc((size_t)ci->nrows, (size_t)si->nrows, &m);
    if (rc == CRM_OK)
        rc = fill(m, crm_frame_table(cen), crm_frame_table(sca), path, err);
    if (rc == CRM_OK)
        rc = load_attrs(m, st, err);
    crm_table_info_free(si);
    crm_table_info_free(ci);
    crm_frame_free(sca);
    crm_frame_free(cen);
    crm_store_close(st);
    if (rc == CRM_OK)
        *out = m;
    else
        crm_kmeans_model_free(m);
    return rc;
}

void crm_kmeans_model_free(crm_kmeans_model *m)
{
    if (m == NULL)
        return;
    crm_strlist_free(&m->log1p);
    crm_strlist_free(&m->onehot);
    crm_strlist_free(&m->features);
    crm_scaling_free(m->scaling);
    for (size_t j = 0; m->names != NULL && j < m->d; j++)
        free(m->names[j]);
    free(m->names);
    free(m->centres);
    free(m);
}
