/* unigrid: the univariate problems (3) and (9) over a grid of candidate knots, certified.
 *
 * Knots: the interior data points x_2..x_{N-1} and GRID points x_1 + (x_N - x_1)(k - 1/2)/GRID,
 * k = 1..GRID (a knot at x_1 or x_N adds only an affine function on the data).  Functions
 * f(x) = sum_k v_k (x - t_k)_+ + a x + c (v_k, a, c in R^T, affine part free), cost
 * R = sum_k ||v_k||.
 *   lambda > 0 (problem (9), squared loss in our convention): min 1/(N T) ||f(X) - Y||^2 +
 *     lambda R, the engine's group lasso (glasso.h) with Phi_ik = (x_i - t_k)_+ and skip column
 *     x; cost = that objective, gap = its duality gap.
 *   lambda = 0 (problem (3), interpolation): uniipm.h's dual interior-point method with an
 *     active-set finish; cost = a certified upper bound (the cost of an exact interpolant), gap =
 *     its distance to a certified lower bound (a feasible dual point); MAX_ITER bounds its Newton
 *     steps.
 * The returned spline passes through the data exactly (lambda = 0) or is the lasso's fit.
 * Errors through repro_err; return 0, 1 (the gap not within tol in MAX_ITER iterations or Newton
 * steps: REASON says why; the bounds are still valid), -1. */
#ifndef REPRO_UNIGRID_H
#define REPRO_UNIGRID_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "engine/dataset.h"
#include "engine/univariate.h"

typedef struct {
    double cost, gap;
    size_t knots_total;     /* candidate knots */
    size_t iterations;      /* glasso iterations (lambda > 0) or Newton steps (lambda = 0) */
    size_t solves;          /* 1 (lambda > 0) or barrier stages (lambda = 0) */
    size_t nknots;          /* rows of *KNOTS / *JUMPS that are used (they hold max(1, nknots)) */
    const char *reason;     /* status 1 */
} repro_unigrid_report;

/* DS validated, d = 1, N >= 3; GRID >= 1; lambda >= 0; tol in (0, 1).  On status 0 and 1:
 * *KNOTS (nk) and *JUMPS (nk x T) the knots with nonzero slope change, *SP the function. */
int repro_unigrid_solve(const repro_dataset *ds, size_t grid, double lambda, double tol,
                        size_t max_iter, gsl_vector **knots, gsl_matrix **jumps,
                        repro_spline **sp, repro_unigrid_report *rep);

#endif
