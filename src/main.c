/* build/repro: the command line of the engine. */
#include "core/blascore.h"
#include "diff/cmd_diff.h"
#include "core/err.h"
#include "build/launch.h"
#include "build/results.h"
#include "build/run.h"
#include "build/stage.h"
#include "build/sweep.h"
#include "core/version.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: repro run SCRIPT.lua [name=value ...] [--figures DIR] [--out DIR]\n"
    "       repro stage SCRIPT.lua [name=value ...] [--figures DIR] [--out DIR] [--force|--check]\n"
    "                   [--launch local|slurm]\n"
    "       repro point SCRIPT.lua --sweep NAME --index I [name=value ...] [--out DIR]\n"
    "       repro collect --json OUT.json --tex OUT.tex [--rev REV] [--source-url URL]\n"
    "                     RECORD.json ...\n"
    "       repro diff [REV_A [REV_B]] [--atol X] [--rtol X] [--pixel-tol N] [--out DIR] ...\n"
    "       repro prune STAGE_DIR ...\n"
    "       repro --help | --version\n"
    "\n"
    "  run      run a pipeline script with the repro Lua module loaded; name=value pairs\n"
    "           override the parameters the script declares with repro.params{...};\n"
    "           figures go to DIR (default figures/), the run record (values, checks)\n"
    "           to build/stages/<script name>/results.json (or --out DIR)\n"
    "  stage    like run, but only when the script, the Lua files it loads, the files it\n"
    "           reads, its outputs, the parameters or the engine changed since its last run;\n"
    "           prints 'cached' or 're-run because ...'; --check runs nothing and exits\n"
    "           3 when the stage would re-run\n"
    "  point    compute and cache one point of a sweep (what a stage's sweep launches)\n"
    "  --launch slurm: the stage's run as a Slurm job (srun), its sweeps' points as the tasks\n"
    "           of job arrays (sbatch; $SLURM_ARRAY, $SLURM_ARRAY_SIZE, $SLURM_ARRAY_LIMIT);\n"
    "           options from $SLURM_ARGS, logs in $REPRO_SLURM_LOGS, default build/slurm\n"
    "  collect  gather run records into one JSON file and the LaTeX values file\n"
    "  diff     compare figures (data, then pixels) and values of two revisions (default:\n"
    "           HEAD against the working tree); report in build/figdiff/ (repro diff --help)\n"
    "  prune    remove the sweep point records a stage's last run does not use (other\n"
    "           grids, parameters or engines); a stage without a finished run keeps its points\n"
    "\n"
    "Environment: SOURCE_DATE_EPOCH fixes the dates written into figures;\n"
    "REPRO_PROGRESS=0 hides progress lines; REPRO_LUA names the Lua library folder.\n";

/* The project's lua/ folder: $REPRO_LUA, else the first lua/ folder found going up from the
 * binary's folder (build/repro, build/asan/repro and build/verify/repro all find the project's). */
static const char *libdir(char *buf, size_t n)
{
    const char *e = getenv("REPRO_LUA");
    if (e && *e) return e;
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) return "lua";
    exe[k] = '\0';
    for (int up = 0; up < 5; up++) {
        char *s = strrchr(exe, '/');
        if (!s || s == exe) break;
        *s = '\0';
        struct stat st;
        snprintf(buf, n, "%s/lua", exe);
        if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) return buf;
    }
    return "lua";
}

