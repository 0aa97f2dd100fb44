#include "diff/cmd_diff.h"

#include "diff/diffreport.h"
#include "core/err.h"
#include "diff/figdiff.h"
#include "core/fileio.h"
#include "diff/pixdiff.h"

#include <dirent.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char diff_usage[] =
    "usage: repro diff [REV_A [REV_B]] [options]\n"
    "       repro diff --dirs A_DIR B_DIR [options]\n"
    "\n"
    "Compares the figures (their data sidecars first, their pixels second) and the values of two\n"
    "versions of the project.  A revision is anything git names (commit, tag, branch, HEAD~2);\n"
    "'.' is the working tree.  Default: HEAD against the working tree.  A revision is built with\n"
    "`make figures` in a temporary git worktree under OUT; the working tree is built in place.\n"
    "\n"
    "  --atol X         absolute tolerance for numbers (default 1e-9)\n"
    "  --rtol X         relative tolerance: numbers differ when |b-a| > atol + rtol |a|\n"
    "                   (default 1e-6)\n"
    "  --pixel-tol N    per-channel pixel tolerance, 0..255 (default 8)\n"
    "  --out DIR        report and temporary worktrees (default build/figdiff)\n"
    "  --no-build       take the working tree's figures and results as they are\n"
    "  --build-dir DIR  the working tree's build folder (default build)\n"
    "  --figures-dir DIR\n"
    "                   the working tree's figures folder (default figures)\n"
    "  --keep           keep the temporary worktrees\n"
    "  --dirs A B       compare two folders, each holding figures/ and results.json (or\n"
    "                   build/results.json); nothing is built\n"
    "\n"
    "Exit status: 0 nothing changed beyond tolerance, 1 something changed, 2 an error.\n";

enum { PATHN = 4096 };

/* snprintf for paths and messages whose parts are bounded elsewhere (cut silently if not). */
static void pf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pf(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
}

typedef struct {
    repro_tol tol;
    int pixel_tol;
    const char *out;
    const char *build_dir, *fig_dir;
    int no_build, keep, dirs;
    const char *spec[2];
} opts;

typedef struct {
    char name;        /* 'A' or 'B' */
    const char *spec; /* as given */
    int tree;         /* the working tree (the current checkout) */
    int dir;          /* --dirs: a plain folder */
    char commit[64];
    char label[300];
    char proj[PATHN];   /* the project folder of this side */
    char wt[PATHN];     /* a temporary worktree made for this side ("" when none) */
    int owns_wt;        /* this side made the worktree (the other side may share it) */
    char bdir[PATHN];   /* its build folder */
    char figdir[PATHN]; /* its figures */
    char results[PATHN];
} side;

/* ---- child processes ------------------------------------------------------------------------ */

/* Run ARGV in folder DIR (NULL: here) with standard input from /dev/null.  Standard output goes
 * into CAP (trailing white space trimmed) when CAP is given, else to LOG; standard error goes to
 * LOG (appended), or is discarded when LOG is NULL.  MAKE_ENV: drop the variables through which a
 * calling make would pass its own command-line settings to this one.  Returns the exit status,
 * 128 + signal, or 127 when the program could not be started. */
