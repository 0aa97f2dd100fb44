/* univariate: the d = 1 theory of SPEC section 2 (slopes, connect-the-dots f_D, Theorem 3.1,
 * the non-uniqueness family, Lemma 3.2) on continuous piecewise-linear (CPWL) splines.
 *
 * A repro_spline with T outputs is given by K >= 1 sorted, distinct nodes, its values there
 * (K x T), and the slopes left of the first and right of the last node; between nodes it is
 * linear.  Its jump at a node is the slope change (right minus left slope, a T-vector); its cost
 * is the sum over nodes of the Euclidean norm of the jump.  Datasets must be validated with d = 1
 * (sorted, distinct x).  Functions that can fail return NULL / -1 after repro_err(). */
#ifndef REPRO_UNIVARIATE_H
#define REPRO_UNIVARIATE_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <stddef.h>

#include "engine/dataset.h"

typedef struct {
    size_t K, T;
    gsl_vector *nodes;  /* K, strictly increasing */
    gsl_matrix *values; /* K x T */
    gsl_vector *left;   /* T: slope on (-inf, nodes[0]] */
    gsl_vector *right;  /* T: slope on [nodes[K-1], inf) */
} repro_spline;

#define REPRO_ALIGN_TOL 1e-12

void repro_spline_free(repro_spline *sp); /* NULL is fine */
/* A spline copying the given parts (checked: K >= 1, finite, nodes strictly increasing,
 * matching sizes). */
repro_spline *repro_spline_new(const gsl_vector *nodes, const gsl_matrix *values,
                               const gsl_vector *left, const gsl_vector *right);
/* OUT (length T) = sp(x). */
void repro_spline_eval(const repro_spline *sp, double x, gsl_vector *out);
/* (K+1) x T: left slope, slopes between consecutive nodes, right slope. */
gsl_matrix *repro_spline_slopes(const repro_spline *sp);
void repro_spline_slopes_to(const repro_spline *sp, gsl_matrix *S); /* S: (K+1) x T, caller's */
/* K x T: slope change at every node (zero rows where the spline is straight). */
gsl_matrix *repro_spline_jumps(const repro_spline *sp);
void repro_spline_jumps_to(const repro_spline *sp, gsl_matrix *J); /* J: K x T, caller's */
double repro_spline_cost(const repro_spline *sp);

/* Sum of the Euclidean norms of the rows of JUMPS. */
double repro_univariate_cost(const gsl_matrix *jumps);
/* (N-1) x T slopes s_i of a d = 1 dataset. */
gsl_matrix *repro_univariate_slopes(const repro_dataset *ds);
/* The same into the caller's (N-1) x T matrix S (DS must have d = 1 and N >= 2). */
void repro_univariate_slopes_to(const repro_dataset *ds, gsl_matrix *S);
/* f_D: nodes x_1..x_N, values y, outer slopes s_1 and s_{N-1}. */
repro_spline *repro_connect_the_dots(const repro_dataset *ds);
/* Are U and V both nonzero and aligned (unit vectors within TOL of each other, i.e. an angle of
 * about TOL radians)?  A vector counts as zero when its norm is <= min(TOL, 1e-12) * ZSCALE. */
int repro_aligned(const gsl_vector *u, const gsl_vector *v, double tol, double zscale);
/* Theorem 3.1: writes into IDX (capacity N) the 1-based intervals i in 2..N-2 where
 * s_i - s_{i-1} and s_{i+1} - s_i are nonzero and aligned; returns their number, or -1. */
int repro_univariate_nonunique(const repro_dataset *ds, double tol, size_t *idx);
/* The family member on interval I (1-based) with knot x_i + TAU (x_{i+1} - x_i) and DELTA
 * (length T); NULL with an error unless the interval satisfies Theorem 3.1, DELTA is aligned with
 * a - b and short enough (see SPEC section 2). */
repro_spline *repro_univariate_family(const repro_dataset *ds, size_t i, double tau,
                                      const gsl_vector *delta);
/* Lemma 3.2: the three-knot cost (lhs) and ||b - a|| + ||c - b|| (rhs); -1 on bad TAU/sizes. */
int repro_lemma32(const gsl_vector *a, const gsl_vector *b, const gsl_vector *c,
                  const gsl_vector *delta, double tau, double *lhs, double *rhs);

#endif
