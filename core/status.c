/* core/status.c — message table and error context for crm_status. */
#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const messages[] = {
#define CRM_STATUS_MSG(code, msg) msg,
    CRM_STATUS_MAP(CRM_STATUS_MSG)
#undef CRM_STATUS_MSG
};

const char *crm_strerror(crm_status status)
{
    if ((unsigned)status >= (unsigned)CRM_STATUS_COUNT)
        return "unknown error";
    return messages[status];
}

crm_status crm_error_set(crm_error *err, crm_status status, const char *fmt, ...)
{
    if (err == NULL || err->msg[0] != '\0')
        return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return status;
}

void crm_error_clear(crm_error *err)
{
    if (err != NULL)
        err->msg[0] = '\0';
}
