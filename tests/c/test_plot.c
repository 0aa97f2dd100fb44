/* plot: ticks, colours, math markup, deterministic rendering, PNG size, sidecar vs figdiff. */
#include "check.h"
#include "core/err.h"
#include "diff/figdiff.h"
#include "core/fileio.h"
#include "plot/plot.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int contains(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

/* SUB occurs in the N bytes at S (which may hold NULs). */
static int mem_has(const char *s, size_t n, const char *sub)
{
    size_t k = strlen(sub);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, sub, k) == 0) return 1;
    return 0;
}

static repro_fig *demo(void)
{
    repro_fig *f = repro_fig_new("demo", 4.0, 2.0, 1, 2);
    repro_fig_set(f, "A $\\tau$ title", "tests/c/test_plot.c");
    repro_fig_add_seed(f, 7);
    repro_panel *p = repro_fig_panel(f, 1, 1);
    repro_panel_set_labels(p, "$D_1$", "$x$", "$f(x)$");
    double x[5] = {0, 1, 2, 3, 4}, y[5] = {1, 0, 2, 1.5, 3};
    repro_plot_item it = {.kind = REPRO_IT_LINE, .n = 5, .x = x, .y = y, .width = 1.5,
                          .label = "$f_D$", .color = "C0"};
    repro_color_parse("C0", it.rgb);
    repro_panel_add(p, &it);
    repro_plot_item pt = {.kind = REPRO_IT_POINTS, .n = 5, .x = x, .y = y, .size = 3, .marker = 'o'};
    repro_color_parse("red", pt.rgb);
    repro_panel_add(p, &pt);
    repro_plot_item br = {.kind = REPRO_IT_BRACE, .x1 = 0, .y1 = 0, .x2 = 2, .y2 = 0,
                          .text = "$\\tau(\\tilde x_2-\\tilde x_1)$"};
    repro_panel_add(p, &br);
    repro_panel_legend(p, "nw");
    repro_panel *q = repro_fig_panel(f, 1, 2);
    double z[6] = {0, 1, 2, 3, 4, 5};
    repro_plot_item im = {.kind = REPRO_IT_IMAGE, .rows = 2, .cols = 3, .z = z,
                          .extent = {0, 1, 0, 1}, .vmin = 0, .vmax = 5, .colorbar = 1};
    repro_panel_add(q, &im);
    return f;
}

static char *slurp(const char *path, size_t *n)
{
    char *s = repro_read_file(path, n);
    return s;
}

