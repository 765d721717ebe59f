/* io/import_pool.c — string interning for dictionary columns.
 *
 * Strings live back to back in one arena, each NUL-terminated; an entry is
 * (offset, length, hash) and its index is the string's id, so ids are dense
 * and in first-seen order. Lookup is an open-addressing table of ids sized to
 * a power of two and kept at most half full; the hash is 64-bit FNV-1a. The
 * dictionary of a pool sorts the ids by their bytes (memcmp, then length), the
 * order docs/FORMAT.md promises for every dictionary. */
#include "io/import_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    size_t off;
    size_t len;
    uint64_t hash;
} entry;

struct crm_imp_pool {
    char *arena;
    size_t nbytes, cap_bytes;
    entry *entries;
    size_t n, cap_entries;
    int32_t *slots; /* -1 empty, else an id */
    size_t nslots;  /* power of two */
};

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static crm_status rehash(crm_imp_pool *p, size_t nslots)
{
    int32_t *slots = malloc(nslots * sizeof *slots);
    if (slots == NULL)
        return CRM_ENOMEM;
    for (size_t i = 0; i < nslots; i++)
        slots[i] = -1;
    for (size_t id = 0; id < p->n; id++) {
        size_t k = (size_t)p->entries[id].hash & (nslots - 1);
        while (slots[k] >= 0)
            k = (k + 1) & (nslots - 1);
        slots[k] = (int32_t)id;
    }
    free(p->slots);
    p->slots = slots;
    p->nslots = nslots;
    return CRM_OK;
}

crm_status crm_imp_pool_create(crm_imp_pool **out)
{
    crm_imp_pool *p = calloc(1, sizeof *p);
    if (p == NULL || rehash(p, 1024) != CRM_OK) {
        crm_imp_pool_destroy(p);
        return CRM_ENOMEM;
    }
    *out = p;
    return CRM_OK;
}

void crm_imp_pool_destroy(crm_imp_pool *p)
{
    if (p == NULL)
        return;
    free(p->slots);
    free(p->entries);
    free(p->arena);
    free(p);
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / size)
        return -1;
    void *q = realloc(*buf, n * size);
    if (q == NULL)
        return -1;
    *buf = q;
    *cap = n;
    return 0;
}

static crm_status add(crm_imp_pool *p, crm_text t, uint64_t h, size_t slot)
{
    if (p->n >= (size_t)INT32_MAX)
        return CRM_ERANGE;
    if (grow((void **)&p->arena, &p->cap_bytes, p->nbytes + t.n + 1, 1) ||
        grow((void **)&p->entries, &p->cap_entries, p->n + 1, sizeof(entry)))
        return CRM_ENOMEM;
    if (t.n > 0)
        memcpy(p->arena + p->nbytes, t.s, t.n);
    p->arena[p->nbytes + t.n] = '\0';
    p->entries[p->n] = (entry){p->nbytes, t.n, h};
    p->nbytes += t.n + 1;
    p->slots[slot] = (int32_t)p->n;
    p->n++;
    if (2 * p->n > p->nslots)
        return rehash(p, 2 * p->nslots);
    return CRM_OK;
}

crm_status crm_imp_pool_intern(crm_imp_pool *p, crm_text t, int32_t *id)
{
    const uint64_t h = fnv1a(t.s, t.n);
    size_t k = (size_t)h & (p->nslots - 1);
    for (; p->slots[k] >= 0; k = (k + 1) & (p->nslots - 1)) {
        const entry *e = &p->entries[p->slots[k]];
        if (e->hash == h && e->len == t.n &&
            memcmp(p->arena + e->off, t.s, t.n) == 0) {
            *id = p->slots[k];
            return CRM_OK;
        }
    }
    const int32_t fresh = (int32_t)p->n;
    const crm_status rc = add(p, t, h, k);
    if (rc == CRM_OK)
        *id = fresh;
    return rc;
}

size_t crm_imp_pool_count(const crm_imp_pool *p)
{
    return p->n;
}

crm_text crm_imp_pool_text(const crm_imp_pool *p, int32_t id)
{
    const entry *e = &p->entries[id];
    return (crm_text){p->arena + e->off, e->len};
}

/* qsort has no context argument, so the sort works on (text, id) pairs. */
typedef struct keyed {
    crm_text t;
    int32_t id;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const crm_text x = ((const keyed *)a)->t, y = ((const keyed *)b)->t;
    const int c = memcmp(x.s, y.s, x.n < y.n ? x.n : y.n);
    if (c != 0)
        return c;
    return (x.n > y.n) - (x.n < y.n);
}

crm_status crm_imp_pool_dict(const crm_imp_pool *p, int32_t skip,
                             int32_t **code, const char ***dict, size_t *ndict)
{
    const size_t n = p->n;
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    int32_t *c = malloc((n ? n : 1) * sizeof *c);
    const char **d = malloc((n ? n : 1) * sizeof *d);
    if (k == NULL || c == NULL || d == NULL) {
        free(k);
        free(c);
        free(d);
        return CRM_ENOMEM;
    }
    size_t m = 0;
    for (size_t id = 0; id < n; id++) {
        c[id] = -1;
        if ((int32_t)id != skip)
            k[m++] = (keyed){crm_imp_pool_text(p, (int32_t)id), (int32_t)id};
    }
    qsort(k, m, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < m; i++) {
        c[k[i].id] = (int32_t)i;
        d[i] = k[i].t.s;
    }
    free(k);
    *code = c;
    *dict = d;
    *ndict = m;
    return CRM_OK;
}