/* staged: 0 run, 1 stage, 2 point */
static int cmd_run(int argc, char **argv, int staged)
{
    int force = 0, check = 0;
    repro_run_opts o = {0};
    const char **over = calloc((size_t)argc + 1, sizeof *over);
    if (!over) return 2;
    char lib[PATH_MAX + 8];
    o.libdir = libdir(lib, sizeof lib);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--figures") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "--stage") == 0 ||
            strcmp(a, "--launch") == 0 || (staged == 2 && (strcmp(a, "--sweep") == 0 ||
                                                         strcmp(a, "--index") == 0))) {
            if (i + 1 >= argc) {
                fprintf(stderr, "repro run: %s needs a value\n", a);
                free(over);
                return 2;
            }
            if (strcmp(a, "--figures") == 0) o.figdir = argv[++i];
            else if (strcmp(a, "--out") == 0) o.outdir = argv[++i];
            else if (strcmp(a, "--sweep") == 0) o.point_sweep = argv[++i];
            else if (strcmp(a, "--index") == 0) {
                char *end;
                o.point_index = strtol(argv[++i], &end, 10);
                if (*end || o.point_index < 0) {
                    fprintf(stderr, "repro point: --index must be a number >= 0, not '%s'\n", argv[i]);
                    free(over);
                    return 2;
                }
            } else if (strcmp(a, "--launch") == 0) {
                if (repro_launch_set(argv[++i]) != 0) {
                    fprintf(stderr, "repro: %s\n", repro_errmsg());
                    free(over);
                    return 2;
                }
            } else o.stage = argv[++i];
        } else if (staged == 1 && strcmp(a, "--force") == 0) {
            force = 1;
        } else if (staged == 1 && strcmp(a, "--check") == 0) {
            check = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "repro run: unknown option '%s'\n%s", a, usage);
            free(over);
            return 2;
        } else if (!o.script) {
            o.script = a;
        } else {
            over[o.noverrides++] = a;
        }
    }
    if (!o.script) {
        fprintf(stderr, "repro run: no script given\n%s", usage);
        free(over);
        return 2;
    }
    if (access(o.script, R_OK) != 0) {
        fprintf(stderr, "repro run: cannot read script '%s'\n", o.script);
        free(over);
        return 2;
    }
    if (staged == 2 && !o.point_sweep) {
        fprintf(stderr, "repro point: --sweep NAME and --index I are needed\n");
        free(over);
        return 2;
    }
    o.overrides = over;
    if (staged != 1) repro_launch_job_banner();
    int rc = staged != 1 ? repro_run_script(&o)
             : repro_stage_mode(&o, check ? REPRO_STAGE_CHECK : force ? REPRO_STAGE_FORCE : REPRO_STAGE_RUN);
    free(over);
    return rc;
}

static int cmd_prune(int argc, char **argv)
{
    if (argc == 0) {
        fprintf(stderr, "repro prune: expected stage folders (e.g. build/stages/*)\n");
        return 2;
    }
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        size_t removed, kept;
        unsigned long long bytes;
        const char *name = strrchr(argv[i], '/');
        while (name && name[1] == '\0' && name > argv[i]) { /* "build/stages/fig5/" */
            const char *p = name - 1;
            while (p > argv[i] && *p != '/') p--;
            name = p;
        }
        name = name && *name == '/' ? name + 1 : argv[i];
        int len = (int)strcspn(name, "/");
        int r = repro_sweep_prune(argv[i], &removed, &kept, &bytes);
        if (r < 0) {
            fprintf(stderr, "repro prune: %s\n", repro_errmsg());
            rc = 1;
        } else if (r == 0) {
            printf("%-12.*s no finished run: its point records are kept\n", len, name);
        } else if (removed || kept) {
            printf("%-12.*s removed %zu point records (%.*f %s), kept %zu\n", len, name, removed,
                   bytes < 1000000 ? 0 : 1, (double)bytes / (bytes < 1000000 ? 1e3 : 1e6),
                   bytes < 1000000 ? "kB" : "MB", kept);
        }
    }
    return rc;
}

static int cmd_collect(int argc, char **argv)
{
    const char *json = NULL, *tex = NULL, *rev = NULL, *url = NULL;
    const char **recs = calloc((size_t)argc + 1, sizeof *recs);
    size_t n = 0;
    if (!recs) return 2;
    for (int i = 0; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--json") == 0) json = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--tex") == 0) tex = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--rev") == 0) rev = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--source-url") == 0) url = argv[++i];
        else recs[n++] = argv[i];
    }
    int rc = 0;
    if (repro_results_collect(recs, n, json, tex, rev, repro_version_line(), url) != 0) {
        fprintf(stderr, "repro collect: %s\n", repro_errmsg());
        rc = 1;
    }
    free(recs);
    return rc;
}

int main(int argc, char **argv)
{
    repro_blas_core_fix(argv);
    repro_flush_subnormals();
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts(repro_version_line());
        return 0;
    }
    if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2, 0);
    if (strcmp(argv[1], "stage") == 0) return cmd_run(argc - 2, argv + 2, 1);
    if (strcmp(argv[1], "point") == 0) return cmd_run(argc - 2, argv + 2, 2);
    if (strcmp(argv[1], "collect") == 0) return cmd_collect(argc - 2, argv + 2);
    if (strcmp(argv[1], "diff") == 0) return repro_cmd_diff(argc - 2, argv + 2);
    if (strcmp(argv[1], "prune") == 0) return cmd_prune(argc - 2, argv + 2);
    fprintf(stderr, "repro: unknown command '%s'\n%s", argv[1], usage);
    return 2;
}
