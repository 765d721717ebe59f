/* algorithms/dtree/dtree_rules.c — each leaf of a model as a readable rule,
 * written into a caller's buffer (no I/O).
 *
 * The writer counts every byte it would write and copies what fits, so one
 * pass gives both the text and the size a retry needs (snprintf's contract).
 * Names are borrowed for the call only. Pure functions: thread-safe. */
#include "algorithms/dtree/dtree.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer {
    char *buf;
    size_t cap, len; /* len counts what was wanted, not what fitted */
} writer;

static void put_n(writer *w, const char *s, size_t k)
{
    if (w->cap > 0 && w->len < w->cap - 1) {
        const size_t room = w->cap - 1 - w->len;
        memcpy(w->buf + w->len, s, k < room ? k : room);
    }
    w->len += k;
}

/* A NULL name prints as "?". */
static void put(writer *w, const char *s)
{
    if (!s)
        s = "?";
    put_n(w, s, strlen(s));
}

/* The shortest %g text that reads back as v. */
static void put_value(writer *w, double v)
{
    char t[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(t, sizeof t, "%.*g", p, v);
        if (strtod(t, NULL) == v)
            break;
    }
    put(w, t);
}

/* n with a comma every three digits: 1,204. */
static void put_count(writer *w, int64_t n)
{
    char t[32], out[48];
    snprintf(t, sizeof t, "%" PRId64, n);
    const size_t k = strlen(t), lead = t[0] == '-';
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        const size_t left = k - i;
        if (i > lead && left % 3 == 0)
            out[o++] = ',';
        out[o++] = t[i];
    }
    out[o] = '\0';
    put(w, out);
}

/* "f = a" or "f IN {a, b}" for the categories that go this way; returns
 * 0 when no category does (only missing values). */
static int put_categories(writer *w, const crm_dtree_model *m,
                          const crm_dtree_names *nm, const crm_dtree_node *p,
                          int left)
{
    const size_t f = (size_t)p->feature, nbj = m->nbins[f];
    size_t k = 0, first = 0;
    for (size_t c = 0; c < nbj; c++)
        if ((int)((p->cats[c >> 6] >> (c & 63)) & 1u) == left && k++ == 0)
            first = c;
    if (k == 0)
        return 0;
    put(w, nm->feature[f]);
    if (k == 1) {
        put(w, " = ");
        put(w, nm->category[f][first]);
        return 1;
    }
    put(w, " IN {");
    size_t done = 0;
    for (size_t c = 0; c < nbj; c++) {
        if ((int)((p->cats[c >> 6] >> (c & 63)) & 1u) != left)
            continue;
        put(w, done++ ? ", " : "");
        put(w, nm->category[f][c]);
    }
    put(w, "}");
    return 1;
}

/* The condition that sends a row from p to its left (left = 1) or right
 * child. */
static void put_condition(writer *w, const crm_dtree_model *m,
                          const crm_dtree_names *nm, const crm_dtree_node *p,
                          int left)
{
    const size_t f = (size_t)p->feature, nbj = m->nbins[f];
    const char *name = nm->feature[f];
    if (!p->categorical && (size_t)p->threshold + 1 >= nbj) {
        put(w, name); /* all values left, missing right */
        put(w, left ? " is not missing" : " is missing");
        return;
    }
    const int missing = p->missing_seen && left == (int)p->missing_left;
    writer probe = {.buf = NULL, .cap = 0, .len = 0};
    const int any = !p->categorical || put_categories(&probe, m, nm, p, left);
    if (missing && any)
        put(w, "(");
    if (p->categorical) {
        put_categories(w, m, nm, p, left);
    } else {
        put(w, name);
        put(w, left ? " <= " : " > ");
        put_value(w, nm->edges[f][p->threshold]);
    }
    if (missing) {
        put(w, any ? " OR " : "");
        put(w, name);
        put(w, any ? " is missing)" : " is missing");
    }
}

/* Names needed by the splits of m are all present. */
static int names_ok(const crm_dtree_model *m, const crm_dtree_names *nm)
{
    if (!nm || !nm->target || !nm->feature)
        return 0;
    for (size_t i = 0; i < m->nnodes; i++) {
        const int32_t f = m->nodes[i].feature;
        if (f < 0)
            continue;
        if ((size_t)f >= m->d || !nm->feature[f] ||
            (m->categorical[f] ? !nm->category || !nm->category[f]
                               : !nm->edges || !nm->edges[f]))
            return 0;
    }
    return 1;
}

/* The rule of leaf id into w; 0 when the path is too deep or broken. */
static int put_rule(writer *w, const crm_dtree_model *m,
                    const crm_dtree_names *nm, int32_t leaf)
{
    int32_t path[CRM_DTREE_MAX_DEPTH + 2];
    size_t k = 0;
    for (int32_t id = leaf; id >= 0; id = m->nodes[id].parent) {
        if (k == CRM_DTREE_MAX_DEPTH + 2 || (size_t)id >= m->nnodes)
            return 0;
        path[k++] = id;
    }
    put(w, "IF ");
    if (k == 1)
        put(w, "TRUE");
    for (size_t i = k - 1; i > 0; i--) {
        const crm_dtree_node *p = &m->nodes[path[i]];
        put(w, i + 1 < k ? " AND " : "");
        put_condition(w, m, nm, p, p->left == path[i - 1]);
    }
    const crm_dtree_node *nd = &m->nodes[leaf];
    char t[32];
    snprintf(t, sizeof t, " %.2f (n = ", nd->prob);
    put(w, " THEN ");
    put(w, nm->target);
    put(w, t);
    put_count(w, nd->count[0] + nd->count[1]);
    put(w, ")");
    return 1;
}

static crm_status finish(writer *w, size_t *len)
{
    if (w->cap > 0)
        w->buf[w->len < w->cap ? w->len : w->cap - 1] = '\0';
    *len = w->len;
    return w->len < w->cap || (!w->buf && w->cap == 0) ? CRM_OK : CRM_ERANGE;
}

crm_status crm_dtree_rule_text(const crm_dtree_model *m,
                               const crm_dtree_names *names, int32_t leaf,
                               char *buf, size_t cap, size_t *len)
{
    if (!m || !m->nodes || !len || (!buf && cap > 0) || leaf < 0 ||
        (size_t)leaf >= m->nnodes || m->nodes[leaf].left >= 0 ||
        !names_ok(m, names))
        return CRM_EINVAL;
    writer w = {.buf = buf, .cap = cap, .len = 0};
    if (!put_rule(&w, m, names, leaf))
        return CRM_EINVAL;
    return finish(&w, len);
}

crm_status crm_dtree_rules_text(const crm_dtree_model *m,
                                const crm_dtree_names *names, char *buf,
                                size_t cap, size_t *len)
{
    if (!m || !m->nodes || !len || (!buf && cap > 0) || !names_ok(m, names))
        return CRM_EINVAL;
    writer w = {.buf = buf, .cap = cap, .len = 0};
    for (size_t i = 0; i < m->nnodes; i++) {
        if (m->nodes[i].left >= 0)
            continue;
        if (!put_rule(&w, m, names, (int32_t)i))
            return CRM_EINVAL;
        put(&w, "\n");
    }
    return finish(&w, len);
}
