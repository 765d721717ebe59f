/* algorithms/dtree/dtree_rules.c — each leaf of a model as a readable rule,
 * written into a caller's buffer (no I/O).
 *
 * A rule is its path simplified: the splits on one feature are intersected
 * into one condition (an interval of value codes or a set of categories,
 * plus whether missing values still reach the leaf), listed in the order of
 * the feature's first split from the root. At most CRM_DTREE_MAX_DEPTH + 1
 * splits, so the conditions live on the stack.
 *
 * The writer counts every byte it would write and copies what fits, so one
 * pass gives both the text and the size a retry needs (snprintf's contract).
 * Names are borrowed for the call only. Pure functions: thread-safe. */
#include "algorithms/dtree/dtree.h"

#include <assert.h>
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
/* The shortest %g text that reads back as v: 100, not 1e+02 (which also
 * reads back, at a lower precision). */
static void put_value(writer *w, double v)
{
    char t[40], best[40] = "";
    for (int p = 1; p <= 17; p++) {
        snprintf(t, sizeof t, "%.*g", p, v);
        if (strtod(t, NULL) == v && (best[0] == '\0' || strlen(t) < strlen(best)))
            memcpy(best, t, sizeof t);
    }
    put(w, best);
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

/* The condition one feature puts on a leaf: the AND of every split on it
 * along the root-to-leaf path. Value codes lo..hi (numeric) or the set cats
 * (categorical) reach the leaf; a missing value does only when every split
 * sent it the leaf's way. */
typedef struct cond {
    int32_t feature;
    uint8_t categorical;
    uint8_t missing_ok;   /* every split sends missing toward the leaf */
    uint8_t missing_seen; /* some split had missing rows in training */
    int lo, hi;           /* numeric: value codes lo..hi */
    uint64_t cats[4];     /* categorical: bit c for category c */
} cond;

static int has_cat(const uint64_t *cats, size_t c)
{
    return (int)((cats[c >> 6] >> (c & 63)) & 1u);
}

/* Narrows c by the branch of split p towards the leaf (left = 1: left). */
static void narrow(cond *c, const crm_dtree_node *p, int left)
{
    c->missing_ok = c->missing_ok && (p->missing_left != 0) == left;
    c->missing_seen = c->missing_seen || p->missing_seen;
    if (c->categorical) {
        for (size_t k = 0; k < 4; k++)
            c->cats[k] &= left ? p->cats[k] : ~p->cats[k];
    } else if (left) {
        c->hi = p->threshold < c->hi ? p->threshold : c->hi;
    } else {
        c->lo = p->threshold + 1 > c->lo ? p->threshold + 1 : c->lo;
    }
}

/* The conditions of a path (path[k-1] the root, path[0] the leaf), one per
 * feature in the order of its first split; returns their number. */
static size_t gather(const crm_dtree_model *m, const int32_t *path, size_t k,
                     cond *c)
{
    size_t nc = 0;
    for (size_t i = k - 1; i > 0; i--) {
        const crm_dtree_node *p = &m->nodes[path[i]];
        size_t j = 0;
        while (j < nc && c[j].feature != p->feature)
            j++;
        if (j == nc)
            c[nc++] = (cond){.feature = p->feature,
                             .categorical = p->categorical,
                             .missing_ok = 1,
                             .hi = m->nbins[p->feature] - 1,
                             .cats = {~0ull, ~0ull, ~0ull, ~0ull}};
        narrow(&c[j], p, p->left == path[i - 1]);
    }
    return nc;
}

/* Number of real categories (0..nbins-1) of c, the first in *first. */
static size_t count_cats(const cond *c, size_t nbj, size_t *first)
{
    size_t k = 0;
    for (size_t v = nbj; v-- > 0;)
        if (has_cat(c->cats, v)) {
            *first = v;
            k++;
        }
    return k;
}

/* "f = a" or "f IN {a, b}"; c holds at least one real category. */
static void put_categories(writer *w, const crm_dtree_names *nm,
                           const cond *c, size_t nbj)
{
    const size_t f = (size_t)c->feature;
    size_t first = 0;
    const size_t k = count_cats(c, nbj, &first);
    assert(k > 0);
    put(w, nm->feature[f]);
    if (k == 1) {
        put(w, " = ");
        put(w, nm->category[f][first]);
        return;
    }
    put(w, " IN {");
    for (size_t v = first; v < nbj; v++) {
        if (!has_cat(c->cats, v))
            continue;
        put(w, v > first ? ", " : "");
        put(w, nm->category[f][v]);
    }
    put(w, "}");
}

/* "f <= b", "f > a", "a < f <= b", or "f is not missing" when every value
 * code passes; c holds at least one value code. */
static void put_interval(writer *w, const crm_dtree_names *nm, const cond *c,
                         size_t nbj)
{
    const size_t f = (size_t)c->feature;
    const int low = c->lo > 0, high = c->hi < (int)nbj - 1;
    assert(c->lo <= c->hi);
    if (low && high) {
        put_value(w, nm->edges[f][c->lo - 1]);
        put(w, " < ");
    }
    put(w, nm->feature[f]);
    if (!low && !high) {
        put(w, " is not missing");
    } else if (high) {
        put(w, " <= ");
        put_value(w, nm->edges[f][c->hi]);
    } else {
        put(w, " > ");
        put_value(w, nm->edges[f][c->lo - 1]);
    }
}

/* The condition c, with "(... OR f is missing)" when missing values reach
 * the leaf and a split on the way saw them in training. With no value left:
 * "f is missing" when missing values reach the leaf, else "f IN {}". */
static void put_condition(writer *w, const crm_dtree_model *m,
                          const crm_dtree_names *nm, const cond *c)
{
    const size_t f = (size_t)c->feature, nbj = m->nbins[f];
    size_t first = 0;
    const int any = c->categorical ? count_cats(c, nbj, &first) > 0
                                   : c->lo <= c->hi;
    const int missing = c->missing_ok && c->missing_seen;
    if (!any) {
        put(w, nm->feature[f]);
        put(w, c->missing_ok ? " is missing" : " IN {}");
        return;
    }
    put(w, missing ? "(" : "");
    if (c->categorical)
        put_categories(w, nm, c, nbj);
    else
        put_interval(w, nm, c, nbj);
    if (missing) {
        put(w, " OR ");
        put(w, nm->feature[f]);
        put(w, " is missing)");
    }
}

/* Names needed by the splits of m are all present, and each split is of
 * its feature's kind (the conditions of a feature are combined). */
static int names_ok(const crm_dtree_model *m, const crm_dtree_names *nm)
{
    if (!nm || !nm->target || !nm->feature)
        return 0;
    for (size_t i = 0; i < m->nnodes; i++) {
        const int32_t f = m->nodes[i].feature;
        if (f < 0)
            continue;
        if ((size_t)f >= m->d || !nm->feature[f] ||
            (m->nodes[i].categorical != 0) != (m->categorical[f] != 0) ||
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
        if (k == CRM_DTREE_MAX_DEPTH + 2 || (size_t)id >= m->nnodes ||
            (k > 0 && m->nodes[id].feature < 0))
            return 0;
        path[k++] = id;
    }
    cond c[CRM_DTREE_MAX_DEPTH + 1];
    const size_t nc = gather(m, path, k, c);
    put(w, "IF ");
    if (nc == 0)
        put(w, "TRUE");
    for (size_t i = 0; i < nc; i++) {
        put(w, i > 0 ? " AND " : "");
        put_condition(w, m, nm, &c[i]);
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
