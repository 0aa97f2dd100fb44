/* Tests for glasso.c and certificate.c: the group lasso against a closed form (orthogonal columns), the KKT
 * conditions and lambda_max on random problems, the duality gap as a bound, warm starts, the
 * certificate against brute force, its value on an optimal univariate fit, the error paths, and the
 * sparse finishing step (known support with duplicated columns; the rank bound on random problems). */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/glasso.h"
#include "engine/certificate.h"
#include "core/err.h"

static gsl_matrix *randn(gsl_rng *r, size_t n, size_t m)
{
    gsl_matrix *M = gsl_matrix_alloc(n, m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) gsl_matrix_set(M, i, j, gsl_ran_gaussian(r, 1));
    return M;
}

static double rownorm(const gsl_matrix *M, size_t k)
{
    gsl_vector_const_view v = gsl_matrix_const_row(M, k);
    return gsl_blas_dnrm2(&v.vector);
}

/* E = Y - Phi V - Xs U - 1 c^T */
static gsl_matrix *full_resid(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                              const gsl_matrix *V, const gsl_matrix *U, const gsl_vector *c)
{
    gsl_matrix *E = gsl_matrix_alloc(Y->size1, Y->size2);
    for (size_t i = 0; i < Y->size1; i++)
        for (size_t t = 0; t < Y->size2; t++) {
            double f = gsl_vector_get(c, t);
            for (size_t k = 0; k < Phi->size2; k++)
                f += gsl_matrix_get(Phi, i, k) * gsl_matrix_get(V, k, t);
            if (Xs)
                for (size_t j = 0; j < Xs->size2; j++)
                    f += gsl_matrix_get(Xs, i, j) * gsl_matrix_get(U, j, t);
            gsl_matrix_set(E, i, t, gsl_matrix_get(Y, i, t) - f);
        }
    return E;
}

static double objective(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                        double lambda, const gsl_matrix *V, const gsl_matrix *U,
                        const gsl_vector *c)
{
    gsl_matrix *E = full_resid(Phi, Xs, Y, V, U, c);
    double s = 0;
    for (size_t i = 0; i < E->size1; i++)
        for (size_t t = 0; t < E->size2; t++) s += gsl_matrix_get(E, i, t) * gsl_matrix_get(E, i, t);
    s /= (double)(E->size1 * E->size2);
    for (size_t k = 0; k < V->size1; k++) s += lambda * rownorm(V, k);
    gsl_matrix_free(E);
    return s;
}

/* Least squares of M on [1 Xs] by GSL's SVD fit, column by column: c (T), U (p x T). */
static void ls_free(const gsl_matrix *Xs, const gsl_matrix *M, gsl_vector *c, gsl_matrix *U)
{
    size_t N = M->size1, p = Xs ? Xs->size2 : 0;
    gsl_matrix *A = gsl_matrix_alloc(N, 1 + p), *cov = gsl_matrix_alloc(1 + p, 1 + p);
    gsl_vector *coef = gsl_vector_alloc(1 + p);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(N, 1 + p);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(A, i, 0, 1);
        for (size_t j = 0; j < p; j++) gsl_matrix_set(A, i, 1 + j, gsl_matrix_get(Xs, i, j));
    }
    /* a column equal to an earlier one (the rank-deficient tests) gets coefficient 0 */
    for (size_t j = 1; j < p; j++) {
        gsl_vector_view xj = gsl_matrix_column(A, 1 + j), x0 = gsl_matrix_column(A, 1);
        if (gsl_vector_equal(&xj.vector, &x0.vector)) gsl_vector_set_zero(&xj.vector);
    }
    for (size_t t = 0; t < M->size2; t++) {
        gsl_vector_const_view y = gsl_matrix_const_column(M, t);
        double chisq;
        gsl_multifit_linear(A, &y.vector, coef, cov, &chisq, ws);
        gsl_vector_set(c, t, gsl_vector_get(coef, 0));
        for (size_t j = 0; j < p; j++) gsl_matrix_set(U, j, t, gsl_vector_get(coef, 1 + j));
    }
    gsl_multifit_linear_free(ws);
    gsl_matrix_free(A);
    gsl_matrix_free(cov);
    gsl_vector_free(coef);
}

/* C = (2/(NT)) Phi^T E at the given point */
static gsl_matrix *corr(const gsl_matrix *Phi, const gsl_matrix *E)
{
    gsl_matrix *C = gsl_matrix_alloc(Phi->size2, E->size2);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 2.0 / (double)(E->size1 * E->size2), Phi, E, 0.0, C);
    return C;
}

/* (1) Columns of Phi orthogonal to each other and to [1 Xs]: group soft-thresholding. */
static void test_closed_form(gsl_rng *r)
{
    double worst = 0, worst_free = 0;
    int zeros = 0, nonzeros = 0;
    for (int rep = 0; rep < 5; rep++) {
        size_t N = 30, p = rep % 3, K = 6, T = 1 + rep % 3;
        gsl_matrix *G = randn(r, N, N);
        for (size_t i = 0; i < N; i++) gsl_matrix_set(G, i, 0, 1);
        gsl_matrix *Xs = p ? gsl_matrix_alloc(N, p) : NULL;
        for (size_t j = 0; j < p; j++)
            for (size_t i = 0; i < N; i++) gsl_matrix_set(Xs, i, j, gsl_matrix_get(G, i, 1 + j));
        gsl_vector *tau = gsl_vector_alloc(N);
        gsl_linalg_QR_decomp(G, tau);
        gsl_matrix *Qf = gsl_matrix_alloc(N, N), *Rf = gsl_matrix_alloc(N, N);
        gsl_linalg_QR_unpack(G, tau, Qf, Rf);
        gsl_matrix *Phi = gsl_matrix_alloc(N, K);
        for (size_t k = 0; k < K; k++)
            for (size_t i = 0; i < N; i++)
                gsl_matrix_set(Phi, i, k, (0.5 + (double)k) * gsl_matrix_get(Qf, i, 1 + p + k));
        gsl_matrix *Y = randn(r, N, T);
        for (size_t i = 0; i < N; i++)
            for (size_t t = 0; t < T; t++)
                gsl_matrix_set(Y, i, t, gsl_matrix_get(Y, i, t) + 3 * gsl_matrix_get(Phi, i, 0) +
                                            2 * gsl_matrix_get(Phi, i, 3) + 1);
        double a = 1.0 / (double)(N * T);
        gsl_matrix *B = gsl_matrix_alloc(K, T); /* Phi^T Y */
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Phi, Y, 0.0, B);
        double nb[6], sorted[6];
        for (size_t k = 0; k < K; k++) sorted[k] = nb[k] = 2 * a * rownorm(B, k);
        for (size_t i = 0; i < K; i++) /* median of the thresholds: about half the groups die */
            for (size_t j = i + 1; j < K; j++)
                if (sorted[j] < sorted[i]) {
                    double x = sorted[i];
                    sorted[i] = sorted[j];
                    sorted[j] = x;
                }
        double lambda = 0.5 * (sorted[2] + sorted[3]);
        gsl_matrix *V = gsl_matrix_calloc(K, T), *U = p ? gsl_matrix_calloc(p, T) : NULL;
        gsl_vector *c = gsl_vector_calloc(T);
        repro_glasso_report rp;
        int st = repro_glasso_solve(Phi, Xs, Y, lambda, 1e-14, 100000, V, U, c, &rp);
        if (st != 0 || !rp.converged) printf("# closed form: st %d conv %d %s\n", st, rp.converged, repro_errmsg());
        for (size_t k = 0; k < K; k++) {
            double sk = 0.5 + (double)k, shrink = fmax(0, 1 - lambda / nb[k]);
            if (shrink > 0)
                nonzeros++;
            else
                zeros++;
            for (size_t t = 0; t < T; t++)
                worst = fmax(worst, fabs(gsl_matrix_get(V, k, t) -
                                         shrink * gsl_matrix_get(B, k, t) / (sk * sk)));
        }
        /* free part: Phi V is orthogonal to [1 Xs], so (c, U) = least squares of Y on [1 Xs] */
        gsl_vector *c2 = gsl_vector_alloc(T);
        gsl_matrix *U2 = p ? gsl_matrix_alloc(p, T) : NULL;
        ls_free(Xs, Y, c2, U2);
        for (size_t t = 0; t < T; t++) {
            worst_free = fmax(worst_free, fabs(gsl_vector_get(c, t) - gsl_vector_get(c2, t)));
            for (size_t j = 0; j < p; j++)
                worst_free = fmax(worst_free, fabs(gsl_matrix_get(U, j, t) - gsl_matrix_get(U2, j, t)));
        }
        gsl_matrix_free(G);
        gsl_matrix_free(Xs);
        gsl_vector_free(tau);
        gsl_matrix_free(Qf);
        gsl_matrix_free(Rf);
        gsl_matrix_free(Phi);
        gsl_matrix_free(Y);
        gsl_matrix_free(B);
        gsl_matrix_free(V);
        gsl_matrix_free(U);
        gsl_vector_free(c);
        gsl_vector_free(c2);
        gsl_matrix_free(U2);
    }
    CHECK_CLOSE(worst, 0, 1e-8, "orthogonal Phi: V equals group soft-thresholding");
    CHECK_CLOSE(worst_free, 0, 1e-10, "orthogonal Phi: (c, U) equal least squares on [1 Xs]");
    CHECK(zeros > 0 && nonzeros > 0, "closed form cases have both zero and nonzero groups");
}

