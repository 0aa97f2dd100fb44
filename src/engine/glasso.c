/* glasso: group lasso by block coordinate descent with an active-set Newton refinement on the
 * projected problem (contract in glasso.h). */
#include "engine/glasso.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/matutil.h"

/* ---- small helpers ------------------------------------------------------------------------ */

static double frob2(const gsl_matrix *M)
{
    double s = 0;
    for (size_t i = 0; i < M->size1; i++)
        for (size_t j = 0; j < M->size2; j++) s += gsl_matrix_get(M, i, j) * gsl_matrix_get(M, i, j);
    return s;
}

static double row_norm(const gsl_matrix *M, size_t k)
{
    gsl_vector_const_view r = gsl_matrix_const_row(M, k);
    return gsl_blas_dnrm2(&r.vector);
}

static double group_norm(const gsl_matrix *V)
{
    double s = 0;
    for (size_t k = 0; k < V->size1; k++) s += row_norm(V, k);
    return s;
}

/* ---- the free columns [1 Xs]: an orthonormal basis by modified Gram-Schmidt ---------------- */

/* Q (N x r, first r columns of an N x m matrix) spans the columns of A = [1 Xs] (m = 1 + p);
 * Rf (m x m) holds the triangular factor of the kept columns: A[:, col[j]] = sum_{i<=j} Q_i Rf_ij.
 * A column whose remainder after projection is <= 1e-10 of its norm is dropped (rank
 * deficiency: its coefficient is set to zero in the least-squares fit). */
typedef struct {
    gsl_matrix *Q, *Rf;
    size_t *col;
    size_t r, m;
} free_basis;

static void basis_free(free_basis *fb)
{
    gsl_matrix_free(fb->Q);
    gsl_matrix_free(fb->Rf);
    free(fb->col);
}

static int basis_build(const gsl_matrix *Xs, size_t N, free_basis *fb)
{
    size_t m = 1 + (Xs ? Xs->size2 : 0);
    fb->m = m;
    fb->r = 0;
    fb->Q = gsl_matrix_alloc(N, m);
    fb->Rf = gsl_matrix_calloc(m, m);
    fb->col = malloc(m * sizeof *fb->col);
    gsl_vector *a = gsl_vector_alloc(N);
    if (!fb->Q || !fb->Rf || !fb->col || !a) {
        gsl_vector_free(a);
        return repro_err("glasso: out of memory for the free-column basis (N = %zu, %zu columns)",
                         N, m);
    }
    for (size_t j = 0; j < m; j++) {
        if (j == 0)
            gsl_vector_set_all(a, 1.0);
        else {
            gsl_vector_const_view xc = gsl_matrix_const_column(Xs, j - 1);
            gsl_vector_memcpy(a, &xc.vector);
        }
        double norm0 = gsl_blas_dnrm2(a);
        for (size_t i = 0; i < fb->r; i++) gsl_matrix_set(fb->Rf, i, fb->r, 0.0);
        for (int pass = 0; pass < 2; pass++) /* twice is enough (re-orthogonalisation) */
            for (size_t i = 0; i < fb->r; i++) {
                gsl_vector_view q = gsl_matrix_column(fb->Q, i);
                double h;
                gsl_blas_ddot(&q.vector, a, &h);
                gsl_blas_daxpy(-h, &q.vector, a);
                gsl_matrix_set(fb->Rf, i, fb->r, gsl_matrix_get(fb->Rf, i, fb->r) + h);
            }
        double nrm = gsl_blas_dnrm2(a);
        if (norm0 > 0 && nrm > 1e-10 * norm0) {
            gsl_vector_scale(a, 1.0 / nrm);
            gsl_matrix_set_col(fb->Q, fb->r, a);
            gsl_matrix_set(fb->Rf, fb->r, fb->r, nrm);
            fb->col[fb->r++] = j;
        }
    }
    gsl_vector_free(a);
    return 0;
}

