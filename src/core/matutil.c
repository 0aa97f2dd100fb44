/* matutil: small questions about GSL matrices (contract in matutil.h). */
#include "core/matutil.h"

#include <math.h>

int repro_matrix_finite(const gsl_matrix *M)
{
    for (size_t i = 0; i < M->size1; i++)
        for (size_t j = 0; j < M->size2; j++)
            if (!isfinite(gsl_matrix_get(M, i, j))) return 0;
    return 1;
}