/* lambda_max: the smallest lambda with V = 0 optimal, max_k ||(2/NT) Phi_k^T E0||, E0 the
 * residual of the least-squares fit on [1 Xs]. */
static double lambda_max(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y)
{
    size_t K = Phi->size2, T = Y->size2, p = Xs ? Xs->size2 : 0;
    gsl_vector *c = gsl_vector_alloc(T);
    gsl_matrix *U = p ? gsl_matrix_alloc(p, T) : NULL, *V = gsl_matrix_calloc(K, T);
    ls_free(Xs, Y, c, U);
    gsl_matrix *E = full_resid(Phi, Xs, Y, V, U, c), *C = corr(Phi, E);
    double m = 0;
    for (size_t k = 0; k < K; k++) m = fmax(m, rownorm(C, k));
    gsl_vector_free(c);
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_matrix_free(E);
    gsl_matrix_free(C);
    return m;
}

typedef struct {
    double active, inactive, free_part, zero_rows;
    int nactive;
} kkt_result;

/* KKT residuals at (V, U, c): active rows (2/NT) Phi_k^T E = lambda v_k/||v_k||, inactive
 * ||.|| <= lambda, and E orthogonal to 1 and Xs.  Errors relative to lambda (free part relative
 * to ||E|| times the column norms). */
static void kkt(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y, double lambda,
                const gsl_matrix *V, const gsl_matrix *U, const gsl_vector *c, kkt_result *kr)
{
    gsl_matrix *E = full_resid(Phi, Xs, Y, V, U, c), *C = corr(Phi, E);
    size_t N = Y->size1, T = Y->size2;
    for (size_t k = 0; k < V->size1; k++) {
        double nv = rownorm(V, k);
        if (nv > 0) {
            kr->nactive++;
            double e = 0;
            for (size_t t = 0; t < T; t++) {
                double d = gsl_matrix_get(C, k, t) - lambda * gsl_matrix_get(V, k, t) / nv;
                e += d * d;
            }
            kr->active = fmax(kr->active, sqrt(e) / lambda);
        } else {
            kr->inactive = fmax(kr->inactive, rownorm(C, k) / lambda - 1);
        }
    }
    double en = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++) en += gsl_matrix_get(E, i, t) * gsl_matrix_get(E, i, t);
    en = sqrt(en);
    size_t p = Xs ? Xs->size2 : 0;
    for (size_t j = 0; j <= p; j++)
        for (size_t t = 0; t < T; t++) {
            double s = 0, n = 0;
            for (size_t i = 0; i < N; i++) {
                double x = j == 0 ? 1 : gsl_matrix_get(Xs, i, j - 1);
                s += x * gsl_matrix_get(E, i, t);
                n += x * x;
            }
            kr->free_part = fmax(kr->free_part, fabs(s) / (sqrt(n) * en + 1e-300));
        }
    gsl_matrix_free(E);
    gsl_matrix_free(C);
}

/* (2) Random problems: KKT at the solution, and the exact lambda_max threshold. */
static void test_kkt(gsl_rng *r)
{
    kkt_result kr = {0};
    int notconv = 0, zero_above = 1, nonzero_below = 1;
    for (int rep = 0; rep < 40; rep++) {
        size_t N = 5 + gsl_rng_uniform_int(r, 30), K = 1 + gsl_rng_uniform_int(r, 50),
               T = 1 + gsl_rng_uniform_int(r, 4), p = gsl_rng_uniform_int(r, 3);
        gsl_matrix *Phi = randn(r, N, K), *Y = randn(r, N, T);
        for (size_t i = 0; i < N; i++) /* ReLU-like features, some duplicated columns */
            for (size_t k = 0; k < K; k++) gsl_matrix_set(Phi, i, k, fmax(0, gsl_matrix_get(Phi, i, k) + 0.3));
        if (K > 2) {
            gsl_vector_view c0 = gsl_matrix_column(Phi, 0), c1 = gsl_matrix_column(Phi, 1);
            gsl_vector_memcpy(&c1.vector, &c0.vector);
        }
        gsl_matrix *Xs = p ? randn(r, N, p) : NULL;
        if (p == 2 && rep % 2) { /* rank-deficient skip columns */
            gsl_vector_view x0 = gsl_matrix_column(Xs, 0), x1 = gsl_matrix_column(Xs, 1);
            gsl_vector_memcpy(&x1.vector, &x0.vector);
        }
        double lmax = lambda_max(Phi, Xs, Y);
        double lambda = lmax * pow(10, -2.5 * gsl_rng_uniform(r));
        gsl_matrix *V = randn(r, K, T), *U = p ? gsl_matrix_calloc(p, T) : NULL;
        gsl_vector *c = gsl_vector_calloc(T);
        repro_glasso_report rp;
        if (repro_glasso_solve(Phi, Xs, Y, lambda, 1e-11, 200000, V, U, c, &rp) != 0 || !rp.converged) {
            notconv++;
            printf("# kkt rep %d N %zu K %zu T %zu p %zu: %s gap %g obj %g it %zu\n", rep, N, K, T,
                   p, repro_errmsg(), rp.gap, rp.objective, rp.iterations);
        }
        kkt(Phi, Xs, Y, lambda, V, U, c, &kr);
        /* just above lambda_max the solution is exactly zero, just below it is not */
        gsl_matrix_set_all(V, 1.0);
        repro_glasso_solve(Phi, Xs, Y, 1.001 * lmax, 1e-10, 200000, V, U, c, &rp);
        for (size_t k = 0; k < K; k++) zero_above &= rownorm(V, k) == 0;
        repro_glasso_solve(Phi, Xs, Y, 0.99 * lmax, 1e-10, 200000, V, U, c, &rp);
        double tot = 0;
        for (size_t k = 0; k < K; k++) tot += rownorm(V, k);
        nonzero_below &= tot > 0;
        gsl_matrix_free(Phi);
        gsl_matrix_free(Y);
        gsl_matrix_free(Xs);
        gsl_matrix_free(V);
        gsl_matrix_free(U);
        gsl_vector_free(c);
    }
    CHECK(notconv == 0, "random problems: all converged to gap <= 1e-11 objective");
    CHECK_CLOSE(kr.active, 0, 1e-6, "KKT: active groups, (2/NT) Phi_k^T R = lambda v_k/||v_k||");
    CHECK(kr.inactive <= 1e-6, "KKT: inactive groups, ||(2/NT) Phi_k^T R|| <= lambda");
    CHECK_CLOSE(kr.free_part, 0, 1e-10, "KKT: residual orthogonal to 1 and Xs");
    CHECK(kr.nactive > 40, "KKT: many active groups were tested");
    CHECK(zero_above, "lambda = 1.001 lambda_max gives V = 0 exactly");
    CHECK(nonzero_below, "lambda = 0.99 lambda_max gives V != 0");
}

/* (3) The gap: at the solution >= 0 and <= tol objective; at a poor point it bounds the
 * suboptimality from above and is at most the gap of the unscaled-dual (s = min(1, .)) point. */
