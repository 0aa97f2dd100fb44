#include "core/version.h"

#include "core/blascore.h"

#include <cairo.h>
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <lua.h>
#include <pango/pango.h>
#include <stdio.h>

#define STR2(x) #x
#define STR(x) STR2(x)

const char *repro_version_line(void)
{
    static char buf[256];
    snprintf(buf, sizeof buf,
             "repro " REPRO_VERSION " (GSL %s with OpenBLAS %s kernels, Lua %s.%s.%s, cairo %s, pango %s, "
             "jansson %s, "
#if defined(__clang__)
             "clang " STR(__clang_major__) "." STR(__clang_minor__) "." STR(__clang_patchlevel__)
#elif defined(__GNUC__)
             "gcc " STR(__GNUC__) "." STR(__GNUC_MINOR__) "." STR(__GNUC_PATCHLEVEL__)
#else
             "unknown compiler"
#endif
             ")",
             gsl_version, repro_blas_core(), LUA_VERSION_MAJOR, LUA_VERSION_MINOR, LUA_VERSION_RELEASE,
             cairo_version_string(), pango_version_string(), JANSSON_VERSION);
    return buf;
}
