/* proc: child processes and file questions for `repro diff` (see proc.h). */
#include "diff/proc.h"

#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void repro_fmt(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
}

/* The signal (SIGINT, SIGTERM, SIGHUP) that reached this process while a child ran, or 0. */
static volatile sig_atomic_t caught;
static void note_signal(int sig) { caught = sig; }
int repro_run_signal(void) { return caught; }

int repro_run(const char *const argv[], const char *dir, const char *log, char *cap, size_t ncap,
              int make_env)
{
    int pfd[2] = {-1, -1};
    if (cap && pipe(pfd) != 0) return 127;
    fflush(stdout);
    fflush(stderr);
    /* While the child runs, an interrupt (Ctrl-C reaches the whole process group) stops the child
     * only: this process notes it, sees the child fail and removes its temporary worktrees.  (The
     * child's own status is no sure sign: make, signalled with its children, can exit with 2.) */
    struct sigaction ign, old[3];
    const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = note_signal;
    sigemptyset(&ign.sa_mask);
    for (int i = 0; i < 3; i++) sigaction(sigs[i], &ign, &old[i]);
    pid_t pid = fork();
    if (pid < 0) {
        for (int i = 0; i < 3; i++) sigaction(sigs[i], &old[i], NULL);
        if (cap) {
            close(pfd[0]);
            close(pfd[1]);
        }
        return 127;
    }
    if (pid == 0) {
        for (int i = 0; i < 3; i++) sigaction(sigs[i], &old[i], NULL);
        if (dir && chdir(dir) != 0) _exit(127);
        int in = open("/dev/null", O_RDONLY);
        if (in >= 0) dup2(in, 0);
        int lfd =
            log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0666) : open("/dev/null", O_WRONLY);
        if (lfd >= 0) {
            dup2(lfd, 2);
            if (!cap) dup2(lfd, 1);
        }
        if (cap) {
            dup2(pfd[1], 1);
            close(pfd[0]);
            close(pfd[1]);
        }
        if (make_env) {
            unsetenv("MAKEFLAGS");
            unsetenv("MFLAGS");
            unsetenv("MAKELEVEL");
            unsetenv("MAKEOVERRIDES");
            unsetenv("GNUMAKEFLAGS");
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (cap) {
        close(pfd[1]);
        size_t k = 0;
        char junk[4096];
        for (;;) {
            ssize_t r = k + 1 < ncap ? read(pfd[0], cap + k, ncap - 1 - k)
                                     : read(pfd[0], junk, sizeof junk);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            if (k + 1 < ncap) k += (size_t)r;
        }
        close(pfd[0]);
        while (k > 0 && (cap[k - 1] == '\n' || cap[k - 1] == ' ' || cap[k - 1] == '\r')) k--;
        cap[k] = '\0';
    }
    int st = 0, waited;
    while ((waited = waitpid(pid, &st, 0)) < 0 && errno == EINTR) continue;
    for (int i = 0; i < 3; i++) sigaction(sigs[i], &old[i], NULL);
    if (waited < 0) return 127;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int repro_git(const char *const argv[], char *cap, size_t ncap, const char *log)
{
    return repro_run(argv, NULL, log, cap, ncap, 0);
}

int repro_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int repro_is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void repro_absolute(const char *path, char *out, size_t n)
{
    char cwd[PATHN];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        repro_fmt(out, n, "%s", path);
    else
        repro_fmt(out, n, "%s/%s", cwd, path);
}

void repro_tail(const char *file, int lines)
{
    size_t len;
    char *s = repro_read_file(file, &len);
    if (!s) return;
    size_t i = len;
    while (i > 0 && s[i - 1] == '\n') i--;
    size_t end = i;
    for (int k = 0; i > 0; i--)
        if (s[i - 1] == '\n' && ++k == lines) break;
    char *p = s + i;
    s[end] = '\0';
    for (char *q; p && *p; p = q) {
        q = strchr(p, '\n');
        if (q) *q++ = '\0';
        fprintf(stderr, "    %s\n", p);
    }
    free(s);
}

int repro_has_target(const char *path, const char *target)
{
    char *s = repro_read_file(path, NULL);
    if (!s) return 0;
    int found = 0;
    for (char *line = s, *next; line && !found; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (line[0] == '\t' || line[0] == '#' || line[0] == ' ') continue;
        char *colon = strchr(line, ':');
        if (!colon || colon[1] == '=') continue;
        *colon = '\0';
        for (char *tok = strtok(line, " \t"); tok && !found; tok = strtok(NULL, " \t"))
            found = strcmp(tok, target) == 0;
    }
    free(s);
    return found;
}

