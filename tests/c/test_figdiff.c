/* Unit tests of figdiff (sidecar and results comparison), pixdiff (PNG comparison) and
 * diffreport (the HTML report), on sidecars, results and images made here. */
#include "check.h"
#include "diff/diffreport.h"
#include "core/err.h"
#include "diff/figdiff.h"
#include "diff/resultsdiff.h"
#include "core/fileio.h"
#include "diff/pixdiff.h"

#include <cairo.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const repro_tol deftol = {REPRO_DIFF_ATOL, REPRO_DIFF_RTOL};

/* ---- sidecars ----------------------------------------------------------------------------------
 */

static json_t *series(const char *kind, const char *label, const double *x, const double *y,
                      size_t n)
{
    json_t *s = json_object(), *jx = json_array(), *jy = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(jx, json_real(x[i]));
        json_array_append_new(jy, json_real(y[i]));
    }
    json_object_set_new(s, "kind", json_string(kind));
    json_object_set_new(s, "label", label ? json_string(label) : json_null());
    json_object_set_new(s, "x", jx);
    json_object_set_new(s, "y", jy);
    json_object_set_new(s, "color", json_string("#1f77b4"));
    return s;
}

static json_t *panel(int row, int col, const char *title)
{
    return json_pack("{s:i, s:i, s:s, s:s, s:s, s:[f,f], s:[f,f], s:[], s:[]}", "row", row, "col",
                     col, "title", title, "xlabel", "x", "ylabel", "y", "xlim", 0.0, 6.0, "ylim",
                     -2.0, 2.0, "series", "annotations");
}

static json_t *figure(void)
{
    return json_pack("{s:s, s:s, s:[i], s:f, s:f, s:i, s:n, s:[]}", "figure", "fig2", "script",
                     "pipeline/fig2.lua", "seeds", 7, "width_in", 6.5, "height_in", 2.2, "png_dpi",
                     150, "title", "panels");
}

static void add_series(json_t *fig, size_t panel_index, json_t *s)
{
    json_array_append_new(
        json_object_get(json_array_get(json_object_get(fig, "panels"), panel_index), "series"), s);
}

enum { NP = 41 };
static double X[NP], SIN[NP], COS[NP];

/* A figure of two panels: (1,1) with a labelled line f_D = AMP sin x and unlabelled points, (1,2)
 * with a labelled line cos x. */
static json_t *sample_figure(double amp)
{
    double y[NP];
    for (int i = 0; i < NP; i++) y[i] = amp * SIN[i];
    json_t *f = figure();
    json_array_append_new(json_object_get(f, "panels"), panel(1, 1, "D1"));
    json_array_append_new(json_object_get(f, "panels"), panel(1, 2, "D2"));
    add_series(f, 0, series("line", "f_D", X, y, NP));
    add_series(f, 0, series("points", NULL, X, SIN, 5));
    add_series(f, 1, series("line", "cos", X, COS, NP));
    return f;
}

static int has_line(const repro_figdiff *d, const char *needle)
{
    for (size_t i = 0; i < d->nlines; i++)
        if (strstr(d->lines[i], needle)) return 1;
    return 0;
}

