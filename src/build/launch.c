#include "build/launch.h"

#include "core/err.h"
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static repro_launch_mode mode = REPRO_LAUNCH_LOCAL;

int repro_launch_set(const char *name)
{
    if (!name || !*name || strcmp(name, "local") == 0) mode = REPRO_LAUNCH_LOCAL;
    else if (strcmp(name, "slurm") == 0) mode = REPRO_LAUNCH_SLURM;
    else return repro_err("unknown launcher '%s' (LAUNCH must be local or slurm)", name);
    return 0;
}

repro_launch_mode repro_launch_get(void) { return mode; }
const char *repro_launch_name(void) { return mode == REPRO_LAUNCH_SLURM ? "slurm" : "local"; }

void repro_launch_job_banner(void)
{
    const char *id = getenv("SLURM_JOB_ID"), *node = getenv("SLURMD_NODENAME");
    if (id && *id) fprintf(stderr, "slurm job %s on %s\n", id, node && *node ? node : "?");
}

/* ---- make's jobserver ------------------------------------------------------------------------ */

static int js_rd = -1, js_wr = -1;

/* The jobserver pipe named in MAKEFLAGS (--jobserver-auth=R,W, or --jobserver-fds=R,W of older
 * makes), when its descriptors were passed to us (a recipe line marked '+'). */
static void js_open(void)
{
    static int tried;
    if (tried) return;
    tried = 1;
    const char *mf = getenv("MAKEFLAGS");
    if (!mf) return;
    const char *keys[2] = {"--jobserver-auth=", "--jobserver-fds="};
    for (int k = 0; k < 2; k++) {
        const char *p = strstr(mf, keys[k]);
        int r, w;
        if (p && sscanf(p + strlen(keys[k]), "%d,%d", &r, &w) == 2 && r >= 0 && w >= 0 &&
            fcntl(r, F_GETFD) != -1 && fcntl(w, F_GETFD) != -1) {
            js_rd = r;
            js_wr = w;
            return;
        }
    }
}

static void on_alarm(int sig) { (void)sig; }

/* One token from the jobserver within about 0.2 s, or -1 (no token now, or no jobserver). */
static int js_take(void)
{
    if (js_rd < 0) return -1;
    struct pollfd pf = {js_rd, POLLIN, 0};
    if (poll(&pf, 1, 100) <= 0) return -1;
    /* Another process may take the token first: bound the read with a timer (no SA_RESTART). */
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    struct itimerval it = {{0, 0}, {0, 100000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    unsigned char c;
    ssize_t k = read(js_rd, &c, 1);
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
    return k == 1 ? c : -1;
}

static void js_give(int token)
{
    unsigned char c = (unsigned char)token;
    while (write(js_wr, &c, 1) < 0 && errno == EINTR) {
    }
}

/* ---- one child ------------------------------------------------------------------------------ */

static int words(const char *s, char ***out)
{
    size_t n = 0, cap = 8;
    char **w = malloc(cap * sizeof *w);
    char *copy = strdup(s ? s : "");
    if (!w || !copy) {
        free(w);
        free(copy);
        return -1;
    }
    for (char *t = strtok(copy, " \t\n"); t; t = strtok(NULL, " \t\n")) {
        if (n + 2 > cap) {
            char **g = realloc(w, (cap *= 2) * sizeof *w);
            if (!g) break;
            w = g;
        }
        w[n++] = strdup(t);
    }
    w[n] = NULL;
    free(copy);
    *out = w;
    return (int)n;
}

/* In the child: a Slurm job of its own (not a step of the job we may be running in). */
static void slurm_clean_env(void)
{
    char *names[256];
    size_t n = 0;
    for (char **e = environ; *e && n < 256; e++) {
        if (strncmp(*e, "SLURM_", 6) != 0 || strncmp(*e, "SLURM_CONF=", 11) == 0) continue;
        const char *eq = strchr(*e, '=');
        names[n++] = strndup(*e, eq ? (size_t)(eq - *e) : strlen(*e));
    }
    for (size_t i = 0; i < n; i++) unsetenv(names[i]);
}

static pid_t start(const repro_job *j)
{
    char **argv = NULL;
    char logopt[4200], nameopt[300];
    if (mode == REPRO_LAUNCH_SLURM) {
        char **extra = NULL;
        int ne = words(getenv("SLURM_ARGS"), &extra);
        size_t nc = 0;
        while (j->argv[nc]) nc++;
        if (ne < 0 || !(argv = calloc((size_t)ne + nc + 8, sizeof *argv))) return -1;
        size_t a = 0;
        snprintf(nameopt, sizeof nameopt, "--job-name=%s", j->label);
        snprintf(logopt, sizeof logopt, "--output=%s", j->log);
        argv[a++] = "srun";
        argv[a++] = nameopt;
        argv[a++] = "--ntasks=1";
        argv[a++] = "--kill-on-bad-exit=1";
        argv[a++] = logopt;
        for (int i = 0; i < ne; i++) argv[a++] = extra[i];
        for (size_t i = 0; i < nc; i++) argv[a++] = j->argv[i];
        argv[a] = NULL;
        free(extra); /* the words themselves live until exec (leaked in the parent: a few bytes) */
        if (repro_mkparents(j->log) != 0) {
            free(argv);
            return -1;
        }
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("REPRO_PROGRESS", "0", 1);
        if (mode == REPRO_LAUNCH_SLURM) {
            slurm_clean_env();
            /* srun's own messages (queueing, cancellation) beside the job's log. */
            char srunlog[4300];
            snprintf(srunlog, sizeof srunlog, "%s.srun", j->log);
            int fd = open(srunlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, STDOUT_FILENO);
                dup2(fd, STDERR_FILENO);
                close(fd);
            }
            execvp(argv[0], argv);
            fprintf(stderr, "repro: cannot run srun: %s\n", strerror(errno));
        } else {
            int fd = j->quiet ? open("/dev/null", O_WRONLY) : -1;
            if (fd >= 0) {
                dup2(fd, STDOUT_FILENO);
                close(fd);
            }
            execvp(j->argv[0], j->argv);
            fprintf(stderr, "repro: cannot run %s: %s\n", j->argv[0], strerror(errno));
        }
        _exit(127);
    }
    free(argv);
    return pid;
}

/* ---- failure reports ------------------------------------------------------------------------ */

/* The job id: from the banner line in the log, else from srun's messages. */
static void job_id(const repro_job *j, char *buf, size_t n)
{
    snprintf(buf, n, "?");
    char *log = repro_read_file(j->log, NULL);
    const char *p = log ? strstr(log, "slurm job ") : NULL;
    if (p) {
        sscanf(p + 10, "%31[0-9_]", buf);
    } else {
        char path[4300];
        snprintf(path, sizeof path, "%s.srun", j->log);
        char *s = repro_read_file(path, NULL);
        for (const char *q = s; q && (q = strstr(q, "job ")); q += 4)
            if (sscanf(q + 4, "%31[0-9]", buf) == 1) break;
        free(s);
    }
    free(log);
}

static void print_tail(const char *path, int lines)
{
    size_t len = 0;
    char *s = repro_read_file(path, &len);
    if (!s || !len) {
        free(s);
        return;
    }
    size_t i = len;
    int seen = 0;
    if (s[i - 1] == '\n') i--;
    while (i > 0 && seen < lines) {
        if (s[i - 1] == '\n') seen++;
        if (seen < lines) i--;
    }
    fprintf(stderr, "    --- %s (end) ---\n", path);
    for (char *line = strtok(s + i, "\n"); line; line = strtok(NULL, "\n"))
        fprintf(stderr, "    %s\n", line);
    free(s);
}

static void report(const repro_job *j, int status)
{
    char how[64];
    if (WIFEXITED(status)) snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) snprintf(how, sizeof how, "killed by signal %d", WTERMSIG(status));
    else snprintf(how, sizeof how, "status %d", status);
    if (mode == REPRO_LAUNCH_SLURM) {
        char id[32];
        job_id(j, id, sizeof id);
        fprintf(stderr, "repro: Slurm job %s (%s) failed (srun: %s); log %s\n", id, j->label, how,
                j->log);
        print_tail(j->log, 30);
        char path[4300];
        snprintf(path, sizeof path, "%s.srun", j->log);
        print_tail(path, 6);
    } else {
        fprintf(stderr, "repro: %s failed (%s)\n", j->label, how);
    }
}