static void test_gap(gsl_rng *r)
{
    size_t N = 25, K = 40, T = 3, p = 1;
    gsl_matrix *Phi = randn(r, N, K), *Y = randn(r, N, T), *Xs = randn(r, N, p);
    double lambda = 0.1 * lambda_max(Phi, Xs, Y);
    gsl_matrix *V = gsl_matrix_calloc(K, T), *U = gsl_matrix_calloc(p, T);
    gsl_vector *c = gsl_vector_calloc(T);
    repro_glasso_report rp;
    int st = repro_glasso_solve(Phi, Xs, Y, lambda, 1e-12, 100000, V, U, c, &rp);
    CHECK(st == 0 && rp.converged, "gap problem converges");
    double Pstar = objective(Phi, Xs, Y, lambda, V, U, c);
    CHECK_CLOSE(rp.objective, Pstar, 1e-12 * Pstar, "reported objective = independent objective");
    CHECK(rp.gap >= 0 && rp.gap <= 1e-12 * rp.objective, "gap at the solution in [0, tol obj]");
    /* warm start at the solution: converged at once */
    gsl_matrix *V0 = gsl_matrix_alloc(K, T);
    gsl_matrix_memcpy(V0, V);
    repro_glasso_report rw;
    repro_glasso_solve(Phi, Xs, Y, lambda, 1e-12, 100000, V, U, c, &rw);
    CHECK(rw.converged && rw.iterations == 0, "warm start at the solution needs no iteration");
    CHECK(repro_glasso_solve(Phi, Xs, Y, lambda, 1e-12, 100000, V, U, c, NULL) == 0,
          "a NULL report is allowed");
    /* a poor point: V = 0.3 * solution, no iterations */
    gsl_matrix_scale(V0, 0.3);
    gsl_matrix_memcpy(V, V0);
    repro_glasso_report rb;
    st = repro_glasso_solve(Phi, Xs, Y, lambda, 1e-12, 0, V, U, c, &rb);
    double Pbad = objective(Phi, Xs, Y, lambda, V, U, c);
    CHECK(st == 0 && !rb.converged && rb.iterations == 0, "max_iter = 0 returns the start point");
    CHECK_CLOSE(rb.objective, Pbad, 1e-12 * Pbad, "objective at the poor point");
    CHECK(rb.gap >= (Pbad - Pstar) * (1 - 1e-9), "gap >= suboptimality at a poor point");
    /* the simple dual point Theta = -(2/NT) R min(1, lambda / max ||C_k||) */
    gsl_matrix *E = full_resid(Phi, Xs, Y, V, U, c), *C = corr(Phi, E);
    double cmax = 0, ee = 0, ey = 0;
    for (size_t k = 0; k < K; k++) cmax = fmax(cmax, rownorm(C, k));
    double s = fmin(1, lambda / cmax), a = 1.0 / (double)(N * T);
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++) {
            ee += gsl_matrix_get(E, i, t) * gsl_matrix_get(E, i, t);
            ey += gsl_matrix_get(E, i, t) * gsl_matrix_get(Y, i, t); /* E is orthogonal to 1, Xs */
        }
    double dual = a * (2 * s * ey - s * s * ee);
    CHECK(dual <= Pstar * (1 + 1e-10), "weak duality: the simple dual value <= optimum");
    CHECK(rb.gap <= (Pbad - dual) * (1 + 1e-10), "reported gap <= gap of the simple dual point");
    CHECK(rb.gap > 1e-3 * Pbad, "gap at a poor point is large");
    gsl_matrix_free(E);
    gsl_matrix_free(C);
    gsl_matrix_free(V0);
    gsl_matrix_free(Phi);
    gsl_matrix_free(Y);
    gsl_matrix_free(Xs);
    gsl_matrix_free(V);
    gsl_matrix_free(U);
    gsl_vector_free(c);
}

/* M minus its least-squares fit on [1 Xs] (GSL's SVD fit, column by column). */
static gsl_matrix *project_free(const gsl_matrix *Xs, const gsl_matrix *M)
{
    size_t N = M->size1, m = M->size2, p = Xs ? Xs->size2 : 0;
    gsl_vector *c = gsl_vector_alloc(m);
    gsl_matrix *U = p ? gsl_matrix_alloc(p, m) : NULL, *Z = gsl_matrix_calloc(1, m);
    gsl_matrix *O = gsl_matrix_calloc(N, 1);
    ls_free(Xs, M, c, U);
    gsl_matrix *P = full_resid(O, Xs, M, Z, U, c); /* M - 1 c^T - Xs U */
    gsl_vector_free(c);
    gsl_matrix_free(U);
    gsl_matrix_free(Z);
    gsl_matrix_free(O);
    return P;
}

/* Reference solver for the degenerate test: plain cyclic block coordinate descent (SWEEPS full
 * sweeps, no active set, no Newton) on the problem projected by project_free, then (c, U) by
 * ls_free on Y - Phi V.  Returns the dual value a (2 s <E, Y> - s^2 ||E||^2) of the dual point
 * -s (2/NT) E (E the final residual, orthogonal to 1 and Xs, s best in [0, lambda / max_k
 * ||C_k||]), a lower bound on the optimum. */
static double ref_bcd(const gsl_matrix *Phi, const gsl_matrix *Xs, const gsl_matrix *Y,
                      double lambda, size_t sweeps, gsl_matrix *V, gsl_matrix *U, gsl_vector *c)
{
    size_t N = Y->size1, T = Y->size2, K = Phi->size2;
    double a = 1.0 / (double)(N * T);
    gsl_matrix *A = project_free(Xs, Phi), *R = project_free(Xs, Y); /* R = PY - PPhi V */
    gsl_matrix_set_zero(V);
    double g[8];
    for (size_t it = 0; it < sweeps; it++)
        for (size_t k = 0; k < K; k++) {
            double n2 = 0, ng = 0;
            for (size_t i = 0; i < N; i++) n2 += gsl_matrix_get(A, i, k) * gsl_matrix_get(A, i, k);
            if (n2 == 0) continue;
            for (size_t t = 0; t < T; t++) {
                g[t] = n2 * gsl_matrix_get(V, k, t);
                for (size_t i = 0; i < N; i++) g[t] += gsl_matrix_get(A, i, k) * gsl_matrix_get(R, i, t);
                ng += g[t] * g[t];
            }
            ng = sqrt(ng);
            double shrink = 2 * a * ng > lambda ? (1 - lambda / (2 * a * ng)) / n2 : 0;
            for (size_t t = 0; t < T; t++) {
                double dv = shrink * g[t] - gsl_matrix_get(V, k, t);
                gsl_matrix_set(V, k, t, shrink * g[t]);
                for (size_t i = 0; i < N; i++)
                    gsl_matrix_set(R, i, t, gsl_matrix_get(R, i, t) - gsl_matrix_get(A, i, k) * dv);
            }
        }
    gsl_matrix_free(A);
    gsl_matrix_free(R);
    gsl_matrix *M = gsl_matrix_alloc(N, T); /* the free part: least squares of Y - Phi V */
    gsl_matrix_memcpy(M, Y);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, Phi, V, 1.0, M);
    ls_free(Xs, M, c, U);
    gsl_matrix_free(M);
    gsl_matrix *E = full_resid(Phi, Xs, Y, V, U, c), *C = corr(Phi, E);
    double cmax = 0, ee = 0, ey = 0;
    for (size_t k = 0; k < K; k++) cmax = fmax(cmax, rownorm(C, k));
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++) {
            ee += gsl_matrix_get(E, i, t) * gsl_matrix_get(E, i, t);
            ey += gsl_matrix_get(E, i, t) * gsl_matrix_get(Y, i, t);
        }
    /* the dual point -s (2/NT) E is feasible for s <= lambda / cmax; the best such s */
    double s = ee > 0 ? fmax(0, ey / ee) : 0;
    if (cmax > 0) s = fmin(s, lambda / cmax);
    gsl_matrix_free(E);
    gsl_matrix_free(C);
    return a * (2 * s * ey - s * s * ee);
}

/* (3b) A degenerate problem like the polish of Figure 4: N = 5 points, K = 20 ReLU columns with
 * knots clustered within 1e-6..1e-3 of the data points (near-duplicates), two exact duplicates,
 * the skip column, so the projected problem has rank 3.  The Newton refinement must reach
 * gap <= 1e-10 objective quickly; the KKT conditions are checked independently, and the objective
 * agrees with a reference BCD solution within that solution's own duality gap. */
