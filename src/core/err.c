#include "core/err.h"

#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>

static char errbuf[1024];

int repro_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    va_end(ap);
    return -1;
}

const char *repro_errmsg(void) { return errbuf; }

void repro_err_init(void) { gsl_set_error_handler_off(); }
