#include "build/sweep.h"

#include "build/launch.h"
#include "core/err.h"
#include "core/fileio.h"
#include "core/jsonfile.h"
#include "core/paths.h"
#include "core/progress.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const repro_run_opts *run; /* the running script's options */

void repro_sweep_begin(const repro_run_opts *o) { run = o; }
void repro_sweep_end(void) { run = NULL; }

const char *repro_sweep_point_target(long *index)
{
    if (!run || !run->point_sweep) return NULL;
    if (index) *index = run->point_index;
    return run->point_sweep;
}

static const char *outdir(void) { return run && run->outdir ? run->outdir : "."; }

const char *repro_sweep_record_path(const char *sweep, const char *key, char *buf, size_t n)
{
    return repro_path_point(outdir(), sweep, key, buf, n);
}

int repro_sweep_write_record(const char *path, json_t *rec) { return repro_json_write(path, rec); }

json_t *repro_sweep_read_record(const char *path, const char *key)
{
    if (access(path, R_OK) != 0) return NULL;
    json_t *rec = json_load_file(path, 0, NULL);
    const char *k = json_string_value(json_object_get(rec, "key"));
    if (!json_is_object(rec) || !k || strcmp(k, key) != 0 ||
        !json_is_object(json_object_get(rec, "values")) ||
        !json_is_array(json_object_get(rec, "seeds"))) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

typedef struct {
    const char *label;
    size_t done, total;
} progress_state;

static void on_done(size_t i, int ok, void *arg)
{
    (void)i;
    progress_state *p = arg;
    if (ok) p->done++;
    char text[64];
    snprintf(text, sizeof text, "points (%s)", repro_launch_name());
    repro_progress(p->label, (double)p->done, (double)p->total, text);
}

size_t repro_sweep_run_points(const char *sweep, const long *index, char *const *labels, size_t m,
                              size_t done, size_t total)
{
    if (m == 0) return 0;
    if (!run) {
        repro_err("sweep '%s': no run in progress", sweep);
        return m;
    }
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) {
        repro_err("sweep '%s': cannot find the engine binary (/proc/self/exe)", sweep);
        return m;
    }
    exe[k] = '\0';
    size_t fixed = 14, nargs = fixed + run->noverrides + 1;
    repro_job *jobs = calloc(m, sizeof *jobs);
    char **argvs = calloc(m * nargs, sizeof *argvs);
    char *strs = calloc(m, 32 + 4400 + 4400);
    if (!jobs || !argvs || !strs) {
        free(jobs);
        free(argvs);
        free(strs);
        repro_err("out of memory");
        return m;
    }
    for (size_t i = 0; i < m; i++) {
        char *idx = strs + i * (32 + 4400 + 4400), *label = idx + 32, *log = label + 4400;
        snprintf(idx, 32, "%ld", index[i]);
        snprintf(label, 4400, "%s point %s", run->stage, labels[i]);
        if (!repro_path_slurm_log(run->stage, sweep, index[i], log, 4400)) {
            free(jobs);
            free(argvs);
            free(strs);
            return m;
        }
        char **a = argvs + i * nargs;
        size_t j = 0;
        a[j++] = exe;
        a[j++] = "point";
        a[j++] = (char *)run->script;
        a[j++] = "--sweep";
        a[j++] = (char *)sweep;
        a[j++] = "--index";
        a[j++] = idx;
        a[j++] = "--stage";
        a[j++] = (char *)run->stage;
        a[j++] = "--out";
        a[j++] = (char *)outdir();
        a[j++] = "--figures";
        a[j++] = (char *)(run->figdir ? run->figdir : "figures");
        for (size_t o = 0; o < run->noverrides; o++) a[j++] = (char *)run->overrides[o];
        a[j] = NULL;
        jobs[i].argv = a;
        jobs[i].label = label;
        jobs[i].log = log;
        jobs[i].quiet = 1; /* what the script prints before its sweep, once per point */
    }
    char plabel[300];
    snprintf(plabel, sizeof plabel, "%s %s", run->stage, sweep);
    progress_state ps = {plabel, done, total};
    repro_progress(plabel, (double)done, (double)total, NULL);
    size_t bad = repro_launch_all(jobs, m, NULL, on_done, &ps);
    repro_progress_end();
    free(jobs);
    free(argvs);
    free(strs);
    return bad;
}
