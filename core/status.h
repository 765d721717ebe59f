/* core/status.h — the one vocabulary of failure shared by every folder.
 *
 * crm_status is generated from the X-macro list CRM_STATUS_MAP, so the enum and
 * the message table cannot drift apart. CRM_OK is 0; every error is positive, so
 * engine can agree on a status across ranks with a MAX reduction. Functions that
 * can fail return crm_status and leave their out-parameters untouched on failure.
 * Detailed context (file, row, column) travels in a crm_error filled by the callee. */
#ifndef CRM_STATUS_H
#define CRM_STATUS_H

#include <stddef.h>

#define CRM_STATUS_MAP(X)                                              \
    X(CRM_OK, "success")                                               \
    X(CRM_EINVAL, "invalid argument")                                  \
    X(CRM_ENOMEM, "out of memory")                                     \
    X(CRM_EIO, "input/output error")                                   \
    X(CRM_EPARSE, "malformed input")                                   \
    X(CRM_ENOTFOUND, "not found")                                      \
    X(CRM_EDUP, "duplicate key")                                       \
    X(CRM_EEMPTY, "no data")                                           \
    X(CRM_ERANGE, "value out of range")                                \
    X(CRM_EHDF5, "HDF5 error")                                         \
    X(CRM_EMPI, "MPI error")                                           \
    X(CRM_ECONFIG, "invalid job configuration")                        \
    X(CRM_EFORMAT, "unsupported or corrupt store format")

typedef enum crm_status {
#define CRM_STATUS_ENUM(code, msg) code,
    CRM_STATUS_MAP(CRM_STATUS_ENUM)
#undef CRM_STATUS_ENUM
    CRM_STATUS_COUNT
} crm_status;

/* A short English message for status; never NULL, also for unknown values. */
const char *crm_strerror(crm_status status);

/* Context for a failure: one line naming file, row, column and what was
 * expected. Callees fill it with crm_error_set; callers print msg. */
#define CRM_ERROR_LEN 512
typedef struct crm_error {
    char msg[CRM_ERROR_LEN]; /* NUL-terminated, empty when nothing was set */
} crm_error;

/* Formats a message into err (when err is not NULL) and returns status, so a
 * callee can write `return crm_error_set(err, CRM_EPARSE, "...", ...);`.
 * An earlier message is kept: the first failure is the one worth reporting. */
crm_status crm_error_set(crm_error *err, crm_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Empties err (NULL is accepted). */
void crm_error_clear(crm_error *err);

#endif
