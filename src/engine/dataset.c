#include "engine/dataset.h"

#include "core/blascore.h"
#include "core/err.h"
#include "core/fileio.h"

#include <ctype.h>
#include <errno.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

repro_dataset *repro_dataset_alloc(size_t N, size_t d, size_t T)
{
    if (N == 0 || d == 0 || T == 0) {
        repro_err("dataset: N, d and T must be positive (got N = %zu, d = %zu, T = %zu)", N, d, T);
        return NULL;
    }
    repro_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) goto oom;
    ds->N = N;
    ds->d = d;
    ds->T = T;
    ds->X = gsl_matrix_calloc(N, d);
    ds->Y = gsl_matrix_calloc(N, T);
    if (!ds->X || !ds->Y) goto oom;
    return ds;
oom:
    repro_dataset_free(ds);
    repro_err("dataset: out of memory for N = %zu, d = %zu, T = %zu", N, d, T);
    return NULL;
}

void repro_dataset_free(repro_dataset *ds)
{
    if (!ds) return;
    if (ds->X) gsl_matrix_free(ds->X);
    if (ds->Y) gsl_matrix_free(ds->Y);
    free(ds);
}

repro_dataset *repro_dataset_copy(const repro_dataset *ds)
{
    repro_dataset *c = repro_dataset_alloc(ds->N, ds->d, ds->T);
    if (!c) return NULL;
    gsl_matrix_memcpy(c->X, ds->X);
    gsl_matrix_memcpy(c->Y, ds->Y);
    return c;
}

static void colname(char *buf, size_t n, const char *const *names, char prefix, size_t j,
                    size_t count)
{
    if (names)
        snprintf(buf, n, "%s", names[j]);
    else if (count == 1)
        snprintf(buf, n, "%c", prefix);
    else
        snprintf(buf, n, "%c%zu", prefix, j + 1);
}

static void rowname(char *buf, size_t n, size_t i, size_t line_offset)
{
    if (line_offset)
        snprintf(buf, n, "line %zu", i + 1 + line_offset);
    else
        snprintf(buf, n, "row %zu", i + 1);
}

static int validate(repro_dataset *ds, size_t line_offset, const char *const *xnames,
                    const char *const *ynames)
{
    char rn[64], cn[256];
    if (ds->N < 2)
        return repro_err("dataset needs at least 2 rows, got %zu", ds->N);
    for (size_t i = 0; i < ds->N; i++) {
        for (size_t j = 0; j < ds->d + ds->T; j++) {
            int isx = j < ds->d;
            size_t jj = isx ? j : j - ds->d;
            double v = isx ? gsl_matrix_get(ds->X, i, jj) : gsl_matrix_get(ds->Y, i, jj);
            if (!isfinite(v)) {
                rowname(rn, sizeof rn, i, line_offset);
                colname(cn, sizeof cn, isx ? xnames : ynames, isx ? 'x' : 'y', jj,
                        isx ? ds->d : ds->T);
                return repro_err("dataset %s, column %s: value is %s, expected a finite number",
                                 rn, cn, isnan(v) ? "NaN" : "infinite");
            }
        }
    }
    if (ds->d != 1) return 0;

    /* Univariate: sort rows by x (a stable index sort), then insist on distinct x. */
    gsl_permutation *p = gsl_permutation_alloc(ds->N);
    gsl_matrix *X2 = gsl_matrix_alloc(ds->N, 1), *Y2 = gsl_matrix_alloc(ds->N, ds->T);
    if (!p || !X2 || !Y2) {
        if (p) gsl_permutation_free(p);
        if (X2) gsl_matrix_free(X2);
        if (Y2) gsl_matrix_free(Y2);
        return repro_err("dataset: out of memory");
    }
    gsl_vector_view x = gsl_matrix_column(ds->X, 0);
    gsl_sort_vector_index(p, &x.vector);
    int rc = 0;
    for (size_t k = 0; k < ds->N; k++) {
        size_t i = gsl_permutation_get(p, k);
        gsl_matrix_set(X2, k, 0, gsl_matrix_get(ds->X, i, 0));
        gsl_vector_const_view src = gsl_matrix_const_row(ds->Y, i);
        gsl_matrix_set_row(Y2, k, &src.vector);
        if (k > 0 && rc == 0) {
            size_t prev = gsl_permutation_get(p, k - 1);
            if (gsl_matrix_get(ds->X, i, 0) == gsl_matrix_get(ds->X, prev, 0)) {
                char rn2[64];
                size_t a = prev < i ? prev : i, b = prev < i ? i : prev;
                rowname(rn, sizeof rn, a, line_offset);
                rowname(rn2, sizeof rn2, b, line_offset);
                rc = repro_err("dataset %s and %s have the same x = %.17g; univariate inputs "
                               "must be distinct",
                               rn, rn2, gsl_matrix_get(ds->X, i, 0));
            }
        }
    }
    if (rc == 0) {
        gsl_matrix_memcpy(ds->X, X2);
        gsl_matrix_memcpy(ds->Y, Y2);
    }
    gsl_permutation_free(p);
    gsl_matrix_free(X2);
    gsl_matrix_free(Y2);
    return rc;
}