/* M <- (I - Q Q^T) M, TMP is r x M->size2. */
static void project_out(const free_basis *fb, gsl_matrix *M, gsl_matrix *tmp)
{
    gsl_matrix_const_view Q = gsl_matrix_const_submatrix(fb->Q, 0, 0, fb->Q->size1, fb->r);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Q.matrix, M, 0.0, tmp);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, &Q.matrix, tmp, 1.0, M);
}

/* Least squares of M (N x T) on [1 Xs]: c (T) and U (p x T, rows of dropped columns zero). */
static int fit_free(const free_basis *fb, const gsl_matrix *M, gsl_matrix *U, gsl_vector *c)
{
    size_t r = fb->r, T = M->size2;
    gsl_matrix *coef = gsl_matrix_alloc(r, T);
    if (!coef) return repro_err("glasso: out of memory");
    gsl_matrix_const_view Q = gsl_matrix_const_submatrix(fb->Q, 0, 0, fb->Q->size1, r);
    gsl_matrix_const_view Rr = gsl_matrix_const_submatrix(fb->Rf, 0, 0, r, r);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Q.matrix, M, 0.0, coef);
    gsl_blas_dtrsm(CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, 1.0, &Rr.matrix, coef);
    if (U) gsl_matrix_set_zero(U);
    for (size_t i = 0; i < r; i++) {
        gsl_vector_view row = gsl_matrix_row(coef, i);
        if (fb->col[i] == 0)
            gsl_vector_memcpy(c, &row.vector);
        else
            gsl_matrix_set_row(U, fb->col[i] - 1, &row.vector);
    }
    gsl_matrix_free(coef);
    return 0;
}

/* ---- the projected group lasso -------------------------------------------------------------- */

/* Workspace of one solve: A = P Phi (N x K) and its transpose At (rows a_k contiguous),
 * B = P Y, the residual R = B - A V, nrm2[k] = ||a_k||^2, scratch g and dv (T), C (K x T). */
typedef struct {
    gsl_matrix *A, *At, *B, *R, *C;
    gsl_vector *g, *dv;
    double *nrm2;
    double a, lambda; /* a = 1/(N T) */
} glasso_work;

static void work_free(glasso_work *w)
{
    gsl_matrix *m[] = {w->A, w->At, w->B, w->R, w->C};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) gsl_matrix_free(m[i]);
    gsl_vector_free(w->g);
    gsl_vector_free(w->dv);
    free(w->nrm2);
}

/* R <- B - A V */
static void residual(const glasso_work *w, const gsl_matrix *V, gsl_matrix *R)
{
    gsl_matrix_memcpy(R, w->B);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, w->A, V, 1.0, R);
}

static double objective(const glasso_work *w, const gsl_matrix *R, const gsl_matrix *V)
{
    return w->a * frob2(R) + w->lambda * group_norm(V);
}

/* Duality gap at V with residual R (C = A^T R is computed into w->C).  Dual point
 * Theta = -s 2a R with s the best scale on [0, lambda / max_k ||2a c_k||]; the gap is
 *   a (1 - s)^2 ||R||^2 + sum_k (lambda ||v_k|| - 2 a s <c_k, v_k>),
 * each term >= 0 by the choice of s (rounding aside; the result is clamped at 0). */
static double duality_gap(glasso_work *w, const gsl_matrix *R, const gsl_matrix *V)
{
    gsl_matrix *C = w->C;
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, R, 0.0, C);
    double cmax = 0, cv = 0;
    for (size_t k = 0; k < C->size1; k++) {
        gsl_vector_const_view ck = gsl_matrix_const_row(C, k), vk = gsl_matrix_const_row(V, k);
        double d;
        gsl_blas_ddot(&ck.vector, &vk.vector, &d);
        cv += d;
        cmax = fmax(cmax, gsl_blas_dnrm2(&ck.vector));
    }
    double rr = frob2(R), a = w->a;
    double smax = cmax > 0 ? w->lambda / (2 * a * cmax) : HUGE_VAL;
    double s = rr > 0 ? 1 + cv / rr : 0;
    s = fmin(fmax(s, 0), smax);
    double gap = a * (1 - s) * (1 - s) * rr;
    for (size_t k = 0; k < C->size1; k++) {
        gsl_vector_const_view ck = gsl_matrix_const_row(C, k), vk = gsl_matrix_const_row(V, k);
        double d;
        gsl_blas_ddot(&ck.vector, &vk.vector, &d);
        gap += w->lambda * gsl_blas_dnrm2(&vk.vector) - 2 * a * s * d;
    }
    return gap > 0 ? gap : 0;
}

