/* glasso: group lasso by block coordinate descent with an active-set Newton refinement on the
 * projected problem (contract in glasso.h). */
#include "engine/glasso.h"
#include "engine/glasso_work.h"

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

double glasso_row_norm(const gsl_matrix *M, size_t k)
{
    gsl_vector_const_view r = gsl_matrix_const_row(M, k);
    return gsl_blas_dnrm2(&r.vector);
}

static double group_norm(const gsl_matrix *V)
{
    double s = 0;
    for (size_t k = 0; k < V->size1; k++) s += glasso_row_norm(V, k);
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

static void work_free(glasso_work *w)
{
    gsl_matrix *m[] = {w->A, w->At, w->B, w->R, w->R2, w->C};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) gsl_matrix_free(m[i]);
    gsl_vector_free(w->g);
    gsl_vector_free(w->dv);
    free(w->nrm2);
    free(w->nz);
    free(w->act);
}

/* R <- B - A V */
void glasso_residual(const glasso_work *w, const gsl_matrix *V, gsl_matrix *R)
{
    gsl_matrix_memcpy(R, w->B);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, w->A, V, 1.0, R);
}

/* sum_k ||v_k|| over the groups with w->nz[k] (the others are zero). */
static double group_norm_nz(const glasso_work *w, const gsl_matrix *V)
{
    double s = 0;
    for (size_t k = 0; k < V->size1; k++) {
        if (!w->nz[k]) continue;
        const double *v = V->data + k * V->tda;
        double q = 0;
        for (size_t t = 0; t < V->size2; t++) q += v[t] * v[t];
        s += sqrt(q);
    }
    return s;
}

double glasso_objective(const glasso_work *w, const gsl_matrix *R, const gsl_matrix *V)
{
    return w->a * frob2(R) + w->lambda * group_norm_nz(w, V);
}

/* Duality gap at V with residual R (C = A^T R is computed into w->C).  Dual point
 * Theta = -s 2a R with s the best scale on [0, lambda / max_k ||2a c_k||]; the gap is
 *   a (1 - s)^2 ||R||^2 + sum_k (lambda ||v_k|| - 2 a s <c_k, v_k>),
 * each term >= 0 by the choice of s (rounding aside; the result is clamped at 0).  Needs w->nz
 * to match V. */
double glasso_gap(glasso_work *w, const gsl_matrix *R, const gsl_matrix *V)
{
    gsl_matrix *C = w->C;
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, R, 0.0, C);
    size_t T = V->size2;
    double cmax2 = 0, cv = 0, vn = 0;
    for (size_t k = 0; k < C->size1; k++) {
        const double *ck = C->data + k * C->tda, *vk = V->data + k * V->tda;
        double c2 = 0;
        for (size_t t = 0; t < T; t++) c2 += ck[t] * ck[t];
        cmax2 = fmax(cmax2, c2);
        if (!w->nz[k]) continue;
        double d = 0, v2 = 0;
        for (size_t t = 0; t < T; t++) {
            d += ck[t] * vk[t];
            v2 += vk[t] * vk[t];
        }
        cv += d;
        vn += sqrt(v2);
    }
    double rr = frob2(R), a = w->a, cmax = sqrt(cmax2);
    double smax = cmax > 0 ? w->lambda / (2 * a * cmax) : HUGE_VAL;
    double s = rr > 0 ? 1 + cv / rr : 0;
    s = fmin(fmax(s, 0), smax);
    double gap = a * (1 - s) * (1 - s) * rr + w->lambda * vn - 2 * a * s * cv;
    return gap > 0 ? gap : 0;
}

/* Exact minimisation over the group v_k with the others fixed (R kept equal to B - A V):
 *   g = a_k^T R + ||a_k||^2 v_k,  v_k <- max(0, 1 - lambda / (2a ||g||)) g / ||a_k||^2.
 * One fused pass for g and one for the rank-one update of R (no level-1 BLAS calls: T is often
 * 1).  w->nz[k] records whether v_k != 0 afterwards.  Returns ||a_k||^2 ||change||^2, the squared
 * change of the fit. */
