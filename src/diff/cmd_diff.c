#include "diff/cmd_diff.h"

#include "diff/diffreport.h"
#include "core/err.h"
#include "diff/figdiff.h"
#include "diff/resultsdiff.h"
#include "core/fileio.h"
#include "core/paths.h"
#include "diff/pixdiff.h"
#include "diff/side.h"

#include <dirent.h>
#include <jansson.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

typedef struct {
    repro_tol tol;
    int pixel_tol;
    const char *out;
    const char *build_dir, *fig_dir;
    int no_build, keep, dirs;
    const char *spec[2];
} opts;

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
    repro_fmt(p, sizeof p, "%s/%s.%s", dir, name, ext);
    return repro_is_file(p) ? strdup(p) : NULL;
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
        repro_fmt(heat, sizeof heat, "%s/img/%s.heat.png", out, safe);
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
    repro_fmt(dir, sizeof dir, "%s/img", out);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".png") == 0) {
            repro_fmt(p, sizeof p, "%s/%s", dir, e->d_name);
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
    if (!repro_is_file(s->results)) return 0;
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
                repro_fmt(ch, sizeof ch, "%s%s (from 0)", x->delta > 0 ? "+" : "", num);
            else
                repro_fmt(ch, sizeof ch, "%s%s (%+.3g%%)", x->delta > 0 ? "+" : "", num,
                   copysign(100 * x->rel, x->delta));
        } else {
            repro_fmt(ch, sizeof ch, "%s", repro_diff_state_name(x->state));
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

int repro_cmd_diff(int argc, char **argv)
{
    opts o = {{REPRO_DIFF_ATOL, REPRO_DIFF_RTOL},
              8,
              REPRO_BUILD_DIR "/figdiff",
              REPRO_BUILD_DIR,
              REPRO_FIGURES_DIR,
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

    repro_absolute(o.out, out, sizeof out);
    if (repro_mkdirs(out) != 0) {
        fprintf(stderr, "repro diff: %s\n", repro_errmsg());
        return 2;
    }
    repro_fmt(log, sizeof log, "%s/git.log", out);
    remove(log);
    if (o.dirs) {
        if (repro_side_dir(&sd[0]) || repro_side_dir(&sd[1])) return 2;
    } else {
        const char *top[] = {"git", "rev-parse", "--show-prefix", NULL};
        if (repro_git(top, prefix, sizeof prefix, NULL) != 0) {
            fprintf(stderr, "repro diff: not inside a git repository (use --dirs to compare two "
                            "folders)\n");
            return 2;
        }
        for (int k = 0; k < 2; k++) {
            if (strcmp(sd[k].spec, ".") == 0)
                repro_side_tree(&sd[k], o.build_dir, o.fig_dir);
            else if (repro_side_resolve(&sd[k]) != 0)
                return 2;
        }
        /* Worktrees left by an interrupted run or by --keep, and the logs of an earlier run. */
        for (int k = 0; k < 2; k++) {
            char stale[PATHN + 16];
            repro_fmt(stale, sizeof stale, "%s/wt-%c", out, k ? 'b' : 'a');
            repro_side_remove_worktree(stale, log);
            repro_fmt(stale, sizeof stale, "%s/build-%c.log", out, k ? 'b' : 'a');
            remove(stale);
        }
        /* The working tree first: its engine may then be reused by the worktrees. */
        for (int k = 0; k < 2; k++) {
            if (!sd[k].tree || o.no_build || (k == 1 && sd[0].tree)) continue;
            repro_fmt(log, sizeof log, "%s/build-%c.log", out, k ? 'b' : 'a');
            remove(log);
            if (repro_side_build(&sd[k], log) != 0) goto done;
        }
        for (int k = 0; k < 2; k++) {
            if (sd[k].tree) continue;
            if (k == 1 && !sd[0].tree && strcmp(sd[0].commit, sd[1].commit) == 0) {
                char keep_label[300];
                repro_fmt(keep_label, sizeof keep_label, "%s", sd[1].label);
                sd[1] = sd[0];
                sd[1].name = 'B';
                sd[1].spec = o.spec[1];
                sd[1].owns_wt = 0;
                repro_fmt(sd[1].label, sizeof sd[1].label, "%s", keep_label);
                continue;
            }
            repro_fmt(log, sizeof log, "%s/build-%c.log", out, k ? 'b' : 'a');
            remove(log);
            if (repro_side_worktree(&sd[k], out, prefix, log) != 0) goto done;
            char tree_bdir[PATHN];
            repro_absolute(o.build_dir, tree_bdir, sizeof tree_bdir);
            side tree;
            repro_side_tree(&tree, o.build_dir, o.fig_dir);
            repro_side_reuse(&tree, &sd[k], tree_bdir, log);
            if (repro_side_build(&sd[k], log) != 0) goto done;
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
            repro_fmt(note, sizeof note, "Side %c has no results file (%s).", ra ? 'B' : 'A',
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
    repro_fmt(log, sizeof log, "%s/git.log", out);
    for (int k = 0; k < 2; k++)
        if (sd[k].owns_wt && sd[k].wt[0] && !o.keep) repro_side_remove_worktree(sd[k].wt, log);
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
