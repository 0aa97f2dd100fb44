#include "build/stage.h"
#include "core/clock.h"

#include "build/cachekey.h"

#include "build/launch.h"
#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"
#include "core/paths.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *repro_stage_reason(const char *outdir, const char *engine, const char *overrides,
                               char *buf, size_t n)
{
    char path[4096];
    if (!repro_path_record(outdir, path, sizeof path)) {
        snprintf(buf, n, "%s", repro_errmsg());
        return buf;
    }
    if (access(path, R_OK) != 0) {
        snprintf(buf, n, "it has no finished run");
        return buf;
    }
    json_error_t jerr;
    json_t *rec = json_load_file(path, 0, &jerr);
    if (!rec) {
        snprintf(buf, n, "its run record is unreadable (%s)", jerr.text);
        return buf;
    }
    /* The record is data from disk: anything malformed means "run again", never a crash. */
    if (!json_is_object(rec) || !json_is_object(json_object_get(rec, "inputs")) ||
        !json_is_object(json_object_get(rec, "outputs"))) {
        json_decref(rec);
        snprintf(buf, n, "its run record is malformed (no inputs or outputs)");
        return buf;
    }
    const char *reason = NULL;
    const char *old_engine = json_string_value(json_object_get(rec, "engine"));
    const char *old_over = json_string_value(json_object_get(rec, "overrides"));
    if (!old_engine || strcmp(old_engine, engine) != 0) {
        snprintf(buf, n, "the engine (build/repro) changed");
        reason = buf;
    } else if (!old_over || strcmp(old_over, overrides) != 0) {
        snprintf(buf, n, "the parameters changed (%s -> %s)", old_over && *old_over ? old_over : "defaults",
                 *overrides ? overrides : "defaults");
        reason = buf;
    }
    const char *kinds[3] = {"inputs", "outputs", "points"};
    for (int k = 0; k < 3 && !reason; k++) {
        const char *file;
        json_t *h;
        json_object_foreach(json_object_get(rec, kinds[k]), file, h)
        {
            char now[REPRO_HASH_HEX];
            if (!json_is_string(h)) {
                snprintf(buf, n, "its run record is malformed (the hash of %s is not a string)",
                         file);
                reason = buf;
                break;
            }
            struct stat st;
            if (stat(file, &st) == 0 && !S_ISREG(st.st_mode)) { /* /dev/zero would never end */
                snprintf(buf, n, "its run record is malformed (%s is not a regular file)", file);
                reason = buf;
                break;
            }
            if (repro_hash_file(file, now) != 0) {
                snprintf(buf, n, "%s %s", file, k == 0 ? "is gone" : "is missing");
                reason = buf;
                break;
            }
            if (strcmp(now, json_string_value(h)) != 0) {
                snprintf(buf, n, "%s changed", file);
                reason = buf;
                break;
            }
        }
    }
    json_decref(rec);
    return reason;
}

int repro_stage(const repro_run_opts *o, int force)
{
    return repro_stage_mode(o, force ? REPRO_STAGE_FORCE : REPRO_STAGE_RUN);
}

/* The stage's run as a Slurm job: `repro run ... --launch slurm` (its sweeps' points become jobs
 * of their own), log in $REPRO_SLURM_LOGS/STAGE.log. */
