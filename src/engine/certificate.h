/* certificate: how far a fitted network may be from the global optimum over all neurons.
 *
 * Dual certificate: with residual R = Y - prediction (N x T) at the solution, a neuron phi(x) =
 * (w.x + b)_+ could lower the objective iff ||(2/(N T)) R^T phi|| > lambda.  repro_certificate
 * returns max over a candidate set of ||(2/(N T)) R^T phi|| / lambda (<= 1 + eps certifies a
 * global optimum of the infinite-width problem over those candidates).
 * Errors through repro_err; return 0 / -1. */
#ifndef REPRO_CERTIFICATE_H
#define REPRO_CERTIFICATE_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Residual-correlation certificate over candidate neurons.  X (N x d), R (N x T) residual
 * Y - f(X).  Candidates: d = 1: w = +-1 and knots at every data point and NGRID (may be 0) knots
 * evenly on [min x - range, max x + range]; d = 2: the NGRID directions (cos th, sin th),
 * th = 2 pi j / NGRID, j = 0..NGRID-1, times breakpoints b = -w.x_i at every data point; d > 2:
 * NGRID random unit directions (normalised N(0, I) draws from a gsl mt19937 seeded with SEED, so
 * a larger NGRID gives a superset), breakpoints at the data projections.  NGRID >= 1 when d >= 2.
 * For fixed w, R^T (Xw + b)_+ is affine in b between breakpoints, so its norm (convex there) is
 * largest at a breakpoint; b -> -inf gives 0, and b -> +inf gives R^T Xw + b R^T 1, which equals
 * the value at the last breakpoint when R^T 1 = 0 (true at any optimum, c being free) and is not
 * included otherwise.  Each direction costs O(N log N + N (d + T)) (sort, running sums).
 * Returns the maximum ratio in *RATIO and the maximising (w, b) in W (length d) and *B when
 * non-NULL (the first maximiser in the order above). */
int repro_certificate(const gsl_matrix *X, const gsl_matrix *R, double lambda, size_t ngrid,
                      unsigned long seed, double *ratio, gsl_vector *w, double *b);

#endif
