/* glasso: the group lasso behind the polish of a trained network.
 *
 * Group lasso (problem (12) with the hidden layer fixed):
 *   min_{V, U, c}  1/(N T) ||Phi V + Xs U + 1 c^T - Y||_F^2 + lambda sum_k ||v_k||_2
 * Phi (N x K) the fixed activations, V (K x T) with rows v_k, Xs (N x p) optional unpenalised
 * columns (the skip term, p may be 0, NULL allowed), c (T) a free bias (always present).
 * Solved after eliminating the free part: Phi and Y are projected onto the orthogonal complement
 * of [1 Xs] (modified Gram-Schmidt, twice; a column of Xs dependent on earlier ones is dropped and
 * gets U row 0), then block coordinate descent over the groups v_k (each update is the exact
 * group soft-threshold, O(N T)) with an active set: one sweep over all groups, then sweeps over
 * the nonzero groups until their change is 1e-4 of the first one.  After each round the duality
 * gap is computed on a fresh residual; stop when gap <= tol * max(objective, 1e-300), after
 * max_iter iterations, or when a full sweep changes nothing (a floating-point fixed point).
 * Active-set Newton refinement: after a round that did not converge (and once more at a fixed
 * point), when no inactive group violates ||(2/(NT)) c_k|| <= lambda by more than 1e-3 relative
 * and the active groups A (v_k != 0) have |A| T <= 600 unknowns, damped Newton steps are taken on
 * A, where the objective is smooth: Hessian 2/(NT) (A_A^T A_A (x) I_T) + blockdiag(lambda (I -
 * u_k u_k^T) / ||v_k||), u_k = v_k / ||v_k||, plus Levenberg damping mu (1e-6 of max diag H at
 * first; divided by 100 after a full step down to 1e-13, times 10 after a truncated one; raised
 * while the Cholesky factorisation fails), so (nearly) identical columns and rank deficiency are
 * handled.  A step stops at the first group whose radial part <v_k + t d_k, u_k> reaches 0, which
 * is then set to 0 (it leaves A); backtracking (Armijo 1e-4) keeps the objective strictly
 * decreasing.  Inactive groups that come to violate their condition get their exact group update
 * (they re-enter A).  The gap is checked after every Newton step; a refinement phase ends after
 * 60 steps, on a failed line search, or on a negligible Newton decrement, and BCD resumes (the
 * next phase waits twice as many rounds if this one took steps).  Each Newton step or re-entry
 * counts as one iteration.  Typical effect: degenerate problems (N < K, near-duplicate ReLU
 * columns) reach gap 1e-16 relative in tens of iterations where BCD alone stalls near 1e-5.  Finally
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
    size_t iterations;  /* BCD sweeps (full or active-set) + Newton steps and re-entries */
    int converged;      /* gap <= tol * max(objective, 1e-300) reached */
} repro_glasso_report;

/* On entry V (K x T) holds the starting point (warm start; U and c are outputs only: the free
 * part is always refitted); on return V, U (p x T, or NULL when Xs is NULL) and c (T) hold the
 * solution.  K, N, T >= 1; lambda, tol finite > 0; all entries finite.  REP may be NULL. */
int repro_glasso_solve(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                       double lambda, double tol, size_t max_iter, gsl_matrix *V, gsl_matrix *U,
                       gsl_vector *c, repro_glasso_report *rep);

#endif