static int run_as_job(const repro_run_opts *o)
{
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) {
        fprintf(stderr, "repro: cannot find the engine binary (/proc/self/exe)\n");
        return 1;
    }
    exe[k] = '\0';
    size_t na = 0;
    char **argv = calloc(o->noverrides + 16, sizeof *argv);
    if (!argv) return 1;
    argv[na++] = exe;
    argv[na++] = "run";
    argv[na++] = (char *)o->script;
    argv[na++] = "--stage";
    argv[na++] = (char *)o->stage;
    argv[na++] = "--out";
    argv[na++] = (char *)o->outdir;
    argv[na++] = "--figures";
    argv[na++] = (char *)(o->figdir ? o->figdir : "figures");
    argv[na++] = "--launch";
    argv[na++] = "slurm";
    for (size_t i = 0; i < o->noverrides; i++) argv[na++] = (char *)o->overrides[i];
    argv[na] = NULL;
    char log[PATH_MAX], label[300];
    if (!repro_path_slurm_log(o->stage, NULL, 0, log, sizeof log)) {
        fprintf(stderr, "repro: %s\n", repro_errmsg());
        free(argv);
        return 1;
    }
    snprintf(label, sizeof label, "stage %s", o->stage);
    repro_job job = {.argv = argv, .label = label, .log = log};
    size_t bad = repro_launch_all(&job, 1, NULL, NULL, NULL);
    free(argv);
    if (bad) return 1;
    /* What the run printed (its sweeps' lines), without the job banner. */
    char *text = repro_read_file(log, NULL);
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
        if (strncmp(line, "slurm job ", 10) != 0) printf("%s\n", line);
    free(text);
    /* The job's output (values, sweep lines) stays in its log; the run record must be here. */
    char rec[PATH_MAX];
    if (!repro_path_record(o->outdir, rec, sizeof rec) || access(rec, R_OK) != 0) {
        fprintf(stderr, "repro: the Slurm job of stage %s finished but %s is not here (is build/ "
                        "on a filesystem the nodes share?)\n", o->stage, rec);
        return 1;
    }
    return 0;
}

/* OUTDIR/timing.tsv: the wall and CPU seconds of the stage's last run (not part of its record,
 * which must not depend on the machine; make bench tabulates them).  A failure to write it is
 * reported and otherwise ignored: the stage itself succeeded. */
static void write_timing(const char *outdir, double wall, double cpu)
{
    char path[PATH_MAX], text[160];
    int n = snprintf(path, sizeof path, "%s/timing.tsv", outdir);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "repro: note: no timing.tsv: the folder name %s is too long\n", outdir);
        return;
    }
    n = snprintf(text, sizeof text, "wall_s\tcpu_s\tlaunch\n%.3f\t%.3f\t%s\n", wall, cpu,
                 repro_launch_get() == REPRO_LAUNCH_SLURM ? "slurm" : "local");
    if (repro_write_atomic(path, text, (size_t)n) != 0)
        fprintf(stderr, "repro: note: could not write %s: %s\n", path, repro_errmsg());
}

int repro_stage_mode(const repro_run_opts *o, repro_stage_how how)
{
    char stagebuf[256], outbuf[512];
    repro_run_opts ro = *o;
    if (!ro.stage) ro.stage = repro_path_stage_name(o->script, stagebuf, sizeof stagebuf);
    if (ro.stage && !ro.outdir) ro.outdir = repro_path_stage_dir(NULL, ro.stage, outbuf, sizeof outbuf);
    if (!ro.stage || !ro.outdir) {
        fprintf(stderr, "repro stage: %s: %s\n", o->script, repro_errmsg());
        return 2;
    }
    char *over = repro_overrides_string(o->overrides, o->noverrides);
    if (!over) return 2;
    char why[4200];
    const char *reason = how == REPRO_STAGE_FORCE ? "it was forced" :
                         repro_stage_reason(ro.outdir, repro_engine_hash(), over, why, sizeof why);
    free(over);
    if (!reason) {
        printf("%-12s cached\n", ro.stage);
        fflush(stdout);
        return 0;
    }
    if (how == REPRO_STAGE_CHECK) {
        printf("%-12s would re-run because %s\n", ro.stage, reason);
        fflush(stdout);
        return 3;
    }
    printf("%-12s re-run because %s\n", ro.stage, reason);
    fflush(stdout);
    char rec[600];
    if (repro_path_record(ro.outdir, rec, sizeof rec)) remove(rec);
    double t0 = repro_now(), c0 = repro_cpu_seconds();
    int rc = repro_launch_get() == REPRO_LAUNCH_SLURM ? run_as_job(&ro) : repro_run_script(&ro);
    if (rc == 0) {
        double wall = repro_now() - t0;
        printf("%-12s done in %.2f s\n", ro.stage, wall);
        write_timing(ro.outdir, wall, repro_cpu_seconds() - c0);
    } else {
        fprintf(stderr, "%-12s FAILED (%s)\n", ro.stage, o->script);
    }
    fflush(stdout);
    return rc;
}
