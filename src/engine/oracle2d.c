/* oracle2d: exact 2-D dual oracle and bound (contract in oracle2d.h). */
#include "engine/oracle2d.h"

#include <math.h>
#include <stdlib.h>

#include "core/err.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the largest w^T Q w over unit w at angles in [a, c] (c - a <= pi); its angle in *TH */
static double arc_max(const double Q[3], double a, double c, double *th)
{
    double best = -1;
    double ends[2] = {a, c};
    for (int e = 0; e < 2; e++) {
        double s = sin(ends[e]), co = cos(ends[e]);
        double v = Q[0] * co * co + 2 * Q[1] * co * s + Q[2] * s * s;
        if (v > best) best = v, *th = ends[e];
    }
    double phi = 0.5 * atan2(2 * Q[1], Q[0] - Q[2]); /* top eigenvector angle (mod pi) */
    double k = ceil((a - phi) / M_PI);
    double cand = phi + k * M_PI;
    if (cand <= c) {
        double tr = 0.5 * (Q[0] + Q[2]), df = 0.5 * (Q[0] - Q[2]);
        double lmax = tr + sqrt(df * df + Q[1] * Q[1]);
        if (lmax > best) best = lmax, *th = cand;
    }
    return best;
}

int repro_oracle2d(const gsl_matrix *X, const gsl_matrix *Theta, double *omega, gsl_vector *w,
                   double *b)
{
    if (!X || !Theta || X->size2 != 2 || Theta->size1 != X->size1)
        return repro_err("oracle2d: X must be N x 2 and Theta N x T");
    size_t N = X->size1, T = Theta->size2;
    double *ang = malloc(2 * N * sizeof *ang), *M = malloc(2 * T * sizeof *M);
    if (!ang || !M) {
        free(ang), free(M);
        return repro_err("oracle2d: out of memory");
    }
    double best = 0, bw0 = 1, bw1 = 0, bb = 0;
    for (size_t a = 0; a < N; a++) {
        double xa = gsl_matrix_get(X, a, 0), ya = gsl_matrix_get(X, a, 1);
        size_t na = 0;
        for (size_t j = 0; j < N; j++) {
            if (j == a) continue;
            double base = atan2(gsl_matrix_get(X, j, 1) - ya, gsl_matrix_get(X, j, 0) - xa);
            for (int s = -1; s <= 1; s += 2) {
                double t = fmod(base + s * M_PI / 2, 2 * M_PI);
                if (t < 0) t += 2 * M_PI;
                ang[na++] = t;
            }
        }
        if (na == 0) continue;
        qsort(ang, na, sizeof *ang, cmp_double);
        for (size_t k = 0; k < na; k++) {
            double lo = ang[k], hi = k + 1 < na ? ang[k + 1] : ang[0] + 2 * M_PI;
            if (!(hi > lo)) continue;
            double mid = 0.5 * (lo + hi), c0 = cos(mid), s0 = sin(mid);
            for (size_t t = 0; t < 2 * T; t++) M[t] = 0;
            for (size_t j = 0; j < N; j++) {
                double dx = gsl_matrix_get(X, j, 0) - xa, dy = gsl_matrix_get(X, j, 1) - ya;
                if (j == a || dx * c0 + dy * s0 <= 0) continue;
                for (size_t t = 0; t < T; t++) {
                    double th = gsl_matrix_get(Theta, j, t);
                    M[2 * t] += th * dx;
                    M[2 * t + 1] += th * dy;
                }
            }
            double Q[3] = {0, 0, 0};
            for (size_t t = 0; t < T; t++) {
                Q[0] += M[2 * t] * M[2 * t];
                Q[1] += M[2 * t] * M[2 * t + 1];
                Q[2] += M[2 * t + 1] * M[2 * t + 1];
            }
            double th = lo;
            double v = arc_max(Q, lo, hi, &th);
            if (v > best) {
                best = v;
                bw0 = cos(th), bw1 = sin(th);
                bb = -(bw0 * xa + bw1 * ya);
            }
        }
    }
    free(ang);
    free(M);
    *omega = sqrt(best);
    if (w) gsl_vector_set(w, 0, bw0), gsl_vector_set(w, 1, bw1);
    if (b) *b = bb;
    return 0;
}

