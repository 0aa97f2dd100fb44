/* unigrid: univariate group lasso over a knot grid (contract in unigrid.h). */
#include "engine/unigrid.h"

#include <gsl/gsl_blas.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "engine/glasso.h"
#include "engine/uniipm.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The spline f = sum_k v_k (x - t_k)_+ + a x + c with nodes at the data and the active knots. */
static repro_spline *make_spline(const gsl_matrix *X, const double *knots, const gsl_matrix *V,
                                 const gsl_vector *a, const gsl_vector *c)
{
    size_t N = X->size1, K = V->size1, T = V->size2, n = 0;
    double *nodes = malloc((N + K) * sizeof *nodes);
    if (!nodes) return NULL;
    for (size_t i = 0; i < N; i++) nodes[n++] = gsl_matrix_get(X, i, 0);
    for (size_t k = 0; k < K; k++) {
        gsl_vector_const_view vk = gsl_matrix_const_row(V, k);
        if (!gsl_vector_isnull(&vk.vector)) nodes[n++] = knots[k];
    }
    qsort(nodes, n, sizeof *nodes, cmp_double);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || nodes[i] != nodes[u - 1]) nodes[u++] = nodes[i];
    gsl_vector *nv = gsl_vector_alloc(u), *left = gsl_vector_alloc(T), *right = gsl_vector_alloc(T);
    gsl_matrix *vals = gsl_matrix_alloc(u, T);
    repro_spline *sp = NULL;
    if (nv && left && right && vals) {
        for (size_t j = 0; j < u; j++) {
            gsl_vector_set(nv, j, nodes[j]);
            for (size_t t = 0; t < T; t++) {
                double f = gsl_vector_get(a, t) * nodes[j] + gsl_vector_get(c, t);
                for (size_t k = 0; k < K; k++)
                    if (nodes[j] > knots[k]) f += gsl_matrix_get(V, k, t) * (nodes[j] - knots[k]);
                gsl_matrix_set(vals, j, t, f);
            }
        }
        for (size_t t = 0; t < T; t++) {
            double s = gsl_vector_get(a, t);
            gsl_vector_set(left, t, s);
            for (size_t k = 0; k < K; k++) s += gsl_matrix_get(V, k, t);
            gsl_vector_set(right, t, s);
        }
        sp = repro_spline_new(nv, vals, left, right);
    }
    free(nodes);
    gsl_vector_free(nv), gsl_vector_free(left), gsl_vector_free(right), gsl_matrix_free(vals);
    return sp;
}