static double group_update(glasso_work *w, gsl_matrix *V, size_t k)
{
    size_t N = w->R->size1, T = w->R->size2, tda = w->R->tda;
    double n2 = w->nrm2[k], *v = V->data + k * V->tda, *g = w->g->data, *R = w->R->data;
    const double *ak = w->At->data + k * w->At->tda;
    if (n2 == 0) { /* a zero column: the penalty alone decides */
        for (size_t t = 0; t < T; t++) v[t] = 0;
        w->nz[k] = 0;
        return 0;
    }
    for (size_t t = 0; t < T; t++) g[t] = n2 * v[t];
    for (size_t i = 0; i < N; i++) {
        double aki = ak[i];
        const double *Ri = R + i * tda;
        for (size_t t = 0; t < T; t++) g[t] += aki * Ri[t];
    }
    double ng = 0;
    for (size_t t = 0; t < T; t++) ng += g[t] * g[t];
    ng = sqrt(ng);
    double shrink = 2 * w->a * ng > w->lambda ? (1 - w->lambda / (2 * w->a * ng)) / n2 : 0;
    double ch = 0, *dv = w->dv->data;
    for (size_t t = 0; t < T; t++) {
        dv[t] = shrink * g[t] - v[t]; /* dv = new - old */
        ch += dv[t] * dv[t];
    }
    w->nz[k] = shrink > 0;
    if (ch == 0) return 0;
    for (size_t i = 0; i < N; i++) {
        double aki = ak[i];
        double *Ri = R + i * tda;
        for (size_t t = 0; t < T; t++) Ri[t] -= aki * dv[t];
    }
    for (size_t t = 0; t < T; t++) v[t] = shrink > 0 ? v[t] + dv[t] : 0;
    return n2 * ch;
}

/* w->nz and the list w->act of the groups with v_k != 0 (one scan of V). */
void glasso_refresh_active(glasso_work *w, const gsl_matrix *V)
{
    w->nact = 0;
    for (size_t k = 0; k < V->size1; k++) {
        const double *v = V->data + k * V->tda;
        size_t t = 0;
        while (t < V->size2 && v[t] == 0) t++;
        w->nz[k] = t < V->size2;
        if (w->nz[k]) w->act[w->nact++] = k;
    }
}

/* One sweep over all groups (then w->act lists the nonzero ones), or (ACTIVE_ONLY) over the
 * groups of w->act that are still nonzero; the summed change. */
static double sweep(glasso_work *w, gsl_matrix *V, int active_only)
{
    double ch = 0;
    if (active_only) {
        for (size_t j = 0; j < w->nact; j++)
            if (w->nz[w->act[j]]) ch += group_update(w, V, w->act[j]);
        return ch;
    }
    w->nact = 0;
    for (size_t k = 0; k < V->size1; k++) {
        ch += group_update(w, V, k);
        if (w->nz[k]) w->act[w->nact++] = k;
    }
    return ch;
}

/* Block coordinate descent with an active set: a sweep over all groups, then sweeps over the
 * nonzero groups until their change falls below 1e-4 of the first one (at most 1000), then the
 * duality gap on a freshly computed residual.  Every sweep counts as one iteration.  Stops when
 * the gap <= tol * objective, after max_iter sweeps, or when a full sweep changes nothing (a
 * fixed point in floating point: the gap cannot fall further).  After a round that did not
 * converge, the active-set Newton refinement (newton_phase) is tried; when it fails (the active
 * set is not yet right, or the problem is too large) the next try waits twice as many rounds.
 * With several tasks the interior-point phase (glasso_barrier_phase) runs once, after the first
 * full sweep; when only its V(eta) met tol (not sparse), the sweeps continue from its sparse
 * refit and V(eta) is returned if they do not converge.  Returns 0, -1 when out of memory. */
