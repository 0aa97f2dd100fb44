/* glasso: the group lasso behind the polish of a trained network.
 *
 * Group lasso (problem (12) with the hidden layer fixed):
 *   min_{V, U, c}  1/(N T) ||Phi V + Xs U + 1 c^T - Y||_F^2 + lambda sum_k ||v_k||_2
 * Phi (N x K) the fixed activations, V (K x T) with rows v_k, Xs (N x p) optional unpenalised
 * columns (the skip term, p may be 0, NULL allowed), c (T) a free bias (always present).
 * Solved after eliminating the free part: Phi and Y are projected onto the orthogonal complement
 * of [1 Xs] (modified Gram-Schmidt, twice; a column of Xs dependent on earlier ones is dropped and
 * gets U row 0), then block coordinate descent over the groups v_k (each update is the exact
 * group soft-threshold, O(N T), one fused pass) with an active set: one sweep over all groups,
 * then sweeps over the list of nonzero groups until their change is 1e-4 of the first one.  After
 * each round the duality gap is computed on a fresh residual; stop when gap <= tol * max(objective,
 * 1e-300), after max_iter iterations, or when a full sweep changes nothing (a floating-point fixed
 * point).
 * Newton refinement in the variational form (after every round while it reduces the gap tenfold,
 * else after 2, 4, ... rounds, and once more at a fixed point): sum_k ||v_k|| = min over eta >= 0
 * of sum_k (||v_k||^2 / eta_k + eta_k) / 2 turns the problem into the smooth convex
 *   J(eta) = a <B, M^{-1} B> + (lambda/2) sum_k eta_k,  M = I_N + (2a/lambda) A diag(eta) A^T,
 * a = 1/(NT), B = P Y, A = P Phi, with V(eta): v_k = (2a/lambda) eta_k A_k^T M^{-1} B and
 * J(eta) >= objective(V(eta)), equal at the optimum.  Its Hessian on the free groups F is
 * 2a (2a/lambda)^2 (A_F^T M^{-1} A_F) o (C_F C_F^T) (Hadamard product, C = A^T M^{-1} B): an
 * n x n system (n = |F|) and an N x N factorisation per step whatever T, so it is cheap for the
 * K = 800, T = 101 problems where the Hessian in V has 7000+ unknowns.  Projected Newton
 * (Bertsekas) keeps eta >= 0: groups at 0 with a nonnegative gradient stay at 0, the free ones
 * take the Levenberg-damped step (damping 1e-6 of max diag H at first, divided by 100 after a full
 * step down to 1e-13, times 10 otherwise), trial points max(0, eta + t d) with Armijo
 * backtracking on J.  Before each step a support reduction removes dependent free groups: while
 * the vec(a_k c_k^T) of the groups with eta_k > 0 are linearly dependent (pivoted Cholesky of
 * their Gram matrix, pivot <= 1e-14 of the largest), eta moves along the null direction (J is
 * flat to second order there; kept only when J does not increase) until a group reaches 0, so
 * the Newton system stays nonsingular.  The gap of V(eta) is checked after every step; the best
 * point seen is kept (never worse than on entry).  A phase ends after 100 steps, or once J no
 * longer decreases measurably (a failed line search, a decrease below 1e-3 tol J) after up to 20
 * full steps judged by the gap instead (the rounding regime: the gap is first order in the
 * residual, J second order), and BCD resumes.  Each Newton step counts as one
 * iteration.  Typical effect (fig5's K = 800, T = 101 problems): gap 1e-11 relative in about
 * 1 s where BCD alone stops near 1e-5 at 20000 iterations.
 * With T = 1 (the groups are scalars: the lasso) and min(N, K) <= 2000 the exact path comes
 * first (glasso_lars.c): homotopy (LARS with the lasso modification) from V = 0 down to lambda,
 * at most rank(P Phi) nonzero groups, each step one event (a column joins or leaves) and two
 * passes over A; a column within 1e-7 relative of the active columns' span does not join.  When
 * its point misses tol (such a dependent column left slightly violating), the Newton phase
 * starts from it, then BCD.  This is the hard case of coordinate descent (many nearly tight
 * columns from near-parallel neurons): Figure 8's single-task students, 20000 iterations and
 * gaps up to 7e-7 before, now 11-109 iterations and gaps below 5e-11.
 * With T >= 2 (and K <= 2000) an interior-point phase on J comes first, after the first full
 * sweep (glasso_barrier.c): primal-dual Newton steps on J(eta) - mu sum_k log eta_k, the full
 * K x K system positive definite even where active columns are dependent, mu / 10 per stage; once
 * V(eta) is within 100 tol, groups below 1e-6 of the largest are set to 0 and the projected
 * Newton phase refits the rest, ending the solve when it meets tol (else BCD continues from the
 * refit, and V(eta) is returned if BCD does not converge).  Figures 5 and 7's K = 800, T = 101
 * polishes: 23-60 iterations, where some used to end at the 20000 cap near 1e-5.  Finally
 * (c, U) = least squares of Y - Phi V on [1 Xs].
 * (Contract change from the first draft, which asked for FISTA: FISTA with restarts was 2-5x
 * slower on ReLU feature matrices and stalled at the rounding floor.)
 * Duality gap: with R = P Y - P Phi V and C = (P Phi)^T R, the dual point -s (2/(NT)) R with the
 * best s in [0, lambda / max_k ||(2/(NT)) c_k||] (Fenchel dual of the squared loss); the gap
 * primal - dual >= 0 bounds objective - optimum.  Rounding floor: the gap cannot fall below about
 * 1e-16 ||P Y||^2 / (N T) times a modest factor, so tol much below 1e-12 relative may be
 * unreachable when the objective is small compared with ||P Y||^2 / (N T) (converged = 0 then).
 *
 * Errors through repro_err; return 0 / -1. */