static void test_degenerate(void)
{
    static const double xs[5] = {-2, -1, 0, 1, 2}, ys[5][2] = {{1.0, 0.5}, {0.0, 1}, {0.3, -0.2},
                                                               {1.5, 0.7}, {1.0, 0}};
    static const double knots[18] = {-1.0000027, -0.99976, -0.99685, -0.6752, -0.6625, -0.2821,
                                     -0.1168, -0.0852, -0.0431, -1.3e-4, 0.99996, 1.000002,
                                     1.0000365, 1.0000406, -1.0000009, 0.0000021, 0.9999998, 1.3};
    size_t N = 5, K = 20;
    for (size_t T = 1; T <= 2; T++) {
        gsl_matrix *Phi = gsl_matrix_alloc(N, K), *Xs = gsl_matrix_alloc(N, 1), *Y = gsl_matrix_alloc(N, T);
        for (size_t i = 0; i < N; i++) {
            gsl_matrix_set(Xs, i, 0, xs[i]);
            for (size_t t = 0; t < T; t++) gsl_matrix_set(Y, i, t, ys[i][t]);
            for (size_t k = 0; k < 18; k++) {
                double w = k % 3 == 2 ? -1 : 1; /* some neurons point left */
                gsl_matrix_set(Phi, i, k, fmax(0, w * (xs[i] - knots[k])));
            }
            gsl_matrix_set(Phi, i, 18, gsl_matrix_get(Phi, i, 0)); /* exact duplicates */
            gsl_matrix_set(Phi, i, 19, gsl_matrix_get(Phi, i, 10));
        }
        double lambda = 2e-5;
        gsl_matrix *V = gsl_matrix_calloc(K, T), *U = gsl_matrix_calloc(1, T);
        gsl_vector *c = gsl_vector_calloc(T);
        repro_glasso_report rp;
        int st = repro_glasso_solve(Phi, Xs, Y, lambda, 1e-10, 100000, V, U, c, &rp);
        char name[160];
        snprintf(name, sizeof name, "degenerate T = %zu: converged to gap <= 1e-10 objective", T);
        CHECK(st == 0 && rp.converged && rp.gap <= 1e-10 * rp.objective, name);
        snprintf(name, sizeof name, "degenerate T = %zu: within 20000 iterations (got %zu)", T,
                 rp.iterations);
        CHECK(rp.iterations <= 20000, name);
        double P = objective(Phi, Xs, Y, lambda, V, U, c);
        snprintf(name, sizeof name, "degenerate T = %zu: reported objective = independent one", T);
        CHECK_CLOSE(rp.objective, P, 1e-12 * P, name);
        kkt_result kr = {0};
        kkt(Phi, Xs, Y, lambda, V, U, c, &kr);
        snprintf(name, sizeof name, "degenerate T = %zu: KKT on the active groups", T);
        CHECK_CLOSE(kr.active, 0, 1e-6, name);
        snprintf(name, sizeof name, "degenerate T = %zu: KKT on the inactive groups", T);
        CHECK(kr.inactive <= 1e-6, name);
        snprintf(name, sizeof name, "degenerate T = %zu: KKT, residual orthogonal to 1 and x", T);
        CHECK_CLOSE(kr.free_part, 0, 1e-9, name);
        snprintf(name, sizeof name, "degenerate T = %zu: some groups are active", T);
        CHECK(kr.nactive >= 2, name);
        /* the reference BCD: P_ref - dual_ref bounds both P_ref - P* and P - P* from above */
        gsl_matrix *V2 = gsl_matrix_calloc(K, T), *U2 = gsl_matrix_calloc(1, T);
        gsl_vector *c2 = gsl_vector_calloc(T);
        double dual = ref_bcd(Phi, Xs, Y, lambda, 20000, V2, U2, c2);
        double Pref = objective(Phi, Xs, Y, lambda, V2, U2, c2);
        snprintf(name, sizeof name, "degenerate T = %zu: objective >= reference dual value", T);
        CHECK(P >= dual * (1 - 1e-12), name);
        snprintf(name, sizeof name, "degenerate T = %zu: objective <= reference BCD objective", T);
        CHECK(P <= Pref * (1 + 1e-12), name);
        snprintf(name, sizeof name, "degenerate T = %zu: reference gap is meaningful (%.3g)", T,
                 (Pref - dual) / Pref);
        CHECK(Pref - dual < 0.1 * Pref, name);
        gsl_matrix_free(V2);
        gsl_matrix_free(U2);
        gsl_vector_free(c2);
        gsl_matrix_free(Phi);
        gsl_matrix_free(Xs);
        gsl_matrix_free(Y);
        gsl_matrix_free(V);
        gsl_matrix_free(U);
        gsl_vector_free(c);
    }
}

/* ||R^T (X w + b)_+|| directly */
static double neuron_corr(const gsl_matrix *X, const gsl_matrix *R, const double *w, double b)
{
    double n2 = 0;
    for (size_t t = 0; t < R->size2; t++) {
        double s = 0;
        for (size_t i = 0; i < X->size1; i++) {
            double z = b;
            for (size_t j = 0; j < X->size2; j++) z += gsl_matrix_get(X, i, j) * w[j];
            if (z > 0) s += gsl_matrix_get(R, i, t) * z;
        }
        n2 += s * s;
    }
    return sqrt(n2);
}

static void center_columns(gsl_matrix *R)
{
    for (size_t t = 0; t < R->size2; t++) {
        double m = 0;
        for (size_t i = 0; i < R->size1; i++) m += gsl_matrix_get(R, i, t);
        m /= (double)R->size1;
        for (size_t i = 0; i < R->size1; i++) gsl_matrix_set(R, i, t, gsl_matrix_get(R, i, t) - m);
    }
}

/* (4a) Breakpoints against brute force. */
static void test_certificate_brute(gsl_rng *r)
{
    double worst_bp = 0, worst_grid = 0, worst_wb = 0, worst_2d = 0, worst_emb = 0;
    for (int rep = 0; rep < 20; rep++) {
        size_t N = 3 + gsl_rng_uniform_int(r, 15), T = 1 + gsl_rng_uniform_int(r, 4);
        gsl_matrix *X = randn(r, N, 1), *R = randn(r, N, T);
        gsl_matrix_add_constant(X, 5.0 * (rep % 3)); /* offset data */
        center_columns(R);
        double lambda = 0.7, a = 2.0 / (double)(N * T) / lambda, ratio, b;
        gsl_vector *w = gsl_vector_alloc(1);
        repro_certificate(X, R, lambda, 0, 1, &ratio, w, &b);
        double bp = 0, grid = 0, lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t i = 0; i < N; i++) {
            double x = gsl_matrix_get(X, i, 0);
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
        for (int s = -1; s <= 1; s += 2) {
            double ws = s;
            for (size_t i = 0; i < N; i++)
                bp = fmax(bp, a * neuron_corr(X, R, &ws, -ws * gsl_matrix_get(X, i, 0)));
            for (int m = 0; m <= 4000; m++) {
                double kappa = lo - 2 + (hi - lo + 4) * m / 4000.0;
                grid = fmax(grid, a * neuron_corr(X, R, &ws, -ws * kappa));
            }
        }
        worst_bp = fmax(worst_bp, fabs(ratio - bp) / bp);
        worst_grid = fmax(worst_grid, grid / ratio - 1);
        double wv = gsl_vector_get(w, 0);
        worst_wb = fmax(worst_wb, fabs(a * neuron_corr(X, R, &wv, b) - ratio) / ratio +
                                      fabs(fabs(wv) - 1));
        /* the same data embedded in 2-D as (x, 0): directions 0 and pi give the 1-D value */
        gsl_matrix *X2 = gsl_matrix_calloc(N, 2);
        for (size_t i = 0; i < N; i++) gsl_matrix_set(X2, i, 0, gsl_matrix_get(X, i, 0));
        double ratio2;
        repro_certificate(X2, R, lambda, 8, 1, &ratio2, NULL, NULL);
        worst_emb = fmax(worst_emb, fabs(ratio2 - ratio) / ratio);
        /* 2-D random data: brute force over the documented directions and all breakpoints */
        gsl_matrix *Y2 = randn(r, N, 2);
        size_t ng = 12;
        repro_certificate(Y2, R, lambda, ng, 1, &ratio2, NULL, NULL);
        double brute = 0;
        for (size_t j = 0; j < ng; j++) {
            double th = 2 * M_PI * (double)j / (double)ng, dir[2] = {cos(th), sin(th)};
            for (size_t i = 0; i < N; i++) {
                double bb = -(dir[0] * gsl_matrix_get(Y2, i, 0) + dir[1] * gsl_matrix_get(Y2, i, 1));
                brute = fmax(brute, a * neuron_corr(Y2, R, dir, bb));
            }
        }
        worst_2d = fmax(worst_2d, fabs(ratio2 - brute) / brute);
        gsl_matrix_free(X2);
        gsl_matrix_free(Y2);
        gsl_matrix_free(X);
        gsl_matrix_free(R);
        gsl_vector_free(w);
    }
    CHECK_CLOSE(worst_bp, 0, 1e-12, "1-D certificate = brute force over breakpoints");
    CHECK(worst_grid <= 1e-12, "1-D: no b on a dense grid beats the breakpoints (R^T 1 = 0)");
    CHECK_CLOSE(worst_wb, 0, 1e-12, "1-D: the returned (w, b) attains the ratio");
    CHECK_CLOSE(worst_emb, 0, 1e-12, "2-D embedding of 1-D data gives the 1-D ratio");
    CHECK_CLOSE(worst_2d, 0, 1e-12, "2-D certificate = brute force over directions x breakpoints");
}

