/* plot: a small deterministic figure canvas on cairo + pango.
 *
 * A repro_fig is a grid of panels (1-based row, col); each panel holds items (lines, points,
 * bars, images, text, arrows, braces, vertical/horizontal lines) in data coordinates, axes with
 * nice ticks, labels and an optional legend.  repro_fig_write_pdf / _png render the same layout
 * (PDF in points, PNG at REPRO_PLOT_DPI); repro_fig_json builds the sidecar the figure-diff tool
 * reads.  Text is pango markup; $...$ spans are TeX-like math converted by repro_math_markup.
 * Same figure, same source date -> byte-identical files.  Errors: -1/NULL with repro_err set.
 * Files: figure.c (the model, colours, limits, sidecar), render.c (cairo), markup.c (TeX to
 * pango); figmodel.h holds the model's insides for files of this folder. */
#ifndef REPRO_PLOT_H
#define REPRO_PLOT_H

#include <jansson.h>
#include <stddef.h>

#define REPRO_PLOT_DPI 150

typedef struct repro_fig repro_fig;
typedef struct repro_panel repro_panel;

typedef enum {
    REPRO_IT_LINE, REPRO_IT_POINTS, REPRO_IT_BAR, REPRO_IT_IMAGE, REPRO_IT_TEXT,
    REPRO_IT_ARROW, REPRO_IT_BRACE, REPRO_IT_VLINE, REPRO_IT_HLINE
} repro_item_kind;

/* One drawable thing.  Arrays and strings are copied by repro_panel_add. */
typedef struct {
    repro_item_kind kind;
    size_t n;             /* line/points/bar: lengths of x, y */
    const double *x, *y;
    size_t rows, cols;    /* image: z is rows x cols, row-major; row 1 drawn at the top (y1) */
    const double *z;
    double extent[4];     /* image: x0, x1, y0, y1 */
    int cmap;             /* 0 viridis, 1 RdBu */
    double vmin, vmax;
    int colorbar;
    double rgb[3];
    const char *color;    /* the colour as given (recorded in the sidecar as #rrggbb) */
    double width;         /* line width (pt); bar width (data units) */
    double dash[2];       /* on, off (pt); 0 = solid */
    const char *label;    /* legend label or NULL */
    const char *text;     /* text / brace text */
    char marker;          /* 'o', 's', 'x' */
    double size;          /* marker size / font size (pt) */
    const char *anchor;   /* "n", "ne", ..., "c" */
    int above;            /* brace side */
    double x1, y1, x2, y2; /* text (x1,y1); arrow, brace; vline x1; hline y1 */
} repro_plot_item;

/* "C0".."C9", names ("red", "black", "gray", ...), "#rrggbb".  0 or -1. */
int repro_color_parse(const char *s, double rgb[3]);
/* Nice ticks inside [lo, hi] (about TARGET of them, steps 1, 2, 5 x 10^k); returns the count
 * (at most MAX) written to OUT. */
size_t repro_ticks(double lo, double hi, int target, double *out, size_t max);
/* Pango markup for S: outside $...$ copied as is (pango markup); inside converted. malloc'd. */
char *repro_math_markup(const char *s);
/* A tick label for V with step STEP ("-" as U+2212).  Into BUF. */
const char *repro_tick_label(double v, double step, char *buf, size_t n);

repro_fig *repro_fig_new(const char *name, double width_in, double height_in, int rows, int cols);
void repro_fig_free(repro_fig *f);
int repro_fig_set(repro_fig *f, const char *title, const char *script);
int repro_fig_add_seed(repro_fig *f, long long seed);
/* The panel at (row, col), created on first use; NULL when outside the grid or already used. */
repro_panel *repro_fig_panel(repro_fig *f, int row, int col);
int repro_panel_set_labels(repro_panel *p, const char *title, const char *xlabel,
                           const char *ylabel);
void repro_panel_set_xlim(repro_panel *p, double a, double b);
void repro_panel_set_ylim(repro_panel *p, double a, double b);
int repro_panel_set_ticks(repro_panel *p, int axis, const double *t, size_t n);
void repro_panel_set_style(repro_panel *p, int axes, int grid);
void repro_panel_legend(repro_panel *p, const char *pos);
int repro_panel_add(repro_panel *p, const repro_plot_item *it);

int repro_fig_write_pdf(repro_fig *f, const char *path, long long source_date);
int repro_fig_write_png(repro_fig *f, const char *path);
/* The sidecar: figure, script, seeds, width_in, height_in, png_dpi, title, panels[...]. */
json_t *repro_fig_json(repro_fig *f);

#endif