int main(void)
{
    /* ticks: 1-2-5 steps, inside the range */
    double t[32];
    size_t n = repro_ticks(0, 1, 5, t, 32);
    CHECK(n == 6 && fabs(t[0]) < 1e-12 && fabs(t[5] - 1) < 1e-12, "ticks [0,1] step 0.2");
    n = repro_ticks(-0.55, 5.5, 5, t, 32);
    CHECK(n == 6 && t[0] == 0 && t[5] == 5, "ticks [-0.55,5.5] -> 0..5 step 1");
    n = repro_ticks(-3.1, 2.9, 4, t, 32);
    CHECK(n == 3 && t[0] == -2 && t[1] == 0 && t[2] == 2, "ticks [-3.1,2.9] step 2");
    n = repro_ticks(0, 1000, 4, t, 32);
    CHECK(n == 6 && t[1] == 200 && t[5] == 1000, "ticks [0,1000] step 200");
    CHECK(repro_ticks(1, 1, 5, t, 32) == 0, "ticks empty range");
    CHECK(repro_ticks(0, NAN, 5, t, 32) == 0, "ticks NaN range");
    char buf[64];
    CHECK(strcmp(repro_tick_label(-0.5, 0.5, buf, sizeof buf), "\u22120.5") == 0, "tick label minus");
    CHECK(strcmp(repro_tick_label(2, 1, buf, sizeof buf), "2") == 0, "tick label integer");
    CHECK(strcmp(repro_tick_label(0.25, 0.05, buf, sizeof buf), "0.25") == 0, "tick label 2 dec");

    /* colours */
    double rgb[3];
    CHECK(repro_color_parse("C0", rgb) == 0 && fabs(rgb[0] - 0x1f / 255.0) < 1e-12 &&
              fabs(rgb[2] - 0xb4 / 255.0) < 1e-12, "colour C0 = #1f77b4");
    CHECK(repro_color_parse("#ff8000", rgb) == 0 && rgb[0] == 1 && fabs(rgb[1] - 128 / 255.0) < 1e-12 &&
              rgb[2] == 0, "colour #ff8000");
    CHECK(repro_color_parse("black", rgb) == 0 && rgb[0] == 0, "colour black");
    CHECK(repro_color_parse("C10", rgb) < 0, "colour C10 rejected");
    CHECK(repro_color_parse("#12345", rgb) < 0 && repro_color_parse("#12345g", rgb) < 0, "bad hex");
    CHECK(repro_color_parse("redd", rgb) < 0 && repro_color_parse(NULL, rgb) < 0, "unknown name");

    /* math markup */
    char *m = repro_math_markup("$x$");
    CHECK(m && strcmp(m, "<i>x</i>") == 0, "math italic x");
    free(m);
    m = repro_math_markup("plain <b>bold</b>");
    CHECK(m && strcmp(m, "plain <b>bold</b>") == 0, "markup outside math kept");
    free(m);
    m = repro_math_markup("$\\tilde x$");
    CHECK(m && strcmp(m, "<i>x</i>\u0303") == 0, "tilde x combining");
    free(m);
    m = repro_math_markup("$x_1^2$");
    CHECK(contains(m, "<i>x</i><span size=\"70%\" rise=\"-2000\">1</span><span size=\"70%\" rise=\"3500\">2</span>"),
          "sub and superscript");
    free(m);
    m = repro_math_markup("$f_{ab}$");
    CHECK(contains(m, "-2000\"><i>a</i><i>b</i></span>"), "grouped subscript");
    free(m);
    m = repro_math_markup("$\\|w\\|$");
    CHECK(contains(m, "\u2016") && contains(m, "<i>w</i>"), "norm bars");
    free(m);
    m = repro_math_markup("$\\delta$");
    CHECK(contains(m, "\xF0\x9D\x9B\xBF"), "delta as math italic U+1D6FF");
    free(m);
    m = repro_math_markup("$\\foo{x}$ & <");
    CHECK(m && contains(m, "\\foo") && contains(m, "&amp;"), "unknown command literal, bad markup escaped");
    free(m);
    m = repro_math_markup("$unclosed");
    CHECK(m && strcmp(m, "$unclosed") == 0, "unclosed math literal");
    free(m);
    m = repro_math_markup("$a<b$");
    CHECK(contains(m, "&lt;"), "math < escaped");
    free(m);
    m = repro_math_markup("$_^{$");
    CHECK(m != NULL, "degenerate math does not crash");
    free(m);

    /* building errors */
    CHECK(repro_fig_new("x", 0, 1, 1, 1) == NULL, "zero width rejected");
    CHECK(repro_fig_new("a/b", 1, 1, 1, 1) == NULL, "name with slash rejected");
    repro_fig *f = demo();
    CHECK(repro_fig_panel(f, 1, 3) == NULL && contains(repro_errmsg(), "outside"), "panel outside grid");
    CHECK(repro_fig_panel(f, 1, 1) == NULL && contains(repro_errmsg(), "already"), "panel twice");

    /* rendering twice: byte-identical */
    char dir[] = "/tmp/test_plot_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    char p1[256], p2[256], g1[256], g2[256];
    snprintf(p1, sizeof p1, "%s/a.pdf", dir);
    snprintf(p2, sizeof p2, "%s/b.pdf", dir);
    snprintf(g1, sizeof g1, "%s/a.png", dir);
    snprintf(g2, sizeof g2, "%s/b.png", dir);
    CHECK(repro_fig_write_pdf(f, p1, 1700000000) == 0, "pdf written");
    repro_fig *f2 = demo();
    CHECK(repro_fig_write_pdf(f2, p2, 1700000000) == 0, "pdf written again");
    CHECK(repro_fig_write_png(f, g1) == 0 && repro_fig_write_png(f2, g2) == 0, "png written");
    size_t na, nb;
    char *a = slurp(p1, &na), *b = slurp(p2, &nb);
    CHECK(a && b && na == nb && memcmp(a, b, na) == 0, "pdf byte-identical");
    CHECK(a && mem_has(a, na, "(repro)") && mem_has(a, na, "(20231114221320Z)"),
          "pdf creator, date from SOURCE_DATE_EPOCH");
    free(a);
    free(b);
    a = slurp(g1, &na);
    b = slurp(g2, &nb);
    CHECK(a && b && na == nb && memcmp(a, b, na) == 0, "png byte-identical");
    free(a);
    free(b);
    cairo_surface_t *s = cairo_image_surface_create_from_png(g1);
    CHECK(cairo_image_surface_get_width(s) == 600 && cairo_image_surface_get_height(s) == 300,
          "png is width*150 x height*150");
    /* the image panel's top-left cell is value 0 -> viridis start #440154 (a pixel inside it) */
    cairo_surface_destroy(s);

    /* sidecar: shape and figdiff */
    json_t *j1 = repro_fig_json(f), *j2 = repro_fig_json(f2);
    CHECK(json_integer_value(json_object_get(j1, "png_dpi")) == 150, "sidecar png_dpi");
    json_t *p0 = json_array_get(json_object_get(j1, "panels"), 0);
    CHECK(json_integer_value(json_object_get(p0, "row")) == 1 &&
              json_array_size(json_object_get(p0, "series")) == 2 &&
              json_array_size(json_object_get(p0, "annotations")) == 1, "sidecar panel shape");
    json_t *s0 = json_array_get(json_object_get(p0, "series"), 0);
    CHECK(strcmp(json_string_value(json_object_get(s0, "color")), "#1f77b4") == 0, "sidecar colour hex");
    /* default limits: data range plus 5% */
    json_t *xl = json_object_get(p0, "xlim");
    CHECK(fabs(json_real_value(json_array_get(xl, 0)) + 0.2) < 1e-12, "default xlim margin");
    repro_tol tol = {REPRO_DIFF_ATOL, REPRO_DIFF_RTOL};
    /* written as fig:save writes it, the sidecar loads with figdiff's own loader */
    char jp[256];
    snprintf(jp, sizeof jp, "%s/a.json", dir);
    char *txt = json_dumps(j1, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
    CHECK(txt && repro_write_atomic(jp, txt, strlen(txt)) == 0, "sidecar written");
    free(txt);
    json_t *back = repro_figdiff_load(jp);
    CHECK(back != NULL, "sidecar accepted by repro_figdiff_load");
    repro_figdiff d0;
    memset(&d0, 0, sizeof d0);
    CHECK(back && repro_figdiff_json(back, j1, &tol, &d0) == 0 && d0.state == REPRO_DIFF_SAME,
          "reloaded sidecar diffs as same");
    repro_figdiff_free(&d0);
    json_decref(back);
    unlink(jp);
    repro_figdiff d1;
    memset(&d1, 0, sizeof d1);
    CHECK(repro_figdiff_json(j1, j2, &tol, &d1) == 0 && d1.state == REPRO_DIFF_SAME, "figdiff: same");
    repro_figdiff_free(&d1);
    /* change one y value: figdiff reports a change */
    json_t *ys = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(j2, "panels"), 0), "series"), 0), "y");
    json_array_set_new(ys, 2, json_real(2.5));
    memset(&d1, 0, sizeof d1);
    CHECK(repro_figdiff_json(j1, j2, &tol, &d1) == 0 && d1.state == REPRO_DIFF_CHANGED &&
              d1.has_max && fabs(d1.max_delta - 0.5) < 1e-12, "figdiff: y change of 0.5 found");
    repro_figdiff_free(&d1);
    json_decref(j1);
    json_decref(j2);
    repro_fig_free(f);
    repro_fig_free(f2);
    unlink(p1); unlink(p2); unlink(g1); unlink(g2);
    rmdir(dir);
    return check_exit();
}
