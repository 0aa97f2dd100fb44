/* matutil: small questions about GSL matrices that several modules ask. */
#ifndef REPRO_MATUTIL_H
#define REPRO_MATUTIL_H

#include <gsl/gsl_matrix.h>

/* 1 when every entry of M is finite (no NaN, no infinity), else 0. */
int repro_matrix_finite(const gsl_matrix *M);

#endif
