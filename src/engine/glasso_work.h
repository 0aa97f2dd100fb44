/* glasso_work: the workspace and helpers shared by glasso.c (block coordinate descent) and
 * glasso_newton.c (Newton refinement in the variational form, support reduction).  Internal to
 * the group lasso; the contract of the solver is in glasso.h. */
#ifndef REPRO_GLASSO_WORK_H
#define REPRO_GLASSO_WORK_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Workspace of one solve: A = P Phi (N x K) and its transpose At (rows a_k contiguous),
 * B = P Y, the residual R = B - A V, R2 (N x T scratch), nrm2[k] = ||a_k||^2, scratch g and dv
 * (T), C (K x T); nz[k] = (v_k != 0) and the list act of groups that were nonzero after the last
 * full sweep (nact of them). */
typedef struct {
    gsl_matrix *A, *At, *B, *R, *R2, *C;
    gsl_vector *g, *dv;
    double *nrm2;
    unsigned char *nz;
    size_t *act, nact;
    double a, lambda; /* a = 1/(N T) */
} glasso_work;

/* The workspace of the variational form's Newton methods (glasso_newton.c and glasso_barrier.c):
 * eta, et (trial), g (dJ/deta), d (direction), K doubles each in one block (eta and et swap);
 * M (N x N, M(eta)'s Cholesky factor), AS (N x K scratch), Rt (N x T: R at a trial point), H (K x
 * K: the Newton system), rhs and sol (K).  glasso_eta_space_alloc returns 0, or -1 when out of
 * memory (everything allocated so far freed); _free takes a zeroed or allocated one. */
typedef struct {
    double *eta, *et, *g, *d, *mem;
    gsl_matrix *M, *AS, *Rt, *H;
    gsl_vector *rhs, *sol;
} glasso_eta_space;
int glasso_eta_space_alloc(glasso_eta_space *s, size_t N, size_t K, size_t T);
void glasso_eta_space_free(glasso_eta_space *s);

double glasso_row_norm(const gsl_matrix *M, size_t k);
/* R <- B - A V */
void glasso_residual(const glasso_work *w, const gsl_matrix *V, gsl_matrix *R);
/* a ||R||^2 + lambda sum_k ||v_k|| (w->nz must match V) */
double glasso_objective(const glasso_work *w, const gsl_matrix *R, const gsl_matrix *V);
/* The duality gap at V with residual R (w->C receives A^T R; w->nz must match V). */
double glasso_gap(glasso_work *w, const gsl_matrix *R, const gsl_matrix *V);
/* w->nz and w->act from V (one scan). */
void glasso_refresh_active(glasso_work *w, const gsl_matrix *V);
/* J at ETA (glasso_newton.c): M = I + c A diag(eta) A^T factorised into M (N x N, Cholesky),
 * R = M^{-1} B into RR (N x T), AS (N x K) scratch; NAN when the factorisation fails. */
double glasso_eta_J(const glasso_work *w, const double *eta, gsl_matrix *M, gsl_matrix *AS,
                    gsl_matrix *RR);
/* V = V(eta): v_k = c eta_k c_k with w->C = A^T R(eta); w->nz and w->act follow. */
void glasso_eta_to_V(glasso_work *w, const double *eta, gsl_matrix *V);
/* A Newton refinement phase (glasso_newton.c, contract there). */
int glasso_newton_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                        double *gap);
/* The interior-point phase (glasso_barrier.c) from V (w->nz matching it, *GAP its gap): primal-
 * dual log-barrier Newton steps on J over all K groups (each counts as an iteration, while
 * *IT < MAX_ITER).  Returns 1 when V holds a point whose gap (in *GAP) is <= tol * objective with
 * exact zeros; -1 when only V(eta) met it: V(eta) is in VDENSE (K x T, its gap in *GAP) and V
 * holds the last sparse refit, for the coordinate descent to finish; 0 otherwise, with V the
 * point of smallest relative gap seen (V = 0 when lambda >= lambda_max), or untouched when K >
 * 2000 or out of memory.  w->nz and w->act follow V. */
int glasso_barrier_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                         double *gap, gsl_matrix *Vdense);
/* The single-task problem's exact path (glasso_lars.c, T = 1 only, min(N, K) <= 2000): LARS
 * steps from V = 0 down to lambda (each counts as an iteration, while *IT < MAX_ITER).  Returns 1
 * when V holds the path's point and its gap (in *GAP) is <= tol * objective; 0 otherwise, with V
 * the better of the path's point and the one on entry (or untouched when T > 1 or the problem is
 * too large); -1 when out of memory (V untouched).  w->nz and w->act follow V. */
int glasso_lars_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                      double *gap);
/* A null direction of the vec(a_k x_k^T), k in IDX (glasso_newton.c, contract there). */
int glasso_null_direction(const glasso_work *w, const size_t *idx, size_t n, const gsl_matrix *X,
                          int exact, double *delta);
/* The support reduction of repro_glasso_sparsify on the projected problem (glasso_newton.c):
 * returns the number of groups set to 0, -1 when out of memory; w->nz and w->act follow V. */
long glasso_sparsify(glasso_work *w, gsl_matrix *V);

#endif
