/* arrangement: the activation patterns of a ReLU neuron on N points of the plane, exactly.
 *
 * A neuron (w, b) in R^2 x R switches on the points {i : w.x_i + b > 0}; the patterns are the
 * sign vectors of the open regions of the central arrangement of the N planes {u : (x_i, 1).u = 0}
 * in R^3 (the lifted points (x_i, 1)).  Enumeration: for a direction w = (cos th, sin th) the
 * patterns met as b runs over R are the N + 1 "top-k" sets of the projections w.x_i (k = 0..N);
 * they change only at the critical angles where w is orthogonal to some x_i - x_j.  Every open
 * region contains a generic direction (one that is not critical), so the union of the top-k sets
 * at one angle strictly inside each arc between consecutive critical angles is the set of all
 * patterns, and nothing else: exact, O(N^3 log N).  Each pattern comes with a strictly interior
 * neuron u = (w1, w2, b), ||w|| = 1, with b halfway between two consecutive projections (or one
 * unit beyond the extreme ones), so min_i |(x_i, 1).u| > 0.
 * Points must be distinct (a repeated point gives a degenerate arrangement: an error); N <= 63
 * (patterns are bit masks, bit i for point i).  Errors through repro_err; return -1 / NULL. */
#ifndef REPRO_ARRANGEMENT_H
#define REPRO_ARRANGEMENT_H

#include <gsl/gsl_matrix.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t N;        /* points */
    size_t P;        /* patterns, including the empty one (0) and the full one */
    uint64_t *mask;  /* P masks, sorted increasingly */
    double *u;       /* P x 3, row p: a strictly interior (w1, w2, b) of pattern p */
} repro_arrangement;

/* The patterns of the rows of X (N x 2, finite, distinct, 1 <= N <= 63). */
repro_arrangement *repro_arrangement_2d(const gsl_matrix *X);
void repro_arrangement_free(repro_arrangement *A); /* NULL is fine */

/* 2 (C(N-1, 0) + C(N-1, 1) + C(N-1, 2)): the number of regions when no three lifted points are
 * linearly dependent (no three points on a line), the count the enumeration must reproduce. */
size_t repro_arrangement_generic_count(size_t N);

#endif
