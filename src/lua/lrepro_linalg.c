/* repro.linalg: the small dense linear algebra a script needs, by GSL.
 *   repro.linalg.solve(A, B)  -> X with A X = B (A n x n, B a list of n numbers or n rows);
 *                                LU with partial pivoting; a singular A is an error.
 * Inputs are Lua lists of rows; results come back the same way (a list when B was a list). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>
#include <math.h>
#include <stdio.h>

#include "lua/lrepro.h"

static int l_solve(lua_State *L)
{
    gsl_matrix *A = lrepro_checkmatrix(L, 1, "linalg.solve: A", 0);  /* pushes a box */
    gsl_matrix *B = lrepro_checkmatrix(L, 2, "linalg.solve: B", 1); /* pushes a box */
    size_t n = A->size1;
    if (A->size2 != n) return luaL_error(L, "linalg.solve: A must be square, got %d x %d", (int)n, (int)A->size2);
    if (B->size1 != n)
        return luaL_error(L, "linalg.solve: B must have %d rows (as A), got %d", (int)n, (int)B->size1);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (!isfinite(gsl_matrix_get(A, i, j)))
                return luaL_error(L, "linalg.solve: A[%d][%d] must be finite", (int)i + 1, (int)j + 1);
    gsl_matrix *LU = lrepro_newmatrix(L, n, n);
    gsl_matrix_memcpy(LU, A);
    /* The permutation lives in Lua memory: nothing leaks when a later step raises. */
    gsl_permutation perm = {n, lua_newuserdatauv(L, n * sizeof(size_t), 0)}, *p = &perm;
    int sign = 0;
    int st = gsl_linalg_LU_decomp(LU, p, &sign);
    /* singular, or so ill-conditioned that the solution would be noise */
    double amax = 0, umin = HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) amax = fmax(amax, fabs(gsl_matrix_get(A, i, j)));
        umin = fmin(umin, fabs(gsl_matrix_get(LU, i, i)));
    }
    if (st != GSL_SUCCESS || !(umin > 1e-14 * amax)) {
        char msg[160];
        snprintf(msg, sizeof msg, "linalg.solve: A is singular to working precision (smallest "
                 "pivot %.3g against largest entry %.3g)", umin, amax);
        return luaL_error(L, "%s", msg);
    }
    gsl_matrix *X = lrepro_newmatrix(L, n, B->size2);
    for (size_t k = 0; k < B->size2; k++) {
        gsl_vector_view b = gsl_matrix_column(B, k), x = gsl_matrix_column(X, k);
        gsl_linalg_LU_solve(LU, p, &b.vector, &x.vector);
    }
    lrepro_pushmatrix(L, X); /* one column: plain numbers */
    return 1;
}

void lrepro_open_linalg(lua_State *L)
{
    static const luaL_Reg fns[] = {{"solve", l_solve}, {NULL, NULL}};
    lrepro_newmodule(L, "linalg", fns, NULL);
}
