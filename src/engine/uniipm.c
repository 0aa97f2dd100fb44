/* uniipm: problem (3) by a dual barrier method and an active-set finish (contract in uniipm.h). */
#include "engine/uniipm.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/memcheck.h"

typedef struct {
    size_t N, m, K, T, n;                   /* n = m T unknowns */
    const gsl_matrix *X, *Y, *Phi;
    const size_t *dataknot;
    gsl_matrix *Psi, *Yq, *Z, *G, *dZ;      /* m x K, m x T (x4) */
    gsl_matrix *Uk, *dU, *D, *R, *Vt;       /* K x T (x3), N x T, K x T */
    gsl_matrix *Ps, *A, *W, *H;             /* m x K, m x m, n x K, n x n */
    gsl_vector *s;                          /* K */
} ipm;

static void ipm_free(ipm *p)
{
    gsl_matrix *ms[] = {p->Psi, p->Yq, p->Z, p->G, p->dZ, p->Uk, p->dU, p->D,
                        p->R, p->Vt, p->Ps, p->A, p->W, p->H};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++) gsl_matrix_free(ms[i]);
    gsl_vector_free(p->s);
}

static int ipm_alloc(ipm *p)
{
    size_t m = p->m, K = p->K, T = p->T, n = p->n;
    p->Psi = gsl_matrix_alloc(m, K), p->Yq = gsl_matrix_alloc(m, T);
    p->Z = gsl_matrix_calloc(m, T), p->G = gsl_matrix_alloc(m, T), p->dZ = gsl_matrix_alloc(m, T);
    p->Uk = gsl_matrix_alloc(K, T), p->dU = gsl_matrix_alloc(K, T), p->D = gsl_matrix_alloc(K, T);
    p->R = gsl_matrix_alloc(p->N, T), p->Vt = gsl_matrix_alloc(K, T);
    p->Ps = gsl_matrix_alloc(m, K), p->A = gsl_matrix_alloc(m, m);
    p->W = gsl_matrix_alloc(n, K), p->H = gsl_matrix_alloc(n, n);
    p->s = gsl_vector_alloc(K);
    return p->Psi && p->Yq && p->Z && p->G && p->dZ && p->Uk && p->dU && p->D && p->R && p->Vt &&
           p->Ps && p->A && p->W && p->H && p->s ? 0 : -1;
}

/* Psi = Q^T Phi and Yq = Q^T Y without their first two rows (Householder QR of [1 x]). */
static int project(ipm *p)
{
    size_t N = p->N;
    gsl_matrix *B = gsl_matrix_alloc(N, 2), *PhiQ = gsl_matrix_alloc(N, p->K);
    gsl_matrix *YQ = gsl_matrix_alloc(N, p->T);
    gsl_vector *tau = gsl_vector_alloc(2);
    int st = -1;
    if (B && PhiQ && YQ && tau) {
        for (size_t i = 0; i < N; i++) gsl_matrix_set(B, i, 0, 1), gsl_matrix_set(B, i, 1, gsl_matrix_get(p->X, i, 0));
        gsl_matrix_memcpy(PhiQ, p->Phi);
        gsl_matrix_memcpy(YQ, p->Y);
        if (gsl_linalg_QR_decomp(B, tau) == GSL_SUCCESS && gsl_linalg_QR_QTmat(B, tau, PhiQ) == GSL_SUCCESS &&
            gsl_linalg_QR_QTmat(B, tau, YQ) == GSL_SUCCESS) {
            gsl_matrix_const_view a = gsl_matrix_const_submatrix(PhiQ, 2, 0, p->m, p->K);
            gsl_matrix_const_view b = gsl_matrix_const_submatrix(YQ, 2, 0, p->m, p->T);
            gsl_matrix_memcpy(p->Psi, &a.matrix);
            gsl_matrix_memcpy(p->Yq, &b.matrix);
            st = 0;
        }
    }
    gsl_matrix_free(B), gsl_matrix_free(PhiQ), gsl_matrix_free(YQ), gsl_vector_free(tau);
    return st;
}

static double rownorm(const gsl_matrix *M, size_t k)
{
    gsl_vector_const_view r = gsl_matrix_const_row(M, k);
    return gsl_blas_dnrm2(&r.vector);
}

/* OUT = V plus the connect-the-dots of the residual Y - Phi V (jumps at the data knots): an
 * exact interpolant whatever V is.  Returns its cost sum_k ||out_k||. */
