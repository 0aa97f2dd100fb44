#include "diff/diffreport.h"

#include "core/err.h"
#include "core/strbuf.h"
#include "core/fileio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- verdicts ------------------------------------------------------------------------------ */

int repro_report_fig_changed(const repro_report_fig *f)
{
    if (f->error) return 1;
    if (f->data && f->data->state != REPRO_DIFF_SAME) return 1;
    if (!f->a_png != !f->b_png) return 1;
    return f->pix && repro_pixdiff_changed(f->pix);
}

const char *repro_report_data_verdict(const repro_report_fig *f, char *buf, size_t n)
{
    if (f->error)
        snprintf(buf, n, "error");
    else if (!f->data)
        snprintf(buf, n, "no sidecar");
    else
        snprintf(buf, n, "%s", repro_diff_state_name(f->data->state));
    return buf;
}

const char *repro_report_largest(const repro_report_fig *f, char *buf, size_t n)
{
    const repro_figdiff *d = f->data;
    char a[32];
    if (f->error) {
        snprintf(buf, n, "%s", f->error);
    } else if (d && d->has_max) {
        char p[32];
        if (isinf(d->max_rel))
            snprintf(p, sizeof p, "from 0");
        else
            snprintf(p, sizeof p, "%+.3g%%", copysign(100.0 * d->max_rel, d->max_delta));
        snprintf(buf, n, "%s%s (%s) %s", d->max_delta > 0 ? "+" : "",
                 repro_diff_num(d->max_delta, a, sizeof a), p, d->max_where);
    } else if (d && d->state == REPRO_DIFF_CHANGED && d->nlines) {
        snprintf(buf, n, "%s", d->lines[0]);
    } else {
        snprintf(buf, n, "-");
    }
    return buf;
}

const char *repro_report_pixel_verdict(const repro_report_fig *f, char *buf, size_t n)
{
    const repro_pixdiff *p = f->pix;
    if (!p) {
        if (f->a_png && f->b_png)
            snprintf(buf, n, "not compared");
        else if (f->a_png)
            snprintf(buf, n, "removed");
        else if (f->b_png)
            snprintf(buf, n, "added");
        else
            snprintf(buf, n, "no PNG");
    } else if (!p->same_size) {
        snprintf(buf, n, "size %dx%d -> %dx%d", p->wa, p->ha, p->wb, p->hb);
    } else if (p->counted) {
        snprintf(buf, n, "%ld px, max %d, rms %.3g", p->counted, p->maxdiff, p->rms);
    } else if (p->isolated) {
        snprintf(buf, n, "same (%ld isolated px ignored)", p->isolated);
    } else {
        snprintf(buf, n, "same");
    }
    return buf;
}

const char *repro_report_safe_name(const char *name, char *buf, size_t n)
{
    size_t k = 0;
    for (const char *s = name; *s && k + 1 < n; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || (c == '.' && k > 0);
        buf[k++] = ok ? c : '_';
    }
    buf[k] = '\0';
    if (k == 0) snprintf(buf, n, "_");
    return buf;
}

/* ---- HTML text ----------------------------------------------------------------------------- */

/* S with HTML's special characters escaped (safe in text and in quoted attributes). */
static void sb_esc(repro_strbuf *b, const char *s)
{
    if (s) repro_sb_putxml(b, s, strlen(s));
}

/* ---- the data overlay (SVG) ------------------------------------------------------------------ */

enum { SVG_W = 420, SVG_H = 260, ML = 56, MR = 12, MT = 24, MB = 30 };

typedef struct {
    double x0, x1, y0, y1;
} box;

static int numv(const json_t *j, double *v)
{
    if (!json_is_number(j)) return 0;
    *v = json_number_value(j);
    return isfinite(*v);
}

static void grow(box *bx, double x, double y)
{
    if (x < bx->x0) bx->x0 = x;
    if (x > bx->x1) bx->x1 = x;
    if (y < bx->y0) bx->y0 = y;
    if (y > bx->y1) bx->y1 = y;
}