static int run(const char *const argv[], const char *dir, const char *log, char *cap, size_t ncap,
               int make_env)
{
    int pfd[2] = {-1, -1};
    if (cap && pipe(pfd) != 0) return 127;
    fflush(stdout);
    fflush(stderr);
    /* While the child runs, an interrupt (Ctrl-C reaches the whole process group) stops the child
     * only: this process then sees it fail and removes its temporary worktrees. */
    struct sigaction ign, old[3];
    const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
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

static int git(const char *const argv[], char *cap, size_t ncap, const char *log)
{
    return run(argv, NULL, log, cap, ncap, 0);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* PATH made absolute against the current folder. */
static void absolute(const char *path, char *out, size_t n)
{
    char cwd[PATHN];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        pf(out, n, "%s", path);
    else
        pf(out, n, "%s/%s", cwd, path);
}

/* Print the last LINES lines of FILE to stderr, indented. */
static void tail(const char *file, int lines)
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

/* 1 when the Makefile at PATH has a rule for TARGET. */
static int has_target(const char *path, const char *target)
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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- sides ----------------------------------------------------------------------------------- */

/* Remove a worktree this command made (or a stale one left by an interrupted run). */
static void remove_worktree(const char *wt, const char *log)
{
    char marker[PATHN + 8];
    pf(marker, sizeof marker, "%s/.git", wt);
    if (!is_file(marker)) return; /* not a worktree: never delete what we did not make */
    const char *rm_wt[] = {"git", "worktree", "remove", "--force", "--force", wt, NULL};
    git(rm_wt, NULL, 0, log);
    if (is_dir(wt)) {
        const char *rm[] = {"rm", "-rf", "--", wt, NULL};
        run(rm, NULL, log, NULL, 0, 0);
    }
    const char *prune[] = {"git", "worktree", "prune", NULL};
    git(prune, NULL, 0, log);
}

/* Resolve S->spec to a commit and label the side. */
static int resolve(side *s)
{
    char spec[600], out[256];
    pf(spec, sizeof spec, "%s^{commit}", s->spec);
    const char *argv[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                          spec,  NULL};
    int rc = git(argv, out, sizeof out, NULL);
    if (rc == 127) {
        fprintf(stderr, "repro diff: cannot run git\n");
        return -1;
    }
    if (rc != 0 || strlen(out) < 40) {
        fprintf(stderr,
                "repro diff: unknown revision '%s' (side %c): git knows no commit of "
                "that name\n",
                s->spec, s->name);
        return -1;
    }
    pf(s->commit, sizeof s->commit, "%s", out);
    if (strncmp(s->spec, s->commit, strlen(s->spec)) == 0)
        pf(s->label, sizeof s->label, "%.12s", s->commit);
    else
        pf(s->label, sizeof s->label, "%s (%.12s)", s->spec, s->commit);
    return 0;
}

/* Make a worktree of S->commit at OUT/wt-<a|b>. */
static int make_worktree(side *s, const char *out, const char *prefix, const char *log)
{
    pf(s->wt, sizeof s->wt, "%s/wt-%c", out, s->name == 'A' ? 'a' : 'b');
    remove_worktree(s->wt, log);
    if (is_dir(s->wt)) {
        fprintf(stderr,
                "repro diff: %s is in the way (not a worktree this command made); "
                "remove it or choose another --out\n",
                s->wt);
        s->wt[0] = '\0';
        return -1;
    }
    const char *argv[] = {"git", "worktree", "add", "--detach", "--quiet", s->wt, s->commit, NULL};
    if (git(argv, NULL, 0, log) != 0) {
        fprintf(stderr, "repro diff: side %c (%s): git worktree add failed; from %s:\n", s->name,
                s->label, log);
        tail(log, 10);
        s->wt[0] = '\0';
        return -1;
    }
    s->owns_wt = 1;
    pf(s->proj, sizeof s->proj, "%s/%s", s->wt, prefix);
    size_t n = strlen(s->proj);
    if (n > 1 && s->proj[n - 1] == '/') s->proj[n - 1] = '\0';
    pf(s->bdir, sizeof s->bdir, "%s/build", s->proj);
    pf(s->figdir, sizeof s->figdir, "%s/figures", s->proj);
    pf(s->results, sizeof s->results, "%s/results.json", s->bdir);
    return 0;
}

/* When the revision's engine sources (src/, .ci/, Makefile) are those of the working tree and the
 * working tree's engine is up to date, copy it into the worktree so that `make` finds it built
 * (copies are newer than the checked-out sources).  Best effort: on any doubt, build afresh. */
static void reuse_engine(const side *s, const char *tree_bdir, const char *log)
{
    char repro[PATHN + 8], cfg[PATHN + 16], obj[PATHN + 8], b_arg[PATHN + 8], dest[PATHN];
    pf(repro, sizeof repro, "%s/repro", tree_bdir);
    pf(cfg, sizeof cfg, "%s/config.mk", tree_bdir);
    pf(obj, sizeof obj, "%s/obj", tree_bdir);
    if (!is_file(repro) || !is_file(cfg) || !is_dir(obj)) return;
    const char *d[] = {"git", "diff", "--quiet", s->commit, "--", "src", ".ci", "Makefile", NULL};
    if (git(d, NULL, 0, log) != 0) return;
    char untracked[64];
    const char *u[] = {"git", "ls-files", "--others", "--exclude-standard",
                       "--",  "src",      ".ci",      NULL};
    if (git(u, untracked, sizeof untracked, log) != 0 || untracked[0]) return;
    pf(b_arg, sizeof b_arg, "B=%s", tree_bdir);
    const char *q[] = {"make", "-q", b_arg, repro, NULL};
    if (run(q, NULL, log, NULL, 0, 1) != 0) return;
    pf(dest, sizeof dest, "%s/", s->bdir);
    if (repro_mkdirs(s->bdir) != 0) return;
    /* In dependency order, so that each copy is newer than what it depends on. */
    const char *cp[] = {"cp", "-R", cfg, obj, repro, dest, NULL};
    if (run(cp, NULL, log, NULL, 0, 0) == 0) {
        FILE *f = fopen(log, "a");
        if (f) {
            fprintf(f, "repro diff: reusing the engine of %s (same engine sources)\n", tree_bdir);
            fclose(f);
        }
    }
}

/* Where a file the working tree's stages wrote goes in the worktree S: under its build folder,
 * figure folder or project root, as it was under the working tree's.  Paths in run records are
 * relative to the project root (see repro_relpath). */
static int map_output(const char *file, const side *t, const side *s, char *src, char *dst, size_t n)
{
    char abs[PATHN];
    if (file[0] == '/')
        pf(abs, sizeof abs, "%s", file);
    else
        pf(abs, sizeof abs, "%s/%s", t->proj, file);
    const char *from[3] = {t->bdir, t->figdir, t->proj}, *to[3] = {s->bdir, s->figdir, s->proj};
    for (int k = 0; k < 3; k++) {
        size_t m = strlen(from[k]);
        if (strncmp(abs, from[k], m) == 0 && abs[m] == '/') {
            pf(src, n, "%s", abs);
            pf(dst, n, "%s%s", to[k], abs + m);
            return 0;
        }
    }
    return -1;
}

static int copy_file(const char *src, const char *dst)
{
    size_t len;
    char *buf = repro_read_file(src, &len);
    if (!buf) return -1;
    int rc = repro_mkparents(dst) == 0 ? repro_write_atomic(dst, buf, len) : -1;
    free(buf);
    return rc;
}

/* Carry the working tree T's finished stages over to the worktree S: each run record with the
 * outputs it lists.  The worktree's own `repro stage` then judges each by content hashes (script,
 * Lua files, data files, parameters, engine): a stage whose inputs are identical in both
 * revisions prints "cached" and is not run again; any other re-runs as usual.  Best effort: a
 * stage whose files cannot be mapped or copied is left out (it re-runs). */
static void reuse_stages(const side *t, const side *s, const char *log)
{
    char dir[PATHN + 16];
    pf(dir, sizeof dir, "%s/stages", t->bdir);
    DIR *d = opendir(dir);
    if (!d) return;
    size_t reused = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char rec[2 * PATHN], dst[2 * PATHN], src[2 * PATHN];
        pf(rec, sizeof rec, "%s/%s/results.json", dir, e->d_name);
        json_t *r = json_load_file(rec, 0, NULL);
        if (!r) continue;
        const char *file;
        json_t *h;
        int good = 1;
        json_object_foreach(json_object_get(r, "outputs"), file, h)
        {
            if (map_output(file, t, s, src, dst, sizeof dst) != 0 || copy_file(src, dst) != 0) {
                good = 0;
                break;
            }
        }
        pf(dst, sizeof dst, "%s/stages/%s/results.json", s->bdir, e->d_name);
        if (good && copy_file(rec, dst) == 0) reused++;
        json_decref(r);
    }
    closedir(d);
    FILE *f = fopen(log, "a");
    if (f) {
        fprintf(f, "repro diff: offered %zu finished stage(s) of %s to %s\n", reused, t->bdir,
                s->label);
        fclose(f);
    }
}

static int build(const side *s, const char *log)
{
    char mk[PATHN + 16], b_arg[PATHN + 8], f_arg[PATHN + 8];
    pf(mk, sizeof mk, "%s/Makefile", s->proj);
    const char *target = has_target(mk, "figures") ? "figures"
                         : has_target(mk, "paper") ? "paper"
                                                   : NULL;
    if (!target) {
        fprintf(stderr,
                "repro diff: side %c (%s) cannot be built: %s has no 'figures' or "
                "'paper' target\n",
                s->name, s->label, mk);
        return -1;
    }
    pf(b_arg, sizeof b_arg, "B=%s", s->bdir);
    pf(f_arg, sizeof f_arg, "FIG=%s", s->figdir);
    fprintf(stderr, "repro diff: building %c = %s (make %s) ...\n", s->name, s->label, target);
    double t0 = now();
    const char *argv[] = {"make", "--no-print-directory", "-C", s->proj, target, b_arg, f_arg,
                          NULL};
    int rc = run(argv, NULL, log, NULL, 0, 1);
    if (rc != 0) {
        fprintf(stderr,
                "repro diff: side %c (%s) failed to build: `make %s` %s %d; last lines "
                "of %s:\n",
                s->name, s->label, target,
                rc == 127  ? "could not start, status"
                : rc > 128 ? "died of signal"
                           : "exited with status",
                rc > 128 && rc != 127 ? rc - 128 : rc, log);
        tail(log, 15);
        return -1;
    }
    fprintf(stderr, "repro diff: built %c in %.1f s\n", s->name, now() - t0);
    return 0;
}

/* ---- figures ----------------------------------------------------------------------------------
 */

typedef struct {
    char **v;
    size_t n;
} names;

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the base names of DIR's *.json and *.png files to NM. */
static int list_figures(const char *dir, names *nm)
{
    DIR *d = opendir(dir);
    if (!d) return 0; /* no figures on this side */
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) && rc == 0) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
            n -= 5;
        else if (n > 4 && strcmp(e->d_name + n - 4, ".png") == 0)
            n -= 4;
        else
            continue;
        if (strstr(e->d_name, ".tmp.")) continue;
        char **nv = realloc(nm->v, (nm->n + 1) * sizeof *nv);
        char *s = malloc(n + 1);
        if (!nv || !s) {
            free(s);
            if (nv) nm->v = nv;
            rc = repro_err("out of memory");
            break;
        }
        memcpy(s, e->d_name, n);
        s[n] = '\0';
        nm->v = nv;
        nm->v[nm->n++] = s;
    }
    closedir(d);
    return rc;
}