/* (4b) d > 2: reproducible from the seed, nested in ngrid, (w, b) attains the ratio. */
static void test_certificate_highdim(gsl_rng *r)
{
    size_t N = 20, d = 5, T = 3;
    gsl_matrix *X = randn(r, N, d), *R = randn(r, N, T);
    center_columns(R);
    gsl_vector *w = gsl_vector_alloc(d);
    double r1, r2, r3, b;
    repro_certificate(X, R, 0.5, 50, 42, &r1, w, &b);
    repro_certificate(X, R, 0.5, 50, 42, &r2, NULL, NULL);
    repro_certificate(X, R, 0.5, 200, 42, &r3, NULL, NULL);
    CHECK(r1 == r2, "d = 5: same seed, same ratio");
    CHECK(r3 >= r1, "d = 5: more directions (a superset) never lower the ratio");
    double wv[5], nw = 0;
    for (size_t j = 0; j < d; j++) {
        wv[j] = gsl_vector_get(w, j);
        nw += wv[j] * wv[j];
    }
    CHECK_CLOSE(sqrt(nw), 1, 1e-14, "d = 5: returned w has unit norm");
    CHECK_CLOSE(2.0 / (double)(N * T) / 0.5 * neuron_corr(X, R, wv, b), r1, 1e-12 * r1,
                "d = 5: returned (w, b) attains the ratio");
    gsl_matrix_free(X);
    gsl_matrix_free(R);
    gsl_vector_free(w);
}

/* (4c) The group lasso over all data-knot neurons in 1-D: its certificate is 1 at the optimum. */
static void test_certificate_optimal(gsl_rng *r)
{
    double worst_hi = 0, worst_lo = 0;
    for (int rep = 0; rep < 6; rep++) {
        size_t N = 6 + gsl_rng_uniform_int(r, 6), T = 1 + rep % 3, K = 2 * N;
        int skip = rep % 2;
        gsl_matrix *X = gsl_matrix_alloc(N, 1), *Y = randn(r, N, T), *Phi = gsl_matrix_alloc(N, K);
        double at = 0;
        for (size_t i = 0; i < N; i++) {
            at += 0.2 + gsl_rng_uniform(r);
            gsl_matrix_set(X, i, 0, at);
        }
        for (size_t j = 0; j < N; j++)
            for (size_t i = 0; i < N; i++) {
                double d = gsl_matrix_get(X, i, 0) - gsl_matrix_get(X, j, 0);
                gsl_matrix_set(Phi, i, j, fmax(d, 0));
                gsl_matrix_set(Phi, i, N + j, fmax(-d, 0));
            }
        const gsl_matrix *Xs = skip ? X : NULL;
        double lambda = 0.2 * lambda_max(Phi, Xs, Y);
        gsl_matrix *V = gsl_matrix_calloc(K, T), *U = skip ? gsl_matrix_calloc(1, T) : NULL;
        gsl_vector *c = gsl_vector_calloc(T);
        repro_glasso_report rp;
        repro_glasso_solve(Phi, Xs, Y, lambda, 1e-12, 500000, V, U, c, &rp);
        gsl_matrix *E = full_resid(Phi, Xs, Y, V, U, c);
        double ratio;
        repro_certificate(X, E, lambda, 101, 1, &ratio, NULL, NULL);
        worst_hi = fmax(worst_hi, ratio - 1);
        worst_lo = fmax(worst_lo, 1 - ratio);
        gsl_matrix_free(X);
        gsl_matrix_free(Y);
        gsl_matrix_free(Phi);
        gsl_matrix_free(V);
        gsl_matrix_free(U);
        gsl_vector_free(c);
        gsl_matrix_free(E);
    }
    CHECK(worst_hi <= 1e-6, "optimal 1-D fit over all data knots: certificate <= 1 + 1e-6");
    CHECK(worst_lo <= 1e-6, "optimal 1-D fit: certificate >= 1 - 1e-6 (active neurons attain it)");
}

static int err_has(int st, const char *needle)
{
    return st == -1 && strstr(repro_errmsg(), needle) != NULL;
}

/* (5) Bad inputs. */
static void test_errors(void)
{
    gsl_matrix *Phi = gsl_matrix_calloc(5, 3), *Y = gsl_matrix_calloc(5, 2), *Y4 = gsl_matrix_calloc(4, 2),
               *V = gsl_matrix_calloc(3, 2), *Vb = gsl_matrix_calloc(3, 3), *Xs = gsl_matrix_calloc(5, 1),
               *U = gsl_matrix_calloc(1, 2), *Ub = gsl_matrix_calloc(2, 2), *Xs4 = gsl_matrix_calloc(4, 1);
    gsl_vector *c = gsl_vector_calloc(2), *cb = gsl_vector_calloc(3);
    repro_glasso_report rp;
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y4, 1, 1e-8, 10, V, NULL, c, &rp), "Y"),
          "glasso: Y rows mismatch");
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 1, 1e-8, 10, Vb, NULL, c, &rp), "V must be"),
          "glasso: V shape");
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 1, 1e-8, 10, V, NULL, cb, &rp), "c must"),
          "glasso: c length");
    CHECK(err_has(repro_glasso_solve(Phi, Xs, Y, 1, 1e-8, 10, V, NULL, c, &rp), "Xs and U"),
          "glasso: Xs without U");
    CHECK(err_has(repro_glasso_solve(Phi, Xs, Y, 1, 1e-8, 10, V, Ub, c, &rp), "U must be"),
          "glasso: U shape");
    CHECK(err_has(repro_glasso_solve(Phi, Xs4, Y, 1, 1e-8, 10, V, U, c, &rp), "Xs must"),
          "glasso: Xs rows");
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 0, 1e-8, 10, V, NULL, c, &rp), "lambda"),
          "glasso: lambda = 0");
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, -1, 1e-8, 10, V, NULL, c, &rp), "lambda"),
          "glasso: lambda < 0");
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, NAN, 1e-8, 10, V, NULL, c, &rp), "lambda"),
          "glasso: lambda NaN");
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 1, 0, 10, V, NULL, c, &rp), "tol"),
          "glasso: tol = 0");
    gsl_matrix_set(Phi, 2, 1, NAN);
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 1, 1e-8, 10, V, NULL, c, &rp), "Phi"),
          "glasso: NaN in Phi");
    gsl_matrix_set(Phi, 2, 1, 0);
    gsl_matrix_set(Y, 0, 1, INFINITY);
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 1, 1e-8, 10, V, NULL, c, &rp), "Y"),
          "glasso: Inf in Y");
    gsl_matrix_set(Y, 0, 1, 1);
    gsl_matrix_set(V, 0, 0, NAN);
    CHECK(err_has(repro_glasso_solve(Phi, NULL, Y, 1, 1e-8, 10, V, NULL, c, &rp), "V"),
          "glasso: NaN in the start V");
    gsl_matrix_set(V, 0, 0, 0);
    /* Phi = 0: V = 0 is optimal, c = column means */
    gsl_matrix_set(Y, 3, 0, 5);
    int st = repro_glasso_solve(Phi, NULL, Y, 1, 1e-8, 10, V, NULL, c, &rp);
    CHECK(st == 0 && rp.converged && gsl_matrix_isnull(V) && fabs(gsl_vector_get(c, 0) - 1) < 1e-15 &&
              fabs(gsl_vector_get(c, 1) - 0.2) < 1e-15,
          "glasso: Phi = 0 gives V = 0 and c = mean of Y");

    gsl_matrix *X = gsl_matrix_calloc(5, 2), *R = gsl_matrix_calloc(5, 2), *R4 = gsl_matrix_calloc(4, 2);
    gsl_vector *w3 = gsl_vector_alloc(3);
    double ratio;
    CHECK(err_has(repro_certificate(X, R4, 1, 8, 1, &ratio, NULL, NULL), "R must"),
          "certificate: R rows mismatch");
    CHECK(err_has(repro_certificate(X, R, 0, 8, 1, &ratio, NULL, NULL), "lambda"),
          "certificate: lambda = 0");
    CHECK(err_has(repro_certificate(X, R, NAN, 8, 1, &ratio, NULL, NULL), "lambda"),
          "certificate: lambda NaN");
    CHECK(err_has(repro_certificate(X, R, 1, 0, 1, &ratio, NULL, NULL), "ngrid"),
          "certificate: ngrid = 0 with d = 2");
    CHECK(err_has(repro_certificate(X, R, 1, 8, 1, &ratio, w3, NULL), "w must"),
          "certificate: w length");
    CHECK(err_has(repro_certificate(X, R, 1, 8, 1, NULL, NULL, NULL), "ratio"),
          "certificate: ratio NULL");
    gsl_matrix_set(X, 1, 1, NAN);
    CHECK(err_has(repro_certificate(X, R, 1, 8, 1, &ratio, NULL, NULL), "X has"),
          "certificate: NaN in X");
    gsl_matrix_set(X, 1, 1, 0);
    gsl_matrix_set(R, 1, 1, NAN);
    CHECK(err_has(repro_certificate(X, R, 1, 8, 1, &ratio, NULL, NULL), "R has"),
          "certificate: NaN in R");
    gsl_matrix *m[] = {Phi, Y, Y4, V, Vb, Xs, U, Ub, Xs4, X, R, R4};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) gsl_matrix_free(m[i]);
    gsl_vector_free(c);
    gsl_vector_free(cb);
    gsl_vector_free(w3);
}

