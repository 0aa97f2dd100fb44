/* figure: the figure model (plot.h): figures, panels and their items, colours by name, the
 * data limits of a panel, and the JSON sidecar (repro_fig_json) that records the numbers drawn.
 * Rendering is in render.c, text markup in markup.c. */
#include "plot/figmodel.h"

#include "core/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dupstr(const char *s)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) repro_err("plot: out of memory");
    return d;
}

static double *dupnum(const double *v, size_t n)
{
    if (!v || !n) return NULL;
    double *d = malloc(n * sizeof *d);
    if (d) memcpy(d, v, n * sizeof *d);
    return d;
}

/* ---- colours ------------------------------------------------------------------------------- */
static const char *const tab10[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
static const struct { const char *name, *hex; } named[] = {
    {"black", "#000000"}, {"white", "#ffffff"}, {"red", "#ff0000"}, {"green", "#008000"},
    {"blue", "#0000ff"}, {"gray", "#808080"}, {"grey", "#808080"}, {"lightgray", "#d3d3d3"},
    {"darkgray", "#a9a9a9"}, {"orange", "#ffa500"}, {"purple", "#800080"},
    {"brown", "#a52a2a"}, {"magenta", "#ff00ff"}, {"cyan", "#00ffff"}, {"yellow", "#ffff00"}};

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int repro_color_parse(const char *s, double rgb[3])
{
    if (!s) return -1;
    const char *hex = NULL;
    if (s[0] == 'C' && s[1] >= '0' && s[1] <= '9' && !s[2]) hex = tab10[s[1] - '0'];
    for (size_t i = 0; !hex && i < sizeof named / sizeof named[0]; i++)
        if (strcmp(s, named[i].name) == 0) hex = named[i].hex;
    if (!hex) hex = s;
    if (hex[0] != '#' || strlen(hex) != 7) return -1;
    for (int k = 0; k < 3; k++) {
        int a = hexval(hex[1 + 2 * k]), b = hexval(hex[2 + 2 * k]);
        if (a < 0 || b < 0) return -1;
        rgb[k] = (a * 16 + b) / 255.0;
    }
    return 0;
}

static void hexof(const double rgb[3], char buf[8])
{
    snprintf(buf, 8, "#%02x%02x%02x", (int)lround(rgb[0] * 255), (int)lround(rgb[1] * 255),
             (int)lround(rgb[2] * 255));
}


/* ---- figure building --------------------------------------------------------------------- */
repro_fig *repro_fig_new(const char *name, double w, double h, int rows, int cols)
{
    if (!name || !*name || strchr(name, '/')) { repro_err("name: expected a file name"); return NULL; }
    if (!(w > 0.2 && w < 100) || !(h > 0.2 && h < 100)) {
        repro_err("width, height: expected inches in (0.2, 100)");
        return NULL;
    }
    if (rows < 1 || cols < 1 || rows > 16 || cols > 16) {
        repro_err("rows, cols: expected 1..16");
        return NULL;
    }
    repro_fig *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->name = dupstr(name);
    f->w = w;
    f->h = h;
    f->rows = rows;
    f->cols = cols;
    f->panels = calloc((size_t)(rows * cols), sizeof *f->panels);
    if (!f->name || !f->panels) {
        repro_fig_free(f);
        repro_err("plot: out of memory");
        return NULL;
    }
    return f;
}

static void item_free(item *it)
{
    free(it->x);
    free(it->y);
    free(it->z);
    free(it->color);
    free(it->label);
    free(it->text);
}

void repro_fig_free(repro_fig *f)
{
    if (!f) return;
    for (int i = 0; f->panels && i < f->rows * f->cols; i++) {
        repro_panel *p = &f->panels[i];
        for (size_t k = 0; k < p->n; k++) item_free(&p->items[k]);
        free(p->items);
        free(p->title);
        free(p->xlabel);
        free(p->ylabel);
        free(p->ticks[0]);
        free(p->ticks[1]);
    }
    free(f->panels);
    free(f->name);
    free(f->title);
    free(f->script);
    free(f->seeds);
    free(f);
}

int repro_fig_set(repro_fig *f, const char *title, const char *script)
{
    free(f->title);
    free(f->script);
    f->title = dupstr(title);
    f->script = dupstr(script);
    return 0;
}

int repro_fig_add_seed(repro_fig *f, long long seed)
{
    long long *s = realloc(f->seeds, (f->nseeds + 1) * sizeof *s);
    if (!s) { repro_err("plot: out of memory"); return -1; }
    f->seeds = s;
    s[f->nseeds++] = seed;
    return 0;
}

repro_panel *repro_fig_panel(repro_fig *f, int row, int col)
{
    if (row < 1 || col < 1 || row > f->rows || col > f->cols) {
        repro_err("panel: (%d, %d) is outside the %d x %d grid", row, col, f->rows, f->cols);
        return NULL;
    }
    repro_panel *p = &f->panels[(row - 1) * f->cols + col - 1];
    if (p->used) {
        repro_err("panel: (%d, %d) is already in use", row, col);
        return NULL;
    }
    p->used = 1;
    p->row = row;
    p->col = col;
    p->axes = 1;
    return p;
}

int repro_panel_set_labels(repro_panel *p, const char *title, const char *xlabel, const char *ylabel)
{
    p->title = dupstr(title);
    p->xlabel = dupstr(xlabel);
    p->ylabel = dupstr(ylabel);
    return 0;
}

void repro_panel_set_xlim(repro_panel *p, double a, double b)
{
    p->has_xlim = 1;
    p->xlim[0] = a;
    p->xlim[1] = b;
}

void repro_panel_set_ylim(repro_panel *p, double a, double b)
{
    p->has_ylim = 1;
    p->ylim[0] = a;
    p->ylim[1] = b;
}

int repro_panel_set_ticks(repro_panel *p, int axis, const double *t, size_t n)
{
    free(p->ticks[axis]);
    p->ticks[axis] = dupnum(t, n);
    p->nticks[axis] = n;
    p->has_ticks[axis] = 1;
    return 0;
}

void repro_panel_set_style(repro_panel *p, int axes, int grid)
{
    p->axes = axes;
    p->grid = grid;
}

void repro_panel_legend(repro_panel *p, const char *pos)
{
    p->legend = 1;
    snprintf(p->legpos, sizeof p->legpos, "%s", pos ? pos : "ne");
}

int repro_panel_add(repro_panel *p, const repro_plot_item *src)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        item *t = realloc(p->items, cap * sizeof *t);
        if (!t) { repro_err("plot: out of memory"); return -1; }
        p->items = t;
        p->cap = cap;
    }
    item *it = &p->items[p->n];
    memset(it, 0, sizeof *it);
    it->it = *src;
    it->x = dupnum(src->x, src->n);
    it->y = dupnum(src->y, src->n);
    it->z = dupnum(src->z, src->rows * src->cols);
    it->color = dupstr(src->color);
    it->label = dupstr(src->label);
    it->text = dupstr(src->text);
    snprintf(it->anchor, sizeof it->anchor, "%s", src->anchor ? src->anchor : "c");
    p->n++;
    return 0;
}