static void unique(names *nm)
{
    qsort(nm->v, nm->n, sizeof *nm->v, cmpstr);
    size_t k = 0;
    for (size_t i = 0; i < nm->n; i++) {
        if (k && strcmp(nm->v[k - 1], nm->v[i]) == 0)
            free(nm->v[i]);
        else
            nm->v[k++] = nm->v[i];
    }
    nm->n = k;
}

/* Everything known about one figure, owned here; the report gets views of it. */
typedef struct {
    char *a_png, *b_png, *heat;
    json_t *a_json, *b_json;
    int has_data, has_pix;
    repro_figdiff data;
    repro_pixdiff pix;
    char *error;
} figure;

static char *path_if(const char *dir, const char *name, const char *ext)
{
    char p[PATHN];
    pf(p, sizeof p, "%s/%s.%s", dir, name, ext);
    return is_file(p) ? strdup(p) : NULL;
}

static void set_error(figure *f, const char *msg)
{
    if (!f->error) f->error = strdup(msg);
}

static void compare_figure(figure *f, const char *name, const side *a, const side *b, const opts *o,
                           const char *out)
{
    memset(f, 0, sizeof *f);
    char *ja = path_if(a->figdir, name, "json"), *jb = path_if(b->figdir, name, "json");
    f->a_png = path_if(a->figdir, name, "png");
    f->b_png = path_if(b->figdir, name, "png");
    if (ja && !(f->a_json = repro_figdiff_load(ja))) set_error(f, repro_errmsg());
    if (jb && !(f->b_json = repro_figdiff_load(jb))) set_error(f, repro_errmsg());
    if ((ja || jb) && !f->error) {
        if (repro_figdiff_json(f->a_json, f->b_json, &o->tol, &f->data) == 0)
            f->has_data = 1;
        else
            set_error(f, repro_errmsg());
    }
    if (f->a_png && f->b_png) {
        char safe[256], heat[PATHN + 300];
        repro_report_safe_name(name, safe, sizeof safe);
        pf(heat, sizeof heat, "%s/img/%s.heat.png", out, safe);
        if (repro_pixdiff_files(f->a_png, f->b_png, o->pixel_tol, heat, &f->pix) != 0) {
            set_error(f, repro_errmsg());
        } else {
            f->has_pix = 1;
            if (repro_pixdiff_changed(&f->pix) || f->pix.isolated)
                f->heat = strdup(heat);
            else
                remove(heat);
        }
    }
    free(ja);
    free(jb);
}

