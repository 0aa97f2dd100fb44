/* arrangement: activation patterns in the plane (contract in arrangement.h). */
#include "engine/arrangement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/matutil.h"

void repro_arrangement_free(repro_arrangement *A)
{
    if (!A) return;
    free(A->mask);
    free(A->u);
    free(A);
}

size_t repro_arrangement_generic_count(size_t N)
{
    if (N == 0) return 1;
    size_t n = N - 1;
    return 2 * (1 + n + n * (n - 1) / 2);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    uint64_t mask;
    double u[3];
} pattern;

static int cmp_pattern(const void *a, const void *b)
{
    uint64_t x = ((const pattern *)a)->mask, y = ((const pattern *)b)->mask;
    return (x > y) - (x < y);
}

repro_arrangement *repro_arrangement_2d(const gsl_matrix *X)
{
    if (!X || X->size2 != 2) {
        repro_err("arrangement: X must have 2 columns, got %zu", X ? X->size2 : 0);
        return NULL;
    }
    size_t N = X->size1;
    if (N < 1 || N > 63) {
        repro_err("arrangement: need 1 to 63 points, got %zu", N);
        return NULL;
    }
    for (size_t i = 0; i < N; i++) {
        if (!isfinite(gsl_matrix_get(X, i, 0)) || !isfinite(gsl_matrix_get(X, i, 1))) {
            repro_err("arrangement: point %zu is not finite", i + 1);
            return NULL;
        }
        for (size_t j = 0; j < i; j++)
            if (gsl_matrix_get(X, i, 0) == gsl_matrix_get(X, j, 0) &&
                gsl_matrix_get(X, i, 1) == gsl_matrix_get(X, j, 1)) {
                repro_err("arrangement: points %zu and %zu are the same", j + 1, i + 1);
                return NULL;
            }
    }
    /* critical angles in [0, 2 pi): w orthogonal to x_i - x_j */
    size_t nc = N * (N - 1);
    double *ang = malloc((nc + 1) * sizeof *ang);
    repro_proj *pr = malloc(N * sizeof *pr);
    size_t cap = (nc + 1) * (N + 1);
    pattern *pat = malloc(cap * sizeof *pat);
    if (!ang || !pr || !pat) {
        free(ang), free(pr), free(pat);
        repro_err("arrangement: out of memory");
        return NULL;
    }
    size_t na = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++) {
            double dx = gsl_matrix_get(X, j, 0) - gsl_matrix_get(X, i, 0);
            double dy = gsl_matrix_get(X, j, 1) - gsl_matrix_get(X, i, 1);
            double a = atan2(dy, dx) + M_PI / 2;
            for (int s = 0; s < 2; s++) {
                double t = fmod(a + s * M_PI, 2 * M_PI);
                if (t < 0) t += 2 * M_PI;
                ang[na++] = t;
            }
        }
    qsort(ang, na, sizeof *ang, cmp_double);
    size_t narcs = na ? na : 1, np = 0;
    for (size_t k = 0; k < narcs; k++) {
        double th;
        if (na == 0) th = 0.5;
        else {
            double a = ang[k], b = k + 1 < na ? ang[k + 1] : ang[0] + 2 * M_PI;
            if (!(b - a > 1e-12)) continue; /* coinciding critical angles: no arc */
            th = 0.5 * (a + b);
        }
        double w0 = cos(th), w1 = sin(th);
        repro_proj_sorted(X, (double[]){w0, w1}, pr);
        uint64_t m = 0;
        for (size_t top = 0; top <= N; top++) {
            double b;
            if (top == 0) b = -(pr[0].z + 1);
            else if (top == N) b = -(pr[N - 1].z - 1);
            else b = -0.5 * (pr[top - 1].z + pr[top].z);
            if (top > 0) m |= (uint64_t)1 << pr[top - 1].i;
            pat[np++] = (pattern){m, {w0, w1, b}};
        }
    }
    qsort(pat, np, sizeof *pat, cmp_pattern);
    /* unique masks; keep the neuron whose smallest margin is largest (best centred) */
    size_t P = 0;
    for (size_t k = 0; k < np; k++) {
        double margin = INFINITY;
        for (size_t i = 0; i < N; i++) {
            double z = fabs(pat[k].u[0] * gsl_matrix_get(X, i, 0) +
                            pat[k].u[1] * gsl_matrix_get(X, i, 1) + pat[k].u[2]);
            if (z < margin) margin = z;
        }
        if (P > 0 && pat[P - 1].mask == pat[k].mask) {
            double old = INFINITY;
            for (size_t i = 0; i < N; i++) {
                double z = fabs(pat[P - 1].u[0] * gsl_matrix_get(X, i, 0) +
                                pat[P - 1].u[1] * gsl_matrix_get(X, i, 1) + pat[P - 1].u[2]);
                if (z < old) old = z;
            }
            if (margin > old) pat[P - 1] = pat[k];
        } else {
            pat[P++] = pat[k];
        }
    }
    free(ang);
    free(pr);
    repro_arrangement *A = calloc(1, sizeof *A);
    if (A) {
        A->mask = malloc(P * sizeof *A->mask);
        A->u = malloc(3 * P * sizeof *A->u);
    }
    if (!A || !A->mask || !A->u) {
        repro_arrangement_free(A);
        free(pat);
        repro_err("arrangement: out of memory");
        return NULL;
    }
    A->N = N;
    A->P = P;
    for (size_t p = 0; p < P; p++) {
        A->mask[p] = pat[p].mask;
        memcpy(A->u + 3 * p, pat[p].u, sizeof pat[p].u);
    }
    free(pat);
    return A;
}