/* Exact minimisation over the group v_k with the others fixed (R kept equal to B - A V):
 *   g = a_k^T R + ||a_k||^2 v_k,  v_k <- max(0, 1 - lambda / (2a ||g||)) g / ||a_k||^2.
 * Returns ||a_k||^2 ||change||^2, the squared change of the fit. */
static double group_update(glasso_work *w, gsl_matrix *V, size_t k)
{
    double n2 = w->nrm2[k];
    gsl_vector_view vk = gsl_matrix_row(V, k);
    gsl_vector_const_view ak = gsl_matrix_const_row(w->At, k);
    if (n2 == 0) { /* a zero column: the penalty alone decides */
        gsl_vector_set_zero(&vk.vector);
        return 0;
    }
    gsl_blas_dgemv(CblasTrans, 1.0, w->R, &ak.vector, 0.0, w->g);
    gsl_blas_daxpy(n2, &vk.vector, w->g);
    double ng = gsl_blas_dnrm2(w->g);
    double shrink = 2 * w->a * ng > w->lambda ? (1 - w->lambda / (2 * w->a * ng)) / n2 : 0;
    gsl_vector_memcpy(w->dv, w->g); /* dv = new - old */
    gsl_vector_scale(w->dv, shrink);
    gsl_vector_sub(w->dv, &vk.vector);
    double ch = gsl_blas_dnrm2(w->dv);
    if (ch == 0) return 0;
    gsl_blas_dger(-1.0, &ak.vector, w->dv, w->R);
    gsl_vector_add(&vk.vector, w->dv);
    return n2 * ch * ch;
}

/* One sweep over all groups (ACTIVE_ONLY: only those with v_k != 0); the summed change. */
static double sweep(glasso_work *w, gsl_matrix *V, int active_only)
{
    double ch = 0;
    for (size_t k = 0; k < V->size1; k++) {
        if (active_only) {
            gsl_vector_const_view vk = gsl_matrix_const_row(V, k);
            if (gsl_vector_isnull(&vk.vector)) continue;
        }
        ch += group_update(w, V, k);
    }
    return ch;
}

/* ---- active-set Newton refinement ------------------------------------------------------------ */

/* On the active groups A (v_k != 0) the objective is smooth; with g the gradient restricted to A,
 *   g_k = -2a c_k + lambda u_k,  u_k = v_k / ||v_k||,  c = A^T R,
 *   H = 2a (A_A^T A_A (x) I_T) + blockdiag(lambda (I - u_k u_k^T) / ||v_k||).
 * H is singular when columns are (nearly) dependent, so the step solves (H + mu I) d = -g with
 * mu = NEWTON_DAMP * max diag H (raised tenfold while the Cholesky factorisation fails): along
 * well-determined directions this is Newton's step, along (nearly) flat ones a long descent step
 * that runs into a boundary.  Boundary: the first group whose radial part <v_k + t d_k, u_k>
 * reaches 0 (for T = 1 the point where v_k changes sign); the trial point at that t has the
 * group set to 0 (it leaves the active set, as in a primal active-set method).  Backtracking
 * (halving, Armijo constant 1e-4, without the zeroing once t is below the boundary) keeps the
 * objective strictly decreasing. */