static void free_figure(figure *f)
{
    free(f->a_png);
    free(f->b_png);
    free(f->heat);
    free(f->error);
    if (f->a_json) json_decref(f->a_json);
    if (f->b_json) json_decref(f->b_json);
    repro_figdiff_free(&f->data);
}

static repro_report_fig view(const figure *f, const char *name)
{
    repro_report_fig v = {name,
                          f->a_png,
                          f->b_png,
                          f->heat,
                          f->a_json,
                          f->b_json,
                          f->has_data ? &f->data : NULL,
                          f->has_pix ? &f->pix : NULL,
                          f->error};
    return v;
}

/* Remove the images of an earlier report (only *.png files in OUT/img). */
static void clear_images(const char *out)
{
    char dir[PATHN], p[PATHN * 2];
    pf(dir, sizeof dir, "%s/img", out);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".png") == 0) {
            pf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
}

/* ---- results ------------------------------------------------------------------------------------
 */

/* Load a side's results file: 0 with *J set (NULL when the side has none), or -1. */
static int load_results(const side *s, json_t **j)
{
    *j = NULL;
    if (!is_file(s->results)) return 0;
    json_error_t e;
    *j = json_load_file(s->results, 0, &e);
    if (!*j) {
        fprintf(stderr, "repro diff: side %c: %s:%d: %s\n", s->name, s->results, e.line, e.text);
        return -1;
    }
    if (!json_is_object(*j)) {
        fprintf(stderr, "repro diff: side %c: %s is not an object of named values\n", s->name,
                s->results);
        json_decref(*j);
        *j = NULL;
        return -1;
    }
    return 0;
}