/* Extend BX by a panel's limits, or by its data when it has none. */
static void panel_bounds(const json_t *p, box *bx)
{
    if (!p) return;
    const json_t *xl = json_object_get(p, "xlim"), *yl = json_object_get(p, "ylim");
    double a, b, c, d;
    int lim = numv(json_array_get(xl, 0), &a) && numv(json_array_get(xl, 1), &b) &&
              numv(json_array_get(yl, 0), &c) && numv(json_array_get(yl, 1), &d);
    if (lim) {
        grow(bx, a, c);
        grow(bx, b, d);
        return;
    }
    size_t i, k;
    const json_t *s;
    json_array_foreach(json_object_get(p, "series"), i, s)
    {
        const json_t *xs = json_object_get(s, "x"), *ys = json_object_get(s, "y");
        for (k = 0; k < json_array_size(xs) && k < json_array_size(ys); k++)
            if (numv(json_array_get(xs, k), &a) && numv(json_array_get(ys, k), &b)) grow(bx, a, b);
    }
}

static const json_t *panel_at(const json_t *fig, json_int_t row, json_int_t col)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(fig, "panels"), i, p)
    {
        if (json_integer_value(json_object_get(p, "row")) == row &&
            json_integer_value(json_object_get(p, "col")) == col)
            return p;
    }
    return NULL;
}

/* A colour attribute value that cannot break out of its quotes. */
static const char *safe_color(const json_t *s, const char *def)
{
    const char *c = json_string_value(json_object_get(s, "color"));
    if (!c || !*c || strlen(c) > 40) return def;
    for (const char *p = c; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '#' || *p == '(' || *p == ')' || *p == ',' || *p == '.' || *p == ' '))
            return def;
    return c;
}

typedef struct {
    box bx;
    double sx, sy;
} frame;

static double px(const frame *f, double x) { return ML + (x - f->bx.x0) * f->sx; }
static double py(const frame *f, double y) { return SVG_H - MB - (y - f->bx.y0) * f->sy; }

/* The series of one side of a panel.  Side A is drawn wide, grey and faint under side B, which
 * keeps its own colours. */
static void svg_series(repro_strbuf *h, const frame *f, const json_t *panel, int side_b, int *images)
{
    const char *grey = "#9a9a9a";
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(panel, "series"), i, s)
    {
        const char *kind = json_string_value(json_object_get(s, "kind"));
        const json_t *xs = json_object_get(s, "x"), *ys = json_object_get(s, "y");
        const char *col = side_b ? safe_color(s, "#1f77b4") : grey;
        size_t n =
            json_array_size(xs) < json_array_size(ys) ? json_array_size(xs) : json_array_size(ys);
        size_t step = n > 4000 ? (n + 3999) / 4000 : 1;
        if (!kind || strcmp(kind, "image") == 0) {
            (*images)++;
            continue;
        }
        repro_sb_printf(h, "<g class=\"%s\">", side_b ? "sb" : "sa");
        if (strcmp(kind, "line") == 0) {
            int open = 0;
            for (size_t k = 0; k < n; k += step) {
                double x, y;
                if (!numv(json_array_get(xs, k), &x) || !numv(json_array_get(ys, k), &y)) {
                    if (open) repro_sb_printf(h, "\"/>");
                    open = 0;
                    continue;
                }
                if (!open)
                    repro_sb_printf(h,
                           "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"",
                           col, side_b ? "1.4" : "3.5", side_b ? "" : " stroke-opacity=\"0.6\"");
                repro_sb_printf(h, "%s%.2f,%.2f", open ? " " : "", px(f, x), py(f, y));
                open = 1;
            }
            if (open) repro_sb_printf(h, "\"/>");
        } else {
            int bar = strcmp(kind, "bar") == 0;
            double y0 = f->bx.y0 <= 0 && f->bx.y1 >= 0 ? 0 : f->bx.y0;
            for (size_t k = 0; k < n; k += step) {
                double x, y;
                if (!numv(json_array_get(xs, k), &x) || !numv(json_array_get(ys, k), &y)) continue;
                if (bar)
                    repro_sb_printf(h,
                           "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                           "stroke-width=\"%s\"/>",
                           px(f, x), py(f, y0), px(f, x), py(f, y), col, side_b ? "2" : "5");
                else if (side_b)
                    repro_sb_printf(h, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.6\" fill=\"%s\"/>", px(f, x),
                           py(f, y), col);
                else
                    repro_sb_printf(h,
                           "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4.5\" fill=\"none\" "
                           "stroke=\"%s\" stroke-width=\"1.5\"/>",
                           px(f, x), py(f, y), col);
            }
        }
        repro_sb_printf(h, "</g>");
    }
}