/* Theta -= F (F^T F)^{-1} F^T Theta for F = [1] or [1 X], by modified Gram-Schmidt twice. */
static void project(const gsl_matrix *X, gsl_matrix *Theta, int skip)
{
    size_t N = X->size1, nf = skip ? 3 : 1;
    double q[3][64], *Qm[3];
    double *buf = N > 64 ? malloc(3 * N * sizeof *buf) : NULL;
    for (size_t f = 0; f < nf; f++) Qm[f] = buf ? buf + f * N : q[f];
    size_t kept = 0;
    for (size_t f = 0; f < nf; f++) {
        double *col = Qm[kept];
        for (size_t i = 0; i < N; i++) col[i] = f == 0 ? 1 : gsl_matrix_get(X, i, f - 1);
        double n0 = 0;
        for (size_t i = 0; i < N; i++) n0 += col[i] * col[i];
        for (int pass = 0; pass < 2; pass++)
            for (size_t g = 0; g < kept; g++) {
                double d = 0;
                for (size_t i = 0; i < N; i++) d += Qm[g][i] * col[i];
                for (size_t i = 0; i < N; i++) col[i] -= d * Qm[g][i];
            }
        double n = 0;
        for (size_t i = 0; i < N; i++) n += col[i] * col[i];
        if (!(n > 1e-24 * n0)) continue; /* dependent column (collinear data) */
        n = sqrt(n);
        for (size_t i = 0; i < N; i++) col[i] /= n;
        kept++;
    }
    for (size_t t = 0; t < Theta->size2; t++)
        for (int pass = 0; pass < 2; pass++)
            for (size_t g = 0; g < kept; g++) {
                double d = 0;
                for (size_t i = 0; i < N; i++) d += Qm[g][i] * gsl_matrix_get(Theta, i, t);
                for (size_t i = 0; i < N; i++)
                    gsl_matrix_set(Theta, i, t, gsl_matrix_get(Theta, i, t) - d * Qm[g][i]);
            }
    free(buf);
}

int repro_dual2d(const gsl_matrix *X, const gsl_matrix *Y, gsl_matrix *Theta, int skip,
                 double lambda, double *dual, double *omega)
{
    if (!X || !Y || !Theta || X->size2 != 2 || Y->size1 != X->size1 ||
        Theta->size1 != Y->size1 || Theta->size2 != Y->size2)
        return repro_err("dual2d: X must be N x 2, Y and Theta N x T");
    if (!(lambda >= 0) || !isfinite(lambda))
        return repro_err("dual2d: lambda must be finite and >= 0, got %g", lambda);
    project(X, Theta, skip);
    double om;
    if (repro_oracle2d(X, Theta, &om, NULL, NULL)) return -1;
    if (omega) *omega = om;
    double ty = 0, tt = 0;
    for (size_t i = 0; i < Y->size1; i++)
        for (size_t t = 0; t < Y->size2; t++) {
            double th = gsl_matrix_get(Theta, i, t);
            ty += th * gsl_matrix_get(Y, i, t);
            tt += th * th;
        }
    if (om <= 0) {
        *dual = 0;
        return 0;
    }
    if (lambda == 0) {
        *dual = fabs(ty) / om;
        return 0;
    }
    double NT = (double)(Y->size1 * Y->size2);
    double smax = lambda / om, s = tt > 0 ? ty / (0.5 * NT * tt) : 0;
    if (s < 0) s = 0;
    if (s > smax) s = smax;
    *dual = s * ty - 0.25 * NT * s * s * tt;
    return 0;
}
