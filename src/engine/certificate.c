/* certificate: the residual-correlation certificate (contract in certificate.h). */
#include "engine/certificate.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/matutil.h"

/* ---- the certificate ---------------------------------------------------------------------- */

typedef struct {
    const gsl_matrix *X, *R;
    repro_proj *p;   /* N */
    double *s1, *s0; /* T */
    double best, bestb;
    double *bestw;   /* d */
    const double *w; /* the current direction (d) */
} cert_work;

static void cert_take(cert_work *cw, double value, double b)
{
    if (value > cw->best) {
        cw->best = value;
        cw->bestb = b;
        for (size_t j = 0; j < cw->X->size2; j++) cw->bestw[j] = cw->w[j];
    }
}

static double dot_row(const gsl_matrix *X, size_t i, const double *w)
{
    double s = 0;
    for (size_t j = 0; j < X->size2; j++) s += gsl_matrix_get(X, i, j) * w[j];
    return s;
}

/* ||R^T (X w + b)_+|| for every b = -w.x_i, in O(N T) after sorting: with the projections in
 * decreasing order, the sum over the active points is S1 + b S0 with running sums
 * S1 = sum R_i u_i, S0 = sum R_i (u = projections centred at the median, for accuracy). */
static void cert_direction(cert_work *cw)
{
    const gsl_matrix *R = cw->R;
    size_t N = R->size1, T = R->size2;
    repro_proj_sorted(cw->X, cw->w, cw->p);
    double zc = cw->p[N / 2].z;
    for (size_t t = 0; t < T; t++) cw->s1[t] = cw->s0[t] = 0;
    for (size_t j = 0; j < N; j++) {
        size_t i = cw->p[j].i;
        double u = cw->p[j].z - zc, bu = -u, n2 = 0;
        for (size_t t = 0; t < T; t++) {
            double rit = gsl_matrix_get(R, i, t);
            cw->s1[t] += rit * u;
            cw->s0[t] += rit;
            double s = cw->s1[t] + bu * cw->s0[t];
            n2 += s * s;
        }
        cert_take(cw, sqrt(n2), -cw->p[j].z);
    }
}

/* ||R^T (X w + b)_+|| directly, O(N T). */
static void cert_direct(cert_work *cw, double b)
{
    const gsl_matrix *R = cw->R;
    size_t N = R->size1, T = R->size2;
    for (size_t t = 0; t < T; t++) cw->s1[t] = 0;
    for (size_t i = 0; i < N; i++) {
        double phi = dot_row(cw->X, i, cw->w) + b;
        if (phi <= 0) continue;
        for (size_t t = 0; t < T; t++) cw->s1[t] += gsl_matrix_get(R, i, t) * phi;
    }
    double n2 = 0;
    for (size_t t = 0; t < T; t++) n2 += cw->s1[t] * cw->s1[t];
    cert_take(cw, sqrt(n2), b);
}

static int cert_check(const gsl_matrix *X, const gsl_matrix *R, double lambda, size_t ngrid,
                      const double *ratio, const gsl_vector *w)
{
    if (!X || !R || !ratio) return repro_err("certificate: X, R and ratio must be given");
    size_t N = X->size1, d = X->size2;
    if (N == 0 || d == 0) return repro_err("certificate: X must be non-empty, got %zu x %zu", N, d);
    if (R->size1 != N)
        return repro_err("certificate: R must have %zu rows (as X), got %zu", N, R->size1);
    if (R->size2 == 0) return repro_err("certificate: R must have at least one column");
    if (!(lambda > 0) || !isfinite(lambda))
        return repro_err("certificate: lambda must be a finite number > 0, got %g", lambda);
    if (d >= 2 && ngrid == 0)
        return repro_err("certificate: ngrid must be >= 1 when d = %zu >= 2", d);
    if (w && w->size != d) return repro_err("certificate: w must have length %zu, got %zu", d, w->size);
    if (!repro_matrix_finite(X)) return repro_err("certificate: X has a non-finite entry");
    if (!repro_matrix_finite(R)) return repro_err("certificate: R has a non-finite entry");
    return 0;
}

/* d = 1: w = +1 and -1 with breakpoints at the data, plus NGRID knots kappa evenly on
 * [min - range, max + range] (b = -kappa for w = +1, b = kappa for w = -1). */
static void cert_1d(cert_work *cw, size_t ngrid)
{
    const gsl_matrix *X = cw->X;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < X->size1; i++) {
        lo = fmin(lo, gsl_matrix_get(X, i, 0));
        hi = fmax(hi, gsl_matrix_get(X, i, 0));
    }
    double range = hi - lo;
    static const double signs[2] = {1.0, -1.0};
    for (int s = 0; s < 2; s++) {
        cw->w = &signs[s];
        cert_direction(cw);
        for (size_t m = 0; m < ngrid; m++) {
            double kappa = ngrid == 1 ? 0.5 * (lo + hi)
                                      : lo - range + 3 * range * (double)m / (double)(ngrid - 1);
            cert_direct(cw, -signs[s] * kappa);
        }
    }
}

int repro_certificate(const gsl_matrix *X, const gsl_matrix *R, double lambda, size_t ngrid,
                      unsigned long seed, double *ratio, gsl_vector *w, double *b)
{
    if (cert_check(X, R, lambda, ngrid, ratio, w) != 0) return -1;
    size_t N = X->size1, d = X->size2, T = R->size2;
    cert_work cw = {.X = X, .R = R, .best = -1, .bestb = 0};
    cw.p = malloc(N * sizeof *cw.p);
    cw.s1 = malloc(T * sizeof *cw.s1);
    cw.s0 = malloc(T * sizeof *cw.s0);
    cw.bestw = calloc(d, sizeof *cw.bestw);
    double *dir = malloc(d * sizeof *dir);
    gsl_rng *rng = d > 2 ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    int status = -1;
    if (!cw.p || !cw.s1 || !cw.s0 || !cw.bestw || !dir || (d > 2 && !rng)) {
        repro_err("certificate: out of memory (N = %zu, d = %zu, T = %zu)", N, d, T);
        goto done;
    }
    if (d == 1) {
        cert_1d(&cw, ngrid);
    } else {
        if (rng) gsl_rng_set(rng, seed);
        cw.w = dir;
        for (size_t j = 0; j < ngrid; j++) {
            if (d == 2) {
                double th = 2 * M_PI * (double)j / (double)ngrid;
                dir[0] = cos(th);
                dir[1] = sin(th);
            } else {
                double n2 = 0;
                while (!(n2 > 0)) {
                    n2 = 0;
                    for (size_t i = 0; i < d; i++) {
                        dir[i] = gsl_ran_gaussian(rng, 1.0);
                        n2 += dir[i] * dir[i];
                    }
                }
                for (size_t i = 0; i < d; i++) dir[i] /= sqrt(n2);
            }
            cert_direction(&cw);
        }
    }
    *ratio = cw.best * 2 / ((double)N * (double)T) / lambda;
    if (w)
        for (size_t i = 0; i < d; i++) gsl_vector_set(w, i, cw.bestw[i]);
    if (b) *b = cw.bestb;
    status = 0;
done:
    free(cw.p);
    free(cw.s1);
    free(cw.s0);
    free(cw.bestw);
    free(dir);
    gsl_rng_free(rng);
    return status;
}
