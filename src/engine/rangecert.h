/* rangecert: a certified bound on f(z) over all interpolants of bounded cost in the plane.
 *
 * Setting (relu2d.h): f(x) = sum_k v_k (w_k.x + b_k)_+ (+ a.x) + c, R(f) = sum_k ||w_k|| |v_k|,
 * data X (N x 2), y (N); F = { f : f(x_i) = y_i, R(f) <= rmax }.  For any theta on the N + 1
 * points p = (x_1 .. x_N, z) orthogonal to the free columns ([1], or [1 p] with the skip
 * connection) and every f in F,
 *     | theta_z f(z) + sum_i theta_i y_i |  <=  rmax omega(theta),
 * omega(theta) = max over unit w and b of |sum_j theta_j (w.p_j + b)_+| (oracle2d.h, exact).  So
 * theta_z = 1 gives f(z) >= -sum_i theta_i y_i - rmax omega(theta) (SIDE 0, a lower bound on the
 * smallest f(z)) and theta_z = -1 gives f(z) <= sum_i theta_i y_i + rmax omega(theta) (SIDE 1).
 * The best theta solves a semi-infinite linear program, solved here by cutting planes: a linear
 * program (GLPK's simplex) over the neurons found so far (NEURONS: NN rows (w1, w2, b, lin),
 * unit w; lin = 1: the linear function w.p, the skip-less model's full pattern), theta kept in a
 * trust region around the best point so far (first centre THETA0, N values, or NULL: the
 * smallest theta on the free columns' equations), then the exact oracle adds the neuron that
 * theta violates most, until the program's value exceeds the best bound by at most TOL (relative
 * to 1 + |bound|) at a point inside the region, or after 20 rounds without progress (by TOL) or
 * MAX_ROUNDS.  Every round's theta is
 * projected (oracle2d.h) and its bound computed with the exact omega, so *BOUND is valid whatever
 * the linear program's accuracy: the best of the rounds.  *ROUNDS (may be NULL): rounds taken.
 * Errors through repro_err; return 0, 1 (MAX_ROUNDS reached first: *BOUND valid, not tight), -1. */
#ifndef REPRO_RANGECERT_H
#define REPRO_RANGECERT_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

int repro_rangecert(const gsl_matrix *X, const gsl_vector *y, const double z[2], int skip,
                    double rmax, int side, const double *theta0, const double *neurons, size_t nn,
                    double tol, size_t max_rounds, double *bound, size_t *rounds);

#endif
