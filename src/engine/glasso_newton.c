/* glasso_newton: Newton refinement of the group lasso in its variational form, and the support
 * reduction along null directions of the active columns (contract in glasso.h; the workspace in
 * glasso_work.h). */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permute_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/glasso_work.h"

/* ---- Newton refinement in the variational form --------------------------------------------- */

/* sum_k ||v_k|| = min_{eta >= 0} sum_k (||v_k||^2 / eta_k + eta_k) / 2, so the projected problem
 * has the optimum of the convex problem in eta >= 0 (K unknowns, whatever T):
 *   J(eta) = min_V a ||B - A V||^2 + (lambda/2) sum_k (||v_k||^2 / eta_k + eta_k)
 *          = a <B, R> + (lambda/2) sum_k eta_k,   R = M^{-1} B,  M = I_N + c A diag(eta) A^T,
 * c = 2a / lambda, minimised by V(eta): v_k = c eta_k r_k, r_k = R^T a_k (R = B - A V(eta) is its
 * residual), and J(eta) >= P(V(eta)) (arithmetic-geometric mean), min J = min P.  Derivatives:
 *   dJ/deta_k = lambda/2 - a c ||r_k||^2,   d2J/deta_k deta_j = 2 a c^2 (a_k^T M^{-1} a_j)(r_k . r_j),
 * so a Newton step needs an N x N Cholesky factorisation and an n x n one (n free groups), plus
 * C = A^T R (K x T) as a BCD sweep does: O(K N T + n^2 (N + T) + n^3 + N^3).  Bound constraints by
 * projected Newton (Bertsekas): a group with eta_k = 0 and dJ/deta_k >= 0 stays 0, a group with
 * 0 < eta_k <= eps and dJ/deta_k > 0 gets d_k = -eta_k, the other (free) groups the damped Newton
 * step (H_FF + mu I) d_F = -g_F (mu as in newton_direction: H_FF is singular when the free
 * columns are dependent, e.g. more than N of them for T = 1); trial points max(0, eta + t d),
 * Armijo backtracking on J. */
#define NEWTON_STEPS 100   /* Newton steps per refinement phase */
#define NEWTON_DAMP 1e-13  /* smallest relative Levenberg damping */
#define NEWTON_DAMP0 1e-6  /* relative damping of the first step */
#define NEWTON_EPS 1e-12   /* eps of the projected Newton, relative to max eta */

typedef struct {
    glasso_eta_space s;        /* eta, et, g, d; M, AS (scaled or gathered columns), Rt, H (n x n
                                * used), rhs and sol (the free groups' g and step) */
    size_t *free_;             /* the free groups, nf of them */
    size_t nf;
    gsl_matrix *CF;            /* K x T: gathered r_k of the free groups */
    double damp;
} eta_work;

int glasso_eta_space_alloc(glasso_eta_space *s, size_t N, size_t K, size_t T)
{
    *s = (glasso_eta_space){0};
    s->mem = malloc(4 * K * sizeof *s->mem);
    if (s->mem) s->eta = s->mem, s->et = s->mem + K, s->g = s->mem + 2 * K, s->d = s->mem + 3 * K;
    s->M = gsl_matrix_alloc(N, N);
    s->AS = gsl_matrix_alloc(N, K);
    s->Rt = gsl_matrix_alloc(N, T);
    s->H = gsl_matrix_alloc(K, K);
    s->rhs = gsl_vector_alloc(K);
    s->sol = gsl_vector_alloc(K);
    if (s->mem && s->M && s->AS && s->Rt && s->H && s->rhs && s->sol) return 0;
    glasso_eta_space_free(s);
    return -1;
}

void glasso_eta_space_free(glasso_eta_space *s)
{
    free(s->mem);
    gsl_matrix *m[] = {s->M, s->AS, s->Rt, s->H};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) gsl_matrix_free(m[i]);
    gsl_vector_free(s->rhs);
    gsl_vector_free(s->sol);
    *s = (glasso_eta_space){0};
}