static void test_sidecars(void)
{
    for (int i = 0; i < NP; i++) {
        X[i] = 0.075 * i; /* [0, 3]: the largest |sin| is positive */
        SIN[i] = sin(X[i]);
        COS[i] = cos(X[i]);
    }
    repro_figdiff d;
    json_t *a = sample_figure(1.0), *b = sample_figure(1.0);
    CHECK(repro_figdiff_json(a, b, &deftol, &d) == 0 && d.state == REPRO_DIFF_SAME &&
              d.nlines == 0 && !d.has_max,
          "identical sidecars are the same");
    repro_figdiff_free(&d);
    json_decref(b);

    /* f_D scaled by 1.5: every nonzero value changes by 0.5 |sin x|, relatively by 50%. */
    b = sample_figure(1.5);
    double big = 0, xbig = 0, dbig = 0;
    size_t nchg = 0;
    for (int i = 0; i < NP; i++) {
        if (fabs(0.5 * SIN[i]) > deftol.atol + deftol.rtol * fabs(SIN[i])) nchg++;
        if (fabs(0.5 * SIN[i]) > big) big = fabs(0.5 * SIN[i]), xbig = X[i], dbig = 0.5 * SIN[i];
    }
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(d.state == REPRO_DIFF_CHANGED, "a scaled series is a change");
    CHECK(d.has_max, "the largest change is measured");
    CHECK_CLOSE(d.max_abs, big, 1e-12, "largest |change| is max 0.5|sin x|");
    CHECK_CLOSE(d.max_delta, dbig, 1e-12, "the signed change there is 0.5 sin x");
    CHECK_CLOSE(d.max_rel, 0.5, 1e-12, "relative change 50%");
    char want[128];
    snprintf(want, sizeof want, "%zu of %d values changed", nchg, NP);
    CHECK(d.nlines == 1 && has_line(&d, want) && has_line(&d, "(1,1) \"f_D\" y"),
          "one line: the series, how many of its values changed");
    snprintf(want, sizeof want, "at x = %.6g", xbig);
    CHECK(d.max_where && strstr(d.max_where, want) && strstr(d.max_where, "\"f_D\" y"),
          "the largest change is located by its x");
    CHECK(has_line(&d, "+50%"), "the line shows the relative change");
    repro_figdiff_free(&d);
    json_decref(b);

    /* Within tolerance. */
    b = sample_figure(1.0 + 1e-8);
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(d.state == REPRO_DIFF_SAME, "a change of 1e-8 relative is within rtol 1e-6");
    repro_figdiff_free(&d);
    repro_tol strict = {0, 0};
    repro_figdiff_json(a, b, &strict, &d);
    CHECK(d.state == REPRO_DIFF_CHANGED, "with zero tolerance it is a change");
    repro_figdiff_free(&d);
    repro_tol loose = {0.6, 0};
    json_decref(b);
    b = sample_figure(1.5);
    repro_figdiff_json(a, b, &loose, &d);
    CHECK(d.state == REPRO_DIFF_SAME, "atol 0.6 absorbs a change of at most 0.5");
    repro_figdiff_free(&d);
    json_decref(b);

    /* Series matched by label, not by position. */
    b = sample_figure(1.0);
    json_t *ser = json_object_get(json_array_get(json_object_get(b, "panels"), 0), "series");
    json_t *first = json_incref(json_array_get(ser, 0));
    json_array_remove(ser, 0);
    json_array_append_new(ser, first);
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(d.state == REPRO_DIFF_SAME, "reordered series are matched by label");
    repro_figdiff_free(&d);
    json_decref(b);

    /* Unlabelled series matched by position; a label change, a colour change. */
    b = sample_figure(1.0);
    ser = json_object_get(json_array_get(json_object_get(b, "panels"), 1), "series");
    json_object_set_new(json_array_get(ser, 0), "label", json_string("cosine"));
    json_object_set_new(json_array_get(ser, 0), "color", json_string("#ff0000"));
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(d.nlines == 2 && has_line(&d, "label \"cos\" -> \"cosine\"") &&
              has_line(&d, "color: \"#1f77b4\" -> \"#ff0000\""),
          "a renamed series is matched by position: label and colour changes listed");
    repro_figdiff_free(&d);
    json_decref(b);

    /* Added and removed series and panels, changed limits, titles, seeds, lengths. */
    b = sample_figure(1.0);
    json_t *p1 = json_array_get(json_object_get(b, "panels"), 0);
    json_object_set_new(p1, "xlim", json_pack("[f,f]", 0.0, 7.0));
    json_object_set_new(p1, "title", json_string("D1'"));
    json_object_set_new(b, "seeds", json_pack("[i]", 8));
    ser = json_object_get(p1, "series");
    json_array_remove(ser, 1); /* the points */
    add_series(b, 0, series("bar", "counts", X, COS, 3));
    json_array_remove(json_object_get(b, "panels"), 1);
    json_array_append_new(json_object_get(b, "panels"), panel(2, 1, "new"));
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(has_line(&d, "(1,1) xlim: [0.0,6.0] -> [0.0,7.0]"), "a changed axis limit is listed");
    CHECK(has_line(&d, "(1,1) title: \"D1\" -> \"D1'\""), "a changed title is listed");
    CHECK(has_line(&d, "seeds: [7] -> [8]"), "changed seeds are listed");
    CHECK(has_line(&d, "series points #2 removed"), "a removed series is listed");
    CHECK(has_line(&d, "series bar \"counts\" added"), "an added series is listed");
    CHECK(has_line(&d, "(1,2): panel \"D2\" removed") && has_line(&d, "(2,1): panel \"new\" added"),
          "added and removed panels are listed");
    CHECK(d.nlines == 7 && !d.has_max, "nothing else is listed, no data value compared changed");
    repro_figdiff_free(&d);
    json_decref(b);

    b = sample_figure(1.0);
    ser = json_object_get(json_array_get(json_object_get(b, "panels"), 0), "series");
    json_object_set_new(json_array_get(ser, 0), "x", json_pack("[f,f]", 0.0, 1.0));
    json_object_set_new(json_array_get(ser, 0), "y", json_pack("[f,f]", 0.0, 1.0));
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(has_line(&d, "x: 41 values -> 2 values") && has_line(&d, "y: 41 values -> 2 values"),
          "a series of another length is reported by its lengths");
    repro_figdiff_free(&d);
    json_decref(b);

    /* A panel with no series list on one side (another version's sidecar, found by make fuzz:
     * the empty list stood in for it leaked; the sanitizer run of this test sees a leak) */
    b = sample_figure(1.0);
    json_object_del(json_array_get(json_object_get(b, "panels"), 0), "series");
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(has_line(&d, "(1,1): series line \"f_D\" removed") &&
              has_line(&d, "(1,1): series points #2 removed"),
          "a panel without series on side B: side A's series are removed");
    repro_figdiff_free(&d);
    repro_figdiff_json(b, a, &deftol, &d);
    CHECK(has_line(&d, "(1,1): series line \"f_D\" added") &&
              has_line(&d, "(1,1): series points #2 added"),
          "... and added the other way round");
    repro_figdiff_free(&d);
    json_decref(b);

    /* Figures added and removed. */
    repro_figdiff_json(NULL, a, &deftol, &d);
    CHECK(d.state == REPRO_DIFF_ADDED, "a figure only on side B is added");
    repro_figdiff_free(&d);
    repro_figdiff_json(a, NULL, &deftol, &d);
    CHECK(d.state == REPRO_DIFF_REMOVED, "a figure only on side A is removed");
    repro_figdiff_free(&d);
    json_decref(a);

    /* Image series: a 3x4 grid with one changed cell. */
    a = figure();
    json_array_append_new(json_object_get(a, "panels"), panel(1, 1, "img"));
    json_t *z = json_array();
    for (int r = 0; r < 3; r++) {
        json_t *row = json_array();
        for (int k = 0; k < 4; k++) json_array_append_new(row, json_real(r + 0.1 * k));
        json_array_append_new(z, row);
    }
    json_t *im = json_pack("{s:s, s:n, s:o, s:[f,f], s:[f,f], s:s}", "kind", "image", "label", "z",
                           z, "xlim", 0.0, 1.0, "ylim", 0.0, 1.0, "color", "viridis");
    add_series(a, 0, im);
    b = json_deep_copy(a);
    json_t *zb = json_object_get(
        json_array_get(json_object_get(json_array_get(json_object_get(b, "panels"), 0), "series"),
                       0),
        "z");
    json_array_set_new(json_array_get(zb, 1), 2, json_real(5.0));
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(d.nlines == 1 && has_line(&d, "1 of 12 values changed") && has_line(&d, "row 2, col 3"),
          "an image's changed cell is located by row and column");
    CHECK_CLOSE(d.max_abs, 5.0 - 1.2, 1e-12, "the image change is measured");
    repro_figdiff_free(&d);
    json_decref(b);

    /* Many differences: the lines are capped, the rest counted. */
    b = json_deep_copy(a);
    json_t *ann = json_object_get(json_array_get(json_object_get(b, "panels"), 0), "annotations");
    for (int i = 0; i < 100; i++)
        json_array_append_new(ann, json_pack("{s:s, s:f, s:f, s:s}", "kind", "text", "x", 0.1 * i,
                                             "y", 0.0, "text", "t"));
    json_t *anna = json_object_get(json_array_get(json_object_get(a, "panels"), 0), "annotations");
    for (int i = 0; i < 100; i++)
        json_array_append_new(anna, json_pack("{s:s, s:f, s:f, s:s}", "kind", "text", "x",
                                              0.1 * i + 1, "y", 0.0, "text", "t"));
    repro_figdiff_json(a, b, &deftol, &d);
    CHECK(d.nlines == 60 && d.nmore == 40, "100 differences: 60 lines kept, 40 counted");
    CHECK(has_line(&d, "(1,1) annotations[1].x: 1.0 -> 0.0"),
          "annotations are compared item by item");
    repro_figdiff_free(&d);
    json_decref(a);
    json_decref(b);
}

