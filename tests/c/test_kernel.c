/* Tests for kernel.c: the Sobolev interpolant equals f_D on [x_1, x_N] (SPEC (6)), Cholesky
 * against LU, the ridge system, and the error paths. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/dataset.h"
#include "core/err.h"
#include "engine/kernel.h"
#include "engine/univariate.h"

static repro_dataset *randds(gsl_rng *r, size_t N, size_t T)
{
    repro_dataset *ds = repro_dataset_alloc(N, 1, T);
    double at = 4 * gsl_rng_uniform(r) - 2;
    for (size_t i = 0; i < N; i++) {
        at += 0.1 + gsl_rng_uniform(r);
        gsl_matrix_set(ds->X, i, 0, at);
        for (size_t t = 0; t < T; t++) gsl_matrix_set(ds->Y, i, t, gsl_ran_gaussian(r, 1));
    }
    if (repro_dataset_validate(ds, 0, NULL, NULL) != 0) printf("# %s\n", repro_errmsg());
    return ds;
}

static void test_formula(gsl_rng *r)
{
    double worst = 0, sym = 0;
    for (int k = 0; k < 1000; k++) {
        double x1 = gsl_ran_gaussian(r, 1), x = x1 + 3 * gsl_rng_uniform(r),
               xp = x1 + 3 * gsl_rng_uniform(r);
        worst = fmax(worst, fabs(repro_kernel_k(x, xp, x1) - (1 + fmin(x, xp) - x1)));
        double a = gsl_ran_gaussian(r, 2), b = gsl_ran_gaussian(r, 2);
        sym = fmax(sym, fabs(repro_kernel_k(a, b, x1) - repro_kernel_k(b, a, x1)));
    }
    CHECK_CLOSE(worst, 0, 1e-14, "k = 1 + min(x, x') - x_1 on [x_1, inf)");
    CHECK_CLOSE(sym, 0, 1e-14, "k is symmetric everywhere");
    CHECK_CLOSE(repro_kernel_k(-3, -1, 0), 1 - 0 + 0 + 1, 1e-15, "k closed form left of x_1");
}

static void test_interpolant(gsl_rng *r)
{
    double err = 0, lu = 0, many = 0;
    for (int rep = 0; rep < 30; rep++) {
        size_t N = 2 + gsl_rng_uniform_int(r, 15), T = 1 + gsl_rng_uniform_int(r, 4);
        repro_dataset *ds = randds(r, N, T);
        repro_kernel *ki = repro_kernel_fit(ds, 0);
        repro_spline *fd = repro_connect_the_dots(ds);
        gsl_vector *o1 = gsl_vector_alloc(T), *o2 = gsl_vector_alloc(T);
        double x1 = gsl_matrix_get(ds->X, 0, 0), xN = gsl_matrix_get(ds->X, N - 1, 0);
        gsl_vector *xs = gsl_vector_alloc(201);
        for (size_t m = 0; m <= 200; m++) {
            double x = x1 + (xN - x1) * (double)m / 200;
            gsl_vector_set(xs, m, x);
            repro_kernel_eval(ki, x, o1);
            repro_spline_eval(fd, x, o2);
            for (size_t t = 0; t < T; t++) err = fmax(err, fabs(gsl_vector_get(o1, t) - gsl_vector_get(o2, t)));
        }
        gsl_matrix *F = repro_kernel_evalmany(ki, xs);
        for (size_t m = 0; m <= 200; m++) {
            repro_kernel_eval(ki, gsl_vector_get(xs, m), o1);
            for (size_t t = 0; t < T; t++) many = fmax(many, fabs(gsl_matrix_get(F, m, t) - gsl_vector_get(o1, t)));
        }
        /* second solver: LU on the Gram matrix */
        gsl_matrix *K = repro_kernel_gram(ds);
        gsl_permutation *p = gsl_permutation_alloc(N);
        int sgn;
        gsl_linalg_LU_decomp(K, p, &sgn);
        gsl_vector *al = gsl_vector_alloc(N);
        for (size_t t = 0; t < T; t++) {
            gsl_vector_const_view y = gsl_matrix_const_column(ds->Y, t);
            gsl_linalg_LU_solve(K, p, &y.vector, al);
            for (size_t j = 0; j < N; j++)
                lu = fmax(lu, fabs(gsl_vector_get(al, j) - gsl_matrix_get(ki->alpha, j, t)) /
                                  (1 + fabs(gsl_vector_get(al, j))));
        }
        gsl_vector_free(al);
        gsl_permutation_free(p);
        gsl_matrix_free(K);
        gsl_matrix_free(F);
        gsl_vector_free(xs);
        gsl_vector_free(o1);
        gsl_vector_free(o2);
        repro_spline_free(fd);
        repro_kernel_free(ki);
        repro_dataset_free(ds);
    }
    CHECK_CLOSE(err, 0, 1e-10, "Sobolev interpolant = f_D on [x_1, x_N] (30 random datasets)");
    CHECK_CLOSE(lu, 0, 1e-10, "Cholesky alpha = LU alpha");
    CHECK_CLOSE(many, 0, 1e-12, "evalmany (dgemm) = eval pointwise");
}

static void test_ridge(gsl_rng *r)
{
    repro_dataset *ds = randds(r, 9, 2);
    double ridge = 0.3;
    repro_kernel *ki = repro_kernel_fit(ds, ridge);
    gsl_matrix *K = repro_kernel_gram(ds), *R = gsl_matrix_alloc(9, 2);
    gsl_matrix_memcpy(R, ds->Y);
    /* R = Y - (K + ridge I) alpha */
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, K, ki->alpha, 1.0, R);
    gsl_matrix_scale(ki->alpha, ridge);
    gsl_matrix_sub(R, ki->alpha);
    double worst = 0;
    for (size_t i = 0; i < 9; i++)
        for (size_t t = 0; t < 2; t++) worst = fmax(worst, fabs(gsl_matrix_get(R, i, t)));
    CHECK_CLOSE(worst, 0, 1e-10, "ridge: alpha solves (K + ridge I) alpha = y");
    gsl_matrix_free(K);
    gsl_matrix_free(R);
    repro_kernel_free(ki);
    CHECK(!repro_kernel_fit(ds, -1) && strstr(repro_errmsg(), "ridge"), "negative ridge refused");
    CHECK(!repro_kernel_fit(ds, NAN) && strstr(repro_errmsg(), "ridge"), "NaN ridge refused");
    repro_dataset_free(ds);
    repro_dataset *d2 = repro_dataset_alloc(3, 2, 1);
    CHECK(!repro_kernel_fit(d2, 0) && strstr(repro_errmsg(), "d = 1"), "d = 2 refused");
    repro_dataset_free(d2);
}

int main(void)
{
    repro_err_init();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    test_formula(r);
    test_interpolant(r);
    test_ridge(r);
    gsl_rng_free(r);
    return check_exit();
}