static int bcd(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V,
               repro_glasso_report *rep)
{
    size_t it = 0, round = 0, next_newton = 1, wait = 1;
    int converged = 0, dense_ok = 0;
    double gap, dense_gap = 0;
    gsl_matrix *Vdense = V->size2 > 1 ? gsl_matrix_alloc(V->size1, V->size2) : NULL;
    if (V->size2 > 1 && !Vdense)
        return repro_err("glasso: out of memory (K = %zu, T = %zu)", V->size1, V->size2);
    if (V->size2 == 1) { /* one task: the exact path first, then Newton from its point */
        int lc = glasso_lars_phase(w, tol, max_iter, V, &it, &gap);
        if (lc < 0) return repro_err("glasso: out of memory (K = %zu, N = %zu)", V->size1, w->A->size1);
        if (lc == 0 && it < max_iter) { /* near the optimum, on nearly its support */
            glasso_residual(w, V, w->R);
            gap = glasso_gap(w, w->R, V);
            glasso_newton_phase(w, tol, max_iter, V, &it, &gap);
        }
    }
    for (;;) {
        glasso_residual(w, V, w->R); /* fresh: no drift from the rank-one updates */
        double F = glasso_objective(w, w->R, V);
        gap = glasso_gap(w, w->R, V);
        if (gap <= tol * fmax(F, 1e-300)) {
            converged = 1;
            break;
        }
        if (it >= max_iter) break;
        double full = sweep(w, V, 0);
        it++;
        if (full == 0) {
            glasso_residual(w, V, w->R);
            gap = glasso_gap(w, w->R, V);
            converged = gap <= tol * fmax(glasso_objective(w, w->R, V), 1e-300);
            if (!converged && it < max_iter) converged = glasso_newton_phase(w, tol, max_iter, V, &it, &gap);
            break;
        }
        if (round == 0 && V->size2 > 1) { /* several tasks: the interior-point phase first */
            glasso_residual(w, V, w->R);
            gap = glasso_gap(w, w->R, V);
            int bc = glasso_barrier_phase(w, tol, max_iter, V, &it, &gap, Vdense);
            if (bc == 1) {
                converged = 1;
                break;
            }
            if (bc < 0) dense_ok = 1, dense_gap = gap;
        }
        double first = -1;
        for (int inner = 0; inner < 1000 && it < max_iter; inner++) {
            double ch = sweep(w, V, 1);
            it++;
            if (first < 0) first = ch;
            if (ch <= 1e-4 * first) break;
        }
        if (++round >= next_newton && it < max_iter) {
            glasso_residual(w, V, w->R);
            double gap0 = glasso_gap(w, w->R, V);
            gap = gap0;
            if (glasso_newton_phase(w, tol, max_iter, V, &it, &gap)) {
                converged = 1;
                break;
            }
            if (!(gap < 0.1 * gap0)) wait *= 2; /* Newton did not help much: back off */
            next_newton = round + wait;
        }
    }
    if (!converged && dense_ok) { /* the interior point's V(eta) met tol: better than none */
        gsl_matrix_memcpy(V, Vdense);
        glasso_refresh_active(w, V);
        gap = dense_gap;
        converged = 1;
    }
    gsl_matrix_free(Vdense);
    rep->gap = gap;
    rep->iterations = it;
    rep->converged = converged;
    return 0;
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

/* The workspace of one problem: basis of [1 Xs], A = P Phi, At, nrm2, B = P Y, nz/act from V. */
static int work_setup(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                      double lambda, const gsl_matrix *V, free_basis *fb, glasso_work *w)
{
    size_t N = Phi->size1, K = Phi->size2, T = Y->size2;
    if (basis_build(Xs, N, fb) != 0) return -1;
    w->a = 1.0 / ((double)N * (double)T);
    w->lambda = lambda;
    w->A = gsl_matrix_alloc(N, K);
    w->At = gsl_matrix_alloc(K, N);
    w->B = gsl_matrix_alloc(N, T);
    w->R = gsl_matrix_alloc(N, T);
    w->C = gsl_matrix_alloc(K, T);
    w->g = gsl_vector_alloc(T);
    w->dv = gsl_vector_alloc(T);
    w->nrm2 = malloc(K * sizeof *w->nrm2);
    w->R2 = gsl_matrix_alloc(N, T);
    w->nz = malloc(K);
    w->act = malloc(K * sizeof *w->act);
    gsl_matrix *tmpK = gsl_matrix_alloc(fb->r, K), *tmpT = gsl_matrix_alloc(fb->r, T);
    int st = 0;
    if (!w->A || !w->At || !w->B || !w->R || !w->R2 || !w->C || !w->g || !w->dv || !w->nrm2 ||
        !w->nz || !w->act || !tmpK || !tmpT) {
        st = repro_err("glasso: out of memory (N = %zu, K = %zu, T = %zu)", N, K, T);
    } else {
        gsl_matrix_memcpy(w->A, Phi);
        project_out(fb, w->A, tmpK);
        gsl_matrix_transpose_memcpy(w->At, w->A);
        for (size_t k = 0; k < K; k++) {
            gsl_vector_const_view ak = gsl_matrix_const_row(w->At, k);
            double nk = gsl_blas_dnrm2(&ak.vector);
            w->nrm2[k] = nk * nk;
        }
        gsl_matrix_memcpy(w->B, Y);
        project_out(fb, w->B, tmpT);
        glasso_refresh_active(w, V);
    }
    gsl_matrix_free(tmpK);
    gsl_matrix_free(tmpT);
    return st;
}

/* After the projected problem: (c, U) = least squares of Y - Phi V on [1 Xs], and the full
 * objective (w->R is N x T scratch). */
static int finish(const free_basis *fb, glasso_work *w, const gsl_matrix *Phi, const gsl_matrix *Xs,
                  const gsl_matrix *Y, const gsl_matrix *V, gsl_matrix *U, gsl_vector *c,
                  double *objective)
{
    gsl_matrix_memcpy(w->R, Y);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, Phi, V, 1.0, w->R);
    if (fit_free(fb, w->R, U, c) != 0) return -1;
    *objective = full_objective(Phi, Xs, Y, w->lambda, V, U, c, w->R);
    return 0;
}