#define NEWTON_MAX 600     /* largest |A| T for which Newton is tried (a dense m x m factorisation) */
#define NEWTON_STEPS 60    /* Newton steps per refinement phase */
#define NEWTON_DAMP 1e-13  /* smallest relative Levenberg damping */
#define NEWTON_DAMP0 1e-6  /* relative damping of the first step */
#define NEWTON_ENTRY 1e-3  /* refine only when inactive groups violate ||2a c_k|| <= lambda by less */

typedef struct {
    size_t *idx;        /* the active groups, n of them */
    size_t n, m;        /* m = n T */
    gsl_matrix *H;      /* m x m */
    gsl_vector *g, *d;  /* m */
    gsl_matrix *Vt, *Rt; /* trial point K x T and its residual N x T */
    double damp;        /* the Levenberg damping relative to max diag H */
    int full;           /* the last step was the whole Newton step (t = 1, no group dropped) */
} newton_work;

static void newton_free(newton_work *nw)
{
    free(nw->idx);
    gsl_matrix_free(nw->H);
    gsl_vector_free(nw->g);
    gsl_vector_free(nw->d);
    gsl_matrix_free(nw->Vt);
    gsl_matrix_free(nw->Rt);
}

/* The active groups of V into nw->idx; returns n. */
static size_t active_groups(const gsl_matrix *V, size_t *idx)
{
    size_t n = 0;
    for (size_t k = 0; k < V->size1; k++) {
        gsl_vector_const_view vk = gsl_matrix_const_row(V, k);
        if (!gsl_vector_isnull(&vk.vector)) idx[n++] = k;
    }
    return n;
}

/* Largest relative violation max_{k inactive} 2a ||c_k|| / lambda - 1 (w->C holds A^T R). */
static double inactive_violation(const glasso_work *w, const gsl_matrix *V)
{
    double worst = -1;
    for (size_t k = 0; k < V->size1; k++) {
        gsl_vector_const_view vk = gsl_matrix_const_row(V, k);
        if (!gsl_vector_isnull(&vk.vector)) continue;
        worst = fmax(worst, 2 * w->a * row_norm(w->C, k) / w->lambda - 1);
    }
    return worst;
}

/* The exact group update (group_update) of every inactive group with 2a ||c_k|| > lambda
 * (w->C = A^T R at V, w->R = B - A V on entry; w->R is kept up to date). */
static void readmit(glasso_work *w, gsl_matrix *V)
{
    for (size_t k = 0; k < V->size1; k++) {
        gsl_vector_const_view vk = gsl_matrix_const_row(V, k);
        if (gsl_vector_isnull(&vk.vector) && 2 * w->a * row_norm(w->C, k) > w->lambda)
            group_update(w, V, k);
    }
}

/* Gradient and Hessian on the active set (w->C = A^T R at V). */
static void newton_system(const glasso_work *w, const gsl_matrix *V, newton_work *nw)
{
    size_t n = nw->n, T = V->size2;
    double a2 = 2 * w->a;
    gsl_matrix_set_zero(nw->H);
    for (size_t i = 0; i < n; i++) {
        size_t ki = nw->idx[i];
        gsl_vector_const_view ai = gsl_matrix_const_row(w->At, ki);
        for (size_t j = 0; j <= i; j++) {
            gsl_vector_const_view aj = gsl_matrix_const_row(w->At, nw->idx[j]);
            double gij;
            gsl_blas_ddot(&ai.vector, &aj.vector, &gij);
            for (size_t t = 0; t < T; t++) {
                gsl_matrix_set(nw->H, i * T + t, j * T + t, a2 * gij);
                gsl_matrix_set(nw->H, j * T + t, i * T + t, a2 * gij);
            }
        }
        double nv = row_norm(V, ki), pen = w->lambda / nv;
        for (size_t t = 0; t < T; t++) {
            double ut = gsl_matrix_get(V, ki, t) / nv;
            gsl_vector_set(nw->g, i * T + t, -a2 * gsl_matrix_get(w->C, ki, t) + w->lambda * ut);
            for (size_t s = 0; s < T; s++) {
                double us = gsl_matrix_get(V, ki, s) / nv;
                double h = gsl_matrix_get(nw->H, i * T + t, i * T + s);
                gsl_matrix_set(nw->H, i * T + t, i * T + s, h + pen * ((t == s) - ut * us));
            }
        }
    }
}