/* (5) The sparse finishing step.  (a) Known support: columns p1, p2, p3 (random, N = 6) and exact
 * copies p1, p1, p2; the optimum of the three-column problem, spread evenly over the copies, is
 * an optimum of the six-column one (same fit, same penalty); repro_glasso_sparsify must leave one
 * column per cluster carrying the cluster's whole weight, the fit and objective unchanged.
 * (b) Random problems with K >> N: after the solve and the finishing step at most rank-many groups
 * (N - 1 for T = 1, (N - 1) T in general, one less per skip column), objective and gap kept. */
static size_t nonzero_groups(const gsl_matrix *V)
{
    size_t n = 0;
    for (size_t k = 0; k < V->size1; k++) n += rownorm(V, k) > 0;
    return n;
}

static void test_sparsify(gsl_rng *r)
{
    size_t N = 6;
    gsl_matrix *P3 = gsl_matrix_alloc(N, 3), *Phi = gsl_matrix_alloc(N, 6), *Y = gsl_matrix_alloc(N, 1);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < 3; j++) gsl_matrix_set(P3, i, j, fabs(gsl_ran_gaussian(r, 1)));
        gsl_matrix_set(Y, i, 0, gsl_ran_gaussian(r, 1));
    }
    static const size_t src[6] = {0, 1, 2, 0, 0, 1};
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < 6; j++) gsl_matrix_set(Phi, i, j, gsl_matrix_get(P3, i, src[j]));
    double lambda = 0.02;
    gsl_matrix *V3 = gsl_matrix_calloc(3, 1), *V = gsl_matrix_calloc(6, 1);
    gsl_vector *c3 = gsl_vector_calloc(1), *c = gsl_vector_calloc(1);
    repro_glasso_report r3, rs;
    int st = repro_glasso_solve(P3, NULL, Y, lambda, 1e-13, 100000, V3, NULL, c3, &r3);
    CHECK(st == 0 && r3.converged, "sparsify: the three-column problem converges");
    static const double share[6] = {1.0 / 3, 0.5, 1, 1.0 / 3, 1.0 / 3, 0.5};
    for (size_t j = 0; j < 6; j++) gsl_matrix_set(V, j, 0, share[j] * gsl_matrix_get(V3, src[j], 0));
    gsl_vector_memcpy(c, c3);
    double P0 = objective(Phi, NULL, Y, lambda, V, NULL, c);
    CHECK_CLOSE(P0, r3.objective, 1e-12 * r3.objective, "sparsify: the spread point has the optimal objective");
    st = repro_glasso_sparsify(Phi, NULL, Y, lambda, V, NULL, c, &rs);
    CHECK(st == 0, "sparsify: returns 0");
    size_t want = nonzero_groups(V3);
    CHECK(want >= 2, "sparsify: the known support has at least two groups");
    char name[160];
    snprintf(name, sizeof name, "sparsify: support size %zu = that of the distinct problem %zu",
             nonzero_groups(V), want);
    CHECK(nonzero_groups(V) == want, name);
    for (size_t q = 0; q < 3; q++) {
        double sum = 0;
        size_t used = 0;
        for (size_t j = 0; j < 6; j++)
            if (src[j] == q) {
                sum += gsl_matrix_get(V, j, 0);
                used += gsl_matrix_get(V, j, 0) != 0;
            }
        snprintf(name, sizeof name, "sparsify: cluster %zu carries its whole weight", q);
        CHECK_CLOSE(sum, gsl_matrix_get(V3, q, 0), 1e-10 * (1 + fabs(gsl_matrix_get(V3, q, 0))), name);
        snprintf(name, sizeof name, "sparsify: cluster %zu uses at most one column", q);
        CHECK(used <= 1, name);
    }
    double P1 = objective(Phi, NULL, Y, lambda, V, NULL, c);
    CHECK_CLOSE(P1, P0, 1e-12 * P0, "sparsify: objective unchanged (independent evaluation)");
    CHECK_CLOSE(rs.objective, P1, 1e-12 * P1, "sparsify: reported objective");
    CHECK(rs.iterations >= 1 && rs.iterations <= 6 - nonzero_groups(V),
          "sparsify: reports the moves made (each zeroes at least one group)");
    gsl_matrix_free(P3);
    gsl_matrix_free(Phi);
    gsl_matrix_free(Y);
    gsl_matrix_free(V3);
    gsl_matrix_free(V);
    gsl_vector_free(c3);
    gsl_vector_free(c);

    /* (b) random ReLU-like problems, K = 60 >> N = 7, T = 1 and 2, with and without a skip column */
    N = 7;
    size_t K = 60;
    for (size_t T = 1; T <= 2; T++)
        for (int skip = 0; skip <= 1; skip++) {
            gsl_matrix *X = gsl_matrix_alloc(N, 1), *Ph = gsl_matrix_alloc(N, K), *Yb = gsl_matrix_alloc(N, T);
            for (size_t i = 0; i < N; i++) {
                double x = -1 + 2.0 * (double)i / (double)(N - 1);
                gsl_matrix_set(X, i, 0, x);
                for (size_t t = 0; t < T; t++) gsl_matrix_set(Yb, i, t, gsl_ran_gaussian(r, 1));
            }
            for (size_t k = 0; k < K; k++) {
                double knot = gsl_ran_flat(r, -1.2, 1.2), sg = k % 2 ? 1 : -1;
                for (size_t i = 0; i < N; i++)
                    gsl_matrix_set(Ph, i, k, fmax(0, sg * (gsl_matrix_get(X, i, 0) - knot)));
            }
            gsl_matrix *Vb = gsl_matrix_calloc(K, T), *Ub = skip ? gsl_matrix_calloc(1, T) : NULL;
            gsl_vector *cb = gsl_vector_calloc(T);
            /* a dense start: every group nonzero, then a solve (BCD keeps many of them) */
            for (size_t k = 0; k < K; k++)
                for (size_t t = 0; t < T; t++) gsl_matrix_set(Vb, k, t, 0.01);
            repro_glasso_report ra, rb;
            double lam = 1e-4;
            st = repro_glasso_solve(Ph, skip ? X : NULL, Yb, lam, 1e-12, 100000, Vb, Ub, cb, &ra);
            double Pa = objective(Ph, skip ? X : NULL, Yb, lam, Vb, Ub, cb);
            st |= repro_glasso_sparsify(Ph, skip ? X : NULL, Yb, lam, Vb, Ub, cb, &rb);
            double Pb = objective(Ph, skip ? X : NULL, Yb, lam, Vb, Ub, cb);
            size_t bound = (N - 1 - (size_t)skip) * T;
            snprintf(name, sizeof name, "sparsify T = %zu skip = %d: at most %zu groups (got %zu, %zu before)",
                     T, skip, bound, nonzero_groups(Vb), nonzero_groups(Vb) + rb.iterations);
            CHECK(st == 0 && nonzero_groups(Vb) <= bound, name);
            snprintf(name, sizeof name, "sparsify T = %zu skip = %d: objective not raised", T, skip);
            CHECK(Pb <= Pa * (1 + 1e-12), name);
            snprintf(name, sizeof name, "sparsify T = %zu skip = %d: still optimal (gap %.2g)", T, skip,
                     rb.gap / rb.objective);
            CHECK(rb.gap <= 1e-9 * rb.objective, name);
            gsl_matrix_free(X);
            gsl_matrix_free(Ph);
            gsl_matrix_free(Yb);
            gsl_matrix_free(Vb);
            if (Ub) gsl_matrix_free(Ub);
            gsl_vector_free(cb);
        }
}

