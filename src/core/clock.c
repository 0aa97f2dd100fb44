/* clock: monotonic seconds (see clock.h). */
#include "core/clock.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

double repro_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double tv_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec;
}

double repro_cpu_seconds(void)
{
    struct rusage self, kids;
    if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &kids) != 0) return 0;
    return tv_seconds(self.ru_utime) + tv_seconds(self.ru_stime) + tv_seconds(kids.ru_utime) +
           tv_seconds(kids.ru_stime);
}
