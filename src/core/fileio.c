#include "core/fileio.h"

#include "core/err.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int repro_mkdirs(const char *dir)
{
    size_t n = strlen(dir);
    if (n == 0) return 0;
    char *p = malloc(n + 1);
    if (!p) return repro_err("out of memory");
    memcpy(p, dir, n + 1);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                repro_err("cannot create folder '%s': %s", p, strerror(errno));
                free(p);
                return -1;
            }
            *s = c;
            if (c == '\0') break;
        }
    }
    free(p);
    return 0;
}

int repro_mkparents(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return 0;
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d) return repro_err("out of memory");
    memcpy(d, path, n);
    d[n] = '\0';
    int rc = repro_mkdirs(d);
    free(d);
    return rc;
}

/* Temporaries in flight, for the signal handler: fixed storage, no allocation in the handler. */
enum { MAXTMP = 32, TMPLEN = 4096 };
static char inflight[MAXTMP][TMPLEN];
static volatile sig_atomic_t inflight_used[MAXTMP];

static void track(const char *tmp)
{
    if (strlen(tmp) >= TMPLEN) return;
    for (int i = 0; i < MAXTMP; i++)
        if (!inflight_used[i]) {
            memcpy(inflight[i], tmp, strlen(tmp) + 1);
            inflight_used[i] = 1;
            return;
        }
}

static void untrack(const char *tmp)
{
    for (int i = 0; i < MAXTMP; i++)
        if (inflight_used[i] && strcmp(inflight[i], tmp) == 0) inflight_used[i] = 0;
}

static void on_signal(int sig)
{
    for (int i = 0; i < MAXTMP; i++)
        if (inflight_used[i]) unlink(inflight[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void repro_fileio_cleanup_on_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

char *repro_tmpname(const char *path)
{
    static unsigned long serial;
    size_t n = strlen(path) + 48;
    char *t = malloc(n);
    if (t) {
        snprintf(t, n, "%s.tmp.%ld.%lu", path, (long)getpid(), serial++);
        track(t);
    }
    return t;
}

FILE *repro_tmpopen(const char *path, char **tmp)
{
    *tmp = NULL;
    if (repro_mkparents(path) != 0) return NULL;
    char *t = repro_tmpname(path);
    if (!t) {
        repro_err("out of memory");
        return NULL;
    }
    /* Created here and now, never an existing file or a symbolic link planted under the name. */
    int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        repro_err("cannot create '%s': %s", t, strerror(errno));
        if (fd >= 0) {
            close(fd);
            repro_discard(t);
        } else {
            untrack(t);
        }
        free(t);
        return NULL;
    }
    *tmp = t;
    return f;
}

int repro_tmpclose(FILE *f, const char *tmp)
{
    int ok = fflush(f) == 0;
    ok = (fsync(fileno(f)) == 0) && ok; /* on disk before the rename makes it visible */
    int err = errno;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        repro_err("cannot write '%s': %s", tmp, strerror(err ? err : errno));
        repro_discard(tmp);
        return -1;
    }
    return 0;
}

void repro_discard(const char *tmp)
{
    remove(tmp);
    untrack(tmp);
}

/* 1 when files A and B hold the same bytes. */
static int same_content(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    char ba[65536], bb[65536];
    while (same) {
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        if (na != nb || memcmp(ba, bb, na) != 0) same = 0;
        if (na == 0) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

int repro_commit(const char *tmp, const char *path)
{
    if (same_content(tmp, path)) {
        repro_discard(tmp);
        return 0;
    }
    untrack(tmp);
    if (rename(tmp, path) != 0) {
        repro_err("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

int repro_write_atomic(const char *path, const void *buf, size_t n)
{
    char *tmp;
    FILE *f = repro_tmpopen(path, &tmp);
    if (!f) return -1;
    int ok = fwrite(buf, 1, n, f) == n;
    if (repro_tmpclose(f, tmp) != 0 || !ok) {
        if (ok) {
            free(tmp);
            return -1;
        }
        repro_err("cannot write '%s': %s", path, strerror(errno));
        repro_discard(tmp);
        free(tmp);
        return -1;
    }
    int rc = repro_commit(tmp, path);
    free(tmp);
    return rc;
}

char *repro_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        repro_err("cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        cap *= 2;
        char *nb = realloc(buf, cap);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) {
        repro_err("out of memory reading '%s'", path);
        return NULL;
    }
    if (err) {
        free(buf);
        repro_err("cannot read '%s'", path);
        return NULL;
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

const char *repro_relpath(const char *path, char *buf, size_t n)
{
    char cwd[4096];
    size_t k;
    if (path[0] == '/' && getcwd(cwd, sizeof cwd) && (k = strlen(cwd)) > 1 &&
        strncmp(path, cwd, k) == 0 && path[k] == '/' && path[k + 1]) {
        snprintf(buf, n, "%s", path + k + 1);
        return buf;
    }
    snprintf(buf, n, "%s", path);
    return buf;
}

int repro_path_within(const char *path, const char *const *roots, size_t n)
{
    char *real = realpath(path, NULL);
    if (!real) return 0;
    int inside = 0;
    for (size_t i = 0; i < n && !inside; i++) {
        char *root = roots[i] ? realpath(roots[i], NULL) : NULL;
        if (!root) continue;
        size_t k = strlen(root);
        inside = strncmp(real, root, k) == 0 && (real[k] == '/' || (real[k] == '\0') ||
                                                 (k == 1 && root[0] == '/'));
        free(root);
    }
    free(real);
    return inside;
}
