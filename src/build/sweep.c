#include "build/sweep.h"

#include "build/launch.h"
#include "core/err.h"
#include "core/fileio.h"
#include "core/jsonfile.h"
#include "core/paths.h"
#include "core/progress.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
                              size_t done, size_t total, const char *slurm_args)
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
        jobs[i].args = slurm_args;
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

/* "SWEEP/KEY.json": the last two components of PATH (records list their points by the path they
 * had when the stage ran, relative or absolute). */
static const char *tail2(const char *path)
{
    const char *end = path + strlen(path), *p = end;
    int slashes = 0;
    while (p > path) {
        if (p[-1] == '/' && ++slashes == 2) break;
        p--;
    }
    return p;
}

int repro_sweep_prune(const char *outdir, size_t *removed, size_t *kept, unsigned long long *bytes)
{
    *removed = *kept = 0;
    *bytes = 0;
    char path[PATH_MAX], dir[PATH_MAX];
    if (!repro_path_record(outdir, path, sizeof path)) return -1;
    if (access(path, F_OK) != 0) return 0;
    json_t *rec = json_load_file(path, 0, NULL);
    json_t *pts = json_object_get(rec, "points");
    if (!json_is_object(rec) || (pts && !json_is_object(pts))) {
        json_decref(rec);
        return repro_err("%s is not a run record (nothing removed)", path);
    }
    int n = snprintf(dir, sizeof dir, "%s/points", outdir);
    DIR *top = n > 0 && (size_t)n < sizeof dir ? opendir(dir) : NULL;
    if (!top) {
        json_decref(rec);
        return 1; /* no points at all */
    }
    int rc = 1;
    struct dirent *sw;
    while (rc == 1 && (sw = readdir(top))) {
        if (sw->d_name[0] == '.') continue;
        char sub[PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, sw->d_name) >= sizeof sub) continue;
        DIR *d = opendir(sub);
        if (!d) continue; /* not a folder */
        size_t left = 0;
        struct dirent *e;
        while (rc == 1 && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] == '.') continue;
            if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) { /* not a record: kept */
                left++;
                continue;
            }
            char file[PATH_MAX + 300], want[600];
            snprintf(file, sizeof file, "%s/%s", sub, e->d_name);
            snprintf(want, sizeof want, "%s/%s", sw->d_name, e->d_name);
            int listed = 0;
            const char *k;
            json_t *h;
            json_object_foreach(pts, k, h) if (strcmp(tail2(k), want) == 0) listed = 1;
            if (listed) {
                (*kept)++;
                left++;
                continue;
            }
            struct stat st;
            unsigned long long size = stat(file, &st) == 0 ? (unsigned long long)st.st_size : 0;
            if (unlink(file) != 0) {
                rc = repro_err("cannot remove %s: %s", file, strerror(errno));
                break;
            }
            (*removed)++;
            *bytes += size;
        }
        closedir(d);
        if (rc == 1 && left == 0) rmdir(sub);
    }
    closedir(top);
    json_decref(rec);
    return rc;
}
