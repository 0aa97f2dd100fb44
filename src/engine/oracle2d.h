/* oracle2d: the exact most-violated neuron in the plane, and the dual bound it certifies.
 *
 * The dual of the infinite-width problems (interpolation, or squared loss + lambda R with
 * R = sum_k ||w_k|| ||v_k||, free bias, free c, optional skip A x) constrains a dual matrix
 * Theta (N x T, orthogonal to the free columns) by
 *     omega(Theta) = max_{||w|| = 1, b in R} || Theta^T (X w + b 1)_+ ||  <=  1  (or lambda).
 * repro_oracle2d computes omega exactly for d = 2.  For fixed w the map b -> Theta^T (Xw + b)_+
 * is affine between the breakpoints b = -w.x_a, so the norm is largest at a breakpoint (b -> -inf
 * gives 0; beyond the last breakpoint the value is constant once Theta^T 1 = 0, which the caller
 * guarantees).  At the breakpoint of anchor a the value is ||M_S w||, M_S = sum_{j in S}
 * Theta_j (x_j - x_a)^T, S = {j : (x_j - x_a).w > 0}; S is constant on the arcs between the
 * 2 (N - 1) angles where w is orthogonal to some x_j - x_a.  On an arc the maximum of the
 * quadratic form w^T M_S^T M_S w over unit w is at the top eigenvector when (up to sign) it lies
 * on the arc, else at an end of the arc.  O(N^3 (T + log N)); exact up to rounding.
 *
 * repro_dual2d projects Theta onto the orthogonal complement of the free columns ([1] or [1 X]),
 * and returns the dual objective at the best feasible multiple s Theta:
 *     interpolation (lambda = 0):  |<Theta, Y>| / omega                 (<= the optimal cost R*)
 *     lambda > 0:  max_{0 <= s <= lambda / omega}  s <Theta, Y> - (N T / 4) s^2 ||Theta||_F^2
 *                  (<= the optimal 1/(NT) ||f(X) - Y||^2 + lambda R).
 * Errors through repro_err; return 0 / -1. */
#ifndef REPRO_ORACLE2D_H
#define REPRO_ORACLE2D_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* omega(Theta) for X (N x 2), Theta (N x T); the maximiser (unit W, length 2, and *B) when the
 * pointers are not NULL (W = (1, 0), b = 0 when omega = 0). */
int repro_oracle2d(const gsl_matrix *X, const gsl_matrix *Theta, double *omega, gsl_vector *w,
                   double *b);

/* The certified dual bound for data X (N x 2), Y (N x T) from the direction THETA (modified in
 * place: projected).  SKIP: the free columns include X.  LAMBDA >= 0 (0: interpolation).
 * *OMEGA (may be NULL) receives omega of the projected Theta. */
int repro_dual2d(const gsl_matrix *X, const gsl_matrix *Y, gsl_matrix *Theta, int skip,
                 double lambda, double *dual, double *omega);

#endif