/* (3c) The regime of Figures 5 and 7: eight points in the plane (two squares), K = 400 ReLU
 * features, T = 41 tasks (the squares' labels and 40 random 0/1 tasks), lambda = 1e-3 / T: many
 * neurons nearly tight at the optimum, where block coordinate descent and the projected Newton
 * phase used to run into their iteration cap (README, "The polish").  The solve must converge
 * (gap <= 1e-10 objective) well inside the cap, from two different starting points, to the same
 * objective and the same fit (unique at the optimum), satisfy the KKT conditions (checked here
 * independently) and leave exact zeros: no group below 1e-6 of the largest (the interior-point
 * phase's near-zero weights must not survive). */
static void test_multitask_tight(gsl_rng *r)
{
    const double sq[8][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1},
                             {-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
    size_t N = 8, K = 400, T = 41;
    gsl_matrix *Phi = gsl_matrix_alloc(N, K), *Y = gsl_matrix_alloc(N, T);
    for (size_t k = 0; k < K; k++) {
        double th = 2 * M_PI * gsl_rng_uniform(r), b = gsl_ran_gaussian(r, 0.7);
        for (size_t i = 0; i < N; i++)
            gsl_matrix_set(Phi, i, k, fmax(0, cos(th) * sq[i][0] + sin(th) * sq[i][1] + b));
    }
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++)
            gsl_matrix_set(Y, i, t, t == 0 ? (i >= 4) : (double)(gsl_rng_uniform(r) < 0.5));
    double lambda = 1e-3 / (double)T;
    gsl_matrix *V[2], *F[2];
    gsl_vector *c[2];
    repro_glasso_report rp[2];
    kkt_result kr = {0};
    int tiny = 0;
    for (int run = 0; run < 2; run++) {
        V[run] = run == 0 ? gsl_matrix_calloc(K, T) : randn(r, K, T);
        c[run] = gsl_vector_calloc(T);
        CHECK(repro_glasso_solve(Phi, NULL, Y, lambda, 1e-10, 20000, V[run], NULL, c[run], &rp[run]) == 0,
              "multi-task tight problem: solved");
        kkt(Phi, NULL, Y, lambda, V[run], NULL, c[run], &kr);
        double vmax = 0;
        for (size_t k = 0; k < K; k++) vmax = fmax(vmax, rownorm(V[run], k));
        for (size_t k = 0; k < K; k++) tiny += rownorm(V[run], k) > 0 && rownorm(V[run], k) <= 1e-6 * vmax;
        F[run] = gsl_matrix_alloc(N, T); /* the fit Phi V + 1 c^T */
        for (size_t i = 0; i < N; i++)
            for (size_t t = 0; t < T; t++) {
                double f = gsl_vector_get(c[run], t);
                for (size_t k = 0; k < K; k++) f += gsl_matrix_get(Phi, i, k) * gsl_matrix_get(V[run], k, t);
                gsl_matrix_set(F[run], i, t, f);
            }
        printf("# multi-task tight, start %d: %zu iterations, gap %.2e of objective %.12e, %d active\n",
               run, rp[run].iterations, rp[run].gap / rp[run].objective, rp[run].objective, kr.nactive);
    }
    CHECK(rp[0].converged && rp[1].converged, "multi-task tight problem: gap <= 1e-10 objective from both starts");
    CHECK(rp[0].iterations < 2000 && rp[1].iterations < 2000,
          "multi-task tight problem: converged in < 2000 of the 20000 iterations allowed");
    CHECK_CLOSE(rp[0].objective, rp[1].objective, 3e-10 * rp[0].objective,
                "multi-task tight problem: the same optimum from both starts");
    double df = 0, fn = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++) {
            df = fmax(df, fabs(gsl_matrix_get(F[0], i, t) - gsl_matrix_get(F[1], i, t)));
            fn = fmax(fn, fabs(gsl_matrix_get(F[0], i, t)));
        }
    CHECK(df <= 1e-4 * fn, "multi-task tight problem: the same fit from both starts (unique optimum)");
    CHECK(kr.active <= 1e-6, "multi-task tight problem: KKT, active groups");
    CHECK(kr.inactive <= 1e-6, "multi-task tight problem: KKT, inactive groups");
    CHECK(tiny == 0, "multi-task tight problem: exact zeros (no group below 1e-6 of the largest)");
    for (int run = 0; run < 2; run++) {
        gsl_matrix_free(V[run]);
        gsl_matrix_free(F[run]);
        gsl_vector_free(c[run]);
    }
    gsl_matrix_free(Phi);
    gsl_matrix_free(Y);
}

/* (7) The single-task hard case: ReLU features of neurons in tight clusters, as Adam leaves them
 * (N = 20 Gaussian points in R^5, K = 400 unit neurons around 40 directions, spread 1e-6 and
 * 1e-4), one ReLU-teacher task.  Many columns are nearly tight at the optimum; coordinate descent
 * with the Newton phase alone used to stop at the 20000-iteration cap (gap 4e-6 on the first
 * instance).  The exact path (glasso_lars.c) must reach gap <= 1e-10 objective in a few hundred
 * iterations, whatever the start, with at most rank(P Phi) <= N - 1 nonzero neurons (a vertex of
 * the solution set); the KKT conditions are checked independently, and the objective lies
 * between the dual bound and the primal value of a long independent coordinate descent. */
static void test_singletask_clusters(gsl_rng *r)
{
    const size_t N = 20, d = 5, K = 400, ncl = 40;
    const double spreads[] = {1e-6, 1e-4}, lambdas[] = {1e-2, 1e-3};
    for (int inst = 0; inst < 2; inst++) {
        gsl_matrix *X = randn(r, N, d), *Phi = gsl_matrix_alloc(N, K), *Y = gsl_matrix_alloc(N, 1);
        double base[40][6];
        for (size_t q = 0; q < ncl; q++)
            for (size_t j = 0; j < 6; j++) base[q][j] = gsl_ran_gaussian(r, j < 5 ? 1 : 0.5);
        for (size_t k = 0; k < K; k++) {
            double w[6], n = 0;
            for (size_t j = 0; j < 6; j++) w[j] = base[k % ncl][j] + spreads[inst] * gsl_ran_gaussian(r, 1);
            for (size_t j = 0; j < d; j++) n += w[j] * w[j];
            for (size_t i = 0; i < N; i++) {
                double z = w[5];
                for (size_t j = 0; j < d; j++) z += w[j] / sqrt(n) * gsl_matrix_get(X, i, j);
                gsl_matrix_set(Phi, i, k, fmax(0, z));
            }
        }
        double wt[5];
        for (size_t j = 0; j < d; j++) wt[j] = gsl_ran_gaussian(r, 1);
        for (size_t i = 0; i < N; i++) {
            double z = 0;
            for (size_t j = 0; j < d; j++) z += wt[j] * gsl_matrix_get(X, i, j);
            gsl_matrix_set(Y, i, 0, fmax(0, z));
        }
        double lambda = lambdas[inst], obj[2];
        kkt_result kr = {0};
        int conv = 1, fast = 1, sparse = 1;
        for (int run = 0; run < 2; run++) {
            gsl_matrix *V = run == 0 ? gsl_matrix_calloc(K, 1) : randn(r, K, 1);
            gsl_vector *c = gsl_vector_calloc(1);
            repro_glasso_report rp;
            CHECK(repro_glasso_solve(Phi, NULL, Y, lambda, 1e-10, 20000, V, NULL, c, &rp) == 0,
                  "single-task clusters: solved");
            conv &= rp.converged;
            fast &= rp.iterations < 500;
            sparse &= nonzero_groups(V) <= N - 1;
            obj[run] = objective(Phi, NULL, Y, lambda, V, NULL, c);
            kkt(Phi, NULL, Y, lambda, V, NULL, c, &kr);
            printf("# single-task clusters, spread %g, start %d: %zu iterations, gap %.2e of "
                   "objective %.12e, %zu nonzero\n", spreads[inst], run, rp.iterations,
                   rp.gap / rp.objective, rp.objective, nonzero_groups(V));
            gsl_matrix_free(V);
            gsl_vector_free(c);
        }
        gsl_matrix *Vr = gsl_matrix_alloc(K, 1);
        gsl_vector *cr = gsl_vector_alloc(1);
        double dual = ref_bcd(Phi, NULL, Y, lambda, 3000, Vr, NULL, cr);
        char name[160];
        snprintf(name, sizeof name, "single-task clusters (spread %g): gap <= 1e-10 objective from both starts", spreads[inst]);
        CHECK(conv, name);
        snprintf(name, sizeof name, "single-task clusters (spread %g): < 500 iterations", spreads[inst]);
        CHECK(fast, name);
        snprintf(name, sizeof name, "single-task clusters (spread %g): at most N - 1 nonzero neurons", spreads[inst]);
        CHECK(sparse, name);
        snprintf(name, sizeof name, "single-task clusters (spread %g): KKT, active and inactive", spreads[inst]);
        CHECK(kr.active <= 1e-6 && kr.inactive <= 1e-6, name);
        double primal = objective(Phi, NULL, Y, lambda, Vr, NULL, cr);
        printf("# single-task clusters, spread %g: independent coordinate descent (3000 sweeps): "
               "objective %.12e, dual bound %.12e\n", spreads[inst], primal, dual);
        snprintf(name, sizeof name, "single-task clusters (spread %g): objective between the independent dual bound and primal value", spreads[inst]);
        CHECK(fmin(obj[0], obj[1]) >= dual * (1 - 1e-12) && fmax(obj[0], obj[1]) <= primal * (1 + 1e-12), name);
        snprintf(name, sizeof name, "single-task clusters (spread %g): the same objective from both starts", spreads[inst]);
        CHECK_CLOSE(obj[0], obj[1], 1e-10 * obj[0], name);
        gsl_matrix_free(Vr);
        gsl_vector_free(cr);
        gsl_matrix_free(X);
        gsl_matrix_free(Phi);
        gsl_matrix_free(Y);
    }
}