static double repair(ipm *p, const gsl_matrix *V, gsl_matrix *out)
{
    const gsl_matrix *X = p->X;
    gsl_matrix_memcpy(p->R, p->Y);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1, p->Phi, V, 1, p->R);
    if (out != V) gsl_matrix_memcpy(out, V);
    for (size_t i = 1; i + 1 < p->N; i++)
        for (size_t t = 0; t < p->T; t++) {
            double sl = (gsl_matrix_get(p->R, i, t) - gsl_matrix_get(p->R, i - 1, t)) /
                        (gsl_matrix_get(X, i, 0) - gsl_matrix_get(X, i - 1, 0));
            double sr = (gsl_matrix_get(p->R, i + 1, t) - gsl_matrix_get(p->R, i, t)) /
                        (gsl_matrix_get(X, i + 1, 0) - gsl_matrix_get(X, i, 0));
            *gsl_matrix_ptr(out, p->dataknot[i], t) += sr - sl;
        }
    double c = 0;
    for (size_t k = 0; k < p->K; k++) c += rownorm(out, k);
    return c;
}

/* Uk = Psi^T Z and s_k = 1 - ||u_k||^2; returns min_k s_k. */
static double slacks(ipm *p)
{
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1, p->Psi, p->Z, 0, p->Uk);
    double smin = INFINITY;
    for (size_t k = 0; k < p->K; k++) {
        double u = rownorm(p->Uk, k), s = 1 - u * u;
        gsl_vector_set(p->s, k, s);
        smin = fmin(smin, s);
    }
    return smin;
}

static double dot(const gsl_matrix *a, const gsl_matrix *b)
{
    double s = 0;
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j < a->size2; j++) s += gsl_matrix_get(a, i, j) * gsl_matrix_get(b, i, j);
    return s;
}

/* Centre Z for barrier weight TAU: tau <Yq, Z> + sum log s maximised by damped Newton.  Leaves Uk,
 * s and D = (2 / s_k) u_k at the final Z.  Returns 0, 1 (budget; REASON), 2 (Hessian not
 * positive definite). */
static int centre(ipm *p, double tau, size_t *newton, size_t max_newton)
{
    size_t m = p->m, K = p->K, T = p->T, n = p->n;
    for (;;) {
        slacks(p);
        for (size_t k = 0; k < K; k++) {
            const double *u = gsl_matrix_const_ptr(p->Uk, k, 0);
            double *d = gsl_matrix_ptr(p->D, k, 0), sk = gsl_vector_get(p->s, k);
            for (size_t t = 0; t < T; t++) d[t] = 2 * u[t] / sk;
        }
        for (size_t i = 0; i < m; i++) { /* Ps = Psi diag(sqrt(2 / s)), W[(i, t), k] = psi_ik d_kt */
            const double *psi = gsl_matrix_const_ptr(p->Psi, i, 0);
            double *ps = gsl_matrix_ptr(p->Ps, i, 0);
            for (size_t k = 0; k < K; k++) ps[k] = psi[k] * sqrt(2 / gsl_vector_get(p->s, k));
            for (size_t t = 0; t < T; t++) {
                double *w = gsl_matrix_ptr(p->W, i * T + t, 0);
                for (size_t k = 0; k < K; k++) w[k] = psi[k] * p->D->data[k * p->D->tda + t];
            }
        }
        /* gradient of the minimised function -tau <Yq, Z> - sum log s */
        gsl_matrix_memcpy(p->G, p->Yq);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1, p->Psi, p->D, -tau, p->G);
        gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1, p->Ps, 0, p->A);
        gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1, p->W, 0, p->H);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j <= i; j++)
                for (size_t t = 0; t < T; t++) *gsl_matrix_ptr(p->H, i * T + t, j * T + t) += gsl_matrix_get(p->A, i, j);
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        int st = gsl_linalg_cholesky_decomp1(p->H);
        gsl_set_error_handler(old);
        if (st != GSL_SUCCESS) return 2;
        gsl_vector_view g = gsl_vector_view_array(p->G->data, n), dz = gsl_vector_view_array(p->dZ->data, n);
        gsl_linalg_cholesky_solve(p->H, &g.vector, &dz.vector);
        gsl_vector_scale(&dz.vector, -1);
        double slope = 0; /* = -(Newton decrement)^2 */
        gsl_blas_ddot(&g.vector, &dz.vector, &slope);
        if (!(-slope > 2e-10)) return 0;
        if (*newton >= max_newton) return 1;
        ++*newton;
        /* backtracking inside the domain, Armijo with 1/4 */
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1, p->Psi, p->dZ, 0, p->dU);
        double lin = dot(p->Yq, p->dZ), f0 = 0;
        for (size_t k = 0; k < K; k++) f0 -= log(gsl_vector_get(p->s, k));
        double alpha = 1;
        for (int tries = 0;; tries++) {
            double f = -tau * alpha * lin;
            for (size_t k = 0; k < K && isfinite(f); k++) {
                const double *uk = gsl_matrix_const_ptr(p->Uk, k, 0), *du = gsl_matrix_const_ptr(p->dU, k, 0);
                double u2 = 0;
                for (size_t t = 0; t < T; t++) u2 += (uk[t] + alpha * du[t]) * (uk[t] + alpha * du[t]);
                f = u2 < 1 ? f - log(1 - u2) : INFINITY;
            }
            if (f <= f0 + 0.25 * alpha * slope) break;
            if (tries == 60) return 0; /* no progress possible in double precision: centred */
            alpha /= 2;
        }
        gsl_matrix_scale(p->dZ, alpha);
        gsl_matrix_add(p->Z, p->dZ);
    }
}