static void eta_free(eta_work *e)
{
    glasso_eta_space_free(&e->s);
    free(e->free_);
    gsl_matrix_free(e->CF);
}

/* J at ETA: M = I + c A diag(eta) A^T factorised (Cholesky, into M, N x N), R = M^{-1} B into RR;
 * AS (N x K) is scratch.  Returns J, or NAN when the factorisation fails. */
double glasso_eta_J(const glasso_work *w, const double *eta, gsl_matrix *M, gsl_matrix *AS,
                    gsl_matrix *RR)
{
    size_t N = w->A->size1, K = w->A->size2, n = 0;
    double c = 2 * w->a / w->lambda, pen = 0;
    for (size_t k = 0; k < K; k++) {
        if (!(eta[k] > 0)) continue;
        double s = sqrt(c * eta[k]);
        const double *ak = w->At->data + k * w->At->tda;
        for (size_t i = 0; i < N; i++) gsl_matrix_set(AS, i, n, s * ak[i]);
        pen += eta[k];
        n++;
    }
    gsl_matrix_set_identity(M);
    if (n > 0) {
        gsl_matrix_const_view S = gsl_matrix_const_submatrix(AS, 0, 0, N, n);
        gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1.0, &S.matrix, 1.0, M);
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = gsl_linalg_cholesky_decomp1(M);
    gsl_set_error_handler(old);
    if (st != GSL_SUCCESS) return NAN;
    gsl_matrix_memcpy(RR, w->B);
    gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, M, RR);
    gsl_blas_dtrsm(CblasLeft, CblasLower, CblasTrans, CblasNonUnit, 1.0, M, RR);
    double br = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < RR->size2; t++) br += gsl_matrix_get(w->B, i, t) * gsl_matrix_get(RR, i, t);
    return w->a * br + 0.5 * w->lambda * pen;
}

static double eta_J(const glasso_work *w, eta_work *e, const double *eta, gsl_matrix *RR)
{
    return glasso_eta_J(w, eta, e->s.M, e->s.AS, RR);
}

/* d_F = -(H_FF + mu I)^{-1} g_F for the free groups (H built from the factorised M in e->s.M and
 * w->C = A^T R); mu = e->damp max diag H, raised tenfold while the factorisation fails. */
static int eta_direction(const glasso_work *w, eta_work *e)
{
    size_t N = w->A->size1, T = w->C->size2, n = e->nf;
    double c = 2 * w->a / w->lambda, s = 2 * w->a * c * c;
    for (size_t j = 0; j < n; j++) {
        const double *ak = w->At->data + e->free_[j] * w->At->tda;
        for (size_t i = 0; i < N; i++) gsl_matrix_set(e->s.AS, i, j, ak[i]);
        gsl_vector_const_view ck = gsl_matrix_const_row(w->C, e->free_[j]);
        gsl_vector_view dst = gsl_matrix_row(e->CF, j);
        gsl_vector_memcpy(&dst.vector, &ck.vector);
    }
    gsl_matrix_view Z = gsl_matrix_submatrix(e->s.AS, 0, 0, N, n);
    gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, e->s.M, &Z.matrix);
    gsl_matrix_view H = gsl_matrix_submatrix(e->s.H, 0, 0, n, n);
    gsl_matrix_const_view CF = gsl_matrix_const_submatrix(e->CF, 0, 0, n, T);
    gsl_matrix *G2 = gsl_matrix_alloc(n, n);
    gsl_matrix *H0 = gsl_matrix_alloc(n, n);
    if (!G2 || !H0) {
        gsl_matrix_free(G2);
        gsl_matrix_free(H0);
        return -1;
    }
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Z.matrix, &Z.matrix, 0.0, H0);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &CF.matrix, &CF.matrix, 0.0, G2);
    double hmax = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double h = s * gsl_matrix_get(H0, i, j) * gsl_matrix_get(G2, i, j);
            gsl_matrix_set(H0, i, j, h);
            if (i == j) hmax = fmax(hmax, h);
        }
    gsl_matrix_free(G2);
    int st = -1;
    gsl_vector_view hg = gsl_vector_subvector(e->s.rhs, 0, n);
    gsl_vector_view hd = gsl_vector_subvector(e->s.sol, 0, n);
    for (size_t j = 0; j < n; j++) gsl_vector_set(&hg.vector, j, e->s.g[e->free_[j]]);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (; hmax > 0 && isfinite(hmax) && e->damp <= 1; e->damp *= 10) {
        gsl_matrix_memcpy(&H.matrix, H0);
        for (size_t i = 0; i < n; i++)
            gsl_matrix_set(&H.matrix, i, i, gsl_matrix_get(H0, i, i) + e->damp * hmax);
        if (gsl_linalg_cholesky_decomp1(&H.matrix) != GSL_SUCCESS) continue;
        if (gsl_linalg_cholesky_solve(&H.matrix, &hg.vector, &hd.vector) != GSL_SUCCESS) continue;
        st = 0;
        for (size_t j = 0; j < n; j++) {
            double dj = -gsl_vector_get(&hd.vector, j);
            if (!isfinite(dj)) st = -1;
            e->s.d[e->free_[j]] = dj;
        }
        if (st == 0) break;
    }
    gsl_set_error_handler(old);
    gsl_matrix_free(H0);
    return st;
}

