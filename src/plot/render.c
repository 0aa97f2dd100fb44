/* render: draws a figure (figmodel.h) with cairo and pango: repro_fig_write_pdf / _png, the nice
 * ticks and their labels, colour maps for images.  The same layout in points for the PDF and at
 * REPRO_PLOT_DPI for the PNG; dates from SOURCE_DATE_EPOCH and fixed font options, so the same
 * figure gives byte-identical files. */
#include "plot/figmodel.h"

#include "core/err.h"
#include "core/fileio.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FONT "Latin Modern Roman"
#define MAXT 32

static const unsigned viridis[] = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                   0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};
static const unsigned rdbu[] = {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7,
                                0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061};

static void cmap_rgb(int cmap, double t, double rgb[3])
{
    const unsigned *tab = cmap ? rdbu : viridis;
    size_t n = cmap ? 11 : 9;
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double u = t * (double)(n - 1);
    size_t i = (size_t)u;
    if (i >= n - 1) i = n - 2;
    double f = u - (double)i;
    for (int k = 0; k < 3; k++) {
        double a = (tab[i] >> (16 - 8 * k) & 255) / 255.0, b = (tab[i + 1] >> (16 - 8 * k) & 255) / 255.0;
        rgb[k] = a + f * (b - a);
    }
}


/* ---- ticks ------------------------------------------------------------------------------- */
static double nice_step(double lo, double hi, int target)
{
    double raw = (hi - lo) / (target > 0 ? target : 5);
    if (!(raw > 0) || !isfinite(raw)) return 1;
    double mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

size_t repro_ticks(double lo, double hi, int target, double *out, size_t max)
{
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) return 0;
    double step = nice_step(lo, hi, target), eps = step * 1e-9;
    size_t n = 0;
    for (double k = ceil((lo - eps) / step); n < max; k++) {
        double v = k * step;
        if (v > hi + eps) break;
        out[n++] = fabs(v) < eps ? 0 : v;
    }
    return n;
}

const char *repro_tick_label(double v, double step, char *buf, size_t n)
{
    int dec = step > 0 ? (int)ceil(-log10(step) - 1e-9) : 0;
    if (dec < 0) dec = 0;
    if (dec > 10) dec = 10;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", dec, fabs(v) < step * 1e-9 ? 0.0 : v);
    if (tmp[0] == '-')
        snprintf(buf, n, "\u2212%s", tmp + 1);
    else
        snprintf(buf, n, "%s", tmp);
    return buf;
}


/* ---- rendering --------------------------------------------------------------------------- */
typedef struct {
    cairo_t *cr;
    PangoContext *pc;
    double x0, y0, w, h;      /* plot area, points */
    double xl[2], yl[2];
} canvas;

static double X(const canvas *c, double x) { return c->x0 + (x - c->xl[0]) / (c->xl[1] - c->xl[0]) * c->w; }
static double Y(const canvas *c, double y) { return c->y0 + c->h - (y - c->yl[0]) / (c->yl[1] - c->yl[0]) * c->h; }

static void setrgb(cairo_t *cr, const double rgb[3]) { cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]); }

