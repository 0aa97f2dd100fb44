/* glasso_lars: the exact solution path of the single-task problem (T = 1, where the groups are
 * scalars and the group lasso is the lasso), by homotopy: LARS with the lasso modification
 * (Osborne, Presnell and Turlach 2000; Efron, Hastie, Johnstone and Tibshirani 2004).  Contract
 * in glasso_work.h.
 *
 * With c = A^T (B - A v) the optimality conditions of a ||B - A v||^2 + lambda ||v||_1 read
 * c_k = gamma sign(v_k) where v_k != 0 and |c_k| <= gamma elsewhere, gamma = lambda / (2a).  The
 * solution is piecewise linear in gamma: from gamma = max_k |c_k| (v = 0) down to the target, the
 * active set S with signs s moves along v_S += delta w, (A_S^T A_S) w = s, until an inactive
 * correlation reaches +-gamma (the column joins) or an active coefficient reaches 0 (it leaves).
 * Each step costs two passes over A (the correlations, recomputed from the residual so that
 * rounding does not accumulate, and A^T A_S w) and a solve with the Cholesky factor of
 * A_S^T A_S, updated when a column joins and rebuilt when one leaves.  A column within 1e-7
 * relative of the span of the active ones (the support reduction's threshold) does not join
 * (a column exactly in the span stays tight along the segment; a near-copy can drift past gamma,
 * and then the point misses tol and glasso.c's Newton phase continues from it); it may join again
 * after a column has left.  At the target the active part is solved once more from a QR
 * factorisation of A_S (finish_qr).  The path has at most rank(A) active columns, so the
 * result is sparse (a vertex of the solution set when the solution is not unique), which is what
 * makes it finish where coordinate descent crawls: ReLU features of near-parallel neurons give
 * many nearly tight columns (glasso.h). */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/glasso_work.h"

#define LARS_DEP 1e-14      /* squared distance to the active span, share of the squared norm */
#define LARS_MAX_ACTIVE 2000 /* larger min(N, K): no homotopy (the dense factor) */

typedef struct {
    size_t K, N, n, cap;   /* n active of at most cap */
    size_t *S;             /* the active columns, in the order of the factor */
    double *sg, *L, *wv;   /* their signs; L (cap x cap, row-major lower) with L L^T = A_S^T A_S */
    double *r, *u, *c, *q; /* residual and A_S w (N); correlations and A^T u (K) */
    double *v;             /* the coefficients (K) */
    unsigned char *state;  /* 0 inactive, 1 active, 2 dependent on the active ones */
} lars_work;

static void lars_free(lars_work *l)
{
    free(l->S);
    free(l->sg);
    free(l->L);
    free(l->wv);
    free(l->r);
    free(l->u);
    free(l->c);
    free(l->q);
    free(l->v);
    free(l->state);
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static const double *col(const glasso_work *w, size_t k)
{
    return w->At->data + k * w->At->tda;
}

/* The factor of the first N active columns (N >= 1) as a GSL matrix. */
static gsl_matrix_view factor(const lars_work *l, size_t n)
{
    return gsl_matrix_view_array_with_tda(l->L, n, n, l->cap);
}

/* Appends column k to the factor: 0, or 1 when it is dependent on the active columns (not added). */
static int factor_append(const glasso_work *w, lars_work *l, size_t k)
{
    size_t n = l->n, N = l->N;
    double *row = l->L + n * l->cap; /* L's new row: L_n row = A_S^T a_k */
    for (size_t i = 0; i < n; i++) row[i] = dot(col(w, l->S[i]), col(w, k), N);
    if (n > 0) {
        gsl_matrix_view F = factor(l, n);
        gsl_vector_view r = gsl_vector_view_array(row, n);
        gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, &F.matrix, &r.vector);
    }
    double d2 = w->nrm2[k] - dot(row, row, n);
    if (!(d2 > LARS_DEP * w->nrm2[k])) return 1;
    row[n] = sqrt(d2);
    l->S[n] = k;
    l->n = n + 1;
    return 0;
}

/* Removes active position p: the factor is rebuilt from the remaining columns (which stay
 * independent: a subset of independent columns). */
static void factor_remove(const glasso_work *w, lars_work *l, size_t p)
{
    size_t n = l->n;
    size_t *keep = l->S;
    for (size_t i = p; i + 1 < n; i++) {
        keep[i] = keep[i + 1];
        l->sg[i] = l->sg[i + 1];
    }
    l->n = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        size_t k = keep[i];
        double sg = l->sg[i];
        if (factor_append(w, l, k) != 0) { /* rounding made it dependent: it leaves too */
            l->v[k] = 0;
            l->state[k] = 0;
            continue;
        }
        l->sg[l->n - 1] = sg;
    }
}