/* d = -(H + mu I)^{-1} g; H is overwritten.  Returns 0, or -1 when no damping up to the scale
 * of H makes the matrix numerically positive definite. */
static int newton_direction(newton_work *nw)
{
    size_t m = nw->m;
    double hmax = 0;
    for (size_t i = 0; i < m; i++) hmax = fmax(hmax, gsl_matrix_get(nw->H, i, i));
    if (!(hmax > 0) || !isfinite(hmax)) return -1;
    gsl_matrix *H0 = gsl_matrix_alloc(m, m);
    if (!H0) return -1;
    gsl_matrix_memcpy(H0, nw->H);
    int st = -1;
    for (; nw->damp <= 1; nw->damp *= 10) {
        double mu = nw->damp * hmax;
        gsl_matrix_memcpy(nw->H, H0);
        for (size_t i = 0; i < m; i++) gsl_matrix_set(nw->H, i, i, gsl_matrix_get(H0, i, i) + mu);
        if (gsl_linalg_cholesky_decomp1(nw->H) != GSL_SUCCESS) continue;
        if (gsl_linalg_cholesky_solve(nw->H, nw->g, nw->d) != GSL_SUCCESS) continue;
        gsl_vector_scale(nw->d, -1.0);
        st = 0;
        for (size_t i = 0; i < m; i++)
            if (!isfinite(gsl_vector_get(nw->d, i))) st = -1;
        if (st == 0) break;
    }
    gsl_matrix_free(H0);
    return st;
}

/* The first t > 0 at which an active group's radial part <v_k + t d_k, u_k> reaches 0 (HUGE_VAL
 * when none does); *KB receives its position in the active list. */
static double newton_boundary(const gsl_matrix *V, const newton_work *nw, size_t *kb)
{
    size_t T = V->size2;
    double tb = HUGE_VAL;
    for (size_t i = 0; i < nw->n; i++) {
        size_t k = nw->idx[i];
        double nv = row_norm(V, k), rho = 0;
        for (size_t t = 0; t < T; t++) rho += gsl_vector_get(nw->d, i * T + t) * gsl_matrix_get(V, k, t);
        rho /= nv;
        if (rho < 0 && nv / -rho < tb) {
            tb = nv / -rho;
            *kb = i;
        }
    }
    return tb;
}

/* Vt = V + t d on the active rows (row KB of the active list set to 0 when ZERO). */
static void newton_trial(const gsl_matrix *V, newton_work *nw, double t, int zero, size_t kb)
{
    size_t T = V->size2;
    gsl_matrix_memcpy(nw->Vt, V);
    for (size_t i = 0; i < nw->n; i++)
        for (size_t s = 0; s < T; s++) {
            double v = zero && i == kb ? 0 : gsl_matrix_get(V, nw->idx[i], s) +
                                                 t * gsl_vector_get(nw->d, i * T + s);
            gsl_matrix_set(nw->Vt, nw->idx[i], s, v);
        }
}

/* One damped Newton step with line search from V (objective F; w->C = A^T R at V).  Returns 1
 * when a point with a lower objective was accepted (V updated), 0 when none was found, -1 when
 * the direction could not be computed; *DEC receives the Newton decrement -g.d. */
