/* unigrid: the univariate problems (3) and (9) over a grid of candidate knots, certified.
 *
 * Knots: the interior data points x_2..x_{N-1} and GRID points x_1 + (x_N - x_1)(k - 1/2)/GRID,
 * k = 1..GRID (a knot at x_1 or x_N adds only an affine function on the data).  Functions
 * f(x) = sum_k v_k (x - t_k)_+ + a x + c (v_k, a, c in R^T, affine part free), cost
 * R = sum_k ||v_k||.
 *   lambda > 0 (problem (9), squared loss in our convention): min 1/(N T) ||f(X) - Y||^2 +
 *     lambda R, the engine's group lasso (glasso.h) with Phi_ik = (x_i - t_k)_+ and skip column
 *     x; cost = that objective, gap = its duality gap.
 *   lambda = 0 (problem (3), interpolation): a homotopy lambda_j = lambda_max 10^-j (warm
 *     starts), each certified by a feasible pair: the interpolant f_j + (connect-the-dots of the
 *     residual, whose knots are data points, hence grid knots) has cost U_j >= R*, and the
 *     projected residual Lambda (orthogonal to 1 and x) scaled to max_k ||Phi_k^T Lambda|| = 1
 *     is dual feasible, L_j = |<Y, Lambda>| >= R* (weak duality).  Stop when U_j - L_j <=
 *     tol U_j; cost = U_j, gap = U_j - L_j.  The gap is O(lambda_j) (complementary slackness).
 * The returned spline passes through the data exactly (lambda = 0) or is the lasso's fit.
 * A solve that exhausts its MAX_ITER iterations still gives valid bounds; the path goes on.
 * Errors through repro_err; return 0, 1 (tolerance not reached within 16 decades of lambda, or
 * the lasso's gap with lambda > 0 not within MAX_ITER iterations: REASON says which), -1. */
#ifndef REPRO_UNIGRID_H
#define REPRO_UNIGRID_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "engine/dataset.h"
#include "engine/univariate.h"

typedef struct {
    double cost, gap;
    size_t knots_total;     /* candidate knots */
    size_t iterations;      /* glasso iterations, all solves */
    size_t solves;          /* glasso solves (homotopy steps) */
    size_t nknots;          /* rows of *KNOTS / *JUMPS that are used (they hold max(1, nknots)) */
    const char *reason;     /* status 1 */
} repro_unigrid_report;

/* DS validated, d = 1, N >= 3; GRID >= 1; lambda >= 0; tol in (0, 1).  On status 0 and 1:
 * *KNOTS (nk) and *JUMPS (nk x T) the knots with nonzero slope change, *SP the function. */
int repro_unigrid_solve(const repro_dataset *ds, size_t grid, double lambda, double tol,
                        size_t max_iter, gsl_vector **knots, gsl_matrix **jumps,
                        repro_spline **sp, repro_unigrid_report *rep);

#endif
