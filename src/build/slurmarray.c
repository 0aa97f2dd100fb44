#include "build/slurmarray.h"

#include "core/err.h"
#include "core/fileio.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PATHN 4400
/* How long squeue may fail before the arrays count as lost (a controller restart takes less). */
#define LOST_S 600.0

/* The count in environment variable NAME into *V (DEF when unset).  0, or -1 with repro_err(). */
static int env_count(const char *name, size_t def, const char *what, size_t *v)
{
    const char *s = getenv(name);
    *v = def;
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || x > SIZE_MAX / 2)
        return repro_err("%s must be %s, not '%s'", name, what, s);
    *v = (size_t)x;
    return 0;
}

int repro_slurm_array_min(size_t *min)
{
    if (env_count("SLURM_ARRAY", 2, "a number of jobs (a batch of that many or more is one job "
                  "array; 0: never)", min) != 0)
        return -1;
    if (*min == 0) *min = SIZE_MAX;
    return 0;
}

/* ---- the files of a batch --------------------------------------------------------------------- */

typedef struct {
    const repro_job *jobs;
    size_t n, per, nchunks; /* per: tasks per array ($SLURM_ARRAY_SIZE) */
    char base[PATHN];           /* build/slurm/STAGE/SWEEP: the first log without "-I.log" */
    char script[PATHN + 16];    /* BASE.array.sh */
    char (*aid)[32];            /* per chunk: the array's job id */
    char *state;                /* per job: 0 waiting, 1 ended (status read or given up) */
    char *ok;                   /* per job: 1 when it succeeded */
} arrays;

/* BASE from the first job's log: "DIR/SWEEP-12.log" -> "DIR/SWEEP", else the log less ".log". */
static int set_base(arrays *a)
{
    const char *log = a->jobs[0].log;
    size_t len = strlen(log);
    if (len + 32 >= PATHN) return repro_err("slurm: log path too long: %s", log);
    memcpy(a->base, log, len + 1);
    if (len > 4 && strcmp(a->base + len - 4, ".log") == 0) a->base[len -= 4] = '\0';
    size_t k = len;
    while (k > 0 && a->base[k - 1] >= '0' && a->base[k - 1] <= '9') k--;
    if (k < len && k > 0 && a->base[k - 1] == '-' && (k < 2 || a->base[k - 2] != '/'))
        a->base[k - 1] = '\0';
    snprintf(a->script, sizeof a->script, "%s.array.sh", a->base);
    return 0;
}

/* Slurm's own output of job I (chunk c, task t): BASE.array-t.out, BASE.arrayC-t.out for c > 0. */
static void out_path(const arrays *a, size_t i, char *buf, size_t n)
{
    size_t c = i / a->per, t = i % a->per;
    if (c == 0) snprintf(buf, n, "%s.array-%zu.out", a->base, t);
    else snprintf(buf, n, "%s.array%zu-%zu.out", a->base, c, t);
}

static void rc_path(const repro_job *j, char *buf, size_t n) { snprintf(buf, n, "%s.rc", j->log); }

static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'') fputs("'\\''", f);
        else fputc(*s, f);
    fputc('\'', f);
}

/* The tasks' script: branch I runs job I (chunk c's task t is job c * per + t). */
static int write_script(const arrays *a)
{
    char *tmp;
    FILE *f = repro_tmpopen(a->script, &tmp);
    if (!f) return -1;
    fprintf(f, "#!/bin/sh\n"
               "# Written by repro (src/build/slurmarray.h): the tasks of a Slurm job array, one\n"
               "# command each.  Task T of the array submitted with REPRO_ARRAY_OFFSET = O runs\n"
               "# branch O + T; by hand: SLURM_ARRAY_TASK_ID=I sh THIS_FILE\n"
               "i=$((${SLURM_ARRAY_TASK_ID:?the task to run} + ${REPRO_ARRAY_OFFSET:-0}))\n"
               "case $i in\n");
    for (size_t i = 0; i < a->n; i++) {
        fprintf(f, "%zu) log=", i);
        put_quoted(f, a->jobs[i].log);
        fputs("; set --", f);
        for (char *const *w = a->jobs[i].argv; *w; w++) {
            fputc(' ', f);
            put_quoted(f, *w);
        }
        fputs(" ;;\n", f);
    }
    fprintf(f, "*) echo \"repro: no command for array task $i\" >&2; exit 2 ;;\n"
               "esac\n"
               "exec >\"$log\" 2>&1 </dev/null\n"
               "\"$@\"\n"
               "rc=$?\n"
               "printf '%%s\\n' \"$rc\" >\"$log.rc.tmp\" && mv -f \"$log.rc.tmp\" \"$log.rc\"\n"
               "exit $rc\n");
    if (repro_tmpclose(f, tmp) != 0) {
        free(tmp);
        return -1;
    }
    int rc = repro_commit(tmp, a->script);
    free(tmp);
    return rc;
}

