#include "build/launch.h"

#include "build/slurmarray.h"

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
    const char *aid = getenv("SLURM_ARRAY_JOB_ID"), *task = getenv("SLURM_ARRAY_TASK_ID");
    node = node && *node ? node : "?";
    if (aid && *aid && task && *task) fprintf(stderr, "slurm job %s_%s on %s\n", aid, task, node);
    else if (id && *id) fprintf(stderr, "slurm job %s on %s\n", id, node);
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
    if (k == 0) js_rd = -1; /* make closed the jobserver: no more tokens */
    return k == 1 ? c : -1;
}

static void js_give(int token)
{
    unsigned char c = (unsigned char)token;
    while (write(js_wr, &c, 1) < 0 && errno == EINTR) {
    }
}

/* ---- one child ------------------------------------------------------------------------------ */

int repro_launch_words(const char *s, char ***out)
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

/* In the child: a Slurm job of its own (not a step of the job we may be running in).  Kept:
 * SLURM_CONF and this launcher's own settings, which the jobs it starts need for theirs. */
void repro_launch_slurm_env(void)
{
    static const char *keep[] = {"SLURM_CONF=", "SLURM_ARGS=", "SLURM_ARRAY=",
                                 "SLURM_ARRAY_SIZE=", "SLURM_ARRAY_LIMIT="};
    char *names[256];
    size_t n = 0;
    for (char **e = environ; *e && n < 256; e++) {
        int kept = strncmp(*e, "SLURM_", 6) != 0;
        for (size_t k = 0; k < sizeof keep / sizeof *keep && !kept; k++)
            kept = strncmp(*e, keep[k], strlen(keep[k])) == 0;
        if (kept) continue;
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
        char **extra = NULL, **own = NULL;
        int ne = repro_launch_words(getenv("SLURM_ARGS"), &extra);
        int no = repro_launch_words(j->args, &own);
        size_t nc = 0;
        while (j->argv[nc]) nc++;
        if (ne < 0 || no < 0 || !(argv = calloc((size_t)ne + (size_t)no + nc + 8, sizeof *argv)))
            return -1;
        size_t a = 0;
        snprintf(nameopt, sizeof nameopt, "--job-name=%s", j->label);
        snprintf(logopt, sizeof logopt, "--output=%s", j->log);
        argv[a++] = "srun";
        argv[a++] = nameopt;
        argv[a++] = "--ntasks=1";
        argv[a++] = "--kill-on-bad-exit=1";
        argv[a++] = logopt;
        for (int i = 0; i < ne; i++) argv[a++] = extra[i];
        for (int i = 0; i < no; i++) argv[a++] = own[i];
        for (size_t i = 0; i < nc; i++) argv[a++] = j->argv[i];
        argv[a] = NULL;
        free(extra); /* the words themselves live until exec (leaked in the parent: a few bytes) */
        free(own);
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
            repro_launch_slurm_env();
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

void repro_launch_tail(const char *path, int lines)
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
        repro_launch_tail(j->log, 30);
        char path[4300];
        snprintf(path, sizeof path, "%s.srun", j->log);
        repro_launch_tail(path, 6);
    } else {
        fprintf(stderr, "repro: %s failed (%s)\n", j->label, how);
    }
}

/* ---- children's exits as a readable descriptor ----------------------------------------------
 * While jobs wait for a jobserver token, the batch waits for whichever comes first: a token, or
 * the exit of one of its own children (which frees a slot).  SIGCHLD writes a byte to a pipe
 * (the self-pipe trick), so one poll() waits on both. */

static int chld_pipe[2] = {-1, -1};

static void on_chld(int sig)
{
    (void)sig;
    int e = errno;
    ssize_t r = write(chld_pipe[1], "c", 1);
    (void)r;
    errno = e;
}

static void chld_drain(void)
{
    char buf[64];
    while (read(chld_pipe[0], buf, sizeof buf) > 0) {
    }
}

/* The pipe and the handler (old: the handler to restore); 0, or -1 when they cannot be had. */
static int chld_watch(struct sigaction *old)
{
    if (pipe(chld_pipe) != 0) return -1;
    for (int k = 0; k < 2; k++) {
        fcntl(chld_pipe[k], F_SETFL, fcntl(chld_pipe[k], F_GETFL) | O_NONBLOCK);
        fcntl(chld_pipe[k], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, old) != 0) {
        close(chld_pipe[0]);
        close(chld_pipe[1]);
        chld_pipe[0] = chld_pipe[1] = -1;
        return -1;
    }
    return 0;
}

static void chld_unwatch(const struct sigaction *old)
{
    sigaction(SIGCHLD, old, NULL);
    close(chld_pipe[0]);
    close(chld_pipe[1]);
    chld_pipe[0] = chld_pipe[1] = -1;
}