/* V = V(eta): v_k = c eta_k c_k (w->C = A^T R at eta); w->nz and w->act follow. */
void glasso_eta_to_V(glasso_work *w, const double *eta, gsl_matrix *V)
{
    double c = 2 * w->a / w->lambda;
    for (size_t k = 0; k < V->size1; k++)
        for (size_t t = 0; t < V->size2; t++)
            gsl_matrix_set(V, k, t, eta[k] > 0 ? c * eta[k] * gsl_matrix_get(w->C, k, t) : 0.0);
    glasso_refresh_active(w, V);
}

/* ---- support reduction ------------------------------------------------------------------ */

/* A vector delta (length n) with sum_j delta_j a_{k_j} x_{k_j}^T = 0 (k_j = IDX[j], x_k = row k of
 * X), the columns being the vec(a_k x_k^T).  EXACT = 0: their Gram matrix G_ij = (a_ki . a_kj)
 * (x_ki . x_kj) (n x n, whatever T) is factorised by pivoted Cholesky, P^T G P = L D L^T (D
 * decreasing), and the first pivot with D_r <= GRAM_TOL D_0 (a column within about 1e-7 relative
 * of the span of the earlier ones) is written as their combination: L11^T x = L[r, 0:r],
 * delta = P [x; -1; 0 ...].  EXACT = 1: QR with column pivoting of the (N T) x n matrix itself
 * (zero rows added when n > N T), pivot |R_rr| <= QR_TOL |R_00|, R11 x = R[0:r, r]: accurate to
 * rounding, O(N T n^2).  Returns 1 with DELTA (nonzero) filled, 0 when the columns are
 * independent (to that tolerance), -1 when out of memory. */
#define GRAM_TOL 1e-14
#define QR_TOL 1e-11

/* G (n x n) = the Gram matrix of the vec(a_k x_k^T), k in IDX: G_ij = (a_ki . a_kj)(x_ki . x_kj),
 * each entry a function of its pair of groups alone (so a submatrix of it is the Gram matrix of
 * a subset, bit for bit). */
static void gram_fill(const glasso_work *w, const size_t *idx, size_t n, const gsl_matrix *X,
                      gsl_matrix *G)
{
    size_t N = w->A->size1, T = X->size2;
    for (size_t i = 0; i < n; i++) {
        const double *ai = w->At->data + idx[i] * w->At->tda, *xi = X->data + idx[i] * X->tda;
        for (size_t j = 0; j <= i; j++) {
            const double *aj = w->At->data + idx[j] * w->At->tda, *xj = X->data + idx[j] * X->tda;
            double sa = 0, sx = 0;
            for (size_t l = 0; l < N; l++) sa += ai[l] * aj[l];
            for (size_t t = 0; t < T; t++) sx += xi[t] * xj[t];
            gsl_matrix_set(G, i, j, sa * sx);
            gsl_matrix_set(G, j, i, sa * sx);
        }
    }
}