/* ---- the terminal summary
 * ------------------------------------------------------------------------ */

static void print_cut(const char *s, int width, int last)
{
    int n = (int)strlen(s);
    if (n > width)
        printf("%.*s...", width - 3, s);
    else if (last)
        printf("%s", s);
    else
        printf("%-*s", width, s);
}

static void summary(const repro_report_fig *v, size_t n, const repro_resultsdiff *rd, const side *a,
                    const side *b)
{
    enum { WL = 58 };
    char d[256], l[1024], p[256];
    int wn = 6, wd = 4, wl = 14;
    for (size_t i = 0; i < n; i++) {
        int k = (int)strlen(v[i].name);
        if (k > wn) wn = k;
        k = (int)strlen(repro_report_data_verdict(&v[i], d, sizeof d));
        if (k > wd) wd = k;
        k = (int)strlen(repro_report_largest(&v[i], l, sizeof l));
        if (k > wl) wl = k;
    }
    if (wn > 24) wn = 24;
    if (wl > WL) wl = WL;
    printf("A: %s\nB: %s\n\n", a->label, b->label);
    printf("%-*s  %-*s  %-*s  %s\n", wn, "figure", wd, "data", wl, "largest change", "pixels");
    for (size_t i = 0; i < n; i++) {
        print_cut(v[i].name, wn, 0);
        printf("  ");
        print_cut(repro_report_data_verdict(&v[i], d, sizeof d), wd, 0);
        printf("  ");
        print_cut(repro_report_largest(&v[i], l, sizeof l), wl, 0);
        printf("  %s\n", repro_report_pixel_verdict(&v[i], p, sizeof p));
    }
    if (!n) printf("(no figures on either side)\n");
    for (size_t i = 0; i < n; i++) {
        const repro_figdiff *fd = v[i].data;
        if (!fd || !fd->nlines) continue;
        printf("\n%s:\n", v[i].name);
        size_t show = fd->nlines < 8 ? fd->nlines : 8;
        for (size_t k = 0; k < show; k++) printf("  %s\n", fd->lines[k]);
        if (fd->nlines + fd->nmore > show)
            printf("  ... and %zu more (see the report)\n", fd->nlines + fd->nmore - show);
    }
    if (!rd) {
        printf("\nvalues: no results file on either side\n");
        return;
    }
    size_t nc = 0, na = 0, nr = 0, wv = 5, wa = 1, wb = 1;
    for (size_t i = 0; i < rd->n; i++) {
        const repro_valdiff *x = &rd->v[i];
        nc += x->state == REPRO_DIFF_CHANGED;
        na += x->state == REPRO_DIFF_ADDED;
        nr += x->state == REPRO_DIFF_REMOVED;
        if (strlen(x->name) > wv) wv = strlen(x->name);
        if (x->a && strlen(x->a) > wa) wa = strlen(x->a);
        if (x->b && strlen(x->b) > wb) wb = strlen(x->b);
    }
    if (wv > 36) wv = 36;
    if (wa > 20) wa = 20;
    if (wb > 20) wb = 20;
    printf("\nvalues: %zu changed, %zu added, %zu removed, %zu the same\n", nc, na, nr, rd->nsame);
    for (size_t i = 0; i < rd->n; i++) {
        const repro_valdiff *x = &rd->v[i];
        char ch[96] = "";
        if (x->numeric) {
            char num[32];
            repro_diff_num(x->delta, num, sizeof num);
            if (isinf(x->rel))
                pf(ch, sizeof ch, "%s%s (from 0)", x->delta > 0 ? "+" : "", num);
            else
                pf(ch, sizeof ch, "%s%s (%+.3g%%)", x->delta > 0 ? "+" : "", num,
                   copysign(100 * x->rel, x->delta));
        } else {
            pf(ch, sizeof ch, "%s", repro_diff_state_name(x->state));
        }
        printf("  ");
        print_cut(x->name, (int)wv, 0);
        printf("  ");
        print_cut(x->a ? x->a : "-", (int)wa, 0);
        printf(" -> ");
        print_cut(x->b ? x->b : "-", (int)wb, 0);
        printf("  %-20s  %s%s%s\n", ch, x->where, x->note ? "  " : "", x->note ? x->note : "");
    }
}