static void svg_panel(repro_strbuf *h, const json_t *pa, const json_t *pb, int id)
{
    const json_t *p = pb ? pb : pa;
    box bx = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    panel_bounds(pa, &bx);
    panel_bounds(pb, &bx);
    if (!(bx.x0 <= bx.x1)) bx = (box){0, 1, 0, 1};
    if (bx.x1 - bx.x0 <= 0) bx.x0 -= 0.5, bx.x1 += 0.5;
    if (bx.y1 - bx.y0 <= 0) bx.y0 -= 0.5, bx.y1 += 0.5;
    frame f = {bx, (SVG_W - ML - MR) / (bx.x1 - bx.x0), (SVG_H - MT - MB) / (bx.y1 - bx.y0)};
    char t0[32], t1[32];
    repro_sb_printf(h,
           "<svg width=\"%d\" height=\"%d\" "
           "viewBox=\"0 0 %d %d\" class=\"overlay\">",
           SVG_W, SVG_H, SVG_W, SVG_H);
    repro_sb_printf(h,
           "<clipPath id=\"c%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>",
           id, ML, MT, SVG_W - ML - MR, SVG_H - MT - MB);
    repro_sb_printf(h, "<text x=\"%d\" y=\"15\" class=\"pt\">(%lld,%lld) ", ML,
           (long long)json_integer_value(json_object_get(p, "row")),
           (long long)json_integer_value(json_object_get(p, "col")));
    sb_esc(h, json_string_value(json_object_get(p, "title")));
    repro_sb_printf(h, "%s</text>", !pa ? " (only in B)" : !pb ? " (only in A)" : "");
    if (bx.y0 < 0 && bx.y1 > 0)
        repro_sb_printf(h, "<line x1=\"%d\" x2=\"%d\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#ddd\"/>", ML,
               SVG_W - MR, py(&f, 0), py(&f, 0));
    repro_sb_printf(h, "<g clip-path=\"url(#c%d)\">", id);
    int images = 0;
    if (pa) svg_series(h, &f, pa, 0, &images);
    if (pb) svg_series(h, &f, pb, 1, &images);
    repro_sb_printf(h,
           "</g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
           "stroke=\"#444\"/>",
           ML, MT, SVG_W - ML - MR, SVG_H - MT - MB);
    repro_sb_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tk\">%s</text>", ML, SVG_H - MB + 14,
           repro_diff_num(bx.x0, t0, sizeof t0));
    repro_sb_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tk\" text-anchor=\"end\">%s</text>", SVG_W - MR,
           SVG_H - MB + 14, repro_diff_num(bx.x1, t1, sizeof t1));
    repro_sb_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tk\" text-anchor=\"end\">%s</text>", ML - 4,
           SVG_H - MB, repro_diff_num(bx.y0, t0, sizeof t0));
    repro_sb_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tk\" text-anchor=\"end\">%s</text>", ML - 4, MT + 9,
           repro_diff_num(bx.y1, t1, sizeof t1));
    repro_sb_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tk\" text-anchor=\"middle\">", (SVG_W + ML - MR) / 2,
           SVG_H - 4);
    sb_esc(h, json_string_value(json_object_get(p, "xlabel")));
    repro_sb_printf(h,
           "</text><text class=\"tk\" text-anchor=\"middle\" transform=\"translate(12 %d) "
           "rotate(-90)\">",
           (SVG_H + MT - MB) / 2);
    sb_esc(h, json_string_value(json_object_get(p, "ylabel")));
    repro_sb_printf(h, "</text>");
    /* Legend: which side is which. */
    repro_sb_printf(h,
           "<line x1=\"%d\" x2=\"%d\" y1=\"11\" y2=\"11\" stroke=\"#9a9a9a\" "
           "stroke-width=\"3.5\" stroke-opacity=\"0.6\"/><text x=\"%d\" y=\"15\" "
           "class=\"tk\">A</text>",
           SVG_W - MR - 70, SVG_W - MR - 52, SVG_W - MR - 48);
    repro_sb_printf(h,
           "<line x1=\"%d\" x2=\"%d\" y1=\"11\" y2=\"11\" stroke=\"#1f77b4\" "
           "stroke-width=\"1.4\"/><text x=\"%d\" y=\"15\" class=\"tk\">B</text>",
           SVG_W - MR - 30, SVG_W - MR - 12, SVG_W - MR - 8);
    if (images)
        repro_sb_printf(h, "<text x=\"%d\" y=\"%d\" class=\"tk\">%d image series: see the heat map</text>",
               ML + 6, MT + 14, images);
    repro_sb_printf(h, "</svg>");
}