/* The EXACT = 0 case of glasso_null_direction from the Gram matrix G (n x n, overwritten by its
 * pivoted Cholesky factor); P is a permutation of size n.  Returns 1 (DELTA filled) or 0. */
static int null_from_gram(gsl_matrix *G, gsl_permutation *p, double *delta)
{
    size_t n = G->size1, r = 0;
    int found = 0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_linalg_pcholesky_decomp(G, p); /* a failure (not positive definite) is expected */
    gsl_set_error_handler(old);
    double d0 = gsl_matrix_get(G, 0, 0);
    while (r < n && gsl_matrix_get(G, r, r) > GRAM_TOL * d0) r++;
    if (r < n && d0 > 0) {
        for (size_t j = 0; j < n; j++) delta[j] = 0;
        for (size_t i = r; i-- > 0;) { /* L11^T x = L[r, 0:r]^T, L unit lower */
            double sacc = gsl_matrix_get(G, r, i);
            for (size_t j = i + 1; j < r; j++) sacc -= gsl_matrix_get(G, j, i) * delta[j];
            delta[i] = sacc;
        }
        delta[r] = -1;
        gsl_vector_view dv = gsl_vector_view_array(delta, n);
        gsl_permute_vector_inverse(p, &dv.vector); /* delta[p[j]] = delta_pivoted[j] */
        found = 1;
    }
    return found;
}

int glasso_null_direction(const glasso_work *w, const size_t *idx, size_t n, const gsl_matrix *X,
                          int exact, double *delta)
{
    size_t N = w->A->size1, T = X->size2, m = exact ? (N * T > n ? N * T : n) : n;
    if (n < 2) return 0;
    gsl_matrix *G = gsl_matrix_calloc(m, n);
    gsl_vector *tau = exact ? gsl_vector_alloc(n < m ? n : m) : NULL;
    gsl_vector *nrm = exact ? gsl_vector_alloc(n) : NULL;
    gsl_permutation *p = gsl_permutation_alloc(n);
    int found = -1;
    if (!G || !p || (exact && (!tau || !nrm))) goto done;
    if (!exact) {
        gram_fill(w, idx, n, X, G);
        found = null_from_gram(G, p, delta);
        goto done;
    }
    size_t r = 0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (size_t j = 0; j < n; j++) {
        const double *ak = w->At->data + idx[j] * w->At->tda, *xk = X->data + idx[j] * X->tda;
        for (size_t i = 0; i < N; i++)
            for (size_t t = 0; t < T; t++) gsl_matrix_set(G, i * T + t, j, ak[i] * xk[t]);
    }
    int signum;
    gsl_linalg_QRPT_decomp(G, tau, p, &signum, nrm);
    gsl_set_error_handler(old);
    double r0 = fabs(gsl_matrix_get(G, 0, 0));
    while (r < n && r < m && fabs(gsl_matrix_get(G, r, r)) > QR_TOL * r0) r++;
    found = 0;
    if (r < n && r0 > 0) {
        for (size_t j = 0; j < n; j++) delta[j] = 0;
        for (size_t i = r; i-- > 0;) { /* R11 x = R[0:r, r] */
            double sacc = gsl_matrix_get(G, i, r);
            for (size_t j = i + 1; j < r; j++) sacc -= gsl_matrix_get(G, i, j) * delta[j];
            delta[i] = sacc / gsl_matrix_get(G, i, i);
        }
        delta[r] = -1;
        gsl_vector_view dv = gsl_vector_view_array(delta, n);
        gsl_permute_vector_inverse(p, &dv.vector); /* delta[p[j]] = delta_pivoted[j] */
        found = 1;
    }
done:
    gsl_matrix_free(G);
    gsl_vector_free(tau);
    gsl_vector_free(nrm);
    gsl_permutation_free(p);
    return found;
}

