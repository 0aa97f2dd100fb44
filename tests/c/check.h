/* check.h: a minimal test harness.  Each assertion prints one line, "ok - NAME" or
 * "not ok - NAME (file:line: detail)"; tests/run.sh counts them.  check_exit() returns the
 * process status: non-zero when anything failed. */
#ifndef REPRO_CHECK_H
#define REPRO_CHECK_H

#include "core/blascore.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

/* The tests run in the floating-point mode of build/repro (flush-to-zero, denormals-are-zero). */
__attribute__((constructor)) static void check_fpu_mode(void) { repro_flush_subnormals(); }

static int check_failed_count;

static void check_report(int ok, const char *file, int line, const char *name, const char *fmt,
                         ...) __attribute__((format(printf, 5, 6), unused));
static void check_report(int ok, const char *file, int line, const char *name, const char *fmt,
                         ...)
{
    if (ok) {
        printf("ok - %s\n", name);
    } else {
        check_failed_count++;
        printf("not ok - %s (%s:%d: ", name, file, line);
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf(")\n");
    }
    fflush(stdout);
}

/* CHECK(cond, name): a boolean assertion. */
#define CHECK(cond, name) check_report(!!(cond), __FILE__, __LINE__, (name), "%s is false", #cond)
/* CHECK_CLOSE(a, b, tol, name): |a - b| <= tol, with both values printed on failure. */
#define CHECK_CLOSE(a, b, tol, name)                                                             \
    do {                                                                                         \
        double check_a_ = (a), check_b_ = (b), check_t_ = (tol);                                 \
        check_report(fabs(check_a_ - check_b_) <= check_t_, __FILE__, __LINE__, (name),          \
                     "%s = %.17g, %s = %.17g, |diff| = %.3g > %.3g", #a, check_a_, #b, check_b_, \
                     fabs(check_a_ - check_b_), check_t_);                                       \
    } while (0)

static int check_exit(void) __attribute__((unused));
static int check_exit(void) { return check_failed_count ? 1 : 0; }

#endif