#ifndef REPRO_GLASSO_H
#define REPRO_GLASSO_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

typedef struct {
    double objective;   /* primal objective at the returned point */
    double gap;         /* duality gap (>= 0) */
    size_t iterations;  /* BCD sweeps (full or active-set) + Newton steps */
    int converged;      /* gap <= tol * max(objective, 1e-300) reached */
} repro_glasso_report;

/* On entry V (K x T) holds the starting point (warm start; U and c are outputs only: the free
 * part is always refitted); on return V, U (p x T, or NULL when Xs is NULL) and c (T) hold the
 * solution.  K, N, T >= 1; lambda, tol finite > 0; all entries finite.  REP may be NULL. */
int repro_glasso_solve(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                       double lambda, double tol, size_t max_iter, gsl_matrix *V, gsl_matrix *U,
                       gsl_vector *c, repro_glasso_report *rep);

/* The sparse finishing step (support reduction, Caratheodory style) at a solution (V, U, c) of
 * the problem above, e.g. one returned by repro_glasso_solve: with eta_k = ||v_k|| and the
 * directions u_k = v_k / ||v_k|| fixed, while the (projected) columns vec(a_k u_k^T) of the
 * nonzero groups are linearly dependent (pivoted Cholesky of their Gram matrix, a pivot <= 1e-14
 * of the largest, i.e. a column within 1e-7 relative of the span of the others), weight moves
 * along the null direction delta (sum_k delta_k a_k u_k^T = 0, so the fit is unchanged) with
 * sum_k delta_k <= 0 (the penalty does not grow) until a group reaches 0.  A move that would raise
 * the objective by more than 1e-13 relative is not made (and ends the reduction).  On return the
 * nonzero groups have independent columns: for T = 1 at most rank(P Phi) <= N - 1 - rank(Xs) of
 * them.  At an optimum the result is an optimum with the same fit (the certificate is
 * unchanged); (c, U) are refitted.  REP (may be NULL) receives the objective and duality gap at
 * the returned point, iterations = the number of groups set to 0, converged = 0.  Arguments as
 * for repro_glasso_solve. */
int repro_glasso_sparsify(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                          double lambda, gsl_matrix *V, gsl_matrix *U, gsl_vector *c,
                          repro_glasso_report *rep);

#endif