/* Support reduction at eta (w->C = A^T R at eta, w->R = R(eta)): while the columns
 * vec(a_k r_k^T) of the groups with eta_k > 0 are dependent (null_direction), move eta along
 * the null direction delta, oriented so that g . delta <= 0, until the first eta_k reaches 0 (it
 * is set to 0).  Along delta R(eta) is stationary (dR = -c M^{-1} sum delta_k a_k r_k^T = 0) and
 * J changes by t g . delta <= 0 to second order; a move is kept only when J does not increase.
 * This leaves the free groups independent, so the Newton system is nonsingular (for T = 1: at
 * most rank(A) <= N - 1 groups).  w->C is recomputed when something moved.  Returns the number
 * of groups removed, -1 when out of memory. */
static int eta_reduce(glasso_work *w, eta_work *e, double *J)
{
    size_t K = w->A->size2, T = w->C->size2, n = 0;
    double c = 2 * w->a / w->lambda;
    int removed = 0;
    for (size_t k = 0; k < K; k++)
        if (e->s.eta[k] > 0) e->free_[n++] = k;
    /* w->C stays fixed in the loop: the Gram matrix of the groups free on entry is computed once
     * and each pass takes the submatrix of the groups still free (the same numbers) */
    double *delta = malloc((n ? n : 1) * sizeof *delta);
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    gsl_matrix *G0 = n >= 2 ? gsl_matrix_alloc(n, n) : NULL;
    if (!delta || !pos || (n >= 2 && !G0)) {
        free(delta);
        free(pos);
        gsl_matrix_free(G0);
        return -1;
    }
    if (G0) gram_fill(w, e->free_, n, w->C, G0);
    for (size_t j = 0; j < n; j++) pos[j] = j;
    while (n >= 2) {
        gsl_matrix *G = gsl_matrix_alloc(n, n);
        gsl_permutation *p = gsl_permutation_alloc(n);
        if (!G || !p) {
            gsl_matrix_free(G);
            gsl_permutation_free(p);
            removed = -1;
            break;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) gsl_matrix_set(G, i, j, gsl_matrix_get(G0, pos[i], pos[j]));
        int st = null_from_gram(G, p, delta);
        gsl_matrix_free(G);
        gsl_permutation_free(p);
        if (st == 0) break;
        double gd = 0;
        for (size_t j = 0; j < n; j++) {
            const double *ck = w->C->data + e->free_[j] * w->C->tda;
            double r2 = 0;
            for (size_t t = 0; t < T; t++) r2 += ck[t] * ck[t];
            gd += (0.5 * w->lambda - w->a * c * r2) * delta[j];
        }
        if (gd > 0)
            for (size_t j = 0; j < n; j++) delta[j] = -delta[j];
        double tb = HUGE_VAL;
        size_t jb = 0;
        for (size_t j = 0; j < n; j++)
            if (delta[j] < 0 && e->s.eta[e->free_[j]] / -delta[j] < tb) {
                tb = e->s.eta[e->free_[j]] / -delta[j];
                jb = j;
            }
        if (!isfinite(tb)) break;
        memcpy(e->s.et, e->s.eta, K * sizeof *e->s.et);
        for (size_t j = 0; j < n; j++)
            e->s.et[e->free_[j]] = fmax(0, e->s.eta[e->free_[j]] + tb * delta[j]);
        e->s.et[e->free_[jb]] = 0;
        double Jt = eta_J(w, e, e->s.et, e->s.Rt);
        if (!(Jt <= *J)) break;
        *J = Jt;
        double *sw = e->s.eta;
        e->s.eta = e->s.et;
        e->s.et = sw;
        gsl_matrix_memcpy(w->R, e->s.Rt);
        removed++;
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (e->s.eta[e->free_[j]] > 0) {
                e->free_[m] = e->free_[j];
                pos[m++] = pos[j];
            }
        n = m;
    }
    free(delta);
    free(pos);
    gsl_matrix_free(G0);
    if (removed > 0) gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
    return removed;
}