/* ---- limits & layout --------------------------------------------------------------------- */
static void grow(double r[2], double v)
{
    if (!isfinite(v)) return;
    if (v < r[0]) r[0] = v;
    if (v > r[1]) r[1] = v;
}

void repro_panel_limits(const repro_panel *p, double xl[2], double yl[2])
{
    double xr[2] = {INFINITY, -INFINITY}, yr[2] = {INFINITY, -INFINITY};
    for (size_t k = 0; k < p->n; k++) {
        const repro_plot_item *it = &p->items[k].it;
        const item *I = &p->items[k];
        switch (it->kind) {
        case REPRO_IT_LINE: case REPRO_IT_POINTS:
            for (size_t i = 0; i < it->n; i++) { grow(xr, I->x[i]); grow(yr, I->y[i]); }
            break;
        case REPRO_IT_BAR:
            for (size_t i = 0; i < it->n; i++) {
                grow(xr, I->x[i] - it->width / 2);
                grow(xr, I->x[i] + it->width / 2);
                grow(yr, I->y[i]);
                grow(yr, 0);
            }
            break;
        case REPRO_IT_IMAGE:
            grow(xr, it->extent[0]); grow(xr, it->extent[1]);
            grow(yr, it->extent[2]); grow(yr, it->extent[3]);
            break;
        case REPRO_IT_VLINE: grow(xr, it->x1); break;
        case REPRO_IT_HLINE: grow(yr, it->y1); break;
        default:
            grow(xr, it->x1); grow(yr, it->y1);
            if (it->kind != REPRO_IT_TEXT) { grow(xr, it->x2); grow(yr, it->y2); }
        }
    }
    double *r[2] = {xr, yr};
    for (int a = 0; a < 2; a++) {
        if (!(r[a][1] >= r[a][0])) { r[a][0] = 0; r[a][1] = 1; }
        double m = (r[a][1] - r[a][0]) * 0.05;
        if (m == 0) m = 0.5;
        r[a][0] -= m;
        r[a][1] += m;
    }
    int img = 0;
    for (size_t k = 0; k < p->n; k++) img |= p->items[k].it.kind == REPRO_IT_IMAGE;
    if (img) { /* images fill their panel exactly */
        for (size_t k = 0; k < p->n; k++)
            if (p->items[k].it.kind == REPRO_IT_IMAGE) {
                const double *e = p->items[k].it.extent;
                xr[0] = fmin(e[0], e[1]); xr[1] = fmax(e[0], e[1]);
                yr[0] = fmin(e[2], e[3]); yr[1] = fmax(e[2], e[3]);
            }
    }
    xl[0] = p->has_xlim ? p->xlim[0] : xr[0];
    xl[1] = p->has_xlim ? p->xlim[1] : xr[1];
    yl[0] = p->has_ylim ? p->ylim[0] : yr[0];
    yl[1] = p->has_ylim ? p->ylim[1] : yr[1];
}