static char tmpdir[64];

static const char *tpath(const char *name)
{
    static char buf[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void test_load(void)
{
    repro_write_atomic(tpath("bad.json"), "{\n \"panels\": [,]\n}\n", 19);
    json_t *j = repro_figdiff_load(tpath("bad.json"));
    CHECK(!j && strstr(repro_errmsg(), "bad.json:2:"), "a malformed sidecar: file and line named");
    repro_write_atomic(tpath("notfig.json"), "[1, 2]\n", 7);
    j = repro_figdiff_load(tpath("notfig.json"));
    CHECK(!j && strstr(repro_errmsg(), "not a figure sidecar"), "a JSON file without panels");
    j = repro_figdiff_load(tpath("missing.json"));
    CHECK(!j && strstr(repro_errmsg(), "missing.json"), "a missing sidecar names the file");
}

/* ---- results
 * ------------------------------------------------------------------------------------- */

static const repro_valdiff *find_val(const repro_resultsdiff *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].name, name) == 0) return &d->v[i];
    return NULL;
}

static void test_results(void)
{
    json_t *a = json_pack(
        "{s:{s:s, s:f, s:s}, s:{s:s, s:f, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:f, s:f, s:b, s:s},"
        " s:{s:s, s:s, s:s}, s:{s:s, s:i, s:s}, s:{s:s, s:f, s:s}}",
        "wave.peak", "kind", "value", "value", 1.0, "where", "pipeline/wave.lua:4", "wave.n",
        "kind", "value", "value", 40.0, "where", "pipeline/wave.lua:5", "wave.label", "kind",
        "text", "value", "sine", "where", "pipeline/wave.lua:6", "wave.err", "kind", "check",
        "value", 1e-12, "le", 1e-10, "pass", 1, "where", "pipeline/wave.lua:7", "wave.nan", "kind",
        "value", "value", "nan", "where", "pipeline/wave.lua:8", "old.count", "kind", "value",
        "value", 3, "where", "pipeline/old.lua:1", "wave.zero", "kind", "value", "value", 0.0,
        "where", "pipeline/wave.lua:9");
    json_t *b = json_deep_copy(a);
    json_object_set_new(json_object_get(b, "wave.peak"), "value", json_real(1.5));
    json_object_set_new(json_object_get(b, "wave.peak"), "where",
                        json_string("pipeline/wave.lua:5"));
    json_object_set_new(json_object_get(b, "wave.n"), "where", json_string("pipeline/wave.lua:99"));
    json_object_set_new(json_object_get(b, "wave.label"), "value", json_string("cosine"));
    json_object_set_new(json_object_get(b, "wave.err"), "value", json_real(1e-9));
    json_object_set_new(json_object_get(b, "wave.err"), "pass", json_false());
    json_object_set_new(json_object_get(b, "wave.zero"), "value", json_real(2.0));
    json_object_del(b, "old.count");
    json_object_set_new(
        b, "new.count",
        json_pack("{s:s, s:i, s:s}", "kind", "value", "value", 9, "where", "pipeline/new.lua:2"));
    repro_resultsdiff d;
    CHECK(repro_resultsdiff_json(a, b, &deftol, &d) == 0, "results compare");
    CHECK(d.n == 6 && d.nsame == 2, "6 entries differ (changed, added, removed), 2 are the same");
    const repro_valdiff *v = find_val(&d, "wave.peak");
    CHECK(v && v->state == REPRO_DIFF_CHANGED && v->numeric && strcmp(v->a, "1") == 0 &&
              strcmp(v->b, "1.5") == 0,
          "a changed value: both sides shown");
    CHECK(v && fabs(v->delta - 0.5) < 1e-15 && fabs(v->rel - 0.5) < 1e-15, "its change: +0.5, 50%");
    CHECK(v && strcmp(v->where, "pipeline/wave.lua:5") == 0, "its place is side B's");
    CHECK(!find_val(&d, "wave.n"), "a value that only moved to another line is the same");
    CHECK(!find_val(&d, "wave.nan"), "NaN on both sides is the same");
    v = find_val(&d, "wave.label");
    CHECK(v && !v->numeric && strcmp(v->a, "sine") == 0 && strcmp(v->b, "cosine") == 0,
          "a changed text value");
    v = find_val(&d, "wave.err");
    CHECK(v && v->note && strstr(v->note, "check now FAILS"), "a check that now fails says so");
    v = find_val(&d, "wave.zero");
    CHECK(v && isinf(v->rel) && v->delta == 2.0, "a change from 0 has no finite relative size");
    v = find_val(&d, "old.count");
    CHECK(v && v->state == REPRO_DIFF_REMOVED && v->b == NULL && strcmp(v->a, "3") == 0,
          "a removed value");
    v = find_val(&d, "new.count");
    CHECK(v && v->state == REPRO_DIFF_ADDED && v->a == NULL, "an added value");
    CHECK(strcmp(d.v[0].name, "new.count") == 0 && strcmp(d.v[d.n - 1].name, "wave.zero") == 0,
          "entries in name order");
    repro_resultsdiff_free(&d);

    json_object_set_new(json_object_get(b, "wave.peak"), "value", json_real(1.0 + 1e-7));
    repro_resultsdiff_json(a, b, &deftol, &d);
    v = find_val(&d, "wave.peak");
    CHECK(!v, "a relative change of 1e-7 is within tolerance");
    repro_resultsdiff_free(&d);
    repro_tol strict = {0, 0};
    repro_resultsdiff_json(a, b, &strict, &d);
    v = find_val(&d, "wave.peak");
    CHECK(v && strcmp(v->a, "1") == 0 && strcmp(v->b, "1.0000001") == 0,
          "values are printed with enough digits to differ");
    repro_resultsdiff_free(&d);

    repro_resultsdiff_json(NULL, b, &deftol, &d);
    CHECK(d.n == json_object_size(b) && d.v[0].state == REPRO_DIFF_ADDED,
          "no results on side A: every value is added");
    repro_resultsdiff_free(&d);
    json_t *arr = json_array();
    CHECK(repro_resultsdiff_json(arr, b, &deftol, &d) == -1 &&
              strstr(repro_errmsg(), "expected an object"),
          "results that are not an object are an error");
    json_object_set_new(b, "bad", json_integer(3));
    CHECK(repro_resultsdiff_json(a, b, &deftol, &d) == -1 && strstr(repro_errmsg(), "'bad'"),
          "an entry that is not an object is named");
    json_decref(arr);
    json_decref(a);
    json_decref(b);
}

