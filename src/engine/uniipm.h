/* uniipm: problem (3), interpolation with least cost over fixed candidate knots, solved exactly
 * by a dual interior-point method with an active-set finish.
 *
 * Primal: min sum_k ||v_k|| over v_k in R^T and a free affine part such that
 *     sum_k phi_k v_k^T + x a^T + 1 c^T = Y         (phi_ik = (x_i - t_k)_+, Y N x T).
 * Dual: with Q (N x m, m = N - 2) an orthonormal basis of the complement of span(1, x),
 * psi_k = Q^T phi_k and Yq = Q^T Y:  max <Yq, Z> over Z (m x T) with ||Z^T psi_k|| <= 1.
 * Method: the log barrier -sum_k log(1 - ||Z^T psi_k||^2) (Boyd and Vandenberghe 11.3),
 * tau_0 = K / (cost of the data's connect-the-dots), tau *= 10 per stage, each centred by damped
 * Newton (Cholesky of the mT x mT Hessian, built by two rank-K products).  After each stage two
 * certified bounds, each from a point that is feasible by construction:
 *   lower: <Yq, Z> at the strictly feasible barrier point, and at the finish's dual point (the
 *     active knots' equations psi_k^T Z = d_k^T solved by least squares, d_k = u_k / ||u_k||,
 *     scaled by 1 / max_k ||Z^T psi_k|| over all knots);
 *   upper: the cost of the barrier's primal point v_k = 2 u_k / (tau s_k) and of the finish's
 *     (v_k = beta_k d_k on the active set, beta >= 0 by least squares), each made an exact
 *     interpolant by adding the connect-the-dots of its residual (jumps at the data knots).
 * Stop when upper - lower <= tol upper.  No knowledge of the answer is used: the solver sees
 * knots, not which of them are data points, except that the residual's repair needs them.
 * Errors through repro_err; return 0 (certified), 1 (Newton budget exhausted or the Newton
 * system lost definiteness before the gap reached tol: the best bounds so far, REASON), -1. */
#ifndef REPRO_UNIIPM_H
#define REPRO_UNIIPM_H

#include <gsl/gsl_matrix.h>

typedef struct {
    double upper, lower;    /* certified bounds on the optimal cost */
    size_t newton;          /* Newton steps, all stages */
    size_t stages;          /* barrier stages (centrings) */
    size_t active;          /* knots in the final active set */
    const char *reason;     /* status 1 */
} repro_uniipm_report;

/* X (N x 1, strictly increasing, N >= 3), Y (N x T), PHI (N x K) the ramps at the knots,
 * DATAKNOT (N) the knot index of x_i for the interior points i = 1..N-2 (0-based), TOL in (0, 1),
 * MAX_NEWTON >= 1.  V (K x T) receives the coefficients of the best interpolant found (its affine
 * part is y - Phi V, affine on the data). */
int repro_uniipm_solve(const gsl_matrix *X, const gsl_matrix *Y, const gsl_matrix *Phi,
                       const size_t *dataknot, double tol, size_t max_newton, gsl_matrix *V,
                       repro_uniipm_report *rep);

#endif
