/* diffreport: the readable side of `repro diff`.
 *
 * repro_report_write() writes OUTDIR/index.html: a summary table of every figure, the table of
 * changed values, and for each changed figure its A and B renderings side by side, the pixel heat
 * map, an overlay of both sides' data series drawn as inline SVG from the sidecars, and a
 * swipe/flicker comparison of A and B (a few lines of inline JavaScript and CSS).  Unchanged
 * figures are listed by name.  The page is self-contained and offline: the images it shows are
 * copied into OUTDIR/img/, nothing is fetched from elsewhere.  When the page has loaded, a status
 * line says whether every image could be displayed (#imgstatus, data-ok / data-total).
 * The verdict helpers give the words of the terminal summary table and the page alike. */
#ifndef REPRO_DIFFREPORT_H
#define REPRO_DIFFREPORT_H

#include "diff/figdiff.h"
#include "diff/resultsdiff.h"
#include "diff/pixdiff.h"

#include <jansson.h>
#include <stddef.h>

typedef struct {
    const char *name;              /* the figure's base name, e.g. "fig2" */
    const char *a_png, *b_png;     /* renderings; NULL when absent on that side */
    const char *heat_png;          /* heat map (written by the caller), or NULL */
    const json_t *a_json, *b_json; /* sidecars; NULL when absent (or unreadable) */
    const repro_figdiff *data;     /* NULL when neither side has a sidecar */
    const repro_pixdiff *pix;      /* NULL when the PNGs were not compared */
    const char *error;             /* why this figure could not be compared, or NULL */
} repro_report_fig;

typedef struct {
    const char *label_a, *label_b; /* e.g. "HEAD (48cc237)", "working tree" */
    repro_tol tol;
    int pixel_tol;
    const repro_report_fig *figs;
    size_t nfigs;
    const repro_resultsdiff *results; /* NULL when neither side has a results file */
    const char *note;                 /* a remark shown under the header (may be NULL) */
} repro_report;

/* 1 when the figure differs in any way (data, pixels, presence) or could not be compared. */
int repro_report_fig_changed(const repro_report_fig *f);

/* The words of the summary table, written into BUF. */
const char *repro_report_data_verdict(const repro_report_fig *f, char *buf, size_t n);
const char *repro_report_largest(const repro_report_fig *f, char *buf, size_t n);
const char *repro_report_pixel_verdict(const repro_report_fig *f, char *buf, size_t n);

/* The file-name-safe form of a figure name (letters, digits, '-', '_', '.'; others become '_'). */
const char *repro_report_safe_name(const char *name, char *buf, size_t n);

/* Write OUTDIR/index.html and copy the images it shows into OUTDIR/img/.  Returns 0, or -1 with
 * repro_err() set. */
int repro_report_write(const char *outdir, const repro_report *r);

#endif
