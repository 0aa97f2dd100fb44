#include "core/progress.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int shown;
static double last;

int repro_progress_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *e = getenv("REPRO_PROGRESS");
        enabled = isatty(STDERR_FILENO) && !(e && strcmp(e, "0") == 0);
    }
    return enabled;
}

void repro_progress(const char *label, double done, double total, const char *text)
{
    if (!repro_progress_enabled()) return;
    double t = repro_now();
    if (shown && t - last < 0.1 && done < total) return;
    last = t;
    double frac = total > 0 ? done / total : 0;
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    char bar[21];
    int filled = (int)(frac * 20 + 0.5);
    for (int i = 0; i < 20; i++) bar[i] = i < filled ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r\033[K%s [%s] %.0f/%.0f%s%s", label, bar, done, total, text ? "  " : "",
            text ? text : "");
    fflush(stderr);
    shown = 1;
}

void repro_progress_end(void)
{
    if (shown) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    shown = 0;
}