static int svg_counter;

static void svg_figure(repro_strbuf *h, const json_t *a, const json_t *b)
{
    size_t i;
    const json_t *p;
    repro_sb_printf(h, "<div class=\"overlays\">");
    json_array_foreach(json_object_get(a, "panels"), i, p)
    {
        json_int_t r = json_integer_value(json_object_get(p, "row"));
        json_int_t c = json_integer_value(json_object_get(p, "col"));
        svg_panel(h, p, panel_at(b, r, c), ++svg_counter);
    }
    json_array_foreach(json_object_get(b, "panels"), i, p)
    {
        json_int_t r = json_integer_value(json_object_get(p, "row"));
        json_int_t c = json_integer_value(json_object_get(p, "col"));
        if (!panel_at(a, r, c)) svg_panel(h, NULL, p, ++svg_counter);
    }
    repro_sb_printf(h, "</div><p class=\"legend\">Overlay of the sidecar data: side A wide and grey "
              "(hollow markers), side B in its own colours on top.</p>");
}

/* ---- files ----------------------------------------------------------------------------------- */

/* Copy SRC to OUTDIR/img/NAME.SUFFIX.png (unless it is that file already); the page's relative
 * path goes to REL. */
static int copy_img(const char *outdir, const char *src, const char *name, const char *suffix,
                    char *rel, size_t n)
{
    char safe[256], dest[4096];
    repro_report_safe_name(name, safe, sizeof safe);
    snprintf(rel, n, "img/%s.%s.png", safe, suffix);
    snprintf(dest, sizeof dest, "%s/%s", outdir, rel);
    if (strcmp(src, dest) == 0) return 0;
    size_t len;
    char *buf = repro_read_file(src, &len);
    if (!buf) return -1;
    int rc = repro_write_atomic(dest, buf, len);
    free(buf);
    return rc;
}

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em 2em;color:#222;max-width:1400px}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-top:1px solid #ccc;"
    "padding-top:.6em}h3{font-size:1em}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".changed,.added,.removed,.error,.FAILS{color:#b00000;font-weight:600}.same{color:#267326}"
    ".pair{display:flex;gap:14px;flex-wrap:wrap;align-items:flex-start}.pair figure{margin:0}"
    ".pair img{max-width:min(640px,90vw);border:1px solid #ccc;display:block}"
    "figcaption{font-size:.9em;color:#555}"
    ".cmp{margin:1em 0}.cmp .stack{position:relative;display:inline-block;border:1px solid #999}"
    ".cmp .stack img{display:block;max-width:min(1000px,92vw)}"
    ".cmp .stack img.a{position:absolute;top:0;left:0;width:100%;height:100%}"
    ".cmp .ctl{margin:.3em 0}.cmp input{width:min(400px,60vw);vertical-align:middle}"
    ".overlays{display:flex;gap:10px;flex-wrap:wrap}svg.overlay{border:1px solid #eee;"
    "background:#fff}svg .pt{font-size:12px;font-weight:600}svg .tk{font-size:10px;fill:#555}"
    ".legend{font-size:.9em;color:#555}ul.lines{font-family:ui-monospace,monospace;"
    "font-size:.88em}code{font-size:.95em}#imgstatus{color:#555;font-size:.9em}";

/* Swipe: A is laid over B and clipped at the slider; flicker: A is shown and hidden in turn. */
static const char js[] =
    "document.querySelectorAll('.cmp').forEach(function(c){"
    "var a=c.querySelector('img.a'),r=c.querySelector('input'),b=c.querySelector('button'),"
    "w=c.querySelector('.which'),t=null;"
    "function swipe(){a.style.visibility='visible';"
    "a.style.clipPath='inset(0 '+(100-r.value)+'% 0 0)';"
    "w.textContent='swipe: A left of '+r.value+'%, B right';}"
    "function stop(){if(t){clearInterval(t);t=null;b.textContent='flicker';}}"
    "r.addEventListener('input',function(){stop();swipe();});"
    "b.addEventListener('click',function(){if(t){stop();swipe();return;}"
    "a.style.clipPath='none';var on=true;w.textContent='flicker: A';"
    "t=setInterval(function(){on=!on;a.style.visibility=on?'visible':'hidden';"
    "w.textContent='flicker: '+(on?'A':'B');},600);b.textContent='stop';});swipe();});"
    "window.addEventListener('load',function(){var im=document.images,ok=0,bad=[];"
    "for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0)ok++;"
    "else bad.push(im[i].getAttribute('src'));}"
    "var s=document.getElementById('imgstatus');s.dataset.ok=ok;s.dataset.total=im.length;"
    "s.textContent=bad.length?('Images that could not be shown: '+bad.join(', ')):"
    "('All '+ok+' images shown.');});";

static void td(repro_strbuf *h, const char *cls, const char *text)
{
    repro_sb_printf(h, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    sb_esc(h, text);
    repro_sb_printf(h, "</td>");
}

static void values_table(repro_strbuf *h, const repro_resultsdiff *rd)
{
    repro_sb_printf(h, "<h2 id=\"values\">Values</h2>");
    if (!rd) {
        repro_sb_printf(h, "<p>Neither side has a results file.</p>");
        return;
    }
    repro_sb_printf(h, "<p>%zu differ (changed, added or removed), %zu the same.</p>", rd->n, rd->nsame);
    if (!rd->n) return;
    repro_sb_printf(h, "<table><tr><th>value</th><th>state</th><th>A</th><th>B</th><th>change</th>"
              "<th>relative</th><th>where</th><th>note</th></tr>");
    for (size_t i = 0; i < rd->n; i++) {
        const repro_valdiff *v = &rd->v[i];
        char d[64] = "", r[64] = "";
        if (v->numeric) {
            repro_diff_num(v->delta, d, sizeof d);
            if (v->delta > 0) memmove(d + 1, d, strlen(d) + 1), d[0] = '+';
            if (isinf(v->rel))
                snprintf(r, sizeof r, "from 0");
            else
                snprintf(r, sizeof r, "%+.3g%%", copysign(100 * v->rel, v->delta));
        }
        repro_sb_printf(h, "<tr>");
        td(h, NULL, v->name);
        td(h, repro_diff_state_name(v->state), repro_diff_state_name(v->state));
        td(h, "num", v->a ? v->a : "");
        td(h, "num", v->b ? v->b : "");
        td(h, "num", d);
        td(h, "num", r);
        td(h, NULL, v->where);
        td(h, v->note && strstr(v->note, "FAILS") ? "FAILS" : NULL, v->note ? v->note : "");
        repro_sb_printf(h, "</tr>");
    }
    repro_sb_printf(h, "</table>");
}

static int figure_section(repro_strbuf *h, const char *outdir, const repro_report_fig *f)
{
    char safe[256], buf[1024], ra[300], rb[300], rh[300];
    repro_report_safe_name(f->name, safe, sizeof safe);
    repro_sb_printf(h, "<h2 id=\"fig-%s\">", safe);
    sb_esc(h, f->name);
    repro_sb_printf(h, "</h2>");
    if (f->error) {
        repro_sb_printf(h, "<p class=\"error\">");
        sb_esc(h, f->error);
        repro_sb_printf(h, "</p>");
    }
    repro_sb_printf(h, "<p>data: <span class=\"%s\">", f->data ? repro_diff_state_name(f->data->state) : "");
    sb_esc(h, repro_report_data_verdict(f, buf, sizeof buf));
    repro_sb_printf(h, "</span> &middot; pixels: ");
    sb_esc(h, repro_report_pixel_verdict(f, buf, sizeof buf));
    repro_sb_printf(h, "</p>");
    if (f->data && f->data->nlines) {
        repro_sb_printf(h, "<ul class=\"lines\">");
        for (size_t i = 0; i < f->data->nlines; i++) {
            repro_sb_printf(h, "<li>");
            sb_esc(h, f->data->lines[i]);
            repro_sb_printf(h, "</li>");
        }
        if (f->data->nmore) repro_sb_printf(h, "<li>... and %zu more</li>", f->data->nmore);
        repro_sb_printf(h, "</ul>");
    }
    if (f->a_png && copy_img(outdir, f->a_png, f->name, "a", ra, sizeof ra) != 0) return -1;
    if (f->b_png && copy_img(outdir, f->b_png, f->name, "b", rb, sizeof rb) != 0) return -1;
    if (f->heat_png && copy_img(outdir, f->heat_png, f->name, "heat", rh, sizeof rh) != 0)
        return -1;
    repro_sb_printf(h, "<div class=\"pair\">");
    if (f->a_png)
        repro_sb_printf(h, "<figure><img src=\"%s\" alt=\"A\"><figcaption>A</figcaption></figure>", ra);
    if (f->b_png)
        repro_sb_printf(h, "<figure><img src=\"%s\" alt=\"B\"><figcaption>B</figcaption></figure>", rb);
    if (f->heat_png)
        repro_sb_printf(h,
               "<figure><img src=\"%s\" alt=\"difference\"><figcaption>difference, amplified "
               "(yellow: small, dark red: largest; blue: isolated pixels ignored)"
               "</figcaption></figure>",
               rh);
    repro_sb_printf(h, "</div>");
    if (f->a_png && f->b_png) {
        repro_sb_printf(h,
               "<div class=\"cmp\"><div class=\"ctl\"><input type=\"range\" min=\"0\" "
               "max=\"100\" value=\"50\" aria-label=\"swipe between A and B\"> "
               "<button type=\"button\">flicker</button> <span class=\"which\"></span></div>"
               "<div class=\"stack\"><img class=\"b\" src=\"%s\" alt=\"B\">"
               "<img class=\"a\" src=\"%s\" alt=\"A\"></div></div>",
               rb, ra);
    }
    if (f->a_json || f->b_json) {
        repro_sb_printf(h, "<h3>Data overlay</h3>");
        svg_figure(h, f->a_json, f->b_json);
    }
    return 0;
}

int repro_report_write(const char *outdir, const repro_report *r)
{
    repro_strbuf h = {0};
    char buf[1024], path[4096];
    size_t nchanged = 0;
    for (size_t i = 0; i < r->nfigs; i++) nchanged += repro_report_fig_changed(&r->figs[i]);
    svg_counter = 0;
    repro_sb_printf(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
               "<title>repro diff: ");
    sb_esc(&h, r->label_a);
    repro_sb_printf(&h, " vs ");
    sb_esc(&h, r->label_b);
    repro_sb_printf(&h, "</title><style>%s</style></head><body>\n<h1>repro diff</h1><p>A: <b>", css);
    sb_esc(&h, r->label_a);
    repro_sb_printf(&h, "</b> &middot; B: <b>");
    sb_esc(&h, r->label_b);
    repro_sb_printf(&h,
           "</b><br>Tolerances: numbers |b &minus; a| &le; %g + %g&thinsp;|a|; pixels: "
           "channel difference &le; %d, isolated pixels ignored.</p>",
           r->tol.atol, r->tol.rtol, r->pixel_tol);
    if (r->note) {
        repro_sb_printf(&h, "<p>");
        sb_esc(&h, r->note);
        repro_sb_printf(&h, "</p>");
    }
    size_t nval = r->results ? r->results->n : 0;
    repro_sb_printf(&h, "<p><b>%zu of %zu figures changed, %zu values changed.</b></p>", nchanged, r->nfigs,
           nval);
    repro_sb_printf(&h, "<table><tr><th>figure</th><th>data</th><th>largest change</th><th>pixels</th>"
               "</tr>\n");
    for (size_t i = 0; i < r->nfigs; i++) {
        const repro_report_fig *f = &r->figs[i];
        char safe[256];
        repro_report_safe_name(f->name, safe, sizeof safe);
        int ch = repro_report_fig_changed(f);
        repro_sb_printf(&h, "<tr><td>");
        if (ch) repro_sb_printf(&h, "<a href=\"#fig-%s\">", safe);
        sb_esc(&h, f->name);
        repro_sb_printf(&h, "%s</td>", ch ? "</a>" : "");
        const char *dv = repro_report_data_verdict(f, buf, sizeof buf);
        td(&h, strcmp(dv, "no sidecar") == 0 ? NULL : dv, dv);
        td(&h, NULL, repro_report_largest(f, buf, sizeof buf));
        const char *pv = repro_report_pixel_verdict(f, buf, sizeof buf);
        td(&h, strncmp(pv, "same", 4) == 0 ? "same" : "changed", pv);
        repro_sb_printf(&h, "</tr>\n");
    }
    repro_sb_printf(&h, "</table>\n");
    if (nchanged < r->nfigs) {
        repro_sb_printf(&h, "<p>Unchanged: ");
        int first = 1;
        for (size_t i = 0; i < r->nfigs; i++) {
            if (repro_report_fig_changed(&r->figs[i])) continue;
            repro_sb_printf(&h, "%s<code>", first ? "" : ", ");
            sb_esc(&h, r->figs[i].name);
            repro_sb_printf(&h, "</code>");
            first = 0;
        }
        repro_sb_printf(&h, ".</p>\n");
    }
    values_table(&h, r->results);
    for (size_t i = 0; i < r->nfigs; i++)
        if (repro_report_fig_changed(&r->figs[i]) && figure_section(&h, outdir, &r->figs[i]) != 0) {
            free(h.buf);
            return -1;
        }
    repro_sb_printf(&h, "\n<p id=\"imgstatus\"></p><script>%s</script>\n</body></html>\n", js);
    if (h.oom) {
        free(h.buf);
        return repro_err("out of memory writing the report");
    }
    snprintf(path, sizeof path, "%s/index.html", outdir);
    int rc = repro_write_atomic(path, h.buf, h.len);
    free(h.buf);
    return rc;
}
