/* matutil: small questions about GSL matrices that several modules ask. */
#ifndef REPRO_MATUTIL_H
#define REPRO_MATUTIL_H

#include <gsl/gsl_matrix.h>

/* 1 when every entry of M is finite (no NaN, no infinity), else 0. */
int repro_matrix_finite(const gsl_matrix *M);

/* A row of a matrix projected on a direction: z = x_i . w, and the row's index i. */
typedef struct {
    double z;
    size_t i;
} repro_proj;

/* P[0..N-1] = the rows of X (N x d) projected on W (d entries), in decreasing order of z, ties by
 * increasing i (the order in which the breakpoint b of a ReLU (w.x + b)_+ switches the points
 * on as it rises). */
void repro_proj_sorted(const gsl_matrix *X, const double *w, repro_proj *p);

#endif
