/* contour: level sets of a function sampled on a rectangular grid (marching squares).
 *
 * Z is sampled at the grid points (xs[j], ys[i]), z[i * nx + j], xs and ys strictly increasing.
 * Inside each grid cell the level set is drawn as one or two straight segments between the
 * points where the cell's edges cross LEVEL (linear interpolation along the edge; a corner counts
 * as above when z >= level).  A saddle cell (diagonal corners above) is
 * resolved by the mean of its four corners.  Cells with a non-finite corner are skipped.  The
 * segments are joined into polylines: open ones end on the grid's boundary or at a skipped cell;
 * closed ones repeat their first point at the end.  The result depends only on the inputs (no
 * hashing, no floating-point comparison of points): the same grid gives the same polylines. */
#ifndef REPRO_CONTOUR_H
#define REPRO_CONTOUR_H

#include <stddef.h>

typedef struct {
    size_t n;      /* number of points */
    double *x, *y; /* n coordinates each */
    int closed;    /* 1 when the last point repeats the first */
} repro_polyline;

/* The level set {Z = level} as *NOUT polylines in *OUT (free with repro_contour_free).
 * nx, ny >= 2.  0, or -1 with repro_err set (bad sizes, axes not increasing, no memory). */
int repro_contour(const double *xs, size_t nx, const double *ys, size_t ny, const double *z,
                  double level, repro_polyline **out, size_t *nout);
/* Frees the N polylines of P (P may be NULL). */
void repro_contour_free(repro_polyline *p, size_t n);

#endif
