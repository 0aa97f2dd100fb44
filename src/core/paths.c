/* paths: the layout of a build (see paths.h). */
#include "core/paths.h"

#include "core/err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *fit(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *fit(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= n) {
        repro_err("path too long (%d bytes, at most %zu)", k, n ? n - 1 : 0);
        return NULL;
    }
    return buf;
}

static const char *orbuild(const char *bdir) { return bdir && *bdir ? bdir : REPRO_BUILD_DIR; }

const char *repro_path_stage_name(const char *script, char *buf, size_t n)
{
    const char *b = strrchr(script, '/');
    b = b ? b + 1 : script;
    size_t len = strlen(b);
    if (len > 4 && strcmp(b + len - 4, ".lua") == 0) len -= 4;
    return fit(buf, n, "%.*s", (int)len, b);
}

const char *repro_path_stages(const char *bdir, char *buf, size_t n)
{
    return fit(buf, n, "%s/stages", orbuild(bdir));
}

const char *repro_path_stage_dir(const char *bdir, const char *stage, char *buf, size_t n)
{
    return fit(buf, n, "%s/stages/%s", orbuild(bdir), stage);
}

const char *repro_path_record(const char *outdir, char *buf, size_t n)
{
    return fit(buf, n, "%s/" REPRO_RECORD_FILE, outdir);
}

const char *repro_path_results(const char *bdir, char *buf, size_t n)
{
    return fit(buf, n, "%s/" REPRO_RECORD_FILE, orbuild(bdir));
}

const char *repro_path_build_of(const char *proj, char *buf, size_t n)
{
    return fit(buf, n, "%s/" REPRO_BUILD_DIR, proj);
}

const char *repro_path_figures_of(const char *proj, char *buf, size_t n)
{
    return fit(buf, n, "%s/" REPRO_FIGURES_DIR, proj);
}

const char *repro_path_point(const char *outdir, const char *sweep, const char *key, char *buf,
                             size_t n)
{
    return fit(buf, n, "%s/points/%s/%s.json", outdir, sweep, key);
}

const char *repro_path_slurm_log(const char *stage, const char *sweep, long index, char *buf,
                                 size_t n)
{
    const char *logs = getenv("REPRO_SLURM_LOGS");
    char dflt[64];
    if (!logs || !*logs) {
        snprintf(dflt, sizeof dflt, "%s/slurm", REPRO_BUILD_DIR);
        logs = dflt;
    }
    if (!sweep) return fit(buf, n, "%s/%s.log", logs, stage);
    return fit(buf, n, "%s/%s/%s-%ld.log", logs, stage, sweep, index);
}