/* (8) The single-task path's edges: one data point (nothing left after the free bias), a zero
 * feature matrix, an iteration budget that stops the path midway (a valid point, never worse
 * than the start, the budget kept), and lambda just below lambda_max, where one neuron is active
 * with the closed-form weight (P y . p_j - gamma s) / ||p_j||^2, gamma = lambda N / 2, p_j the
 * projected column of largest |correlation|. */
static void test_singletask_edges(gsl_rng *r)
{
    gsl_matrix *Phi1 = randn(r, 1, 5), *Y1 = randn(r, 1, 1), *V1 = randn(r, 5, 1);
    gsl_vector *c1 = gsl_vector_calloc(1);
    repro_glasso_report rp;
    CHECK(repro_glasso_solve(Phi1, NULL, Y1, 1e-3, 1e-10, 100, V1, NULL, c1, &rp) == 0 &&
              rp.converged && nonzero_groups(V1) == 0 &&
              fabs(gsl_vector_get(c1, 0) - gsl_matrix_get(Y1, 0, 0)) <= 1e-15,
          "single task, N = 1: V = 0 and c = y");
    gsl_matrix *Z = gsl_matrix_calloc(6, 4), *Y6 = randn(r, 6, 1), *V6 = randn(r, 4, 1);
    gsl_vector *c6 = gsl_vector_calloc(1);
    CHECK(repro_glasso_solve(Z, NULL, Y6, 1e-3, 1e-10, 100, V6, NULL, c6, &rp) == 0 &&
              rp.converged && nonzero_groups(V6) == 0,
          "single task, zero features: V = 0");
    /* a ReLU problem whose path takes many steps */
    size_t N = 15, K = 60;
    gsl_matrix *X = randn(r, N, 3), *Phi = gsl_matrix_alloc(N, K), *Y = gsl_matrix_alloc(N, 1);
    for (size_t k = 0; k < K; k++) {
        double w[3] = {gsl_ran_gaussian(r, 1), gsl_ran_gaussian(r, 1), gsl_ran_gaussian(r, 1)};
        double b = gsl_ran_gaussian(r, 0.5);
        for (size_t i = 0; i < N; i++) {
            double z = b;
            for (size_t j = 0; j < 3; j++) z += w[j] * gsl_matrix_get(X, i, j);
            gsl_matrix_set(Phi, i, k, fmax(0, z));
        }
    }
    for (size_t i = 0; i < N; i++)
        gsl_matrix_set(Y, i, 0, fmax(0, gsl_matrix_get(X, i, 0) - gsl_matrix_get(X, i, 2)));
    gsl_matrix *V = gsl_matrix_calloc(K, 1);
    gsl_vector *c = gsl_vector_calloc(1);
    double lambda = 1e-4;
    CHECK(repro_glasso_solve(Phi, NULL, Y, lambda, 1e-10, 20000, V, NULL, c, &rp) == 0 && rp.converged,
          "single task, ReLU features: converged");
    size_t full = rp.iterations;
    double fopt = rp.objective;
    gsl_matrix_set_zero(V);
    double f0 = objective(Phi, NULL, Y, lambda, V, NULL, c);
    CHECK(repro_glasso_solve(Phi, NULL, Y, lambda, 1e-10, 3, V, NULL, c, &rp) == 0 &&
              rp.iterations <= 3 && !rp.converged,
          "single task, 3 iterations allowed: stops within them, not converged");
    double f3 = objective(Phi, NULL, Y, lambda, V, NULL, c);
    printf("# single task path: %zu iterations to converge; after 3: objective %.6e (start %.6e, "
           "optimum %.6e)\n", full, f3, f0, fopt);
    CHECK(f3 < f0 && f3 >= fopt * (1 - 1e-12) && fabs(rp.objective - f3) <= 1e-12 * f3,
          "single task, 3 iterations allowed: a point between the start and the optimum, reported");
    /* just below lambda_max: one neuron, closed form */
    double lmax = lambda_max(Phi, NULL, Y), lam = 0.999 * lmax, gamma = lam * (double)N / 2;
    gsl_matrix_set_zero(V);
    repro_glasso_solve(Phi, NULL, Y, lam, 1e-12, 20000, V, NULL, c, &rp);
    size_t j = K;
    for (size_t k = 0; k < K; k++)
        if (gsl_matrix_get(V, k, 0) != 0) j = k;
    double pb = 0, pp = 0, m = 0, yb = 0;
    for (size_t i = 0; i < N && j < K; i++) m += gsl_matrix_get(Phi, i, j) / (double)N;
    for (size_t i = 0; i < N; i++) yb += gsl_matrix_get(Y, i, 0) / (double)N;
    for (size_t i = 0; i < N && j < K; i++) {
        double pj = gsl_matrix_get(Phi, i, j) - m;
        pb += pj * (gsl_matrix_get(Y, i, 0) - yb);
        pp += pj * pj;
    }
    double want = j < K ? (pb - gamma * (pb > 0 ? 1 : -1)) / pp : 0;
    CHECK(nonzero_groups(V) == 1 && rp.converged, "single task, lambda = 0.999 lambda_max: one neuron");
    CHECK_CLOSE(j < K ? gsl_matrix_get(V, j, 0) : 0, want, 1e-12 * fabs(want),
                "single task, lambda = 0.999 lambda_max: its weight in closed form");
    gsl_matrix_free(Phi1), gsl_matrix_free(Y1), gsl_matrix_free(V1), gsl_vector_free(c1);
    gsl_matrix_free(Z), gsl_matrix_free(Y6), gsl_matrix_free(V6), gsl_vector_free(c6);
    gsl_matrix_free(X), gsl_matrix_free(Phi), gsl_matrix_free(Y), gsl_matrix_free(V);
    gsl_vector_free(c);
}

int main(void)
{
    repro_err_init();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    test_closed_form(r);
    test_kkt(r);
    test_gap(r);
    test_degenerate();
    test_multitask_tight(r);
    test_singletask_clusters(r);
    test_singletask_edges(r);
    test_sparsify(r);
    test_certificate_brute(r);
    test_certificate_highdim(r);
    test_certificate_optimal(r);
    test_errors();
    gsl_rng_free(r);
    return check_exit();
}
