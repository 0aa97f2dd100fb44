/* relu2d: the exact convex reformulation (Ergen and Pilanci, 2021) of one-task ReLU networks in
 * the plane with free bias and, optionally, a skip connection, its certified solution, and the
 * range of the optimal functions at a point.
 *
 * Problem (R = sum_k ||w_k|| |v_k|, f(x) = sum_k v_k (w_k.x + b_k)_+ + a.x + c, any width; a = 0
 * without the skip connection):
 *     interpolation (lambda = 0):  R* = min R  subject to  f(x_i) = y_i
 *     lambda > 0:                  min 1/N sum_i (f(x_i) - y_i)^2 + lambda R
 * Reformulation: for every activation pattern D_p of the data (arrangement.h; the empty pattern
 * is left out, and so is the full one with the skip connection: it adds nothing beyond a.x + c
 * on the data, while without it it is the only source of a linear part) two neurons u_p+, u_p-
 * = (w, b) constrained to the pattern's closed cone, with output weights +1 and -1; the data fit
 * is sum_p D_p Xl (u_p+ - u_p-) + X a + c 1 (Xl = [X 1]), the penalty sum ||w(u_p+-)||.  This is
 * a second-order cone program, solved by conebar.h's primal-dual method (once more from larger
 * starting duals, then its barrier method, when that stops short of its tolerances).  Recovery: the neurons (w/||w||, b/||w||)
 * with v = +-||w||; the returned network computes exactly the reformulation's fit on the data.
 * Certificate (independent of the solver): the dual bound of oracle2d.h from the equality
 * multipliers (interpolation) or from the residual 2/N (y - f(X)) (lambda > 0); gap = the
 * network's objective minus that bound.  Success when gap <= tol * max(objective, s), s the
 * labels' largest distance from their mean (interpolation) or min(s^2, lambda s) (lambda > 0):
 * relative, with the data's scale as the floor when the optimum is 0 (affine data).
 *
 * Range at z: the smallest and largest f(z) over interpolants with R <= R* (1 + slack): z joins
 * the arrangement, so that f(z) = sum_p [z in D_p] (z, 1).(u_p+ - u_p-) + a.z + c is linear, and
 * two cone programs are solved (to a duality gap gap_abs; the residual of their equalities is
 * reported), then each end is certified by a dual bound (rangecert.h).  A z equal to a
 * data point returns its label twice.  *NEWTON (may be NULL): the iterations of both programs.
 * Inputs: X (N x 2, finite, distinct, 3 <= N <= 62), y (N, finite).  Errors through repro_err;
 * return 0, 1 (tolerance or iteration budget not reached: the report says which), -1. */
#ifndef REPRO_RELU2D_H
#define REPRO_RELU2D_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <stdint.h>

#include "engine/net.h"

typedef struct {
    double objective;     /* R of the recovered network (lambda = 0), else the full objective */
    double dual;          /* certified lower bound on the optimum */
    double gap;           /* objective - dual */
    double interp;        /* max_i |f(x_i) - y_i| of the recovered network */
    double barrier;       /* the cone solver's own bound (the duality gap; the barrier's deg / tau) */
    size_t patterns;      /* activation patterns of the data (all, including empty and full) */
    size_t newton;        /* the solver's iterations */
    int fallback;         /* 1 when the primal-dual method stopped short and the barrier solved */
    const char *reason;   /* status 1: why */
} repro_relu2d_report;

/* The cone program's solution (interpolation only), kept to warm-start the range programs. */
typedef struct {
    size_t N, nc;         /* points, cone blocks (2 per pattern) */
    int skip;             /* the skip connection was part of the problem */
    uint64_t *mask;       /* nc data patterns */
    double *x;            /* 4 nc + 3 (or + 1 without skip): blocks (w1, w2, b, t), then [a1, a2], c */
    double cost;          /* the certified objective R */
} repro_relu2d_sol;
void repro_relu2d_sol_free(repro_relu2d_sol *sol); /* NULL is fine */

/* Solve with (SKIP = 1) or without (0) the skip connection; *NET (when not NULL) receives a new
 * network (d = 2, T = 1, that skip) on status 0 and 1; *SOL (when not NULL, lambda = 0) the cone
 * program's solution (the range programs use its skip setting). */
int repro_relu2d_solve(const gsl_matrix *X, const gsl_vector *y, double lambda, int skip,
                       double tol, size_t max_newton, repro_net **net, repro_relu2d_sol **sol,
                       repro_relu2d_report *rep);

/* [*LO, *HI] = range of f(z) over interpolants of (X, y) with R <= SOL->cost (1 + SLACK),
 * both programs started from SOL (strictly feasible).  Each end is c^T x at its program's last
 * iterate: the value at z of a network whose fit misses the data, and whose cost misses the
 * budget, by at most *RESID (may be NULL; max |A x - b| over both programs); GAP_ABS is the
 * solver's tolerance on the duality gap (conebar.h), not a certified bound.
 * CERT (may be NULL; 2 values): certified bounds CERT[0] <= f(z) <= CERT[1] over every such
 * interpolant (rangecert.h, its first cuts each program's neurons): the true ends lie in
 * [CERT[0], *LO] and [*HI, CERT[1]], up to the residual's effect on *LO and *HI. */
int repro_relu2d_range(const gsl_matrix *X, const gsl_vector *y, const repro_relu2d_sol *sol,
                       double slack, const double z[2], double gap_abs, size_t max_newton,
                       double *lo, double *hi, double *resid, double *cert, size_t *newton);

#endif