int repro_dataset_validate(repro_dataset *ds, size_t line_offset, const char *const *xnames,
                           const char *const *ynames)
{
    unsigned fpu = repro_fpu_exact(); /* 0 and 4.9e-324 are different x, whatever the mode */
    int rc = validate(ds, line_offset, xnames, ynames);
    repro_fpu_restore(fpu);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

/* Split LINE (modified in place) at commas; trims blanks.  Returns the field count or -1 when
 * more than MAX fields. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    char *s = line;
    for (;;) {
        if (n == max) return -1;
        while (*s == ' ' || *s == '\t') s++;
        fields[n++] = s;
        char *comma = strchr(s, ',');
        char *end = comma ? comma : s + strlen(s);
        char *t = end;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r')) t--;
        *t = '\0';
        if (!comma) break;
        s = comma + 1;
    }
    return n;
}

static int find_name(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0) return (int)i;
    return -1;
}

/* 0 when every one of the N names WANT is a column of the header NAMES (NCOL of them), else -1
 * naming the first that is not. */
static int header_has(const char *path, const char **names, int ncol, const char *const *want,
                      size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (find_name(names, (size_t)ncol, want[k]) < 0)
            return repro_err("%s: no column named '%s' in the header", path, want[k]);
    return 0;
}

/* The column options name each column once, and no column is both an input and a label (such a
 * request used to load zeros silently).  0 or -1 with repro_err set. */
static int check_colnames(const char *path, const char *const *xcols, size_t nx,
                          const char *const *ycols, size_t ny)
{
    for (size_t k = 0; k < nx; k++) {
        if (find_name(xcols, k, xcols[k]) >= 0)
            return repro_err("%s: option x names column '%s' twice", path, xcols[k]);
        if (ycols && find_name(ycols, ny, xcols[k]) >= 0)
            return repro_err("%s: column '%s' is named as both an input (x) and a label (y)",
                             path, xcols[k]);
    }
    for (size_t k = 0; k < ny; k++)
        if (find_name(ycols, k, ycols[k]) >= 0)
            return repro_err("%s: option y names column '%s' twice", path, ycols[k]);
    return 0;
}

enum { MAXCOLS = 4096 };

static repro_dataset *load_csv(const char *path, const char *const *xcols, size_t nx,
                               const char *const *ycols, size_t ny);

repro_dataset *repro_dataset_load_csv(const char *path, const char *const *xcols, size_t nx,
                                      const char *const *ycols, size_t ny)
{
    if ((xcols || ycols) && check_colnames(path, xcols, xcols ? nx : 0, ycols, ycols ? ny : 0))
        return NULL;
    unsigned fpu = repro_fpu_exact(); /* numbers are read exactly (see core/blascore.h) */
    repro_dataset *ds = load_csv(path, xcols, nx, ycols, ny);
    repro_fpu_restore(fpu);
    return ds;
}

static repro_dataset *load_csv(const char *path, const char *const *xcols, size_t nx,
                               const char *const *ycols, size_t ny)
{
    size_t len;
    char *text = repro_read_file(path, &len);
    if (!text) return NULL;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t line = 1;
        for (const char *c = text; c < nul; c++) line += *c == '\n';
        repro_err("%s: line %zu holds a NUL byte: not a text CSV file", path, line);
        free(text);
        return NULL;
    }
    repro_dataset *ds = NULL;
    char **fields = malloc(MAXCOLS * sizeof *fields);
    int *role = malloc(MAXCOLS * sizeof *role); /* -1 ignored, else index into x then y */
    const char **names = malloc(MAXCOLS * sizeof *names);
    char **lines = NULL;
    size_t nlines = 0, cap = 0;
    if (!fields || !role || !names) {
        repro_err("out of memory");
        goto done;
    }
    /* Collect non-empty lines, remembering their line numbers. */
    size_t *lineno = NULL;
    {
        size_t no = 0;
        char *s = text;
        while (*s) {
            char *nl = strchr(s, '\n');
            if (nl) *nl = '\0';
            no++;
            char *t = s;
            while (*t == ' ' || *t == '\t' || *t == '\r') t++;
            if (*t && *t != '#') {
                if (nlines == cap) {
                    cap = cap ? 2 * cap : 64;
                    char **nlp = realloc(lines, cap * sizeof *lines);
                    size_t *nln = realloc(lineno, cap * sizeof *lineno);
                    if (nlp) lines = nlp;
                    if (nln) lineno = nln;
                    if (!nlp || !nln) {
                        repro_err("out of memory");
                        goto done_lines;
                    }
                }
                lines[nlines] = s;
                lineno[nlines++] = no;
            }
            if (!nl) break;
            s = nl + 1;
        }
    }
    if (nlines == 0) {
        repro_err("%s: the file is empty (expected a header line naming x and y columns)", path);
        goto done_lines;
    }
    int ncol = split_fields(lines[0], fields, MAXCOLS);
    if (ncol < 0) {
        repro_err("%s: line %zu: more than %d columns", path, lineno[0], MAXCOLS);
        goto done_lines;
    }
    size_t d = 0, T = 0;
    for (int j = 0; j < ncol; j++) names[j] = fields[j];
    if ((xcols && header_has(path, names, ncol, xcols, nx) != 0) ||
        (ycols && header_has(path, names, ncol, ycols, ny) != 0))
        goto done_lines;
    if (xcols) d = nx;
    if (ycols) T = ny;
    {
        size_t xi = 0, yi = 0;
        for (int j = 0; j < ncol; j++) {
            role[j] = -1;
            if ((xcols && find_name(xcols, nx, names[j]) >= 0) ||
                (ycols && find_name(ycols, ny, names[j]) >= 0)) {
                for (int c = 0; c < j; c++)
                    if (strcmp(names[c], names[j]) == 0) {
                        repro_err("%s: line %zu: the header names column '%s' twice", path,
                                  lineno[0], names[j]);
                        goto done_lines;
                    }
            }
            int k;
            if (xcols ? (k = find_name(xcols, nx, names[j])) >= 0
                      : (names[j][0] == 'x' ? (k = (int)xi++, 1) : (k = -1, 0)))
                role[j] = k;
            else if (ycols ? (k = find_name(ycols, ny, names[j])) >= 0
                           : (names[j][0] == 'y' ? (k = (int)yi++, 1) : (k = -1, 0)))
                role[j] = (int)MAXCOLS + k;
        }
        if (!xcols) d = xi;
        if (!ycols) T = yi;
    }
    if (d == 0 || T == 0) {
        repro_err("%s: line %zu: the header must name at least one x column and one y column "
                  "(names starting with 'x' and 'y'), got %zu and %zu",
                  path, lineno[0], d, T);
        goto done_lines;
    }
    if (nlines - 1 < 2) {
        repro_err("%s: a dataset needs at least 2 data rows, got %zu", path, nlines - 1);
        goto done_lines;
    }
    ds = repro_dataset_alloc(nlines - 1, d, T);
    if (!ds) goto done_lines;
    const char **xn = malloc(d * sizeof *xn), **yn = malloc(T * sizeof *yn);
    if (!xn || !yn) {
        free(xn);
        free(yn);
        repro_dataset_free(ds);
        ds = NULL;
        repro_err("out of memory");
        goto done_lines;
    }
    for (int j = 0; j < ncol; j++) {
        if (role[j] >= MAXCOLS)
            yn[role[j] - MAXCOLS] = names[j];
        else if (role[j] >= 0)
            xn[role[j]] = names[j];
    }
    for (size_t r = 1; r < nlines; r++) {
        int nf = split_fields(lines[r], fields, MAXCOLS);
        if (nf != ncol) {
            repro_err("%s: line %zu has %d fields, the header has %d", path, lineno[r],
                      nf < 0 ? MAXCOLS : nf, ncol);
            goto bad;
        }
        for (int j = 0; j < ncol; j++) {
            if (role[j] < 0) continue;
            const char *f = fields[j];
            char *end;
            errno = 0;
            double v = strtod(f, &end);
            const char *cn = role[j] >= MAXCOLS ? yn[role[j] - MAXCOLS] : xn[role[j]];
            if (*f == '\0' || *end != '\0') {
                repro_err("%s: line %zu, column %s: '%s' is not a number", path, lineno[r], cn, f);
                goto bad;
            }
            if (errno == ERANGE && v == 0) {
                repro_err("%s: line %zu, column %s: '%s' is too small for a double (it would be "
                          "read as 0)", path, lineno[r], cn, f);
                goto bad;
            }
            if (!isfinite(v)) {
                repro_err("%s: line %zu, column %s: value is %s, expected a finite number", path,
                          lineno[r], cn, isnan(v) ? "NaN" : "infinite");
                goto bad;
            }
            if (role[j] >= MAXCOLS)
                gsl_matrix_set(ds->Y, r - 1, (size_t)(role[j] - MAXCOLS), v);
            else
                gsl_matrix_set(ds->X, r - 1, (size_t)role[j], v);
        }
    }
    if (repro_dataset_validate(ds, 0, xn, yn) != 0) {
        /* Re-phrase with the file name; rows are data rows (line = row + 1 when no comments). */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", repro_errmsg());
        repro_err("%s: %s", path, msg);
        goto bad;
    }
    free(xn);
    free(yn);
    goto done_lines;
bad:
    free(xn);
    free(yn);
    repro_dataset_free(ds);
    ds = NULL;
done_lines:
    free(lines);
    free(lineno);
done:
    free(fields);
    free(role);
    free(names);
    free(text);
    return ds;
}
