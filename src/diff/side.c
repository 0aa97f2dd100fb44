/* side: one side of `repro diff`, resolved, checked out and built (see side.h). */
#include "diff/side.h"
#include "core/clock.h"

#include "core/err.h"
#include "core/fileio.h"
#include "core/paths.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void repro_side_remove_worktree(const char *wt, const char *log)
{
    char marker[PATHN + 8];
    repro_fmt(marker, sizeof marker, "%s/.git", wt);
    if (!repro_is_file(marker)) return; /* not a worktree: never delete what we did not make */
    const char *rm_wt[] = {"git", "worktree", "remove", "--force", "--force", wt, NULL};
    repro_git(rm_wt, NULL, 0, log);
    if (repro_is_dir(wt)) {
        const char *rm[] = {"rm", "-rf", "--", wt, NULL};
        repro_run(rm, NULL, log, NULL, 0, 0);
    }
    const char *prune[] = {"git", "worktree", "prune", NULL};
    repro_git(prune, NULL, 0, log);
}

int repro_side_resolve(side *s)
{
    char spec[600], out[256];
    repro_fmt(spec, sizeof spec, "%s^{commit}", s->spec);
    const char *argv[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                          spec,  NULL};
    int rc = repro_git(argv, out, sizeof out, NULL);
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
    repro_fmt(s->commit, sizeof s->commit, "%s", out);
    if (strncmp(s->spec, s->commit, strlen(s->spec)) == 0)
        repro_fmt(s->label, sizeof s->label, "%.12s", s->commit);
    else
        repro_fmt(s->label, sizeof s->label, "%s (%.12s)", s->spec, s->commit);
    return 0;
}

int repro_side_worktree(side *s, const char *out, const char *prefix, const char *log)
{
    repro_fmt(s->wt, sizeof s->wt, "%s/wt-%c", out, s->name == 'A' ? 'a' : 'b');
    repro_side_remove_worktree(s->wt, log);
    if (repro_is_dir(s->wt)) {
        fprintf(stderr,
                "repro diff: %s is in the way (not a worktree this command made); "
                "remove it or choose another --out\n",
                s->wt);
        s->wt[0] = '\0';
        return -1;
    }
    const char *argv[] = {"git", "worktree", "add", "--detach", "--quiet", s->wt, s->commit, NULL};
    if (repro_git(argv, NULL, 0, log) != 0) {
        fprintf(stderr, "repro diff: side %c (%s): git worktree add failed; from %s:\n", s->name,
                s->label, log);
        repro_tail(log, 10);
        s->wt[0] = '\0';
        return -1;
    }
    s->owns_wt = 1;
    repro_fmt(s->proj, sizeof s->proj, "%s/%s", s->wt, prefix);
    size_t n = strlen(s->proj);
    if (n > 1 && s->proj[n - 1] == '/') s->proj[n - 1] = '\0';
    if (!repro_path_build_of(s->proj, s->bdir, sizeof s->bdir) ||
        !repro_path_figures_of(s->proj, s->figdir, sizeof s->figdir) ||
        !repro_path_results(s->bdir, s->results, sizeof s->results)) {
        fprintf(stderr, "repro diff: side %c: %s\n", s->name, repro_errmsg());
        return -1;
    }
    return 0;
}

/* When the revision's engine sources (src/, .ci/, Makefile) are those of the working tree and the
 * working tree's engine is up to date, copy it into the worktree so that `make` finds it built
 * (copies are newer than the checked-out sources).  Best effort: on any doubt, build afresh. */