/* X (c x nrhs) = the minimum-norm least-squares solution of A X = B (A r x c), by the SVD of A
 * or of A^T (GSL's SVD needs rows >= columns); singular values below 1e-12 s_max dropped. */
static int lsq(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *X)
{
    size_t r = A->size1, c = A->size2, tall = r >= c, p = tall ? c : r, q = tall ? r : c;
    gsl_matrix *U = gsl_matrix_alloc(q, p), *V = gsl_matrix_alloc(p, p), *tmp = gsl_matrix_alloc(p, B->size2);
    gsl_vector *S = gsl_vector_alloc(p), *w = gsl_vector_alloc(p);
    int st = -1;
    if (U && V && tmp && S && w) {
        if (tall) gsl_matrix_memcpy(U, A);
        else gsl_matrix_transpose_memcpy(U, A);
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        st = gsl_linalg_SV_decomp(U, V, S, w) == GSL_SUCCESS ? 0 : -1;
        gsl_set_error_handler(old);
        if (st == 0) {
            /* tall: A = U S V^T, X = V S^+ U^T B;  wide: A = V S U^T, X = U S^+ V^T B */
            const gsl_matrix *left = tall ? V : U, *right = tall ? U : V;
            gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1, right, B, 0, tmp);
            double smax = gsl_vector_get(S, 0);
            for (size_t i = 0; i < p; i++) {
                double si = gsl_vector_get(S, i);
                gsl_vector_view row = gsl_matrix_row(tmp, i);
                gsl_vector_scale(&row.vector, si > 1e-12 * smax ? 1 / si : 0);
            }
            gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1, left, tmp, 0, X);
        }
    }
    gsl_matrix_free(U), gsl_matrix_free(V), gsl_matrix_free(tmp), gsl_vector_free(S), gsl_vector_free(w);
    return st;
}

/* The finish on the active set (knots whose barrier coefficient is at least 1e-3 of the largest):
 * a dual point from psi_k^T Z = d_k^T, a primal one v_k = beta_k d_k.  Updates *LOWER, and *UPPER
 * with VBEST when the primal is better.  Returns the active set's size, or -1 on memory. */
static long finish(ipm *p, double tau, double *lower, double *upper, gsl_matrix *Vbest)
{
    size_t K = p->K, T = p->T, m = p->m, nS = 0;
    double vmax = 0;
    for (size_t k = 0; k < K; k++) vmax = fmax(vmax, rownorm(p->D, k) / tau);
    size_t *S = malloc(K * sizeof *S);
    if (!S) return -1;
    for (size_t k = 0; k < K; k++)
        if (rownorm(p->D, k) / tau >= 1e-3 * vmax && rownorm(p->Uk, k) > 0) S[nS++] = k;
    long ret = -1;
    gsl_matrix *As = gsl_matrix_alloc(nS, m), *Bs = gsl_matrix_alloc(nS, T), *Zf = gsl_matrix_alloc(m, T);
    gsl_matrix *Bm = gsl_matrix_alloc(p->n, nS), *beta = gsl_matrix_alloc(nS, 1);
    gsl_matrix_view yq = gsl_matrix_view_array(p->Yq->data, p->n, 1);
    if (nS == 0 || !As || !Bs || !Zf || !Bm || !beta) goto out;
    for (size_t j = 0; j < nS; j++) {
        size_t k = S[j];
        double un = rownorm(p->Uk, k);
        for (size_t i = 0; i < m; i++) gsl_matrix_set(As, j, i, gsl_matrix_get(p->Psi, i, k));
        for (size_t t = 0; t < T; t++) {
            double d = gsl_matrix_get(p->Uk, k, t) / un;
            gsl_matrix_set(Bs, j, t, d);
            for (size_t i = 0; i < m; i++) gsl_matrix_set(Bm, i * T + t, j, gsl_matrix_get(p->Psi, i, k) * d);
        }
    }
    if (lsq(As, Bs, Zf) == 0) { /* dual: scale onto the feasible set */
        gsl_matrix_memcpy(p->dZ, Zf);
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1, p->Psi, p->dZ, 0, p->dU);
        double M = 0;
        for (size_t k = 0; k < K; k++) M = fmax(M, rownorm(p->dU, k));
        if (M > 0) *lower = fmax(*lower, dot(p->Yq, Zf) / M);
    }
    if (lsq(Bm, &yq.matrix, beta) == 0) { /* primal: nonnegative magnitudes along d_k */
        gsl_matrix_set_zero(p->Vt);
        for (size_t j = 0; j < nS; j++) {
            double b = fmax(gsl_matrix_get(beta, j, 0), 0);
            for (size_t t = 0; t < T; t++) gsl_matrix_set(p->Vt, S[j], t, b * gsl_matrix_get(Bs, j, t));
        }
        double u = repair(p, p->Vt, p->Vt);
        if (u < *upper) *upper = u, gsl_matrix_memcpy(Vbest, p->Vt);
    }
    ret = (long)nS;
