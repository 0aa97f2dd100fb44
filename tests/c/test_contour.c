/* contour: marching squares against closed forms.  Circles of a radial function (every point at
 * the radius to O(h^2), one closed curve, the enclosed area pi r^2), a straight line of a linear
 * function (exact, open, boundary to boundary), two separate circles, a saddle, skipped cells
 * and bad input. */
#include "check.h"
#include "core/err.h"
#include "plot/contour.h"

#include <math.h>
#include <stdlib.h>

#define NG 81

static double xs[NG], z[NG * NG];

static void grid(double lo, double hi)
{
    for (int j = 0; j < NG; j++) xs[j] = lo + (hi - lo) * j / (NG - 1);
}

/* Shoelace area of a closed polyline. */
static double area(const repro_polyline *p)
{
    double a = 0;
    for (size_t k = 0; k + 1 < p->n; k++) a += p->x[k] * p->y[k + 1] - p->x[k + 1] * p->y[k];
    return fabs(a) / 2;
}

static void circles(void)
{
    grid(-1, 1);
    for (int i = 0; i < NG; i++)
        for (int j = 0; j < NG; j++) z[i * NG + j] = xs[j] * xs[j] + xs[i] * xs[i];
    double h = xs[1] - xs[0];
    const double radii[3] = {0.3, 0.55, 0.9};
    for (int r = 0; r < 3; r++) {
        double rad = radii[r];
        repro_polyline *p;
        size_t n;
        int rc = repro_contour(xs, NG, xs, NG, z, rad * rad, &p, &n);
        CHECK(rc == 0 && n == 1, "circle: one polyline");
        if (rc != 0 || n != 1) continue;
        CHECK(p[0].closed && p[0].x[0] == p[0].x[p[0].n - 1] && p[0].y[0] == p[0].y[p[0].n - 1],
              "circle: closed, last point repeats the first");
        double worst = 0;
        for (size_t k = 0; k < p[0].n; k++)
            worst = fmax(worst, fabs(hypot(p[0].x[k], p[0].y[k]) - rad));
        /* linear interpolation of r^2 along an edge of length h: radial error <= h^2 / (8 r) */
        CHECK(worst <= h * h / (8 * rad) + 1e-12, "circle: every point on the circle to h^2/(8r)");
        CHECK(p[0].n > 4 * (size_t)(2 * rad / h), "circle: one point per crossed edge");
        CHECK_CLOSE(area(&p[0]), M_PI * rad * rad, 2 * M_PI * rad * h * h / (8 * rad) + 2 * h * h,
                    "circle: enclosed area pi r^2");
        repro_contour_free(p, n);
    }
    /* A level above the largest value: nothing. */
    repro_polyline *p;
    size_t n;
    CHECK(repro_contour(xs, NG, xs, NG, z, 3.0, &p, &n) == 0 && n == 0 && p == NULL,
          "circle: level outside the range gives no polyline");
}

static void line(void)
{
    grid(0, 1);
    for (int i = 0; i < NG; i++)
        for (int j = 0; j < NG; j++) z[i * NG + j] = 2 * xs[j] + 1;
    repro_polyline *p;
    size_t n;
    int rc = repro_contour(xs, NG, xs, NG, z, 1.77, &p, &n); /* x = 0.385 */
    CHECK(rc == 0 && n == 1, "line: one polyline");
    if (rc != 0 || n != 1) return;
    CHECK(!p[0].closed && p[0].n == NG, "line: open, one point per grid row");
    double worst = 0;
    for (size_t k = 0; k < p[0].n; k++) worst = fmax(worst, fabs(p[0].x[k] - 0.385));
    CHECK(worst <= 1e-15, "line: every point at x = (level - 1) / 2");
    double y0 = fmin(p[0].y[0], p[0].y[NG - 1]), y1 = fmax(p[0].y[0], p[0].y[NG - 1]);
    CHECK(y0 == 0 && y1 == 1, "line: from the bottom edge to the top edge");
    repro_contour_free(p, n);
}

static void two_circles(void)
{
    grid(-2, 2);
    for (int i = 0; i < NG; i++)
        for (int j = 0; j < NG; j++)
            z[i * NG + j] = fmin(hypot(xs[j] - 1, xs[i]), hypot(xs[j] + 1, xs[i]));
    repro_polyline *p;
    size_t n;
    int rc = repro_contour(xs, NG, xs, NG, z, 0.5, &p, &n);
    CHECK(rc == 0 && n == 2 && p[0].closed && p[1].closed, "two circles: two closed polylines");
    if (rc == 0) repro_contour_free(p, n);
}

static void saddle(void)
{
    /* z = x y on a grid whose points avoid the axes: level 0.01 gives two hyperbola branches,
     * one in the first and one in the third quadrant.  The cell around the origin is a saddle
     * whose centre (0) is below the level, so its two segments belong to different branches: a
     * wrong resolution would join the branches across the origin. */
    double g[6] = {-1, -0.6, -0.2, 0.2, 0.6, 1}, zz[36];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) zz[i * 6 + j] = g[j] * g[i];
    repro_polyline *p;
    size_t n;
    int rc = repro_contour(g, 6, g, 6, zz, 0.01, &p, &n);
    int open = 1, one_side = 1;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        open = open && !p[k].closed;
        for (size_t m = 0; m < p[k].n; m++)
            one_side = one_side && (p[k].x[m] > 0) == (p[k].x[0] > 0) && p[k].x[m] * p[k].y[m] > 0;
    }
    CHECK(rc == 0 && n == 2 && open, "saddle: two open branches");
    CHECK(rc == 0 && one_side, "saddle: each branch stays in its own quadrant");
    if (rc == 0) repro_contour_free(p, n);
}

static void skipped(void)
{
    grid(-1, 1);
    for (int i = 0; i < NG; i++)
        for (int j = 0; j < NG; j++) z[i * NG + j] = xs[j] * xs[j] + xs[i] * xs[i];
    z[(NG / 2) * NG + (NG / 2 + 20)] = NAN; /* on the circle of radius 0.5 */
    repro_polyline *p;
    size_t n;
    int rc = repro_contour(xs, NG, xs, NG, z, 0.25, &p, &n);
    CHECK(rc == 0 && n == 1 && !p[0].closed, "NaN: the circle is cut open at the skipped cells");
    if (rc == 0) repro_contour_free(p, n);
}

static void bad(void)
{
    double g[3] = {0, 1, 1}, zz[9] = {0};
    repro_polyline *p;
    size_t n;
    CHECK(repro_contour(g, 3, g, 3, zz, 0, &p, &n) == -1 && p == NULL && n == 0,
          "bad: repeated coordinate refused");
    CHECK(repro_contour(g, 1, g, 3, zz, 0, &p, &n) == -1, "bad: one column refused");
    double ok[2] = {0, 1};
    CHECK(repro_contour(ok, 2, ok, 2, zz, NAN, &p, &n) == -1, "bad: NaN level refused");
    repro_contour_free(NULL, 0);
}

int main(void)
{
    repro_err_init();
    circles();
    line();
    two_circles();
    saddle();
    skipped();
    bad();
    return check_exit();
}
