/* colgen: column generation certificate in the plane (contract in colgen.h). */
#include "engine/colgen.h"

#include <gsl/gsl_blas.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "engine/glasso.h"
#include "engine/oracle2d.h"

typedef struct {
    size_t K, cap;
    double *w, *b; /* 2 K, K */
    gsl_matrix *V; /* cap x T warm start rows */
} neurons;

static int push(neurons *S, double w0, double w1, double b, const double *v, size_t T)
{
    if (S->K == S->cap) {
        size_t cap = S->cap ? 2 * S->cap : 64;
        double *w = realloc(S->w, 2 * cap * sizeof *w), *bb = w ? realloc(S->b, cap * sizeof *bb) : NULL;
        if (w) S->w = w;
        if (bb) S->b = bb;
        gsl_matrix *V = bb ? gsl_matrix_calloc(cap, T) : NULL;
        if (!V) return repro_err("colgen: out of memory");
        if (S->V)
            for (size_t k = 0; k < S->K; k++)
                for (size_t t = 0; t < T; t++) gsl_matrix_set(V, k, t, gsl_matrix_get(S->V, k, t));
        gsl_matrix_free(S->V);
        S->V = V, S->cap = cap;
    }
    S->w[2 * S->K] = w0, S->w[2 * S->K + 1] = w1, S->b[S->K] = b;
    for (size_t t = 0; t < T; t++) gsl_matrix_set(S->V, S->K, t, v ? v[t] : 0);
    S->K++;
    return 0;
}