out:
    free(S);
    gsl_matrix_free(As), gsl_matrix_free(Bs), gsl_matrix_free(Zf), gsl_matrix_free(Bm), gsl_matrix_free(beta);
    return ret;
}

int repro_uniipm_solve(const gsl_matrix *X, const gsl_matrix *Y, const gsl_matrix *Phi,
                       const size_t *dataknot, double tol, size_t max_newton, gsl_matrix *V,
                       repro_uniipm_report *rep)
{
    size_t N = X->size1, T = Y->size2, K = Phi->size2;
    if (N < 3 || Y->size1 != N || Phi->size1 != N || V->size1 != K || V->size2 != T)
        return repro_err("uniipm: inconsistent sizes (N = %zu, Y %zu x %zu, Phi %zu x %zu, V %zu x %zu)", N,
                         Y->size1, T, Phi->size1, K, V->size1, V->size2);
    if (!(tol > 0 && tol < 1)) return repro_err("uniipm: tol must be in (0, 1), got %g", tol);
    ipm p = {.N = N, .m = N - 2, .K = K, .T = T, .n = (N - 2) * T, .X = X, .Y = Y, .Phi = Phi,
             .dataknot = dataknot};
    repro_uniipm_report r = {0};
    int status = -1;
    /* the Newton system (n x n), the rank-K factor (n x K) and the m x K / K x T work arrays */
    double n = (double)p.n, bytes = 8 * (n * n + n * (double)K + 2.0 * (double)p.m * (double)K +
                                          5.0 * (double)K * (double)T + (double)N * (double)K);
    if (repro_mem_check(bytes, "univariate interpolation (the interior-point method's Newton system)"))
        goto done;
    if (ipm_alloc(&p) || project(&p)) {
        repro_err("uniipm: out of memory (N = %zu, K = %zu, T = %zu)", N, K, T);
        goto done;
    }
    gsl_matrix_set_zero(V);
    r.upper = repair(&p, V, V), r.lower = 0; /* connect-the-dots of the data */
    if (r.upper == 0) { /* affine data */
        status = 0;
        goto done;
    }
    for (double tau = (double)K / r.upper;; tau *= 10) {
        int c = centre(&p, tau, &r.newton, max_newton);
        r.stages++;
        if (c == 2) {
            r.reason = "the Newton system lost positive definiteness before the gap reached tol";
            status = 1;
            break;
        }
        r.lower = fmax(r.lower, dot(p.Yq, p.Z)); /* strictly feasible */
        gsl_matrix_memcpy(p.Vt, p.D);
        gsl_matrix_scale(p.Vt, 1 / tau);
        double u = repair(&p, p.Vt, p.Vt);
        if (u < r.upper) r.upper = u, gsl_matrix_memcpy(V, p.Vt);
        if (r.upper - r.lower <= 0.1 * r.upper) { /* the finish needs a settled active set */
            long a = finish(&p, tau, &r.lower, &r.upper, V);
            if (a < 0) {
                repro_err("uniipm: out of memory");
                goto done;
            }
            r.active = (size_t)a;
        }
        if (r.upper - r.lower <= tol * r.upper) {
            status = 0;
            break;
        }
        if (c == 1) {
            r.reason = "Newton budget (max_iter) exhausted before the gap reached tol";
            status = 1;
            break;
        }
    }
done:
    ipm_free(&p);
    if (rep) *rep = r;
    return status;
}
