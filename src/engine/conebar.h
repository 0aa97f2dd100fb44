/* conebar: interior-point methods for the cone programs of ReLU networks in the plane: a barrier
 * method (conebar.c) and a primal-dual one (conepd.c, below), sharing the Newton system's solve
 * (conebar_work.h).  The primal-dual method is the one to use (relu2d.c does, with the barrier
 * as its fallback): it converges to the optimum where the barrier stalls near the cones.
 *
 * Variables x = [ nc cone blocks of 4: (w1, w2, b, t) | ns scalars ].  Cone block j with mask
 * m_j over the M lifted points L (M x 3, rows (z_r, 1)) requires
 *     s_r (L_r . (w1, w2, b)) >= 0 for every r   (s_r = +1 when bit r of m_j is set, else -1)
 *     ||(w1, w2)|| <= t                           (a second-order cone)
 * i.e. the neuron (w, b) has activation pattern m_j on the points and t bounds ||w||.  A block
 * flagged linear has no pattern rows (only the cone); its b must not enter A or c: it stays 0.  Scalars are
 * POS (x >= 0), QUAD (free, with cost q x^2 / 2, q > 0) or FREE.  The problem:
 *     minimise c^T x + sum_QUAD q_i x_i^2 / 2   subject to   A x = b   (A m x n dense).
 * Barrier method (Boyd and Vandenberghe, section 11.3): barrier phi = - sum log(s_r L_r.u) - sum
 * log(t^2 - ||w||^2) - sum_POS log x; for tau = tau0, mu tau0, ... minimise tau (objective) + phi on
 * A x = b by Newton's method, started infeasible for the equalities from a strictly interior x
 * (the caller's): the Newton system is reduced to (m + nfree) unknowns through the block-diagonal
 * Hessian (4 x 4 Cholesky per block), solved by LU.  Steps: while A x != b, backtracking on the
 * norm of the KKT residual; then backtracking (Armijo) on the merit f_tau + nu^T (A x - b),
 * always inside the domain; a stage is centred when decrement^2 / 2 <= 1e-10.  On the central
 * path the objective is within deg / tau of the optimum, deg = (pattern rows) + 2 (cones) +
 * (POS); stop when deg / tau <= gap_abs.  A stage may end at the line search's floor instead,
 * before its centring converges (near the cones' boundaries the reduced system loses accuracy,
 * and the merit's slope with it), with A x - b drifted: at the end, Newton steps on the
 * equalities alone (no objective) restore A x = b as far as the domain allows; rep->feas says
 * how far.  Without centring deg / tau is a stopping rule, not a bound (relu2d.h's range): on
 * min t s.t. ||w|| <= t, w = (1, 2) t stops 9.2e-9 above sqrt(5) from tau ~ 6e7 on, whatever
 * gap_abs asks (tests/c/test_convex.c); a primal-dual method would be the fix.  The
 * equality multipliers y = nu / tau (A^T y approximates the
 * objective's gradient minus the cones' duals) are returned for a certificate computed elsewhere.
 * Errors through repro_err; return 0, 1 (iteration budget exhausted: x is the last iterate), -1. */
#ifndef REPRO_CONEBAR_H
#define REPRO_CONEBAR_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <stdint.h>

enum { REPRO_CB_POS = 0, REPRO_CB_QUAD = 1, REPRO_CB_FREE = 2 };

typedef struct {
    size_t nc, ns;          /* cone blocks, scalars: n = 4 nc + ns */
    const gsl_matrix *L;    /* M x 3 lifted points (M <= 64) */
    const uint64_t *mask;   /* nc */
    const unsigned char *linear; /* nc flags, or NULL: no linear blocks */
    const int *stype;       /* ns: REPRO_CB_POS / QUAD / FREE */
    const double *q;        /* ns: q of QUAD scalars (others ignored) */
    const gsl_vector *c;    /* n */
    const gsl_matrix *A;    /* m x n */
    const gsl_vector *b;    /* m */
} repro_conebar_problem;

typedef struct {
    double gap_abs;         /* stop when deg / tau <= gap_abs (> 0) */
    size_t max_newton;      /* total Newton steps allowed */
    gsl_vector *y_centred;  /* NULL, or (m) the multipliers of the last stage whose centring
                             * converged (a stage can end at the rounding floor instead, with
                             * noisy multipliers; both are candidates for a dual bound) */
    double mu0;             /* primal-dual only: the starting duals' scale (0 means 1, below) */
} repro_conebar_opts;

typedef struct {
    double tau, bound;      /* final tau and deg / tau */
    double feas;            /* max |A x - b| */
    size_t newton;          /* Newton steps taken */
} repro_conebar_report;

/* X (n) holds a strictly interior start on entry (inequalities strict; equalities need not
 * hold) and the solution on return; Y (m) the multipliers.  REP may be NULL. */
int repro_conebar_solve(const repro_conebar_problem *pb, const repro_conebar_opts *o,
                        gsl_vector *x, gsl_vector *y, repro_conebar_report *rep);

/* The same program by a primal-dual interior-point method (conepd.c: Mehrotra's predictor-
 * corrector with Nesterov-Todd scaling; the Newton system refined iteratively, as it grows
 * ill-conditioned near the optimum), from X's slack (X: strictly inside the cones, best well
 * inside them, A x = b need not hold) with duals z centred on it (s o z = mu0 e, mu0 such that
 * G^T z is as large as c, times opts->mu0: a larger start is slower but more robust) and y = 0.  It stops when the
 * duality gap s^T z <= gap_abs, max |A x - b| <= 1e-9 max(1, |b|) and the dual residual
 * max |c + P x + A^T y - G^T z| <= 1e-9 max(1, |c|); then x is primal feasible to that accuracy
 * and s^T z bounds its objective's distance to the optimum.  When rounding stops it first (no
 * step left or a singular system: near 1e-9 on these programs), the best iterate is returned
 * and accepted (status 0) within 100 times those tolerances, else 1; 1 also when max_newton
 * iterations (a factorisation and up to six solves each) did not reach them.  A last pass of
 * Newton steps on the equalities alone takes A x - b to rounding level where it can.  REP:
 * tau = cones / gap, bound = the gap, feas, newton = iterations.  Y_CENTRED (if any) gets Y. */
int repro_conebar_solve_pd(const repro_conebar_problem *pb, const repro_conebar_opts *o,
                           gsl_vector *x, gsl_vector *y, repro_conebar_report *rep);

#endif