/* ---- pixels
 * --------------------------------------------------------------------------------------- */

static cairo_surface_t *white(int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_destroy(cr);
    return s;
}

static void setpx(cairo_surface_t *s, int x, int y, unsigned r, unsigned g, unsigned b)
{
    cairo_surface_flush(s);
    unsigned char *d = cairo_image_surface_get_data(s);
    int st = cairo_image_surface_get_stride(s);
    unsigned *p = (unsigned *)(void *)(d + y * st) + x;
    *p = 0xff000000u | (r << 16) | (g << 8) | b;
    cairo_surface_mark_dirty(s);
}

static unsigned getpx(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    unsigned char *d = cairo_image_surface_get_data(s);
    return ((unsigned *)(void *)(d + y * cairo_image_surface_get_stride(s)))[x];
}

static void test_pixels(void)
{
    enum { W = 20, H = 10 };
    cairo_surface_t *a = white(W, H), *b = white(W, H), *heat = NULL;
    repro_pixdiff p;
    CHECK(repro_pixdiff_surfaces(a, b, 8, &p, &heat) == 0 && p.same_size && p.counted == 0 &&
              p.isolated == 0 && p.rms == 0 && p.maxdiff == 0 && !repro_pixdiff_changed(&p),
          "identical images: no difference");
    cairo_surface_destroy(heat);

    setpx(b, 5, 5, 0, 0, 0); /* one lone black pixel */
    repro_pixdiff_surfaces(a, b, 8, &p, &heat);
    CHECK(p.counted == 0 && p.isolated == 1 && !repro_pixdiff_changed(&p),
          "an isolated differing pixel is anti-aliasing noise, not a change");
    CHECK(p.maxdiff == 255, "its channel difference is the largest");
    CHECK_CLOSE(p.rms, 255.0 / sqrt((double)W * H), 1e-9, "RMS = 255 / sqrt(pixels)");
    unsigned hp = getpx(heat, 5, 5), bg = getpx(heat, 0, 0);
    CHECK((hp & 0xff) > ((hp >> 16) & 0xff), "the heat map marks the ignored pixel in blue");
    CHECK(((bg >> 16) & 0xff) == (bg & 0xff) && ((bg >> 16) & 0xff) > 200,
          "the heat map background is a light grey");
    cairo_surface_destroy(heat);

    setpx(b, 6, 6, 0, 0, 0);       /* a diagonal neighbour: now two connected differing pixels */
    setpx(b, 0, 0, 250, 250, 250); /* below tolerance */
    repro_pixdiff_surfaces(a, b, 8, &p, &heat);
    CHECK(p.counted == 2 && p.isolated == 0 && repro_pixdiff_changed(&p),
          "two touching differing pixels are a change; a difference of 5 is within tolerance 8");
    hp = getpx(heat, 5, 5);
    CHECK(((hp >> 16) & 0xff) > 100 && ((hp >> 8) & 0xff) < 60 && (hp & 0xff) == 0,
          "the heat map shows the largest difference in dark red");
    cairo_surface_destroy(heat);
    repro_pixdiff_surfaces(a, b, 4, &p, NULL);
    CHECK(p.counted == 2 && p.isolated == 1, "with tolerance 4 the faint pixel counts (isolated)");

    /* A transparent pixel over white looks white. */
    cairo_surface_t *t =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H); /* all transparent */
    repro_pixdiff_surfaces(a, t, 0, &p, NULL);
    CHECK(p.counted == 0 && p.maxdiff == 0, "a transparent image equals a white one");
    cairo_surface_destroy(t);

    cairo_surface_t *c = white(W + 2, H);
    CHECK(repro_pixdiff_surfaces(a, c, 8, &p, &heat) == 0 && !p.same_size && p.wa == W &&
              p.wb == W + 2 && heat == NULL && repro_pixdiff_changed(&p),
          "different sizes are reported, not compared");
    repro_report_fig f = {"x", "a.png", "b.png", NULL, NULL, NULL, NULL, &p, NULL};
    char buf[128];
    CHECK(strcmp(repro_report_pixel_verdict(&f, buf, sizeof buf), "size 20x10 -> 22x10") == 0,
          "the pixel verdict names both sizes");

    cairo_surface_t *bad = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, -1, -1);
    CHECK(repro_pixdiff_surfaces(a, bad, 8, &p, &heat) == -1 && heat == NULL &&
              strstr(repro_errmsg(), "error state"),
          "a surface in an error state is an error");
    cairo_surface_destroy(bad);

    /* Files. */
    cairo_surface_write_to_png(a, tpath("a.png"));
    cairo_surface_write_to_png(b, tpath("b.png"));
    CHECK(repro_pixdiff_files(tpath("a.png"), tpath("b.png"), 8, tpath("img/heat.png"), &p) == 0 &&
              p.counted == 2,
          "PNG files compare like their surfaces");
    cairo_surface_t *h = cairo_image_surface_create_from_png(tpath("img/heat.png"));
    CHECK(cairo_surface_status(h) == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(h) == W,
          "the heat map PNG is written (in a new folder)");
    cairo_surface_destroy(h);
    repro_write_atomic(tpath("junk.png"), "not a png", 9);
    CHECK(repro_pixdiff_files(tpath("a.png"), tpath("junk.png"), 8, NULL, &p) == -1 &&
              strstr(repro_errmsg(), "junk.png"),
          "an unreadable PNG is an error naming the file");
    CHECK(repro_pixdiff_files(tpath("nothere.png"), tpath("a.png"), 8, NULL, &p) == -1 &&
              strstr(repro_errmsg(), "nothere.png"),
          "a missing PNG is an error naming the file");
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    cairo_surface_destroy(c);
}