int repro_colgen_certify(const gsl_matrix *X, const gsl_matrix *Y, const gsl_matrix *W0,
                         const gsl_vector *b0, const gsl_matrix *V0, int skip, double lambda, double tol,
                         size_t max_rounds, repro_net **netp, repro_colgen_report *rep)
{
    if (!X || !Y || X->size2 != 2) return repro_err("certify: the inputs must have d = 2");
    if (Y->size1 != X->size1) return repro_err("certify: X and Y differ in rows");
    if (!(lambda > 0) || !isfinite(lambda))
        return repro_err("certify: lambda must be finite and > 0, got %g", lambda);
    if (!(tol > 0) || !(tol < 1)) return repro_err("certify: tol must be in (0, 1), got %g", tol);
    size_t N = X->size1, T = Y->size2;
    neurons S = {0};
    for (size_t k = 0; W0 && k < W0->size1; k++) {
        double w0 = gsl_matrix_get(W0, k, 0), w1 = gsl_matrix_get(W0, k, 1), nw = hypot(w0, w1);
        if (!(nw > 0) || !isfinite(nw)) continue;
        if (V0) {
            gsl_vector_const_view vk = gsl_matrix_const_row(V0, k);
            if (gsl_vector_isnull(&vk.vector)) continue; /* switched off: the oracle may add it back */
        }
        double b = gsl_vector_get(b0, k) / nw;
        int alive = 0;
        for (size_t i = 0; i < N && !alive; i++)
            alive = (w0 * gsl_matrix_get(X, i, 0) + w1 * gsl_matrix_get(X, i, 1)) / nw + b > 0;
        /* near-duplicates of a kept neuron (as training leaves them) slow the lasso down and
         * add nothing a start set needs: the oracle supplies whatever is missing */
        int dup = 0;
        for (size_t j = 0; j < S.K && !dup; j++)
            dup = fabs(S.w[2 * j] - w0 / nw) + fabs(S.w[2 * j + 1] - w1 / nw) + fabs(S.b[j] - b) < 1e-2;
        if (alive && !dup && push(&S, w0 / nw, w1 / nw, b, NULL, T)) goto fail;
    }
    gsl_matrix *R = gsl_matrix_alloc(N, T);
    gsl_vector *wv = gsl_vector_alloc(2), *c = gsl_vector_alloc(T);
    gsl_matrix *U = skip ? gsl_matrix_alloc(2, T) : NULL;
    if (!R || !wv || !c || (skip && !U)) {
        gsl_matrix_free(R), gsl_vector_free(wv), gsl_vector_free(c), gsl_matrix_free(U);
        repro_err("certify: out of memory");
        goto fail;
    }
    repro_colgen_report r = {0};
    int status = 1;
    for (;;) {
        if (S.K == 0) { /* no neuron yet: the residual of the free part alone */
            if (push(&S, 1, 0, -gsl_matrix_get(X, 0, 0) + 1, NULL, T)) break;
        }
        gsl_matrix *Phi = gsl_matrix_alloc(N, S.K);
        gsl_matrix_view V = gsl_matrix_submatrix(S.V, 0, 0, S.K, T);
        if (!Phi) {
            repro_err("certify: out of memory");
            status = -1;
            break;
        }
        for (size_t i = 0; i < N; i++)
            for (size_t k = 0; k < S.K; k++) {
                double z = S.w[2 * k] * gsl_matrix_get(X, i, 0) + S.w[2 * k + 1] * gsl_matrix_get(X, i, 1) + S.b[k];
                gsl_matrix_set(Phi, i, k, z > 0 ? z : 0);
            }
        repro_glasso_report gr;
        int rc = repro_glasso_solve(Phi, skip ? X : NULL, Y, lambda, 1e-2 * tol, 200000, &V.matrix, U, c, &gr);
        r.rounds++;
        if (rc) {
            gsl_matrix_free(Phi);
            status = -1;
            break;
        }
        /* residual and objective of this network */
        gsl_matrix_memcpy(R, Y);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1, Phi, &V.matrix, 1, R);
        if (skip) gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1, X, U, 1, R);
        double pen = 0, sq = 0;
        for (size_t k = 0; k < S.K; k++) {
            gsl_vector_view vk = gsl_matrix_row(&V.matrix, k);
            pen += gsl_blas_dnrm2(&vk.vector);
        }
        for (size_t i = 0; i < N; i++)
            for (size_t t = 0; t < T; t++) {
                double e = gsl_matrix_get(R, i, t) - gsl_vector_get(c, t);
                gsl_matrix_set(R, i, t, e);
                sq += e * e;
            }
        gsl_matrix_free(Phi);
        r.objective = sq / (double)(N * T) + lambda * pen;
        gsl_matrix_scale(R, 2.0 / (double)(N * T));
        double omega, b;
        if (repro_dual2d(X, Y, R, skip, lambda, &r.dual, &omega) ||
            repro_oracle2d(X, R, &omega, wv, &b)) {
            status = -1;
            break;
        }
        r.gap = r.objective - r.dual;
        r.ratio = omega / lambda;
        /* drop the neurons switched off */
        size_t K = 0;
        for (size_t k = 0; k < S.K; k++) {
            gsl_vector_view vk = gsl_matrix_row(S.V, k);
            if (gsl_vector_isnull(&vk.vector)) continue;
            S.w[2 * K] = S.w[2 * k], S.w[2 * K + 1] = S.w[2 * k + 1], S.b[K] = S.b[k];
            gsl_vector_view dst = gsl_matrix_row(S.V, K);
            if (K != k) gsl_vector_memcpy(&dst.vector, &vk.vector);
            K++;
        }
        S.K = K;
        if (r.gap <= tol * r.objective || r.ratio <= 1) {
            status = 0;
            break;
        }
        if (r.rounds >= max_rounds) break;
        if (push(&S, gsl_vector_get(wv, 0), gsl_vector_get(wv, 1), b, NULL, T)) {
            status = -1;
            break;
        }
        r.added++;
    }
    r.K = S.K;
    if (status >= 0 && netp) {
        repro_net *net = repro_net_zeros(2, T, S.K ? S.K : 1, skip);
        if (!net) status = -1;
        else {
            for (size_t k = 0; k < S.K; k++) {
                gsl_matrix_set(&net->W.matrix, k, 0, S.w[2 * k]);
                gsl_matrix_set(&net->W.matrix, k, 1, S.w[2 * k + 1]);
                gsl_vector_set(&net->b.vector, k, S.b[k]);
                for (size_t t = 0; t < T; t++)
                    gsl_matrix_set(&net->V.matrix, k, t, gsl_matrix_get(S.V, k, t));
            }
            if (skip)
                for (size_t t = 0; t < T; t++)
                    for (size_t j = 0; j < 2; j++)
                        gsl_matrix_set(&net->A.matrix, t, j, gsl_matrix_get(U, j, t));
            gsl_vector_memcpy(&net->c.vector, c);
            *netp = net;
        }
    }
    gsl_matrix_free(R), gsl_vector_free(wv), gsl_vector_free(c), gsl_matrix_free(U);
    free(S.w), free(S.b), gsl_matrix_free(S.V);
    if (rep) *rep = r;
    return status;
fail:
    free(S.w), free(S.b), gsl_matrix_free(S.V);
    return -1;
}
