/* kernel: the Sobolev kernel interpolant (GSL Cholesky). */
#include "engine/kernel.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"

static double pos(double v) { return v > 0 ? v : 0; }

double repro_kernel_k(double x, double xp, double x1)
{
    return 1 - pos(x - xp) + pos(x - x1) + pos(x1 - xp);
}

gsl_matrix *repro_kernel_gram(const repro_dataset *ds)
{
    if (ds->d != 1) {
        repro_err("sobolev: needs a dataset with one input (d = 1), got d = %zu", ds->d);
        return NULL;
    }
    size_t N = ds->N;
    gsl_matrix *K = gsl_matrix_alloc(N, N);
    if (!K) {
        repro_err("sobolev: out of memory for a %zu x %zu Gram matrix", N, N);
        return NULL;
    }
    double x1 = gsl_matrix_get(ds->X, 0, 0);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            gsl_matrix_set(K, i, j,
                           repro_kernel_k(gsl_matrix_get(ds->X, i, 0), gsl_matrix_get(ds->X, j, 0), x1));
    return K;
}

void repro_kernel_free(repro_kernel *ki)
{
    if (!ki) return;
    gsl_vector_free(ki->x);
    gsl_matrix_free(ki->alpha);
    free(ki);
}

repro_kernel *repro_kernel_fit(const repro_dataset *ds, double ridge)
{
    if (!(ridge >= 0) || !isfinite(ridge)) {
        repro_err("sobolev: ridge must be a finite number >= 0, got %g", ridge);
        return NULL;
    }
    gsl_matrix *K = repro_kernel_gram(ds);
    if (!K) return NULL;
    repro_kernel *ki = calloc(1, sizeof *ki);
    if (!ki) {
        gsl_matrix_free(K);
        repro_err("sobolev: out of memory");
        return NULL;
    }
    ki->N = ds->N;
    ki->T = ds->T;
    ki->x1 = gsl_matrix_get(ds->X, 0, 0);
    ki->x = gsl_vector_alloc(ds->N);
    ki->alpha = gsl_matrix_alloc(ds->N, ds->T);
    if (!ki->x || !ki->alpha) {
        repro_err("sobolev: out of memory");
        goto fail;
    }
    gsl_matrix_get_col(ki->x, ds->X, 0);
    for (size_t i = 0; i < ds->N; i++) gsl_matrix_set(K, i, i, gsl_matrix_get(K, i, i) + ridge);
    if (gsl_linalg_cholesky_decomp1(K) != GSL_SUCCESS) {
        repro_err("sobolev: the Gram matrix is not positive definite (Cholesky failed)");
        goto fail;
    }
    for (size_t t = 0; t < ds->T; t++) {
        gsl_vector_const_view y = gsl_matrix_const_column(ds->Y, t);
        gsl_vector_view a = gsl_matrix_column(ki->alpha, t);
        if (gsl_linalg_cholesky_solve(K, &y.vector, &a.vector) != GSL_SUCCESS) {
            repro_err("sobolev: Cholesky solve failed for task %zu", t + 1);
            goto fail;
        }
    }
    gsl_matrix_free(K);
    return ki;
fail:
    gsl_matrix_free(K);
    repro_kernel_free(ki);
    return NULL;
}

void repro_kernel_eval(const repro_kernel *ki, double x, gsl_vector *out)
{
    gsl_vector *k = gsl_vector_alloc(ki->N);
    if (!k) {
        gsl_vector_set_all(out, NAN);
        return;
    }
    for (size_t j = 0; j < ki->N; j++)
        gsl_vector_set(k, j, repro_kernel_k(x, gsl_vector_get(ki->x, j), ki->x1));
    gsl_blas_dgemv(CblasTrans, 1.0, ki->alpha, k, 0.0, out);
    gsl_vector_free(k);
}

int repro_kernel_evalmany_to(const repro_kernel *ki, const gsl_vector *xs, gsl_matrix *F)
{
    size_t M = xs->size;
    if (M == 0 || F->size1 != M || F->size2 != ki->T)
        return repro_err("sobolev eval: expected at least one point and a %zu x %zu output", M,
                         ki->T);
    gsl_matrix *Kx = gsl_matrix_alloc(M, ki->N);
    if (!Kx) return repro_err("sobolev eval: out of memory");
    for (size_t m = 0; m < M; m++)
        for (size_t j = 0; j < ki->N; j++)
            gsl_matrix_set(Kx, m, j, repro_kernel_k(gsl_vector_get(xs, m), gsl_vector_get(ki->x, j), ki->x1));
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, Kx, ki->alpha, 0.0, F);
    gsl_matrix_free(Kx);
    return 0;
}

gsl_matrix *repro_kernel_evalmany(const repro_kernel *ki, const gsl_vector *xs)
{
    if (xs->size == 0) {
        repro_err("sobolev eval: expected at least one point");
        return NULL;
    }
    gsl_matrix *F = gsl_matrix_alloc(xs->size, ki->T);
    if (!F) {
        repro_err("sobolev eval: out of memory");
        return NULL;
    }
    if (repro_kernel_evalmany_to(ki, xs, F) != 0) {
        gsl_matrix_free(F);
        return NULL;
    }
    return F;
}