/* ---- the report --------------------------------------------------------------------------------
 */

static void test_report(void)
{
    json_t *a = sample_figure(1.0), *b = sample_figure(1.5);
    repro_figdiff d, same;
    repro_figdiff_json(a, b, &deftol, &d);
    repro_figdiff_json(a, a, &deftol, &same);
    repro_pixdiff p;
    repro_pixdiff_files(tpath("a.png"), tpath("b.png"), 8, tpath("heat.png"), &p);
    repro_pixdiff p0 = {20, 10, 20, 10, 1, 0, 0, 0, 0};
    repro_report_fig figs[2] = {
        {"wave<1>", tpath("a.png"), tpath("b.png"), tpath("heat.png"), a, b, &d, &p, NULL},
        {"flat", tpath("a.png"), tpath("a.png"), NULL, a, a, &same, &p0, NULL}};
    char buf[1024];
    CHECK(repro_report_fig_changed(&figs[0]) && !repro_report_fig_changed(&figs[1]),
          "changed and unchanged figures are told apart");
    CHECK(strcmp(repro_report_data_verdict(&figs[0], buf, sizeof buf), "changed") == 0,
          "data verdict: changed");
    repro_report_largest(&figs[0], buf, sizeof buf);
    CHECK(strncmp(buf, "+", 1) == 0 && strstr(buf, "(+50%) (1,1) \"f_D\" y at x = "),
          "largest change: signed, relative, located");
    CHECK(strcmp(repro_report_largest(&figs[1], buf, sizeof buf), "-") == 0,
          "largest change of an unchanged figure: -");
    repro_resultsdiff rd;
    json_t *ra = json_pack("{s:{s:s, s:f, s:s}}", "wave.peak", "kind", "value", "value", 1.0,
                           "where", "pipeline/wave.lua:4");
    json_t *rb = json_pack("{s:{s:s, s:f, s:s}}", "wave.peak", "kind", "value", "value", 1.5,
                           "where", "pipeline/wave.lua:4");
    repro_resultsdiff_json(ra, rb, &deftol, &rd);
    repro_report r = {"HEAD (abc)", "working tree", deftol, 8, figs, 2, &rd, NULL};
    char out[128];
    snprintf(out, sizeof out, "%s/report", tmpdir);
    CHECK(repro_report_write(out, &r) == 0, "the report is written");
    char *html = repro_read_file(tpath("report/index.html"), NULL);
    CHECK(html != NULL, "index.html exists");
    if (html) {
        CHECK(strstr(html, "wave&lt;1&gt;") && !strstr(html, "wave<1>"), "names are HTML-escaped");
        CHECK(strstr(html, "src=\"img/wave_1_.a.png\"") &&
                  strstr(html, "src=\"img/wave_1_.b.png\"") &&
                  strstr(html, "src=\"img/wave_1_.heat.png\""),
              "the changed figure shows A, B and the heat map from img/");
        CHECK(strstr(html, "Unchanged: <code>flat</code>"), "the unchanged figure is listed");
        CHECK(!strstr(html, "img/flat"), "the unchanged figure's images are not shown");
        CHECK(strstr(html, "<svg") && strstr(html, "<polyline"), "the data overlay is inline SVG");
        CHECK(strstr(html, "type=\"range\"") && strstr(html, "flicker"), "swipe and flicker");
        CHECK(strstr(html, "wave.peak") && strstr(html, "+0.5"), "the values table");
        CHECK(!strstr(html, "http:") && !strstr(html, "https:") && !strstr(html, "src=\"/"),
              "nothing is fetched from elsewhere");
        free(html);
    }
    CHECK(access(tpath("report/img/wave_1_.a.png"), R_OK) == 0 &&
              access(tpath("report/img/wave_1_.heat.png"), R_OK) == 0,
          "the images are copied beside the report");
    CHECK(repro_report_write("/proc/forbidden", &r) == -1 && *repro_errmsg(),
          "an unwritable report folder is an error");
    repro_resultsdiff_free(&rd);
    repro_figdiff_free(&d);
    repro_figdiff_free(&same);
    json_decref(a);
    json_decref(b);
    json_decref(ra);
    json_decref(rb);
    char safe[16];
    CHECK(strcmp(repro_report_safe_name("../x y", safe, sizeof safe), "_._x_y") == 0,
          "safe names cannot climb out of img/");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_figdiff.XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    test_sidecars();
    test_load();
    test_results();
    test_pixels();
    test_report();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) printf("not ok - cleanup of %s\n", tmpdir);
    return check_exit();
}