/* x = (L L^T)^{-1} b (x may be b; at least one active column) */
static void factor_solve(const lars_work *l, const double *b, double *x)
{
    gsl_matrix_view F = factor(l, l->n);
    gsl_vector_view xv = gsl_vector_view_array(x, l->n);
    if (x != b) memcpy(x, b, l->n * sizeof *x);
    gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, &F.matrix, &xv.vector);
    gsl_blas_dtrsv(CblasLower, CblasTrans, CblasNonUnit, &F.matrix, &xv.vector);
}

/* r = B - A v over the active columns, c = A^T r. */
static void correlations(const glasso_work *w, lars_work *l)
{
    size_t N = l->N;
    for (size_t i = 0; i < N; i++) l->r[i] = w->B->data[i * w->B->tda];
    for (size_t p = 0; p < l->n; p++) {
        const double *a = col(w, l->S[p]);
        double vk = l->v[l->S[p]];
        for (size_t i = 0; i < N; i++) l->r[i] -= vk * a[i];
    }
    for (size_t k = 0; k < l->K; k++) l->c[k] = w->nrm2[k] > 0 ? dot(col(w, k), l->r, N) : 0;
}

/* The active part's final solve (see glasso_lars_phase): 0, -1 when out of memory. */
static int finish_qr(const glasso_work *w, lars_work *l, double target)
{
    size_t N = l->N, n = l->n;
    gsl_matrix *QR = gsl_matrix_alloc(N, n);
    gsl_vector *tau = gsl_vector_alloc(n), *y = gsl_vector_alloc(N), *z = gsl_vector_alloc(n);
    int status = -1;
    if (!QR || !tau || !y || !z) goto done;
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < N; i++) gsl_matrix_set(QR, i, p, col(w, l->S[p])[i]);
    gsl_linalg_QR_decomp(QR, tau);
    gsl_matrix_const_view R = gsl_matrix_const_submatrix(QR, 0, 0, n, n);
    for (size_t i = 0; i < N; i++) y->data[i] = w->B->data[i * w->B->tda];
    gsl_linalg_QR_QTvec(QR, tau, y);
    for (size_t p = 0; p < n; p++) z->data[p] = l->sg[p];
    gsl_blas_dtrsv(CblasUpper, CblasTrans, CblasNonUnit, &R.matrix, z); /* R^{-T} s */
    for (size_t p = 0; p < n; p++) z->data[p] = y->data[p] - target * z->data[p];
    gsl_blas_dtrsv(CblasUpper, CblasNoTrans, CblasNonUnit, &R.matrix, z);
    for (size_t p = 0; p < n; p++) l->v[l->S[p]] = z->data[p];
    for (int ref = 0; ref < 2; ref++) { /* v_S += (R^T R)^{-1} (c_S - gamma s) */
        correlations(w, l);
        for (size_t p = 0; p < n; p++) z->data[p] = l->c[l->S[p]] - target * l->sg[p];
        gsl_blas_dtrsv(CblasUpper, CblasTrans, CblasNonUnit, &R.matrix, z);
        gsl_blas_dtrsv(CblasUpper, CblasNoTrans, CblasNonUnit, &R.matrix, z);
        for (size_t p = 0; p < n; p++) l->v[l->S[p]] += z->data[p];
    }
    status = 0;
done:
    gsl_matrix_free(QR);
    gsl_vector_free(tau);
    gsl_vector_free(y);
    gsl_vector_free(z);
    return status;
}

