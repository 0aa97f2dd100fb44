/* conebar_work: the workspace and the pieces shared by conebar.c (the barrier method) and
 * conepd.c (the primal-dual method) for the cone programs of conebar.h.  Internal to the two.
 * The Newton system of both has one shape: H dx + A^T nu = -g, A dx = b - A x, H block-diagonal
 * (a 4 x 4 block per cone block, 1 x 1 per scalar, FREE scalars 0), reduced to (m + nf)
 * unknowns; the methods differ in what H and g are. */
#ifndef REPRO_CONEBAR_WORK_H
#define REPRO_CONEBAR_WORK_H

#include <stdint.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include "engine/conebar.h"

typedef struct {
    const repro_conebar_problem *pb;
    size_t n, m, nf, M, deg;
    size_t *free_idx;    /* nf indices of FREE scalars */
    double *g, *dx, *H;  /* n, n, 16 nc (cone Hessians, then their Cholesky factors) */
    double *hs;          /* ns scalar Hessians */
    double *r, *tmp;     /* m + nf, n */
    gsl_matrix *K;       /* (m + nf)^2 */
    gsl_vector *rhs;     /* m + nf */
    gsl_permutation *perm;
    double *nu, *nunew;  /* m */
    double *xt;          /* n: trial point */
    const double *rp;    /* NULL, or (m) the right-hand side A x - b to use instead of x's */
} cb_work;

/* The arguments of both methods checked: sizes, gap_abs, contiguous x and y, y_centred; 0 or -1
 * (repro_err names what is wrong). */
int cb_check_args(const repro_conebar_problem *pb, const repro_conebar_opts *o,
                  const gsl_vector *xv, const gsl_vector *yv);
/* Allocate for PB (deg: the barrier's degree, pattern rows + 2 per cone + POS); 0 or -1
 * (repro_err; nothing left allocated).  _free takes an initialised workspace. */
int cb_work_init(cb_work *w, const repro_conebar_problem *pb);
void cb_work_free(cb_work *w);
/* The sign of pattern row r in a block with mask MASK: +1 when the neuron is active there. */
static inline double cb_sgn(uint64_t mask, size_t r) { return (mask >> r) & 1 ? 1.0 : -1.0; }
/* The pattern rows of block j (0 for a linear block). */
size_t cb_rows(const cb_work *w, size_t j);
/* Is x strictly inside every cone?  The largest s with x + s dx in the closed cones (<= 1e300). */
int cb_inside(const cb_work *w, const double *x);
double cb_maxstep(const cb_work *w, const double *x, const double *dx);
/* The largest s (<= 1e300) with x + s d in the closed cone x_0 >= ||(x_1, x_2)|| (x inside). */
double cb_soc_step(const double *x, const double *d);
/* The Newton direction at x for w->H (4 x 4 blocks, factored in place), w->hs and w->g: dx
 * into w->dx, the multipliers into w->nunew (A dx = -(A x - b), or -w->rp when set); returns
 * dx^T H dx, or -1 (singular). */
double cb_newton(cb_work *w, const double *x);
/* cb_newton in two parts: the factorisation of H (w->H overwritten by its factors; 0 or -1),
 * then any number of directions for it (w->g, w->rp), each as cb_newton's. */
int cb_factor(cb_work *w);
double cb_solve(cb_work *w, const double *x);
/* max_i |(A x - b)_i| */
double cb_infeas(const cb_work *w, const double *x);

#endif