/* The primal point of ETA (w->R = R(eta) on entry) into V, its objective and duality gap (on a
 * fresh residual in w->R2); when its objective is <= *FBEST it is copied into BEST with *FBEST,
 * *GBEST updated.  Returns 1 when its gap is <= tol * objective. */
static int eta_eval(glasso_work *w, const double *eta, double tol, gsl_matrix *V, gsl_matrix *best,
                    double *fbest, double *gbest)
{
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
    glasso_eta_to_V(w, eta, V);
    glasso_residual(w, V, w->R2);
    double F = glasso_objective(w, w->R2, V), gp = glasso_gap(w, w->R2, V);
    int conv = gp <= tol * fmax(F, 1e-300);
    if (F <= *fbest) {
        *fbest = F;
        *gbest = gp;
        gsl_matrix_memcpy(best, V);
        return conv;
    }
    return 0;
}

/* The projected Newton direction at e->s.eta (w->C = A^T R at eta): the gradient into e->s.g, the
 * groups held at the bound (eta_k <= NEWTON_EPS max eta with dJ/deta_k > 0: d_k = -eta_k), the free
 * ones' damped Newton step (eta_direction, damping e->damp); *SLOPE = g . d.  -1 when the Newton
 * system could not be solved. */
static int eta_projected_step(glasso_work *w, eta_work *e, double *slope)
{
    size_t K = w->A->size2, T = w->C->size2;
    double c = 2 * w->a / w->lambda, emax = 0;
    for (size_t k = 0; k < K; k++) {
        double r2 = 0;
        for (size_t t = 0; t < T; t++) r2 += gsl_matrix_get(w->C, k, t) * gsl_matrix_get(w->C, k, t);
        e->s.g[k] = 0.5 * w->lambda - w->a * c * r2;
        emax = fmax(emax, e->s.eta[k]);
    }
    double eps = NEWTON_EPS * emax;
    e->nf = 0;
    for (size_t k = 0; k < K; k++) {
        e->s.d[k] = 0;
        if (e->s.g[k] > 0 && e->s.eta[k] <= eps)
            e->s.d[k] = -e->s.eta[k]; /* held at (or pushed to) the bound */
        else if (w->nrm2[k] > 0)
            e->free_[e->nf++] = k;
    }
    if (e->nf > 0 && eta_direction(w, e) != 0) return -1;
    *slope = 0;
    for (size_t k = 0; k < K; k++) *slope += e->s.g[k] * e->s.d[k];
    return 0;
}

/* The rounding regime, from e->s.eta with J = J(eta) (w->R = R(eta)): J's decrease is below what
 * double precision resolves, while the duality gap, first order in the residual where J is second
 * order, can still be above tol (it then needs R to about tol, J to about tol^2).  Full projected
 * Newton steps (damping NEWTON_DAMP) are taken while J does not rise above rounding (1e-13
 * relative) and judged by the gap of V(eta): a point that halves the best gap without raising the
 * objective above rounding replaces the best (V0, *FBEST, *GAP); the regime ends at the first step
 * that does not, after ROUND_STEPS steps, or when the gap meets tol (returns 1).  Each step counts
 * as an iteration. */
#define ROUND_STEPS 20
static int eta_rounding(glasso_work *w, eta_work *e, double J, double tol, size_t max_iter,
                        gsl_matrix *V, gsl_matrix *V0, double *fbest, size_t *it, double *gap)
{
    size_t K = w->A->size2;
    e->damp = NEWTON_DAMP;
    for (int step = 0; step < ROUND_STEPS && *it < max_iter; step++) {
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
        double slope;
        if (eta_projected_step(w, e, &slope) != 0) return 0;
        for (size_t k = 0; k < K; k++) e->s.et[k] = fmax(0, e->s.eta[k] + e->s.d[k]);
        double Jt = eta_J(w, e, e->s.et, e->s.Rt);
        if (!(isfinite(Jt) && Jt <= J + 1e-13 * fabs(J))) return 0;
        J = fmin(J, Jt);
        double *sw = e->s.eta;
        e->s.eta = e->s.et;
        e->s.et = sw;
        gsl_matrix_memcpy(w->R, e->s.Rt);
        (*it)++;
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
        glasso_eta_to_V(w, e->s.eta, V);
        glasso_residual(w, V, w->R2);
        double F = glasso_objective(w, w->R2, V), gp = glasso_gap(w, w->R2, V);
        if (!(gp < 0.5 * *gap && F <= *fbest + 1e-13 * fabs(*fbest))) return 0;
        *gap = gp;
        *fbest = fmin(*fbest, F);
        gsl_matrix_memcpy(V0, V);
        if (gp <= tol * fmax(F, 1e-300)) return 1;
    }
    return 0;
}