/* ---- the command --------------------------------------------------------------------------------
 */

static int parse_num(const char *opt, const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !(x >= 0) || isinf(x)) {
        fprintf(stderr, "repro diff: %s expects a number >= 0, got '%s'\n", opt, s);
        return -1;
    }
    *v = x;
    return 0;
}

static int parse(int argc, char **argv, opts *o)
{
    int npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        double x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(diff_usage, stdout);
            return 1;
        } else if (strcmp(a, "--no-build") == 0) {
            o->no_build = 1;
        } else if (strcmp(a, "--keep") == 0) {
            o->keep = 1;
        } else if (strcmp(a, "--dirs") == 0) {
            o->dirs = 1;
        } else if (a[0] == '-' && a[1] == '-' && a[2]) {
            static const char *const valued[] = {
                "--atol", "--rtol", "--pixel-tol", "--out", "--build-dir", "--figures-dir", NULL};
            int known = 0;
            for (int k = 0; valued[k]; k++) known |= strcmp(a, valued[k]) == 0;
            if (!known) {
                fprintf(stderr, "repro diff: unknown option '%s'\n%s", a, diff_usage);
                return -1;
            }
            if (!has) {
                fprintf(stderr, "repro diff: %s needs a value\n", a);
                return -1;
            }
            const char *val = argv[++i];
            if (strcmp(a, "--atol") == 0) {
                if (parse_num(a, val, &o->tol.atol)) return -1;
            } else if (strcmp(a, "--rtol") == 0) {
                if (parse_num(a, val, &o->tol.rtol)) return -1;
            } else if (strcmp(a, "--pixel-tol") == 0) {
                if (parse_num(a, val, &x)) return -1;
                if (x > 255 || x != floor(x)) {
                    fprintf(stderr,
                            "repro diff: --pixel-tol expects a whole number 0..255, got "
                            "'%s'\n",
                            val);
                    return -1;
                }
                o->pixel_tol = (int)x;
            } else if (strcmp(a, "--out") == 0) {
                o->out = val;
            } else if (strcmp(a, "--build-dir") == 0) {
                o->build_dir = val;
            } else {
                o->fig_dir = val;
            }
        } else if (npos < 2) {
            o->spec[npos++] = a;
        } else {
            fprintf(stderr, "repro diff: too many revisions ('%s'): give at most two\n%s", a,
                    diff_usage);
            return -1;
        }
    }
    if (o->dirs && npos != 2) {
        fprintf(stderr, "repro diff: --dirs needs two folders\n%s", diff_usage);
        return -1;
    }
    if (!o->dirs) {
        if (npos < 1) o->spec[0] = "HEAD";
        if (npos < 2) o->spec[1] = ".";
    }
    return 0;
}