static int newton_step(glasso_work *w, gsl_matrix *V, double F, newton_work *nw, double *dec)
{
    newton_system(w, V, nw);
    if (newton_direction(nw) != 0) return -1;
    double slope;
    gsl_blas_ddot(nw->g, nw->d, &slope);
    *dec = -slope;
    if (!(slope < 0)) return 0;
    size_t kb = 0;
    double tb = newton_boundary(V, nw, &kb);
    double t = fmin(1.0, tb);
    int zero = tb <= 1.0;
    nw->full = !zero;
    for (int ls = 0; ls < 60; ls++) {
        newton_trial(V, nw, t, zero, kb);
        residual(w, nw->Vt, nw->Rt);
        double Ft = objective(w, nw->Rt, nw->Vt);
        if (Ft < F && Ft <= F + 1e-4 * t * slope) {
            gsl_matrix_memcpy(V, nw->Vt);
            return 1;
        }
        nw->full = 0;
        if (zero) {
            zero = 0; /* first try the boundary point itself without zeroing */
            continue;
        }
        t *= 0.5;
    }
    return 0;
}

/* Refinement phase from V: Newton steps on the current active set while the gap exceeds
 * tol * objective, at most NEWTON_STEPS of them and while *IT < MAX_ITER (each step, and each
 * re-admission of violating inactive groups by their exact group update, counts as an
 * iteration).  Returns 1 when the gap criterion was met, 0 otherwise; *GAP holds the gap at the
 * returned V whenever the phase evaluated one (V is never worse than on entry).  It gives up at
 * once when there is no active group or more than NEWTON_MAX unknowns, or when an inactive group
 * violates its optimality condition by more than NEWTON_ENTRY on entry (BCD must first find the
 * active set); later when a step fails or the Newton decrement falls below 1e-3 tol objective
 * (rounding: BCD's turn). */
static int newton_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                        double *gap)
{
    size_t K = V->size1, T = V->size2, N = w->A->size1;
    newton_work nw = {0};
    int converged = 0;
    size_t nact = 0;
    for (size_t k = 0; k < K; k++) nact += row_norm(V, k) > 0;
    if (nact == 0 || nact * T > NEWTON_MAX) return 0; /* cheap exit: nothing to refine */
    nw.damp = NEWTON_DAMP0;
    nw.idx = malloc(K * sizeof *nw.idx);
    nw.Vt = gsl_matrix_alloc(K, T);
    nw.Rt = gsl_matrix_alloc(N, T);
    if (!nw.idx || !nw.Vt || !nw.Rt) goto done;
    for (int step = 0; step <= NEWTON_STEPS; step++) {
        residual(w, V, w->R);
        double F = objective(w, w->R, V);
        *gap = duality_gap(w, w->R, V);
        if (*gap <= tol * fmax(F, 1e-300)) {
            converged = 1;
            break;
        }
        if (step == NEWTON_STEPS || *it >= max_iter) break;
        double viol = inactive_violation(w, V);
        if (step == 0 && viol > NEWTON_ENTRY) break;
        if (viol > 0) { /* groups that want in: their exact BCD update, then Newton again */
            readmit(w, V);
            (*it)++;
            continue;
        }
        size_t n = active_groups(V, nw.idx);
        if (n == 0 || n * T > NEWTON_MAX) break;
        if (n != nw.n || !nw.H) { /* (re)allocate the system for n groups */
            gsl_matrix_free(nw.H);
            gsl_vector_free(nw.g);
            gsl_vector_free(nw.d);
            nw.n = n;
            nw.m = n * T;
            nw.H = gsl_matrix_alloc(nw.m, nw.m);
            nw.g = gsl_vector_alloc(nw.m);
            nw.d = gsl_vector_alloc(nw.m);
            if (!nw.H || !nw.g || !nw.d) break;
        }
        double dec = 0;
        int st = newton_step(w, V, F, &nw, &dec);
        if (st != 1) break;
        (*it)++;
        nw.damp = nw.full ? fmax(1e-2 * nw.damp, NEWTON_DAMP) : fmin(10 * nw.damp, 1.0);
        if (dec <= 1e-3 * tol * F) { /* stationary on A, yet no convergence: rounding */
            residual(w, V, w->R);
            *gap = duality_gap(w, w->R, V); /* the gap at the returned V */
            break;
        }
    }
done:
    newton_free(&nw);
    return converged;
}

