/* matutil: small questions about GSL matrices (contract in matutil.h). */
#include "core/matutil.h"

#include <math.h>
#include <stdlib.h>

int repro_matrix_finite(const gsl_matrix *M)
{
    for (size_t i = 0; i < M->size1; i++)
        for (size_t j = 0; j < M->size2; j++)
            if (!isfinite(gsl_matrix_get(M, i, j))) return 0;
    return 1;
}

static int proj_cmp_desc(const void *pa, const void *pb)
{
    const repro_proj *a = pa, *b = pb;
    if (a->z != b->z) return a->z > b->z ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

void repro_proj_sorted(const gsl_matrix *X, const double *w, repro_proj *p)
{
    for (size_t i = 0; i < X->size1; i++) {
        double z = 0;
        for (size_t j = 0; j < X->size2; j++) z += gsl_matrix_get(X, i, j) * w[j];
        p[i] = (repro_proj){z, i};
    }
    qsort(p, X->size1, sizeof *p, proj_cmp_desc);
}