static int write_report(const char *out, const opts *o, const side *sd,
                        const repro_report_fig *views, size_t n, const repro_resultsdiff *rd,
                        const char *note)
{
    repro_report rep = {sd[0].label, sd[1].label, o->tol, o->pixel_tol,
                        views,       n,           rd,     *note ? note : NULL};
    return repro_report_write(out, &rep);
}

static int setup_dir_side(side *s)
{
    if (!is_dir(s->spec)) {
        fprintf(stderr, "repro diff: side %c: '%s' is not a folder\n", s->name, s->spec);
        return -1;
    }
    s->dir = 1;
    pf(s->label, sizeof s->label, "%s", s->spec);
    absolute(s->spec, s->proj, sizeof s->proj);
    pf(s->figdir, sizeof s->figdir, "%s/figures", s->proj);
    pf(s->results, sizeof s->results, "%s/results.json", s->proj);
    if (!is_file(s->results)) pf(s->results, sizeof s->results, "%s/build/results.json", s->proj);
    return 0;
}

static void setup_tree_side(side *s, const opts *o)
{
    s->tree = 1;
    pf(s->label, sizeof s->label, "working tree");
    absolute(".", s->proj, sizeof s->proj);
    absolute(o->build_dir, s->bdir, sizeof s->bdir);
    absolute(o->fig_dir, s->figdir, sizeof s->figdir);
    pf(s->results, sizeof s->results, "%s/results.json", s->bdir);
}