/* Refinement phase from V: projected Newton steps on J from eta_k = ||v_k|| while the duality
 * gap of V(eta) exceeds tol * objective, at most NEWTON_STEPS of them and while *IT < MAX_ITER
 * (each counts as an iteration).  Returns 1 when the gap criterion was met, 0 otherwise; V is
 * replaced by V(eta) only when its objective is not above that of the entry point, and *GAP then
 * holds its gap.  The phase ends when J no longer decreases measurably (a failed line search
 * or a decrease below 1e-3 tol J), after the rounding regime (eta_rounding). */
int glasso_newton_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                        double *gap)
{
    size_t K = V->size1, T = V->size2, N = w->A->size1;
    eta_work e = {0};
    int converged = 0;
    e.free_ = malloc(K * sizeof *e.free_);
    e.CF = gsl_matrix_alloc(K, T);
    gsl_matrix *V0 = gsl_matrix_alloc(K, T);
    if (glasso_eta_space_alloc(&e.s, N, K, T) != 0 || !e.free_ || !e.CF || !V0) goto done;
    gsl_matrix_memcpy(V0, V);
    glasso_residual(w, V, w->R);
    double Fbest = glasso_objective(w, w->R, V);
    for (size_t k = 0; k < K; k++) e.s.eta[k] = w->nz[k] ? glasso_row_norm(V, k) : 0;
    e.damp = NEWTON_DAMP0;
    double J = eta_J(w, &e, e.s.eta, w->R);
    for (int step = 0; step <= NEWTON_STEPS && isfinite(J); step++) {
        if (eta_eval(w, e.s.eta, tol, V, V0, &Fbest, gap)) {
            converged = 1;
            break;
        }
        if (step == NEWTON_STEPS || *it >= max_iter) break;
        /* duality_gap overwrote w->C: A^T R at eta again */
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
        if (eta_reduce(w, &e, &J) < 0) break;
        double slope;
        if (eta_projected_step(w, &e, &slope) != 0 || !(slope < 0)) break;
        int ok = 0, full = 1;
        for (double t = 1; t > 1e-12; t *= 0.5) {
            double lin = 0;
            for (size_t k = 0; k < K; k++) {
                e.s.et[k] = fmax(0, e.s.eta[k] + t * e.s.d[k]);
                lin += e.s.g[k] * (e.s.et[k] - e.s.eta[k]);
            }
            double Jt = eta_J(w, &e, e.s.et, e.s.Rt);
            if (isfinite(Jt) && Jt < J && Jt <= J + 1e-4 * lin) {
                ok = J - Jt <= 1e-3 * tol * fabs(J) ? 2 : 1;
                J = Jt;
                double *sw = e.s.eta;
                e.s.eta = e.s.et;
                e.s.et = sw;
                gsl_matrix_memcpy(w->R, e.s.Rt);
                break;
            }
            full = 0;
        }
        if (ok) (*it)++;
        if (ok == 2 && eta_eval(w, e.s.eta, tol, V, V0, &Fbest, gap)) { /* stationary */
            converged = 1;
            break;
        }
        if (ok != 1) { /* J no longer decreases measurably: the rounding regime, then stop */
            converged = eta_rounding(w, &e, J, tol, max_iter, V, V0, &Fbest, it, gap);
            break;
        }
        e.damp = full ? fmax(1e-2 * e.damp, NEWTON_DAMP) : fmin(10 * e.damp, 1.0);
    }
    gsl_matrix_memcpy(V, V0); /* the best point seen (the entry point when none was better) */
    glasso_refresh_active(w, V);
done:
    gsl_matrix_free(V0);
    eta_free(&e);
    return converged;
}