/* ---- Slurm's commands ------------------------------------------------------------------------- */

/* Run ARGV (sbatch, squeue, scancel) with its standard output and error into BUF (cut to fit).
 * Returns its exit status, or -1 when it could not run. */
static int capture(char *const argv[], char *buf, size_t n, const char *env)
{
    int p[2];
    if (buf && n) buf[0] = '\0';
    if (pipe(p) != 0) return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], STDOUT_FILENO);
        dup2(p[1], STDERR_FILENO);
        close(p[1]);
        repro_launch_slurm_env();
        setenv("REPRO_PROGRESS", "0", 1);
        if (env) putenv((char *)env);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    char chunk[512];
    for (;;) {
        ssize_t r = read(p[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        for (ssize_t k = 0; k < r && buf && len + 1 < n; k++) buf[len++] = chunk[k];
    }
    if (buf && n) buf[len] = '\0';
    close(p[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* "scancel [--state=PENDING] ID..." for every submitted array. */
static void cancel(const arrays *a, size_t submitted, int pending_only)
{
    char **argv = calloc(submitted + 3, sizeof *argv);
    if (!argv) return;
    size_t k = 0;
    argv[k++] = "scancel";
    if (pending_only) argv[k++] = "--state=PENDING";
    for (size_t c = 0; c < submitted; c++) argv[k++] = (char *)a->aid[c];
    argv[k] = NULL;
    char out[512];
    if (submitted) capture(argv, out, sizeof out, NULL);
    free(argv);
}

/* 1 when none of the submitted arrays is in Slurm's queue any more, 0 when some is, -1 when
 * squeue failed otherwise (its message in WHY). */
static int all_gone(const arrays *a, size_t submitted, char *why, size_t n)
{
    char *list = malloc(submitted * 33 + 1), out[4096];
    if (!list) return -1;
    size_t at = 0;
    list[0] = '\0';
    for (size_t c = 0; c < submitted; c++)
        at += (size_t)sprintf(list + at, "%s%s", c ? "," : "", a->aid[c]);
    char *argv[] = {"squeue", "-h", "-o", "%i", "-j", list, NULL};
    int rc = capture(argv, out, sizeof out, NULL);
    free(list);
    if (rc == 0) {
        for (const char *s = out; *s; s++)
            if (*s >= '0' && *s <= '9') return 0;
        return 1;
    }
    if (strstr(out, "Invalid job id")) return 1; /* purged: long gone */
    out[strcspn(out, "\n")] = '\0';
    snprintf(why, n, "%.200s", rc < 0 ? "squeue could not run" : out);
    return -1;
}

/* Submit chunk C (jobs c * per ...): its id into a->aid[c].  0, or -1 with a report. */
static int submit(arrays *a, size_t c, const char *name)
{
    size_t first = c * a->per, m = a->n - first < a->per ? a->n - first : a->per;
    char **extra = NULL, **own = NULL;
    int ne = repro_launch_words(getenv("SLURM_ARGS"), &extra);
    int no = repro_launch_words(a->jobs[first].args, &own);
    if (ne < 0 || no < 0) {
        for (int i = 0; i < ne; i++) free(extra[i]);
        free(extra);
        for (int i = 0; i < no; i++) free(own[i]);
        free(own);
        return repro_err("out of memory");
    }
    char range[64], nameopt[420], outopt[PATHN + 80], env[64];
    const char *limit = getenv("SLURM_ARRAY_LIMIT");
    if (limit && *limit)
        snprintf(range, sizeof range, "--array=0-%zu%%%s", m - 1, limit);
    else
        snprintf(range, sizeof range, "--array=0-%zu", m - 1);
    snprintf(nameopt, sizeof nameopt, "--job-name=%s", name);
    if (c == 0) snprintf(outopt, sizeof outopt, "--output=%s.array-%%a.out", a->base);
    else snprintf(outopt, sizeof outopt, "--output=%s.array%zu-%%a.out", a->base, c);
    snprintf(env, sizeof env, "REPRO_ARRAY_OFFSET=%zu", first);
    char **argv = calloc((size_t)ne + (size_t)no + 10, sizeof *argv);
    int rc = -1;
    if (argv) {
        size_t k = 0;
        argv[k++] = "sbatch";
        argv[k++] = "--parsable";
        argv[k++] = range;
        argv[k++] = nameopt;
        argv[k++] = "--ntasks=1";
        argv[k++] = outopt;
        for (int i = 0; i < ne; i++) argv[k++] = extra[i];
        for (int i = 0; i < no; i++) argv[k++] = own[i];
        argv[k++] = a->script;
        argv[k] = NULL;
        char out[4096];
        int st = capture(argv, out, sizeof out, env);
        /* --parsable prints "ID" or "ID;CLUSTER" on a line of its own (warnings aside) */
        a->aid[c][0] = '\0';
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
            if (line[0] >= '1' && line[0] <= '9') sscanf(line, "%31[0-9]", a->aid[c]);
        if (st == 0 && a->aid[c][0]) {
            rc = 0;
        } else {
            fprintf(stderr, "repro: sbatch failed (%s) for the job array %s (%zu tasks, script %s):\n",
                    st < 0 ? "could not run" : "exit status", name, m, a->script);
            for (char *s = out; *s;) {
                char *e = strchr(s, '\n');
                fprintf(stderr, "    %.*s\n", (int)(e ? e - s : (ptrdiff_t)strlen(s)), s);
                s = e ? e + 1 : s + strlen(s);
            }
            repro_err("sbatch failed");
        }
    }
    for (int i = 0; i < ne; i++) free(extra[i]);
    free(extra);
    for (int i = 0; i < no; i++) free(own[i]);
    free(own);
    free(argv);
    return rc;
}

/* ---- waiting ---------------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;
static void on_stop(int sig) { stop_signal = sig; }

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void nap(double s)
{
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&t, NULL); /* a signal ends it early: the loop looks at stop_signal */
}

/* Job I's exit status from its .rc file: 1 with *RC set, 0 when there is none (yet). */
static int read_rc(const repro_job *j, int *rc)
{
    char path[PATHN + 8];
    rc_path(j, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int ok = fscanf(f, "%d", rc) == 1;
    fclose(f);
    if (!ok) *rc = -1;
    return 1;
}

static void report(const arrays *a, size_t i, const char *how)
{
    const repro_job *j = &a->jobs[i];
    char out[PATHN + 40];
    out_path(a, i, out, sizeof out);
    fprintf(stderr, "repro: Slurm job %s_%zu (%s) failed (%s); log %s\n", a->aid[i / a->per],
            i % a->per, j->label, how, j->log);
    repro_launch_tail(j->log, 30);
    repro_launch_tail(out, 6);
}

/* The common start of the jobs' labels, cut after its last whole word ("sq point"). */
static void array_name(const repro_job *jobs, size_t n, char *buf, size_t size)
{
    size_t len = strlen(jobs[0].label);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && jobs[i].label[k] == jobs[0].label[k]) k++;
        len = k;
    }
    if (len < strlen(jobs[0].label))
        while (len > 0 && jobs[0].label[len - 1] != ' ') len--;
    while (len > 0 && jobs[0].label[len - 1] == ' ') len--;
    if (len == 0) snprintf(buf, size, "repro array");
    else snprintf(buf, size, "%.*s array", (int)(len < 300 ? len : 300), jobs[0].label);
}

size_t repro_slurm_array_run(const repro_job *jobs, size_t n, int *failed, repro_job_done done,
                             void *arg)
{
    if (failed)
        for (size_t i = 0; i < n; i++) failed[i] = 1;
    if (n == 0) return 0;
    arrays a = {.jobs = jobs, .n = n};
    if (env_count("SLURM_ARRAY_SIZE", 1000, "the number of tasks an array may have (at least 1; "
                  "the cluster's MaxArraySize - 1)", &a.per) != 0 || a.per == 0) {
        if (a.per == 0) repro_err("SLURM_ARRAY_SIZE must be at least 1");
        fprintf(stderr, "repro: %s\n", repro_errmsg());
        return n;
    }
    a.nchunks = (n + a.per - 1) / a.per;
    a.aid = calloc(a.nchunks, sizeof *a.aid);
    a.state = calloc(n, 1);
    a.ok = calloc(n, 1);
    char name[400];
    array_name(jobs, n, name, sizeof name);
    size_t submitted = 0, bad = 0;
    if (!a.aid || !a.state || !a.ok || set_base(&a) != 0) goto fail;
    /* no status, log or Slurm output of an earlier run may be taken for this one's */
    for (size_t i = 0; i < n; i++) {
        char path[PATHN + 40];
        if (repro_mkparents(jobs[i].log) != 0) goto fail;
        rc_path(&jobs[i], path, sizeof path);
        unlink(path);
        unlink(jobs[i].log);
        out_path(&a, i, path, sizeof path);
        unlink(path);
    }
    if (write_script(&a) != 0) {
        fprintf(stderr, "repro: %s\n", repro_errmsg());
        goto fail;
    }
    struct sigaction sa = {0}, old[3];
    const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    for (int k = 0; k < 3; k++) sigaction(sigs[k], &sa, &old[k]);
    for (size_t c = 0; c < a.nchunks && !stop_signal; c++) {
        if (submit(&a, c, name) != 0) break;
        submitted++;
    }
    size_t left = n;
    if (submitted < a.nchunks) { /* a chunk could not be submitted: the others are called off */
        cancel(&a, submitted, 0);
        bad++;
    }
    double t0 = now_s(), last_q = t0, lost = 0; /* lost: since when squeue fails */
    int gone = 0;
    char why[256] = "";
    while (left > 0 && submitted == a.nchunks && !stop_signal) {
        for (size_t i = 0; i < n; i++) {
            int rc;
            if (a.state[i] || !read_rc(&jobs[i], &rc)) continue;
            a.state[i] = 1;
            left--;
            if (rc == 0) {
                a.ok[i] = 1;
                char out[PATHN + 40];
                struct stat st;
                out_path(&a, i, out, sizeof out);
                if (stat(out, &st) == 0 && st.st_size == 0) unlink(out); /* Slurm had nothing to say */
            } else {
                char how[48];
                snprintf(how, sizeof how, "exit status %d", rc);
                report(&a, i, how);
                if (bad++ == 0) cancel(&a, submitted, 1); /* the tasks not started yet */
            }
            if (done) done(i, rc == 0, arg);
        }
        if (left == 0) break;
        if (gone) { /* the arrays left the queue a moment ago: whatever has no status now has none */
            for (size_t i = 0; i < n; i++) {
                if (a.state[i]) continue;
                a.state[i] = 1;
                if (access(jobs[i].log, F_OK) == 0) {
                    report(&a, i, "ended without an exit status: cancelled, killed or out of time");
                    bad++;
                    if (done) done(i, 0, arg);
                } else if (bad == 0) { /* not one the first failure called off */
                    report(&a, i, "never ran: the array left the queue before this task started");
                    bad++;
                }
            }
            left = 0;
            break;
        }
        /* the queue is asked every 2 s at first, then less often (a tenth of the time waited so
         * far, at most every 30 s); the status files every 0.2 s at first (a hundredth of the
         * time waited, at most every 5 s: each look is a lookup on the shared filesystem) */
        double t = now_s(), every = (t - t0) / 10, look = (t - t0) / 100;
        every = every < 2 ? 2 : every > 30 ? 30 : every;
        look = look < 0.2 ? 0.2 : look > 5 ? 5 : look;
        if (t - last_q >= every) {
            last_q = t;
            int g = all_gone(&a, submitted, why, sizeof why);
            if (g == 1) {
                gone = 1;
                nap(1.0); /* a status written as the task ended may take a moment to show */
                continue;
            }
            if (g == 0) lost = 0;
            else if (lost == 0) lost = t;
            else if (t - lost > LOST_S) { /* the controller is gone: stop waiting for it */
                fprintf(stderr, "repro: Slurm's queue cannot be read for %.0f s (%s); the %zu "
                        "tasks still without an exit status count as failed\n", t - lost, why, left);
                cancel(&a, submitted, 0);
                break;
            }
        }
        nap(look);
    }
    int sig = stop_signal;
    if (sig) cancel(&a, submitted, 0);
    for (int k = 0; k < 3; k++) sigaction(sigs[k], &old[k], NULL);
    if (sig) raise(sig);
    size_t notok = 0;
    for (size_t i = 0; i < n; i++) {
        if (failed) failed[i] = !a.ok[i];
        notok += !a.ok[i];
    }
    free(a.aid);
    free(a.state);
    free(a.ok);
    return notok;
fail:
    free(a.aid);
    free(a.state);
    free(a.ok);
    return n;
}