int repro_cmd_diff(int argc, char **argv)
{
    opts o = {{REPRO_DIFF_ATOL, REPRO_DIFF_RTOL},
              8,
              "build/figdiff",
              "build",
              "figures",
              0,
              0,
              0,
              {NULL, NULL}};
    int p = parse(argc, argv, &o);
    if (p) return p > 0 ? 0 : 2;
    side sd[2];
    memset(sd, 0, sizeof sd);
    sd[0].name = 'A';
    sd[1].name = 'B';
    sd[0].spec = o.spec[0];
    sd[1].spec = o.spec[1];
    int rc = 2;
    names nm = {0};
    figure *figs = NULL;
    repro_report_fig *views = NULL;
    json_t *ra = NULL, *rb = NULL;
    repro_resultsdiff rd = {0};
    int have_rd = 0, failed = 0, changed = 0;
    char note[PATHN + 64] = "";
    char out[PATHN], log[PATHN + 16], prefix[PATHN] = "";

    absolute(o.out, out, sizeof out);
    if (repro_mkdirs(out) != 0) {
        fprintf(stderr, "repro diff: %s\n", repro_errmsg());
        return 2;
    }
    pf(log, sizeof log, "%s/git.log", out);
    remove(log);
    if (o.dirs) {
        if (setup_dir_side(&sd[0]) || setup_dir_side(&sd[1])) return 2;
    } else {
        const char *top[] = {"git", "rev-parse", "--show-prefix", NULL};
        if (git(top, prefix, sizeof prefix, NULL) != 0) {
            fprintf(stderr, "repro diff: not inside a git repository (use --dirs to compare two "
                            "folders)\n");
            return 2;
        }
        for (int k = 0; k < 2; k++) {
            if (strcmp(sd[k].spec, ".") == 0)
                setup_tree_side(&sd[k], &o);
            else if (resolve(&sd[k]) != 0)
                return 2;
        }
        /* Worktrees left by an interrupted run or by --keep, and the logs of an earlier run. */
        for (int k = 0; k < 2; k++) {
            char stale[PATHN + 16];
            pf(stale, sizeof stale, "%s/wt-%c", out, k ? 'b' : 'a');
            remove_worktree(stale, log);
            pf(stale, sizeof stale, "%s/build-%c.log", out, k ? 'b' : 'a');
            remove(stale);
        }
        /* The working tree first: its engine may then be reused by the worktrees. */
        for (int k = 0; k < 2; k++) {
            if (!sd[k].tree || o.no_build || (k == 1 && sd[0].tree)) continue;
            pf(log, sizeof log, "%s/build-%c.log", out, k ? 'b' : 'a');
            remove(log);
            if (build(&sd[k], log) != 0) goto done;
        }
        for (int k = 0; k < 2; k++) {
            if (sd[k].tree) continue;
            if (k == 1 && !sd[0].tree && strcmp(sd[0].commit, sd[1].commit) == 0) {
                char keep_label[300];
                pf(keep_label, sizeof keep_label, "%s", sd[1].label);
                sd[1] = sd[0];
                sd[1].name = 'B';
                sd[1].spec = o.spec[1];
                sd[1].owns_wt = 0;
                pf(sd[1].label, sizeof sd[1].label, "%s", keep_label);
                continue;
            }
            pf(log, sizeof log, "%s/build-%c.log", out, k ? 'b' : 'a');
            remove(log);
            if (make_worktree(&sd[k], out, prefix, log) != 0) goto done;
            char tree_bdir[PATHN];
            absolute(o.build_dir, tree_bdir, sizeof tree_bdir);
            reuse_engine(&sd[k], tree_bdir, log);
            side tree;
            setup_tree_side(&tree, &o);
            reuse_stages(&tree, &sd[k], log);
            if (build(&sd[k], log) != 0) goto done;
        }
    }

    /* Compare. */
    clear_images(out);
    if (list_figures(sd[0].figdir, &nm) || list_figures(sd[1].figdir, &nm)) {
        fprintf(stderr, "repro diff: %s\n", repro_errmsg());
        goto done;
    }
    unique(&nm);
    figs = calloc(nm.n + 1, sizeof *figs);
    views = calloc(nm.n + 1, sizeof *views);
    if (!figs || !views) {
        fprintf(stderr, "repro diff: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < nm.n; i++) {
        compare_figure(&figs[i], nm.v[i], &sd[0], &sd[1], &o, out);
        views[i] = view(&figs[i], nm.v[i]);
        if (figs[i].error) failed = 1;
        if (repro_report_fig_changed(&views[i])) changed = 1;
    }
    if (load_results(&sd[0], &ra) || load_results(&sd[1], &rb)) goto done;
    if (ra || rb) {
        if (repro_resultsdiff_json(ra, rb, &o.tol, &rd) != 0) {
            fprintf(stderr, "repro diff: %s\n", repro_errmsg());
            goto done;
        }
        have_rd = 1;
        if (rd.n) changed = 1;
        if (!ra || !rb)
            pf(note, sizeof note, "Side %c has no results file (%s).", ra ? 'B' : 'A',
               ra ? sd[1].results : sd[0].results);
    }
    summary(views, nm.n, have_rd ? &rd : NULL, &sd[0], &sd[1]);
    if (*note) printf("note: %s\n", note);
    if (write_report(out, &o, sd, views, nm.n, have_rd ? &rd : NULL, note) != 0) {
        fprintf(stderr, "repro diff: %s\n", repro_errmsg());
        goto done;
    }
    size_t nfc = 0;
    for (size_t i = 0; i < nm.n; i++) nfc += repro_report_fig_changed(&views[i]);
    printf("\n%zu of %zu figures changed, %zu values changed; report: %s/index.html\n", nfc, nm.n,
           have_rd ? rd.n : 0, o.out);
    for (size_t i = 0; i < nm.n; i++)
        if (figs[i].error) fprintf(stderr, "repro diff: %s: %s\n", nm.v[i], figs[i].error);
    rc = failed ? 2 : changed ? 1 : 0;
done:
    fflush(stdout);
    pf(log, sizeof log, "%s/git.log", out);
    for (int k = 0; k < 2; k++)
        if (sd[k].owns_wt && sd[k].wt[0] && !o.keep) remove_worktree(sd[k].wt, log);
    for (size_t i = 0; figs && i < nm.n; i++) free_figure(&figs[i]);
    free(figs);
    free(views);
    for (size_t i = 0; i < nm.n; i++) free(nm.v[i]);
    free(nm.v);
    if (ra) json_decref(ra);
    if (rb) json_decref(rb);
    repro_resultsdiff_free(&rd);
    return rc;
}