/* Block coordinate descent with an active set: a sweep over all groups, then sweeps over the
 * nonzero groups until their change falls below 1e-4 of the first one (at most 1000), then the
 * duality gap on a freshly computed residual.  Every sweep counts as one iteration.  Stops when
 * the gap <= tol * objective, after max_iter sweeps, or when a full sweep changes nothing (a
 * fixed point in floating point: the gap cannot fall further).  After a round that did not
 * converge, the active-set Newton refinement (newton_phase) is tried; when it fails (the active
 * set is not yet right, or the problem is too large) the next try waits twice as many rounds. */
static void bcd(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V,
                repro_glasso_report *rep)
{
    size_t it = 0, round = 0, next_newton = 1, wait = 1;
    int converged = 0;
    double gap;
    for (;;) {
        residual(w, V, w->R); /* fresh: no drift from the rank-one updates */
        double F = objective(w, w->R, V);
        gap = duality_gap(w, w->R, V);
        if (gap <= tol * fmax(F, 1e-300)) {
            converged = 1;
            break;
        }
        if (it >= max_iter) break;
        double full = sweep(w, V, 0);
        it++;
        if (full == 0) {
            residual(w, V, w->R);
            gap = duality_gap(w, w->R, V);
            converged = gap <= tol * fmax(objective(w, w->R, V), 1e-300);
            if (!converged && it < max_iter) converged = newton_phase(w, tol, max_iter, V, &it, &gap);
            break;
        }
        double first = -1;
        for (int inner = 0; inner < 1000 && it < max_iter; inner++) {
            double ch = sweep(w, V, 1);
            it++;
            if (first < 0) first = ch;
            if (ch <= 1e-4 * first) break;
        }
        if (++round >= next_newton && it < max_iter) {
            size_t it0 = it;
            if (newton_phase(w, tol, max_iter, V, &it, &gap)) {
                converged = 1;
                break;
            }
            if (it > it0) wait *= 2; /* Newton ran but did not finish: back off */
            next_newton = round + wait;
        }
    }
    rep->gap = gap;
    rep->iterations = it;
    rep->converged = converged;
}

static int glasso_check(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                        double lambda, double tol, const gsl_matrix *V, const gsl_matrix *U,
                        const gsl_vector *c)
{
    if (!Phi || !Y || !V || !c) return repro_err("glasso: Phi, Y, V and c must be given");
    size_t N = Phi->size1, K = Phi->size2, T = Y->size2;
    if (K == 0 || N == 0 || T == 0)
        return repro_err("glasso: Phi must have at least one row and column, got %zu x %zu", N, K);
    if (Y->size1 != N)
        return repro_err("glasso: Y must have %zu rows (as Phi), got %zu", N, Y->size1);
    if (V->size1 != K || V->size2 != T)
        return repro_err("glasso: V must be %zu x %zu, got %zu x %zu", K, T, V->size1, V->size2);
    if (c->size != T) return repro_err("glasso: c must have length %zu, got %zu", T, c->size);
    if ((Xs == NULL) != (U == NULL)) return repro_err("glasso: Xs and U must be both given or both NULL");
    if (Xs && Xs->size1 != N)
        return repro_err("glasso: Xs must have %zu rows (as Phi), got %zu", N, Xs->size1);
    if (Xs && (U->size1 != Xs->size2 || U->size2 != T))
        return repro_err("glasso: U must be %zu x %zu, got %zu x %zu", Xs->size2, T, U->size1,
                         U->size2);
    if (!(lambda > 0) || !isfinite(lambda))
        return repro_err("glasso: lambda must be a finite number > 0, got %g", lambda);
    if (!(tol > 0) || !isfinite(tol))
        return repro_err("glasso: tol must be a finite number > 0, got %g", tol);
    if (!repro_matrix_finite(Phi)) return repro_err("glasso: Phi has a non-finite entry");
    if (!repro_matrix_finite(Y)) return repro_err("glasso: Y has a non-finite entry");
    if (Xs && !repro_matrix_finite(Xs)) return repro_err("glasso: Xs has a non-finite entry");
    if (!repro_matrix_finite(V)) return repro_err("glasso: V (the starting point) has a non-finite entry");
    return 0;
}

