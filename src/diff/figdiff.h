/* figdiff: what changed in the numbers between two versions of the project.
 *
 * Figures are compared through their JSON sidecars (the data drawn, not the pixels): panels are
 * matched by (row, col), series within a panel by label, else by position among series of the same
 * kind.  Two numbers differ when |b - a| > atol + rtol |a|.  Every difference becomes one
 * readable line; the largest change of a series' data (x, y, z) is kept for the summary.  The
 * results file is compared by resultsdiff.h.  Nothing is printed here: the caller reports.
 * Functions that can fail return -1 with repro_err() set. */
#ifndef REPRO_FIGDIFF_H
#define REPRO_FIGDIFF_H

#include <jansson.h>
#include <stddef.h>

typedef struct {
    double atol, rtol;
} repro_tol;

/* Defaults of repro diff: numbers equal up to rounding noise are the same. */
#define REPRO_DIFF_ATOL 1e-9
#define REPRO_DIFF_RTOL 1e-6

typedef enum {
    REPRO_DIFF_SAME,
    REPRO_DIFF_CHANGED,
    REPRO_DIFF_ADDED,  /* only on side B */
    REPRO_DIFF_REMOVED /* only on side A */
} repro_diff_state;

const char *repro_diff_state_name(repro_diff_state s); /* "same", "changed", "added", "removed" */

/* 1 when A and B differ beyond TOL. */
int repro_tol_differ(const repro_tol *tol, double a, double b);

/* The comparison of one figure's two sidecars. */
typedef struct {
    repro_diff_state state;
    char **lines; /* one per difference, e.g. "(1,2) \"f_D\": y: 12 of 401 values changed, ..." */
    size_t nlines;
    size_t nmore;     /* differences found beyond the stored lines (there is a cap) */
    int has_max;      /* a series' data changed beyond tolerance: the fields below are set */
    double max_abs;   /* the largest |b - a| over all data values */
    double max_delta; /* b - a at that value (signed) */
    double max_rel;   /* |b - a| / |a| there (infinity when a = 0) */
    char *max_where;  /* e.g. "(1,1) \"f_D\" y at x = 1.5" */
} repro_figdiff;

/* Compare two sidecars; either may be NULL (the figure was added or removed).  OUT is
 * overwritten (free it with repro_figdiff_free).  Returns 0, or -1 (out of memory). */
int repro_figdiff_json(const json_t *a, const json_t *b, const repro_tol *tol, repro_figdiff *out);
void repro_figdiff_free(repro_figdiff *d);

/* Load a sidecar; returns NULL with repro_err() naming the file, line and problem.  A sidecar
 * must be an object with a "panels" list. */
json_t *repro_figdiff_load(const char *path);

/* Format V compactly ("%.6g", "nan", "inf") into BUF. */
const char *repro_diff_num(double v, char *buf, size_t n);

#endif
