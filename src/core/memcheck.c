#include "core/memcheck.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

double repro_mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
    if (f) fclose(f);
    if (kb >= 0) return kb * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 1e300;
}

static const char *human(double b, char *buf, size_t n)
{
    if (b >= 1e9) snprintf(buf, n, "%.1f GB", b / 1e9);
    else if (b >= 1e6) snprintf(buf, n, "%.1f MB", b / 1e6);
    else snprintf(buf, n, "%.0f bytes", b);
    return buf;
}

int repro_mem_check(double bytes, const char *what)
{
    if (bytes <= REPRO_MEM_SMALL) return 0;
    double avail = repro_mem_available();
    if (bytes <= avail) return 0;
    char a[32], b[32];
    return repro_err("%s needs %s of memory, only %s are available", what, human(bytes, a, sizeof a),
                     human(avail, b, sizeof b));
}