/* ---- the batch ------------------------------------------------------------------------------ */

typedef struct {
    const repro_job *jobs;
    pid_t *pid;
    int *token, *failed, own_slot_free;
    size_t next, running, bad;
    repro_job_done done;
    void *arg;
} batch;

/* Child W ended with STATUS: its slot back, its result noted.  0 when W is not one of ours. */
static int ended(batch *b, pid_t w, int status)
{
    for (size_t i = 0; i < b->next; i++) {
        if (b->pid[i] != w) continue;
        b->pid[i] = 0;
        b->running--;
        if (b->token[i] >= 0) js_give(b->token[i]);
        else if (mode == REPRO_LAUNCH_LOCAL) b->own_slot_free = 1;
        int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (ok && b->failed) b->failed[i] = 0;
        if (!ok) {
            report(&b->jobs[i], status);
            b->bad++;
        }
        if (b->done) b->done(i, ok, b->arg);
        return 1;
    }
    return 0;
}

size_t repro_launch_all(const repro_job *jobs, size_t n, int *failed, repro_job_done done,
                        void *arg)
{
    if (mode == REPRO_LAUNCH_SLURM && n > 1) {
        size_t amin;
        if (repro_slurm_array_min(&amin) != 0) {
            fprintf(stderr, "repro: %s\n", repro_errmsg());
            if (failed) for (size_t i = 0; i < n; i++) failed[i] = 1;
            return n;
        }
        if (n >= amin) return repro_slurm_array_run(jobs, n, failed, done, arg);
    }
    batch b = {.jobs = jobs, .failed = failed, .own_slot_free = 1, .done = done, .arg = arg};
    b.pid = calloc(n ? n : 1, sizeof *b.pid);
    b.token = calloc(n ? n : 1, sizeof *b.token);
    if (!b.pid || !b.token) {
        free(b.pid);
        free(b.token);
        repro_err("out of memory");
        if (failed) for (size_t i = 0; i < n; i++) failed[i] = 1;
        return n;
    }
    if (failed) for (size_t i = 0; i < n; i++) failed[i] = 1;
    js_open();
    struct sigaction old_chld;
    int watch = mode == REPRO_LAUNCH_LOCAL && js_rd >= 0 && n > 1 && chld_watch(&old_chld) == 0;
    int token_ready = 0; /* poll saw the jobserver readable */
    while (b.next < n || b.running > 0) {
        /* Start what the slots allow: our own slot, then jobserver tokens (Slurm: everything).
         * With the watch, a token is only read when poll saw one (no waiting here). */
        while (b.next < n && b.bad == 0) {
            int tok = -2; /* -2: no token needed */
            if (mode == REPRO_LAUNCH_LOCAL) {
                if (b.own_slot_free) {
                    b.own_slot_free = 0;
                } else {
                    if (watch && !token_ready) break;
                    token_ready = 0;
                    if ((tok = js_take()) < 0) break;
                }
            }
            b.pid[b.next] = start(&jobs[b.next]);
            b.token[b.next] = tok;
            if (b.pid[b.next] < 0) {
                if (tok >= 0) js_give(tok);
                else if (mode == REPRO_LAUNCH_LOCAL) b.own_slot_free = 1;
                fprintf(stderr, "repro: cannot start %s\n", jobs[b.next].label);
                b.bad++;
                b.next++;
                break;
            }
            b.next++;
            b.running++;
        }
        if (b.running == 0) break;
        int status;
        if (watch && b.next < n && b.bad == 0) {
            /* jobs wait for a slot: reap what has ended, else wait for a token or an exit (the
             * pipe is drained before the reaping, so an exit after it still wakes the poll) */
            chld_drain();
            pid_t w;
            int reaped = 0;
            while ((w = waitpid(-1, &status, WNOHANG)) > 0) reaped |= ended(&b, w, status);
            if (reaped) continue;
            struct pollfd pf[2] = {{js_rd, POLLIN, 0}, {chld_pipe[0], POLLIN, 0}};
            if (poll(pf, 2, -1) > 0) {
                if (pf[0].revents & POLLIN) token_ready = 1;
                else if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) js_rd = -1; /* make is gone */
            }
            continue;
        }
        pid_t w = waitpid(-1, &status, 0);
        if (w < 0) {
            if (errno == EINTR) continue;
            break;
        }
        ended(&b, w, status);
    }
    if (watch) chld_unwatch(&old_chld);
    free(b.pid);
    free(b.token);
    if (!failed) return b.bad + (n - b.next);
    size_t notok = 0;
    for (size_t i = 0; i < n; i++) notok += (size_t)failed[i];
    return notok;
}