/* ---- the batch ------------------------------------------------------------------------------ */

size_t repro_launch_all(const repro_job *jobs, size_t n, int *failed, repro_job_done done,
                        void *arg)
{
    pid_t *pid = calloc(n ? n : 1, sizeof *pid);
    int *token = calloc(n ? n : 1, sizeof *token);
    if (!pid || !token) {
        free(pid);
        free(token);
        repro_err("out of memory");
        if (failed) for (size_t i = 0; i < n; i++) failed[i] = 1;
        return n;
    }
    if (failed) for (size_t i = 0; i < n; i++) failed[i] = 1;
    js_open();
    size_t next = 0, running = 0, bad = 0;
    int own_slot_free = 1;
    while (next < n || running > 0) {
        /* Start what the slots allow: our own slot, then jobserver tokens (Slurm: everything). */
        while (next < n && bad == 0) {
            int tok = -2; /* -2: no token needed */
            if (mode == REPRO_LAUNCH_LOCAL) {
                if (own_slot_free) own_slot_free = 0;
                else if ((tok = js_take()) < 0) break;
            }
            pid[next] = start(&jobs[next]);
            token[next] = tok;
            if (pid[next] < 0) {
                if (tok >= 0) js_give(tok);
                else if (mode == REPRO_LAUNCH_LOCAL) own_slot_free = 1;
                fprintf(stderr, "repro: cannot start %s\n", jobs[next].label);
                bad++;
                next++;
                break;
            }
            next++;
            running++;
        }
        if (running == 0) break;
        int status;
        pid_t w = waitpid(-1, &status, 0);
        if (w < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < next; i++) {
            if (pid[i] != w) continue;
            pid[i] = 0;
            running--;
            if (token[i] >= 0) js_give(token[i]);
            else if (mode == REPRO_LAUNCH_LOCAL) own_slot_free = 1;
            int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (ok && failed) failed[i] = 0;
            if (!ok) {
                report(&jobs[i], status);
                bad++;
            }
            if (done) done(i, ok, arg);
            break;
        }
    }
    free(pid);
    free(token);
    if (!failed) return bad + (n - next);
    size_t notok = 0;
    for (size_t i = 0; i < n; i++) notok += (size_t)failed[i];
    return notok;
}