int glasso_lars_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                      double *gap)
{
    size_t N = w->A->size1, K = w->A->size2;
    if (V->size2 != 1) return 0;
    lars_work l = {.K = K, .N = N, .cap = N < K ? N : K};
    if (l.cap > LARS_MAX_ACTIVE) return 0;
    l.S = malloc(l.cap * sizeof *l.S);
    l.sg = malloc(l.cap * sizeof *l.sg);
    l.L = malloc(l.cap * l.cap * sizeof *l.L);
    l.wv = malloc(l.cap * sizeof *l.wv);
    l.r = malloc(N * sizeof *l.r);
    l.u = malloc(N * sizeof *l.u);
    l.c = malloc(K * sizeof *l.c);
    l.q = malloc(K * sizeof *l.q);
    l.v = calloc(K, sizeof *l.v);
    l.state = calloc(K, 1);
    if (!l.S || !l.sg || !l.L || !l.wv || !l.r || !l.u || !l.c || !l.q || !l.v || !l.state) {
        lars_free(&l);
        return -1;
    }
    const double target = w->lambda / (2 * w->a);
    correlations(w, &l);
    double gamma = 0;
    size_t first = K;
    for (size_t k = 0; k < K; k++)
        if (fabs(l.c[k]) > gamma) gamma = fabs(l.c[k]), first = k;
    size_t dropped = K; /* the column that has just left may not join at once */
    if (gamma > target) {
        l.sg[0] = l.c[first] >= 0 ? 1 : -1;
        factor_append(w, &l, first); /* a nonzero column: independent of nothing */
        l.state[first] = 1;
    }
    while (gamma > target && l.n > 0 && *it < max_iter) {
        (*it)++;
        factor_solve(&l, l.sg, l.wv);
        memset(l.u, 0, N * sizeof *l.u);
        for (size_t p = 0; p < l.n; p++) {
            const double *a = col(w, l.S[p]);
            for (size_t i = 0; i < N; i++) l.u[i] += l.wv[p] * a[i];
        }
        /* the next event: the target, a join, or a coefficient reaching 0 */
        double delta = gamma - target;
        size_t join = K, drop = l.n;
        for (size_t k = 0; k < K; k++) {
            if (l.state[k] != 0 || w->nrm2[k] == 0 || k == dropped) continue;
            double ak = dot(col(w, k), l.u, N), ck = l.c[k];
            if (1 - ak > 0) {
                double d = fmax((gamma - ck) / (1 - ak), 0);
                if (d < delta) delta = d, join = k;
            }
            if (1 + ak > 0) {
                double d = fmax((gamma + ck) / (1 + ak), 0);
                if (d < delta) delta = d, join = k;
            }
        }
        for (size_t p = 0; p < l.n; p++) {
            double vk = l.v[l.S[p]], wk = l.wv[p];
            if (vk != 0 && vk * wk < 0 && -vk / wk < delta) delta = -vk / wk, drop = p, join = K;
        }
        for (size_t p = 0; p < l.n; p++) l.v[l.S[p]] += delta * l.wv[p];
        gamma -= delta;
        dropped = K;
        if (drop == l.n && join == K) break; /* the target reached */
        if (drop < l.n) {
            size_t k = l.S[drop];
            l.v[k] = 0;
            l.state[k] = 0;
            factor_remove(w, &l, drop);
            dropped = k;
            for (size_t j = 0; j < K; j++) /* the span shrank: dependent columns may join again */
                if (l.state[j] == 2) l.state[j] = 0;
        }
        correlations(w, &l);
        if (join < K) {
            if (factor_append(w, &l, join) == 0) {
                l.sg[l.n - 1] = l.c[join] >= 0 ? 1 : -1;
                l.state[join] = 1;
            } else {
                l.state[join] = 2;
            }
        }
    }
    /* At the target the active part solves A_S^T (B - A_S v_S) = gamma s exactly.  The increments
     * accumulated along the path carry the rounding of every segment, and the Gram matrix's
     * factor squares the condition number of A_S (near-parallel neurons), so the active part is
     * solved once more from a Householder QR of A_S itself, R v_S = Q^T B - gamma R^{-T} s, and
     * refined twice with the same factors (residual c_S - gamma s recomputed from the residual). */
    if (!(gamma > target) && l.n > 0 && finish_qr(w, &l, target) != 0) {
        lars_free(&l);
        return -1;
    }
    /* the path's point against the one on entry: keep the better, report whether it meets tol */
    glasso_residual(w, V, w->R);
    double F0 = glasso_objective(w, w->R, V);
    gsl_matrix *keep = gsl_matrix_alloc(K, 1);
    if (!keep) {
        lars_free(&l);
        return -1;
    }
    gsl_matrix_memcpy(keep, V);
    for (size_t k = 0; k < K; k++) gsl_matrix_set(V, k, 0, l.v[k]);
    glasso_refresh_active(w, V);
    glasso_residual(w, V, w->R);
    double F = glasso_objective(w, w->R, V), g = glasso_gap(w, w->R, V);
    int status = 0;
    if (g <= tol * fmax(F, 1e-300)) {
        *gap = g;
        status = 1;
    } else if (!(F < F0)) {
        gsl_matrix_memcpy(V, keep);
        glasso_refresh_active(w, V);
    }
    gsl_matrix_free(keep);
    lars_free(&l);
    return status;
}