/* ---- sidecar ----------------------------------------------------------------------------- */
static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *jarr(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, isfinite(v[i]) ? json_real(v[i])
                                                : json_string(isnan(v[i]) ? "nan" : v[i] > 0 ? "inf" : "-inf"));
    return a;
}

static const char *kind_name(repro_item_kind k)
{
    static const char *const n[] = {"line", "points", "bar", "image", "text",
                                    "arrow", "brace", "vline", "hline"};
    return n[k];
}

json_t *repro_fig_json(repro_fig *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "figure", json_string(f->name));
    json_object_set_new(o, "script", jstr(f->script));
    json_t *seeds = json_array();
    for (size_t i = 0; i < f->nseeds; i++) json_array_append_new(seeds, json_integer(f->seeds[i]));
    json_object_set_new(o, "seeds", seeds);
    json_object_set_new(o, "width_in", json_real(f->w));
    json_object_set_new(o, "height_in", json_real(f->h));
    json_object_set_new(o, "png_dpi", json_integer(REPRO_PLOT_DPI));
    json_object_set_new(o, "title", jstr(f->title));
    json_t *panels = json_array();
    for (int i = 0; i < f->rows * f->cols; i++) {
        repro_panel *p = &f->panels[i];
        if (!p->used) continue;
        double xl[2], yl[2];
        repro_panel_limits(p, xl, yl);
        json_t *jp = json_object();
        json_object_set_new(jp, "row", json_integer(p->row));
        json_object_set_new(jp, "col", json_integer(p->col));
        json_object_set_new(jp, "title", jstr(p->title));
        json_object_set_new(jp, "xlabel", jstr(p->xlabel));
        json_object_set_new(jp, "ylabel", jstr(p->ylabel));
        json_object_set_new(jp, "xlim", jarr(xl, 2));
        json_object_set_new(jp, "ylim", jarr(yl, 2));
        json_t *series = json_array(), *ann = json_array();
        for (size_t k = 0; k < p->n; k++) {
            item *I = &p->items[k];
            repro_plot_item *it = &I->it;
            json_t *s = json_object();
            char hex[8];
            hexof(it->rgb, hex);
            json_object_set_new(s, "kind", json_string(kind_name(it->kind)));
            /* data (lines, points, bars, images) are series with a label; the rest annotations */
            int data = it->kind == REPRO_IT_LINE || it->kind == REPRO_IT_POINTS ||
                       it->kind == REPRO_IT_BAR || it->kind == REPRO_IT_IMAGE;
            if (data) json_object_set_new(s, "label", jstr(I->label));
            switch (it->kind) {
            case REPRO_IT_LINE: case REPRO_IT_POINTS: case REPRO_IT_BAR:
                json_object_set_new(s, "x", jarr(I->x, it->n));
                json_object_set_new(s, "y", jarr(I->y, it->n));
                json_object_set_new(s, "color", json_string(hex));
                break;
            case REPRO_IT_IMAGE: {
                json_t *z = json_array();
                for (size_t r = 0; r < it->rows; r++)
                    json_array_append_new(z, jarr(I->z + r * it->cols, it->cols));
                json_object_set_new(s, "z", z);
                json_object_set_new(s, "extent", jarr(it->extent, 4));
                json_object_set_new(s, "cmap", json_string(it->cmap ? "RdBu" : "viridis"));
                json_object_set_new(s, "vmin", json_real(it->vmin));
                json_object_set_new(s, "vmax", json_real(it->vmax));
                break;
            }
            case REPRO_IT_TEXT:
                json_object_set_new(s, "text", jstr(I->text));
                json_object_set_new(s, "x", json_real(it->x1));
                json_object_set_new(s, "y", json_real(it->y1));
                break;
            case REPRO_IT_VLINE: json_object_set_new(s, "x", json_real(it->x1)); break;
            case REPRO_IT_HLINE: json_object_set_new(s, "y", json_real(it->y1)); break;
            default: { /* arrows and braces */
                double v[4] = {it->x1, it->y1, it->x2, it->y2};
                if (I->text) json_object_set_new(s, "text", json_string(I->text));
                json_object_set_new(s, "from_to", jarr(v, 4));
            }
            }
            json_array_append_new(data ? series : ann, s);
        }
        json_object_set_new(jp, "series", series);
        json_object_set_new(jp, "annotations", ann);
        json_array_append_new(panels, jp);
    }
    json_object_set_new(o, "panels", panels);
    return o;
}