/* One call of the API: the workspace, then block coordinate descent (SPARSIFY = 0) or the support
 * reduction (SPARSIFY = 1), then the free part and the report. */
static int glasso_run(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                      double lambda, double tol, size_t max_iter, int sparsify, gsl_matrix *V,
                      gsl_matrix *U, gsl_vector *c, repro_glasso_report *rep)
{
    if (glasso_check(Phi, Xs, Y, lambda, tol, V, U, c) != 0) return -1;
    free_basis fb = {0};
    glasso_work w = {0};
    repro_glasso_report r = {0};
    int status = -1;
    if (work_setup(Phi, Xs, Y, lambda, V, &fb, &w) != 0) goto done;
    if (!sparsify) {
        if (bcd(&w, tol, max_iter, V, &r) != 0) goto done;
    } else {
        long removed = glasso_sparsify(&w, V);
        if (removed < 0) {
            repro_err("glasso: out of memory in the support reduction");
            goto done;
        }
        glasso_residual(&w, V, w.R);
        r.gap = glasso_gap(&w, w.R, V);
        r.iterations = (size_t)removed;
    }
    if (finish(&fb, &w, Phi, Xs, Y, V, U, c, &r.objective) != 0) goto done;
    if (rep) *rep = r;
    status = 0;
done:
    basis_free(&fb);
    work_free(&w);
    return status;
}

int repro_glasso_solve(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                       double lambda, double tol, size_t max_iter, gsl_matrix *V, gsl_matrix *U,
                       gsl_vector *c, repro_glasso_report *rep)
{
    return glasso_run(Phi, Xs, Y, lambda, tol, max_iter, 0, V, U, c, rep);
}

int repro_glasso_sparsify(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                          double lambda, gsl_matrix *V, gsl_matrix *U, gsl_vector *c,
                          repro_glasso_report *rep)
{
    return glasso_run(Phi, Xs, Y, lambda, 1.0, 0, 1, V, U, c, rep);
}
