/* kernel: the first-order Sobolev kernel view of f_D (SPEC section 2, equation (6)).
 *
 * k(x, x') = 1 - (x - x')_+ + (x - x_1)_+ + (x_1 - x')_+ (= 1 + min(x, x') - x_1 on [x_1, x_N]).
 * repro_kernel_fit solves (K + ridge I) alpha = Y by GSL Cholesky; the interpolant is
 * f_t(x) = sum_j alpha_jt k(x, x_j).  Needs a validated d = 1 dataset; errors via repro_err. */
#ifndef REPRO_KERNEL_H
#define REPRO_KERNEL_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "engine/dataset.h"

typedef struct {
    size_t N, T;
    double x1;
    gsl_vector *x;     /* N centres */
    gsl_matrix *alpha; /* N x T */
} repro_kernel;

double repro_kernel_k(double x, double xp, double x1);
/* N x N Gram matrix of the inputs of DS. */
gsl_matrix *repro_kernel_gram(const repro_dataset *ds);
repro_kernel *repro_kernel_fit(const repro_dataset *ds, double ridge);
void repro_kernel_free(repro_kernel *ki); /* NULL is fine */
/* OUT (length T) = f(x). */
void repro_kernel_eval(const repro_kernel *ki, double x, gsl_vector *out);
/* M x T values at the M points XS (one dgemm). */
gsl_matrix *repro_kernel_evalmany(const repro_kernel *ki, const gsl_vector *xs);
/* The same into the caller's M x T matrix F; -1 on a size mismatch. */
int repro_kernel_evalmany_to(const repro_kernel *ki, const gsl_vector *xs, gsl_matrix *F);

#endif