/* Text MARKUP (with $math$) at (x, y) points, anchored; returns its width, height via W, H. */
static void text_at(canvas *c, double x, double y, const char *s, double size, const char *anchor,
                    const double rgb[3], int vertical, int draw, double *W, double *H)
{
    char *m = repro_math_markup(s);
    if (!m) return;
    PangoLayout *l = pango_layout_new(c->pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_markup(l, m, -1);
    free(m);
    PangoRectangle ink, log;
    pango_layout_get_extents(l, &ink, &log);
    double w = (double)log.width / PANGO_SCALE, h = (double)log.height / PANGO_SCALE;
    if (W) *W = vertical ? h : w;
    if (H) *H = vertical ? w : h;
    if (draw) {
        double ax = 0.5, ay = 0.5;
        if (strchr(anchor, 'w')) ax = 0;
        if (strchr(anchor, 'e')) ax = 1;
        if (strchr(anchor, 'n')) ay = 0;
        if (strchr(anchor, 's')) ay = 1;
        cairo_save(c->cr);
        cairo_translate(c->cr, x, y);
        if (vertical) cairo_rotate(c->cr, -M_PI / 2);
        cairo_move_to(c->cr, -ax * w - (double)log.x / PANGO_SCALE, -ay * h - (double)log.y / PANGO_SCALE);
        setrgb(c->cr, rgb);
        pango_cairo_update_context(c->cr, c->pc);
        pango_layout_context_changed(l);
        pango_cairo_show_layout(c->cr, l);
        cairo_restore(c->cr);
    }
    g_object_unref(l);
}

static void stroke_style(cairo_t *cr, const repro_plot_item *it, double defw)
{
    cairo_set_line_width(cr, it->width > 0 ? it->width : defw);
    if (it->dash[0] > 0) {
        double d[2] = {it->dash[0], it->dash[1] > 0 ? it->dash[1] : it->dash[0]};
        cairo_set_dash(cr, d, 2, 0);
    } else {
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

static void marker(cairo_t *cr, double x, double y, char m, double size, const double rgb[3])
{
    double r = size / 2;
    setrgb(cr, rgb);
    cairo_set_dash(cr, NULL, 0, 0);
    if (m == 's') {
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        cairo_fill(cr);
    } else if (m == 'x') {
        cairo_set_line_width(cr, fmax(0.6, size / 5));
        cairo_move_to(cr, x - r, y - r); cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x - r, y + r); cairo_line_to(cr, x + r, y - r);
        cairo_stroke(cr);
    } else {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        cairo_fill(cr);
    }
}

static void arrow(cairo_t *cr, double x1, double y1, double x2, double y2, double lw)
{
    double dx = x2 - x1, dy = y2 - y1, L = hypot(dx, dy);
    if (L == 0) return;
    dx /= L; dy /= L;
    double hl = 4 + 2 * lw, hw = 1.5 + lw;
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x2 - dx * hl * 0.8, y2 - dy * hl * 0.8);
    cairo_stroke(cr);
    cairo_move_to(cr, x2, y2);
    cairo_line_to(cr, x2 - dx * hl - dy * hw, y2 - dy * hl + dx * hw);
    cairo_line_to(cr, x2 - dx * hl + dy * hw, y2 - dy * hl - dx * hw);
    cairo_close_path(cr);
    cairo_fill(cr);
}

static void brace(canvas *c, const item *I)
{
    const repro_plot_item *it = &I->it;
    double x1 = X(c, it->x1), y1 = Y(c, it->y1), x2 = X(c, it->x2), y2 = Y(c, it->y2);
    double dx = x2 - x1, dy = y2 - y1, L = hypot(dx, dy);
    if (L == 0) return;
    dx /= L; dy /= L;
    double nx = -dy, ny = dx; /* device normal: "below" for left-to-right braces */
    if (it->above) { nx = -nx; ny = -ny; }
    double h = 5, r = fmin(h, L / 4);
#define A(u, v) x1 + (u) * dx + (v) * nx, y1 + (u) * dy + (v) * ny
    cairo_t *cr = c->cr;
    cairo_set_line_width(cr, 0.8);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_move_to(cr, A(0, 0));
    cairo_curve_to(cr, A(0, h / 2), A(0, h / 2), A(r, h / 2));
    cairo_line_to(cr, A(L / 2 - r, h / 2));
    cairo_curve_to(cr, A(L / 2, h / 2), A(L / 2, h / 2), A(L / 2, h));
    cairo_curve_to(cr, A(L / 2, h / 2), A(L / 2, h / 2), A(L / 2 + r, h / 2));
    cairo_line_to(cr, A(L - r, h / 2));
    cairo_curve_to(cr, A(L, h / 2), A(L, h / 2), A(L, 0));
    setrgb(cr, it->rgb);
    cairo_stroke(cr);
    if (I->text) {
        const char *an = fabs(ny) >= fabs(nx) ? (ny > 0 ? "n" : "s") : (nx > 0 ? "w" : "e");
        text_at(c, x1 + L / 2 * dx + (h + 2) * nx, y1 + L / 2 * dy + (h + 2) * ny, I->text,
                it->size > 0 ? it->size : 9, an, it->rgb, 0, 1, NULL, NULL);
    }
#undef A
}

static void image(canvas *c, const repro_plot_item *it, const double *z)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)it->cols, (int)it->rows);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) { cairo_surface_destroy(s); return; }
    cairo_surface_flush(s);
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    double span = it->vmax - it->vmin;
    for (size_t i = 0; i < it->rows; i++)
        for (size_t j = 0; j < it->cols; j++) {
            double rgb[3];
            cmap_rgb(it->cmap, span > 0 ? (z[i * it->cols + j] - it->vmin) / span : 0.5, rgb);
            uint32_t px = (uint32_t)lround(rgb[0] * 255) << 16 | (uint32_t)lround(rgb[1] * 255) << 8 |
                          (uint32_t)lround(rgb[2] * 255);
            memcpy(d + i * (size_t)stride + 4 * j, &px, 4);
        }
    cairo_surface_mark_dirty(s);
    double ex0 = X(c, it->extent[0]), ex1 = X(c, it->extent[1]);
    double ey0 = Y(c, it->extent[3]), ey1 = Y(c, it->extent[2]);
    cairo_save(c->cr);
    cairo_translate(c->cr, ex0, ey0);
    cairo_scale(c->cr, (ex1 - ex0) / (double)it->cols, (ey1 - ey0) / (double)it->rows);
    cairo_set_source_surface(c->cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(c->cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(c->cr, 0, 0, (double)it->cols, (double)it->rows);
    cairo_fill(c->cr);
    cairo_restore(c->cr);
    cairo_surface_destroy(s);
}

static const double BLACK[3] = {0, 0, 0}, GRID[3] = {0.88, 0.88, 0.88};

static void axis_ticks(const repro_panel *p, int a, const double lim[2], double *t, size_t *n,
                       double *step)
{
    double lo = fmin(lim[0], lim[1]), hi = fmax(lim[0], lim[1]);
    if (p->has_ticks[a]) {
        *n = p->nticks[a] < MAXT ? p->nticks[a] : MAXT;
        memcpy(t, p->ticks[a], *n * sizeof *t);
        double s = 0;
        for (size_t i = 1; i < *n; i++) {
            double d = fabs(t[i] - t[i - 1]);
            if (d > 0 && (s == 0 || d < s)) s = d;
        }
        *step = s > 0 ? s : 1;
        /* labels: use as few decimals as represent every tick */
        for (double q = 1; q >= 1e-6; q /= 10) {
            int ok = 1;
            for (size_t i = 0; i < *n; i++) ok &= fabs(t[i] / q - round(t[i] / q)) < 1e-6;
            if (ok) { *step = q; break; }
        }
        return;
    }
    *n = repro_ticks(lo, hi, a == 0 ? 5 : 4, t, MAXT);
    *step = nice_step(lo, hi, a == 0 ? 5 : 4);
}

static void draw_panel(cairo_t *cr, PangoContext *pc, const repro_fig *f, const repro_panel *p,
                       double top)
{
    double cw = f->w * 72 / f->cols, ch = (f->h * 72 - top) / f->rows;
    double cx = (p->col - 1) * cw, cy = top + (p->row - 1) * ch;
    int cbar = 0;
    for (size_t k = 0; k < p->n; k++)
        cbar |= p->items[k].it.kind == REPRO_IT_IMAGE && p->items[k].it.colorbar;
    double fs = 9, ts = 8;
    double ml = p->axes ? 30 + (p->ylabel ? 12 : 0) : 6, mb = p->axes ? 17 + (p->xlabel ? 12 : 0) : 6;
    double mt = p->title ? 16 : 7, mr = 11 + (cbar ? 40 : 0);
    canvas c = {cr, pc, cx + ml, cy + mt, cw - ml - mr, ch - mt - mb, {0}, {0}};
    if (c.w < 10) c.w = 10;
    if (c.h < 10) c.h = 10;
    repro_panel_limits(p, c.xl, c.yl);
    if (c.xl[1] == c.xl[0]) c.xl[1] = c.xl[0] + 1;
    if (c.yl[1] == c.yl[0]) c.yl[1] = c.yl[0] + 1;
    double tx[MAXT], ty[MAXT], sx, sy;
    size_t nx, ny;
    axis_ticks(p, 0, c.xl, tx, &nx, &sx);
    axis_ticks(p, 1, c.yl, ty, &ny, &sy);
    char buf[64];
    if (p->grid) {
        cairo_set_line_width(cr, 0.4);
        setrgb(cr, GRID);
        for (size_t i = 0; i < nx; i++) { cairo_move_to(cr, X(&c, tx[i]), c.y0); cairo_line_to(cr, X(&c, tx[i]), c.y0 + c.h); }
        for (size_t i = 0; i < ny; i++) { cairo_move_to(cr, c.x0, Y(&c, ty[i])); cairo_line_to(cr, c.x0 + c.w, Y(&c, ty[i])); }
        cairo_stroke(cr);
    }
    /* data, clipped to the plot area */
    cairo_save(cr);
    cairo_rectangle(cr, c.x0, c.y0, c.w, c.h);
    cairo_clip(cr);
    for (size_t k = 0; k < p->n; k++) {
        const item *I = &p->items[k];
        const repro_plot_item *it = &I->it;
        switch (it->kind) {
        case REPRO_IT_IMAGE: image(&c, it, I->z); break;
        case REPRO_IT_BAR:
            setrgb(cr, it->rgb);
            for (size_t i = 0; i < it->n; i++) {
                double a = X(&c, I->x[i] - it->width / 2), b = X(&c, I->x[i] + it->width / 2);
                double y0 = Y(&c, 0), y1 = Y(&c, I->y[i]);
                cairo_rectangle(cr, a, fmin(y0, y1), b - a, fabs(y1 - y0));
            }
            cairo_fill(cr);
            break;
        case REPRO_IT_LINE:
            stroke_style(cr, it, 1.2);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            setrgb(cr, it->rgb);
            for (size_t i = 0; i < it->n; i++) {
                if (!isfinite(I->x[i]) || !isfinite(I->y[i])) { cairo_new_sub_path(cr); continue; }
                cairo_line_to(cr, X(&c, I->x[i]), Y(&c, I->y[i]));
            }
            cairo_stroke(cr);
            break;
        case REPRO_IT_VLINE: case REPRO_IT_HLINE:
            stroke_style(cr, it, 0.8);
            setrgb(cr, it->rgb);
            if (it->kind == REPRO_IT_VLINE) {
                cairo_move_to(cr, X(&c, it->x1), c.y0);
                cairo_line_to(cr, X(&c, it->x1), c.y0 + c.h);
            } else {
                cairo_move_to(cr, c.x0, Y(&c, it->y1));
                cairo_line_to(cr, c.x0 + c.w, Y(&c, it->y1));
            }
            cairo_stroke(cr);
            break;
        default: break;
        }
    }
    for (size_t k = 0; k < p->n; k++) {
        const item *I = &p->items[k];
        if (I->it.kind != REPRO_IT_POINTS) continue;
        for (size_t i = 0; i < I->it.n; i++)
            if (isfinite(I->x[i]) && isfinite(I->y[i]))
                marker(cr, X(&c, I->x[i]), Y(&c, I->y[i]), I->it.marker, I->it.size, I->it.rgb);
    }
    cairo_restore(cr);
    /* annotations, not clipped */
    for (size_t k = 0; k < p->n; k++) {
        const item *I = &p->items[k];
        const repro_plot_item *it = &I->it;
        if (it->kind == REPRO_IT_TEXT) {
            text_at(&c, X(&c, it->x1), Y(&c, it->y1), I->text, it->size, I->anchor, it->rgb, 0, 1,
                    NULL, NULL);
        } else if (it->kind == REPRO_IT_ARROW) {
            stroke_style(cr, it, 0.9);
            cairo_set_dash(cr, NULL, 0, 0);
            setrgb(cr, it->rgb);
            arrow(cr, X(&c, it->x1), Y(&c, it->y1), X(&c, it->x2), Y(&c, it->y2),
                  it->width > 0 ? it->width : 0.9);
        } else if (it->kind == REPRO_IT_BRACE) {
            brace(&c, I);
        }
    }
    cairo_set_dash(cr, NULL, 0, 0);
    if (p->axes) {
        cairo_set_line_width(cr, 0.6);
        setrgb(cr, BLACK);
        cairo_rectangle(cr, c.x0, c.y0, c.w, c.h);
        for (size_t i = 0; i < nx; i++) {
            double x = X(&c, tx[i]);
            if (x < c.x0 - 0.01 || x > c.x0 + c.w + 0.01) continue;
            cairo_move_to(cr, x, c.y0 + c.h);
            cairo_line_to(cr, x, c.y0 + c.h - 3);
            text_at(&c, x, c.y0 + c.h + 2, repro_tick_label(tx[i], sx, buf, sizeof buf), ts, "n",
                    BLACK, 0, 1, NULL, NULL);
        }
        for (size_t i = 0; i < ny; i++) {
            double y = Y(&c, ty[i]);
            if (y < c.y0 - 0.01 || y > c.y0 + c.h + 0.01) continue;
            cairo_move_to(cr, c.x0, y);
            cairo_line_to(cr, c.x0 + 3, y);
            text_at(&c, c.x0 - 2.5, y, repro_tick_label(ty[i], sy, buf, sizeof buf), ts, "e", BLACK,
                    0, 1, NULL, NULL);
        }
        cairo_stroke(cr);
        if (p->xlabel)
            text_at(&c, c.x0 + c.w / 2, cy + ch - 2, p->xlabel, fs, "s", BLACK, 0, 1, NULL, NULL);
        if (p->ylabel)
            text_at(&c, cx + 2, c.y0 + c.h / 2, p->ylabel, fs, "n", BLACK, 1, 1, NULL, NULL);
    }
    if (p->title) text_at(&c, c.x0 + c.w / 2, c.y0 - 3, p->title, fs, "s", BLACK, 0, 1, NULL, NULL);
    /* colour bar */
    for (size_t k = 0; cbar && k < p->n; k++) {
        const repro_plot_item *it = &p->items[k].it;
        if (it->kind != REPRO_IT_IMAGE || !it->colorbar) continue;
        double bx = c.x0 + c.w + 6, bw = 8;
        for (int i = 0; i < 64; i++) {
            double rgb[3];
            cmap_rgb(it->cmap, (i + 0.5) / 64, rgb);
            setrgb(cr, rgb);
            cairo_rectangle(cr, bx, c.y0 + c.h * (1 - (i + 1) / 64.0), bw, c.h / 64 + 0.3);
            cairo_fill(cr);
        }
        setrgb(cr, BLACK);
        cairo_set_line_width(cr, 0.5);
        cairo_rectangle(cr, bx, c.y0, bw, c.h);
        double t[MAXT];
        size_t n = repro_ticks(it->vmin, it->vmax, 4, t, MAXT);
        double st = nice_step(it->vmin, it->vmax, 4);
        for (size_t i = 0; i < n && it->vmax > it->vmin; i++) {
            double y = c.y0 + c.h * (1 - (t[i] - it->vmin) / (it->vmax - it->vmin));
            cairo_move_to(cr, bx + bw, y);
            cairo_line_to(cr, bx + bw + 2, y);
            text_at(&c, bx + bw + 3, y, repro_tick_label(t[i], st, buf, sizeof buf), ts, "w", BLACK,
                    0, 1, NULL, NULL);
        }
        cairo_stroke(cr);
        break;
    }
    /* legend */
    if (p->legend) {
        double lw = 0, lh = 0, hh[64];
        size_t m = 0;
        for (size_t k = 0; k < p->n && m < 64; k++) {
            const item *I = &p->items[k];
            if (!I->label) continue;
            double w, h;
            text_at(&c, 0, 0, I->label, ts, "w", BLACK, 0, 0, &w, &h);
            lw = fmax(lw, w);
            hh[m++] = h;
            lh += h;
        }
        if (m) {
            double bw = lw + 26, bh = lh + 6, pad = 4;
            const char *pos = p->legpos;
            double bx = strchr(pos, 'w') ? c.x0 + pad : c.x0 + c.w - pad - bw;
            double by = strchr(pos, 's') ? c.y0 + c.h - pad - bh : c.y0 + pad;
            cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
            cairo_rectangle(cr, bx, by, bw, bh);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
            cairo_set_line_width(cr, 0.5);
            cairo_stroke(cr);
            double y = by + 3;
            m = 0;
            for (size_t k = 0; k < p->n && m < 64; k++) {
                const item *I = &p->items[k];
                if (!I->label) continue;
                double ym = y + hh[m] / 2;
                if (I->it.kind == REPRO_IT_POINTS) {
                    marker(cr, bx + 11, ym, I->it.marker, I->it.size, I->it.rgb);
                } else if (I->it.kind == REPRO_IT_BAR || I->it.kind == REPRO_IT_IMAGE) {
                    setrgb(cr, I->it.rgb);
                    cairo_rectangle(cr, bx + 5, ym - 3, 12, 6);
                    cairo_fill(cr);
                } else {
                    stroke_style(cr, &I->it, 1.2);
                    setrgb(cr, I->it.rgb);
                    cairo_move_to(cr, bx + 4, ym);
                    cairo_line_to(cr, bx + 18, ym);
                    cairo_stroke(cr);
                    cairo_set_dash(cr, NULL, 0, 0);
                }
                text_at(&c, bx + 22, ym, I->label, ts, "w", BLACK, 0, 1, NULL, NULL);
                y += hh[m++];
            }
        }
    }
}

static void render(const repro_fig *f, cairo_t *cr)
{
    PangoContext *pc = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(pc, 72);
#if PANGO_VERSION_CHECK(1, 44, 0)
    pango_context_set_round_glyph_positions(pc, FALSE);
#endif
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double top = 0;
    if (f->title) {
        canvas c = {cr, pc, 0, 0, 1, 1, {0, 1}, {0, 1}};
        text_at(&c, f->w * 36, 3, f->title, 10, "n", BLACK, 0, 1, NULL, NULL);
        top = 16;
    }
    for (int i = 0; i < f->rows * f->cols; i++)
        if (f->panels[i].used) draw_panel(cr, pc, f, &f->panels[i], top);
    g_object_unref(pc);
}

/* Cairo writes through this into a temporary opened exclusively by repro_tmpopen. */
static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int n)
{
    return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int repro_fig_write_pdf(repro_fig *f, const char *path, long long source_date)
{
    char *tmp;
    FILE *out = repro_tmpopen(path, &tmp);
    if (!out) return -1;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_file, out, f->w * 72, f->h * 72);
    char date[32];
    time_t t = (time_t)source_date;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "repro");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, f->name);
    cairo_t *cr = cairo_create(s);
    render(f, cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (repro_tmpclose(out, tmp) != 0) {
        free(tmp);
        return -1;
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        repro_discard(tmp);
        free(tmp);
        repro_err("%s: cannot write PDF (%s)", path, cairo_status_to_string(st));
        return -1;
    }
    int rc = repro_commit(tmp, path);
    free(tmp);
    return rc;
}

int repro_fig_write_png(repro_fig *f, const char *path)
{
    int w = (int)lround(f->w * REPRO_PLOT_DPI), h = (int)lround(f->h * REPRO_PLOT_DPI);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, REPRO_PLOT_DPI / 72.0, REPRO_PLOT_DPI / 72.0);
    render(f, cr);
    cairo_destroy(cr);
    char *tmp;
    FILE *out = repro_tmpopen(path, &tmp);
    int rc = -1;
    if (out) {
        cairo_status_t st = cairo_surface_write_to_png_stream(s, to_file, out);
        if (repro_tmpclose(out, tmp) != 0) {
            rc = -1;
        } else if (st != CAIRO_STATUS_SUCCESS) {
            repro_discard(tmp);
            repro_err("%s: cannot write PNG (%s)", path, cairo_status_to_string(st));
        } else {
            rc = repro_commit(tmp, path);
        }
    }
    free(tmp);
    cairo_surface_destroy(s);
    return rc;
}

