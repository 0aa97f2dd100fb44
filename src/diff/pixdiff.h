/* pixdiff: how two renderings of a figure differ, pixel by pixel.
 *
 * Both images are composited over white (what a reader sees) and compared channel by channel (R,
 * G, B, 0..255).  A pixel differs when some channel differs by more than TOL.  A differing pixel
 * whose eight neighbours all match is anti-aliasing noise: it is counted apart and does not make
 * the images differ.  RMS and the largest channel difference are over all pixels.  Images of
 * different sizes are reported as such (no pixel comparison).  The heat map shows side A faded to
 * a light grey with each differing pixel coloured by its amplified difference (yellow to dark
 * red; ignored isolated pixels in light blue). */
#ifndef REPRO_PIXDIFF_H
#define REPRO_PIXDIFF_H

#include <cairo.h>

typedef struct {
    int wa, ha, wb, hb; /* sizes of A and B */
    int same_size;
    long counted;  /* differing pixels with a differing neighbour */
    long isolated; /* differing pixels ignored as anti-aliasing noise */
    double rms;    /* root mean square channel difference, 0..255 */
    int maxdiff;   /* largest channel difference, 0..255 */
} repro_pixdiff;

/* Compare two image surfaces (any cairo image format).  When HEAT is not NULL and the sizes
 * match, *HEAT receives a new ARGB32 heat map surface (the caller destroys it).  Returns 0, or -1
 * with repro_err() set (a surface in an error state, out of memory). */
int repro_pixdiff_surfaces(cairo_surface_t *a, cairo_surface_t *b, int tol, repro_pixdiff *out,
                           cairo_surface_t **heat);

/* Compare two PNG files; when HEATMAP_PNG is not NULL and the sizes match, write the heat map
 * there (atomically).  Returns 0, or -1 with repro_err() naming the unreadable file. */
int repro_pixdiff_files(const char *a_png, const char *b_png, int tol, const char *heatmap_png,
                        repro_pixdiff *out);

/* 1 when the images differ: different sizes, or any counted pixel. */
int repro_pixdiff_changed(const repro_pixdiff *d);

#endif