/* Full objective 1/(NT) ||Phi V + Xs U + 1 c^T - Y||^2 + lambda sum ||v_k||; M is N x T scratch. */
static double full_objective(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                             double lambda, const gsl_matrix *V, const gsl_matrix *U,
                             const gsl_vector *c, gsl_matrix *M)
{
    gsl_matrix_memcpy(M, Y);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, Phi, V, 1.0, M);
    if (Xs) gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, Xs, U, 1.0, M);
    for (size_t i = 0; i < M->size1; i++) {
        gsl_vector_view row = gsl_matrix_row(M, i);
        gsl_blas_daxpy(-1.0, c, &row.vector);
    }
    return frob2(M) / ((double)M->size1 * (double)M->size2) + lambda * group_norm(V);
}

int repro_glasso_solve(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                       double lambda, double tol, size_t max_iter, gsl_matrix *V, gsl_matrix *U,
                       gsl_vector *c, repro_glasso_report *rep)
{
    if (glasso_check(Phi, Xs, Y, lambda, tol, V, U, c) != 0) return -1;
    size_t N = Phi->size1, K = Phi->size2, T = Y->size2;
    free_basis fb = {0};
    glasso_work w = {0};
    gsl_matrix *tmpK = NULL, *tmpT = NULL;
    repro_glasso_report r = {0};
    int status = -1;
    if (basis_build(Xs, N, &fb) != 0) goto done;
    w.a = 1.0 / ((double)N * (double)T);
    w.lambda = lambda;
    w.A = gsl_matrix_alloc(N, K);
    w.At = gsl_matrix_alloc(K, N);
    w.B = gsl_matrix_alloc(N, T);
    w.R = gsl_matrix_alloc(N, T);
    w.C = gsl_matrix_alloc(K, T);
    w.g = gsl_vector_alloc(T);
    w.dv = gsl_vector_alloc(T);
    w.nrm2 = malloc(K * sizeof *w.nrm2);
    tmpK = gsl_matrix_alloc(fb.r, K);
    tmpT = gsl_matrix_alloc(fb.r, T);
    if (!w.A || !w.At || !w.B || !w.R || !w.C || !w.g || !w.dv || !w.nrm2 || !tmpK || !tmpT) {
        repro_err("glasso: out of memory (N = %zu, K = %zu, T = %zu)", N, K, T);
        goto done;
    }
    gsl_matrix_memcpy(w.A, Phi);
    project_out(&fb, w.A, tmpK);
    gsl_matrix_transpose_memcpy(w.At, w.A);
    for (size_t k = 0; k < K; k++) {
        gsl_vector_const_view ak = gsl_matrix_const_row(w.At, k);
        double nk = gsl_blas_dnrm2(&ak.vector);
        w.nrm2[k] = nk * nk;
    }
    gsl_matrix_memcpy(w.B, Y);
    project_out(&fb, w.B, tmpT);
    bcd(&w, tol, max_iter, V, &r);
    /* the free part: least squares of Y - Phi V on [1 Xs] (w.R is N x T scratch here) */
    gsl_matrix_memcpy(w.R, Y);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, Phi, V, 1.0, w.R);
    if (fit_free(&fb, w.R, U, c) != 0) goto done;
    r.objective = full_objective(Phi, Xs, Y, lambda, V, U, c, w.R);
    if (rep) *rep = r;
    status = 0;
done:
    basis_free(&fb);
    work_free(&w);
    gsl_matrix_free(tmpK);
    gsl_matrix_free(tmpT);
    return status;
}