int repro_unigrid_solve(const repro_dataset *ds, size_t grid, double lambda, double tol,
                        size_t max_iter, gsl_vector **knots_out, gsl_matrix **jumps_out,
                        repro_spline **sp_out, repro_unigrid_report *rep)
{
    if (!ds || ds->d != 1) return repro_err("univariate: the data must have d = 1, got d = %zu", ds ? ds->d : 0);
    if (ds->N < 3) return repro_err("univariate: need at least 3 points, got %zu", ds->N);
    if (grid < 1 || grid > 10000000) return repro_err("univariate: grid must be in 1..1e7, got %zu", grid);
    if (!(lambda >= 0) || !isfinite(lambda))
        return repro_err("univariate: lambda must be finite and >= 0, got %g", lambda);
    if (!(tol > 0) || !(tol < 1)) return repro_err("univariate: tol must be in (0, 1), got %g", tol);
    if (max_iter < 1) return repro_err("univariate: max_iter must be >= 1");
    size_t N = ds->N, T = ds->T;
    const gsl_matrix *X = ds->X, *Y = ds->Y;
    double x1 = gsl_matrix_get(X, 0, 0), xN = gsl_matrix_get(X, N - 1, 0);
    double *kn = malloc((N + grid) * sizeof *kn);
    if (!kn) return repro_err("univariate: out of memory");
    size_t K = 0;
    for (size_t i = 1; i + 1 < N; i++) kn[K++] = gsl_matrix_get(X, i, 0);
    for (size_t k = 1; k <= grid; k++) kn[K++] = x1 + (xN - x1) * ((double)k - 0.5) / (double)grid;
    qsort(kn, K, sizeof *kn, cmp_double);
    size_t u = 0;
    for (size_t k = 0; k < K; k++)
        if (u == 0 || kn[k] != kn[u - 1]) kn[u++] = kn[k];
    K = u;
    gsl_matrix *Phi = gsl_matrix_alloc(N, K), *U = gsl_matrix_alloc(1, T);
    gsl_matrix *R = gsl_matrix_alloc(N, T), *Vc = gsl_matrix_calloc(K, T);
    gsl_vector *c = gsl_vector_alloc(T), *a = gsl_vector_alloc(T);
    size_t *dataknot = malloc(N * sizeof *dataknot);
    repro_unigrid_report r = {.knots_total = K};
    int status = -1;
    if (!Phi || !U || !R || !Vc || !c || !a || !dataknot) {
        repro_err("univariate: out of memory");
        goto done;
    }
    for (size_t i = 0; i < N; i++) {
        double xi = gsl_matrix_get(X, i, 0);
        dataknot[i] = K;
        for (size_t k = 0; k < K; k++) {
            gsl_matrix_set(Phi, i, k, xi > kn[k] ? xi - kn[k] : 0);
            if (kn[k] == xi) dataknot[i] = k;
        }
    }
    if (lambda > 0) {
        repro_glasso_report gr;
        if (repro_glasso_solve(Phi, X, Y, lambda, tol * 1e-2, max_iter, Vc, U, c, &gr)) goto done;
        r.iterations = gr.iterations, r.solves = 1;
        r.cost = gr.objective, r.gap = gr.gap;
        for (size_t t = 0; t < T; t++) gsl_vector_set(a, t, gsl_matrix_get(U, 0, t));
        status = gr.converged ? 0 : 1;
        if (!gr.converged) r.reason = "iteration budget exhausted before the duality gap reached tol";
    } else {
        repro_uniipm_report ir;
        status = repro_uniipm_solve(X, Y, Phi, dataknot, tol, max_iter, Vc, &ir);
        if (status < 0) goto done;
        r.iterations = ir.newton, r.solves = ir.stages;
        r.cost = ir.upper, r.gap = fmax(ir.upper - ir.lower, 0), r.reason = ir.reason;
    }
    if (lambda == 0) { /* the affine part of the exact interpolant: y - sum_k v_k phi_k is affine */
        gsl_matrix_memcpy(R, Y);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1, Phi, Vc, 1, R);
        double mx = 0, q = 0;
        for (size_t i = 0; i < N; i++) mx += gsl_matrix_get(X, i, 0) / (double)N;
        for (size_t i = 0; i < N; i++) q += (gsl_matrix_get(X, i, 0) - mx) * (gsl_matrix_get(X, i, 0) - mx);
        for (size_t t = 0; t < T; t++) {
            double m = 0, d = 0;
            for (size_t i = 0; i < N; i++) m += gsl_matrix_get(R, i, t) / (double)N;
            for (size_t i = 0; i < N; i++) d += (gsl_matrix_get(X, i, 0) - mx) * gsl_matrix_get(R, i, t);
            gsl_vector_set(a, t, d / q);
            gsl_vector_set(c, t, m - d / q * mx);
        }
    }
    {
        size_t nk = 0;
        for (size_t k = 0; k < K; k++) {
            gsl_vector_view vk = gsl_matrix_row(Vc, k);
            nk += !gsl_vector_isnull(&vk.vector);
        }
        gsl_vector *ko = gsl_vector_alloc(nk ? nk : 1);
        gsl_matrix *jo = gsl_matrix_calloc(nk ? nk : 1, T);
        repro_spline *sp = make_spline(X, kn, Vc, a, c);
        if (!ko || !jo || !sp) {
            gsl_vector_free(ko), gsl_matrix_free(jo), repro_spline_free(sp);
            status = repro_err("univariate: out of memory");
            goto done;
        }
        r.nknots = nk;
        for (size_t k = 0, j = 0; k < K; k++) {
            gsl_vector_view vk = gsl_matrix_row(Vc, k);
            if (gsl_vector_isnull(&vk.vector)) continue;
            gsl_vector_set(ko, j, kn[k]);
            gsl_vector_view dst = gsl_matrix_row(jo, j++);
            gsl_vector_memcpy(&dst.vector, &vk.vector);
        }
        *knots_out = ko, *jumps_out = jo, *sp_out = sp;
    }
done:
    free(kn), free(dataknot);
    gsl_matrix_free(Phi), gsl_matrix_free(U), gsl_matrix_free(R);
    gsl_matrix_free(Vc), gsl_vector_free(c), gsl_vector_free(a);
    if (rep) *rep = r;
    return status;
}