static void reuse_engine(const side *s, const char *tree_bdir, const char *log)
{
    char repro[PATHN + 8], cfg[PATHN + 16], flags[PATHN + 16], obj[PATHN + 8], b_arg[PATHN + 8],
        dest[PATHN];
    repro_fmt(repro, sizeof repro, "%s/repro", tree_bdir);
    repro_fmt(cfg, sizeof cfg, "%s/config.mk", tree_bdir);
    repro_fmt(flags, sizeof flags, "%s/flags.txt", tree_bdir); /* the Makefile's flag stamp */
    repro_fmt(obj, sizeof obj, "%s/obj", tree_bdir);
    if (!repro_is_file(repro) || !repro_is_file(cfg) || !repro_is_file(flags) || !repro_is_dir(obj))
        return;
    const char *d[] = {"git", "diff", "--quiet", s->commit, "--", "src", ".ci", "Makefile", NULL};
    if (repro_git(d, NULL, 0, log) != 0) return;
    char untracked[64];
    const char *u[] = {"git", "ls-files", "--others", "--exclude-standard",
                       "--",  "src",      ".ci",      NULL};
    if (repro_git(u, untracked, sizeof untracked, log) != 0 || untracked[0]) return;
    repro_fmt(b_arg, sizeof b_arg, "B=%s", tree_bdir);
    const char *q[] = {"make", "-q", b_arg, repro, NULL};
    if (repro_run(q, NULL, log, NULL, 0, 1) != 0) return;
    repro_fmt(dest, sizeof dest, "%s/", s->bdir);
    if (repro_mkdirs(s->bdir) != 0) return;
    /* In dependency order, so that each copy is newer than what it depends on. */
    const char *cp[] = {"cp", "-R", cfg, flags, obj, repro, dest, NULL};
    if (repro_run(cp, NULL, log, NULL, 0, 0) == 0) {
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
    /* Records are data: a path with a '..' component could name a file outside either tree. */
    for (const char *c = file; (c = strstr(c, "..")); c += 2)
        if ((c == file || c[-1] == '/') && (c[2] == '/' || c[2] == '\0')) return -1;
    if (file[0] == '/')
        repro_fmt(abs, sizeof abs, "%s", file);
    else
        repro_fmt(abs, sizeof abs, "%s/%s", t->proj, file);
    const char *from[3] = {t->bdir, t->figdir, t->proj}, *to[3] = {s->bdir, s->figdir, s->proj};
    for (int k = 0; k < 3; k++) {
        size_t m = strlen(from[k]);
        if (strncmp(abs, from[k], m) == 0 && abs[m] == '/') {
            repro_fmt(src, n, "%s", abs);
            repro_fmt(dst, n, "%s%s", to[k], abs + m);
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
    DIR *d = repro_path_stages(t->bdir, dir, sizeof dir) ? opendir(dir) : NULL;
    if (!d) return;
    size_t reused = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char rec[2 * PATHN], dst[2 * PATHN], src[2 * PATHN];
        char sdir[2 * PATHN];
        json_t *r = repro_path_stage_dir(t->bdir, e->d_name, sdir, sizeof sdir) &&
                            repro_path_record(sdir, rec, sizeof rec)
                        ? json_load_file(rec, 0, NULL)
                        : NULL;
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
        if (good && repro_path_stage_dir(s->bdir, e->d_name, sdir, sizeof sdir) &&
            repro_path_record(sdir, dst, sizeof dst) && copy_file(rec, dst) == 0)
            reused++;
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

int repro_side_build(const side *s, const char *log)
{
    char mk[PATHN + 16], b_arg[PATHN + 8], f_arg[PATHN + 8];
    repro_fmt(mk, sizeof mk, "%s/Makefile", s->proj);
    const char *target = repro_has_target(mk, "figures") ? "figures"
                         : repro_has_target(mk, "paper") ? "paper"
                                                   : NULL;
    if (!target) {
        fprintf(stderr,
                "repro diff: side %c (%s) cannot be built: %s has no 'figures' or "
                "'paper' target\n",
                s->name, s->label, mk);
        return -1;
    }
    repro_fmt(b_arg, sizeof b_arg, "B=%s", s->bdir);
    repro_fmt(f_arg, sizeof f_arg, "FIG=%s", s->figdir);
    fprintf(stderr, "repro diff: building %c = %s (make %s) ...\n", s->name, s->label, target);
    double t0 = repro_now();
    const char *argv[] = {"make", "--no-print-directory", "-C", s->proj, target, b_arg, f_arg,
                          NULL};
    int rc = repro_run(argv, NULL, log, NULL, 0, 1);
    if (rc != 0 && repro_run_signal()) { /* interrupted: say so, whatever make's status says */
        fprintf(stderr, "repro diff: side %c (%s) failed to build: `make %s` died of signal %d "
                "(the interrupt reached repro diff too); last lines of %s:\n", s->name, s->label,
                target, (int)repro_run_signal(), log);
        repro_tail(log, 15);
        return -1;
    }
    if (rc != 0) {
        fprintf(stderr,
                "repro diff: side %c (%s) failed to build: `make %s` %s %d; last lines "
                "of %s:\n",
                s->name, s->label, target,
                rc == 127  ? "could not start, status"
                : rc > 128 ? "died of signal"
                           : "exited with status",
                rc > 128 && rc != 127 ? rc - 128 : rc, log);
        repro_tail(log, 15);
        return -1;
    }
    fprintf(stderr, "repro diff: built %c in %.1f s\n", s->name, repro_now() - t0);
    return 0;
}


void repro_side_reuse(const side *t, side *s, const char *tree_bdir, const char *log)
{
    reuse_engine(s, tree_bdir, log);
    reuse_stages(t, s, log);
}

int repro_side_dir(side *s)
{
    if (!repro_is_dir(s->spec)) {
        fprintf(stderr, "repro diff: side %c: '%s' is not a folder\n", s->name, s->spec);
        return -1;
    }
    s->dir = 1;
    repro_fmt(s->label, sizeof s->label, "%s", s->spec);
    repro_absolute(s->spec, s->proj, sizeof s->proj);
    char bdir[PATHN];
    if (!repro_path_figures_of(s->proj, s->figdir, sizeof s->figdir) ||
        !repro_path_results(s->proj, s->results, sizeof s->results) ||
        (!repro_is_file(s->results) && (!repro_path_build_of(s->proj, bdir, sizeof bdir) ||
                                        !repro_path_results(bdir, s->results, sizeof s->results)))) {
        fprintf(stderr, "repro diff: side %c: %s\n", s->name, repro_errmsg());
        return -1;
    }
    return 0;
}

void repro_side_tree(side *s, const char *build_dir, const char *fig_dir)
{
    s->tree = 1;
    repro_fmt(s->label, sizeof s->label, "working tree");
    repro_absolute(".", s->proj, sizeof s->proj);
    repro_absolute(build_dir, s->bdir, sizeof s->bdir);
    repro_absolute(fig_dir, s->figdir, sizeof s->figdir);
    if (!repro_path_results(s->bdir, s->results, sizeof s->results)) s->results[0] = '\0';
}