/* Support reduction at a solution V: eta_k = ||v_k||, u_k = v_k / eta_k.  While the vec(a_k u_k^T)
 * of the nonzero groups are dependent (glasso_null_direction), move eta along the null direction
 * delta oriented so that sum_k delta_k <= 0 (the penalty lambda sum eta_k does not grow; at an
 * exact optimum it is constant, as sum_k delta_k <a_k u_k^T, R> = 0 and <a_k u_k^T, R> =
 * lambda / (2a) on active groups) until the first eta_k reaches 0, where that group is set to 0.
 * The fit A V changes by at most the null tolerance; a move is kept only when the objective (on a
 * fresh residual) does not rise by more than 1e-13 relative, else the reduction stops. */
long glasso_sparsify(glasso_work *w, gsl_matrix *V)
{
    size_t K = V->size1, T = V->size2;
    long removed = 0;
    size_t *idx = malloc(K * sizeof *idx);
    double *delta = malloc(K * sizeof *delta), *eta = malloc(K * sizeof *eta);
    gsl_matrix *Udir = gsl_matrix_alloc(K, T), *Vt = gsl_matrix_alloc(K, T);
    if (!idx || !delta || !eta || !Udir || !Vt) {
        removed = -1;
        goto done;
    }
    for (size_t k = 0; k < K; k++) {
        eta[k] = w->nz[k] ? glasso_row_norm(V, k) : 0;
        for (size_t t = 0; t < T; t++)
            gsl_matrix_set(Udir, k, t, eta[k] > 0 ? gsl_matrix_get(V, k, t) / eta[k] : 0.0);
    }
    glasso_residual(w, V, w->R);
    double F = glasso_objective(w, w->R, V);
    for (;;) {
        size_t n = 0;
        for (size_t k = 0; k < K; k++)
            if (eta[k] > 0) idx[n++] = k;
        int st = glasso_null_direction(w, idx, n, Udir, 1, delta);
        if (st < 0) removed = -1;
        if (st != 1) break;
        double sum = 0;
        for (size_t j = 0; j < n; j++) sum += delta[j];
        if (sum > 0)
            for (size_t j = 0; j < n; j++) delta[j] = -delta[j];
        double tb = HUGE_VAL;
        size_t jb = 0;
        for (size_t j = 0; j < n; j++)
            if (delta[j] < 0 && eta[idx[j]] / -delta[j] < tb) {
                tb = eta[idx[j]] / -delta[j];
                jb = j;
            }
        if (!isfinite(tb)) break;
        gsl_matrix_memcpy(Vt, V);
        for (size_t j = 0; j < n; j++) {
            double e = j == jb ? 0 : fmax(0, eta[idx[j]] + tb * delta[j]);
            for (size_t t = 0; t < T; t++) gsl_matrix_set(Vt, idx[j], t, e * gsl_matrix_get(Udir, idx[j], t));
        }
        glasso_refresh_active(w, Vt);
        glasso_residual(w, Vt, w->R);
        double Ft = glasso_objective(w, w->R, Vt);
        if (!(Ft <= F + 1e-13 * fabs(F))) {
            glasso_refresh_active(w, V);
            break;
        }
        F = fmin(F, Ft);
        gsl_matrix_memcpy(V, Vt);
        for (size_t j = 0; j < n; j++) eta[idx[j]] = j == jb ? 0 : fmax(0, eta[idx[j]] + tb * delta[j]);
        for (size_t k = 0; k < K; k++)
            if (!w->nz[k]) eta[k] = 0;
        removed++;
    }
done:
    free(idx);
    free(delta);
    free(eta);
    gsl_matrix_free(Udir);
    gsl_matrix_free(Vt);
    return removed;
}
