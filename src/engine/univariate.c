/* univariate: slopes, CPWL splines, f_D, Theorem 3.1, the family and Lemma 3.2. */
#include "engine/univariate.h"

#include <gsl/gsl_blas.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"

void repro_spline_free(repro_spline *sp)
{
    if (!sp) return;
    gsl_vector_free(sp->nodes);
    gsl_matrix_free(sp->values);
    gsl_vector_free(sp->left);
    gsl_vector_free(sp->right);
    free(sp);
}

static repro_spline *spline_alloc(size_t K, size_t T)
{
    if (K == 0 || T == 0) {
        repro_err("spline: need at least one node and one output (got %zu nodes, %zu outputs)",
                  K, T);
        return NULL;
    }
    repro_spline *sp = calloc(1, sizeof *sp);
    if (sp) {
        sp->K = K;
        sp->T = T;
        sp->nodes = gsl_vector_alloc(K);
        sp->values = gsl_matrix_alloc(K, T);
        sp->left = gsl_vector_alloc(T);
        sp->right = gsl_vector_alloc(T);
    }
    if (!sp || !sp->nodes || !sp->values || !sp->left || !sp->right) {
        repro_spline_free(sp);
        repro_err("spline: out of memory");
        return NULL;
    }
    return sp;
}

static int allfinite_v(const gsl_vector *v)
{
    for (size_t i = 0; i < v->size; i++)
        if (!isfinite(gsl_vector_get(v, i))) return 0;
    return 1;
}

repro_spline *repro_spline_new(const gsl_vector *nodes, const gsl_matrix *values,
                               const gsl_vector *left, const gsl_vector *right)
{
    size_t K = nodes->size, T = values->size2;
    if (values->size1 != K) {
        repro_err("spline: %zu knots but %zu values", K, values->size1);
        return NULL;
    }
    if (left->size != T || right->size != T) {
        repro_err("spline: left and right slopes must have %zu entries (got %zu and %zu)", T,
                  left->size, right->size);
        return NULL;
    }
    if (!allfinite_v(nodes) || !allfinite_v(left) || !allfinite_v(right)) {
        repro_err("spline: knots and slopes must be finite numbers");
        return NULL;
    }
    for (size_t k = 0; k < K; k++) {
        gsl_vector_const_view r = gsl_matrix_const_row(values, k);
        if (!allfinite_v(&r.vector)) {
            repro_err("spline: value %zu must be finite", k + 1);
            return NULL;
        }
        if (k > 0 && !(gsl_vector_get(nodes, k) > gsl_vector_get(nodes, k - 1))) {
            repro_err("spline: knots must be strictly increasing (knot %zu = %g after %g)", k + 1,
                      gsl_vector_get(nodes, k), gsl_vector_get(nodes, k - 1));
            return NULL;
        }
    }
    repro_spline *sp = spline_alloc(K, T);
    if (!sp) return NULL;
    gsl_vector_memcpy(sp->nodes, nodes);
    gsl_matrix_memcpy(sp->values, values);
    gsl_vector_memcpy(sp->left, left);
    gsl_vector_memcpy(sp->right, right);
    return sp;
}

void repro_spline_eval(const repro_spline *sp, double x, gsl_vector *out)
{
    size_t K = sp->K;
    const gsl_vector *xs = sp->nodes;
    if (x <= gsl_vector_get(xs, 0) || K == 1) {
        int right = x > gsl_vector_get(xs, 0);
        double dx = x - gsl_vector_get(xs, 0);
        for (size_t t = 0; t < sp->T; t++)
            gsl_vector_set(out, t, gsl_matrix_get(sp->values, 0, t) +
                                       gsl_vector_get(right ? sp->right : sp->left, t) * dx);
        return;
    }
    if (x >= gsl_vector_get(xs, K - 1)) {
        double dx = x - gsl_vector_get(xs, K - 1);
        for (size_t t = 0; t < sp->T; t++)
            gsl_vector_set(out, t, gsl_matrix_get(sp->values, K - 1, t) +
                                       gsl_vector_get(sp->right, t) * dx);
        return;
    }
    size_t lo = 0, hi = K - 1; /* nodes[lo] < x < nodes[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (gsl_vector_get(xs, mid) <= x)
            lo = mid;
        else
            hi = mid;
    }
    double x0 = gsl_vector_get(xs, lo), x1 = gsl_vector_get(xs, hi);
    double w = (x - x0) / (x1 - x0);
    for (size_t t = 0; t < sp->T; t++) {
        double v0 = gsl_matrix_get(sp->values, lo, t), v1 = gsl_matrix_get(sp->values, hi, t);
        gsl_vector_set(out, t, w == 0 ? v0 : v0 + (v1 - v0) * w);
    }
}

void repro_spline_slopes_to(const repro_spline *sp, gsl_matrix *S)
{
    gsl_matrix_set_row(S, 0, sp->left);
    gsl_matrix_set_row(S, sp->K, sp->right);
    for (size_t k = 0; k + 1 < sp->K; k++) {
        double dx = gsl_vector_get(sp->nodes, k + 1) - gsl_vector_get(sp->nodes, k);
        for (size_t t = 0; t < sp->T; t++)
            gsl_matrix_set(S, k + 1, t,
                           (gsl_matrix_get(sp->values, k + 1, t) - gsl_matrix_get(sp->values, k, t)) /
                               dx);
    }
}

gsl_matrix *repro_spline_slopes(const repro_spline *sp)
{
    gsl_matrix *S = gsl_matrix_alloc(sp->K + 1, sp->T);
    if (!S) {
        repro_err("spline slopes: out of memory");
        return NULL;
    }
    repro_spline_slopes_to(sp, S);
    return S;
}

/* Slope of SP on the piece left of node K (K = 0: the left slope). */
static double piece_slope(const repro_spline *sp, size_t k, size_t t)
{
    if (k == 0) return gsl_vector_get(sp->left, t);
    if (k == sp->K) return gsl_vector_get(sp->right, t);
    return (gsl_matrix_get(sp->values, k, t) - gsl_matrix_get(sp->values, k - 1, t)) /
           (gsl_vector_get(sp->nodes, k) - gsl_vector_get(sp->nodes, k - 1));
}

void repro_spline_jumps_to(const repro_spline *sp, gsl_matrix *J)
{
    for (size_t k = 0; k < sp->K; k++)
        for (size_t t = 0; t < sp->T; t++)
            gsl_matrix_set(J, k, t, piece_slope(sp, k + 1, t) - piece_slope(sp, k, t));
}

gsl_matrix *repro_spline_jumps(const repro_spline *sp)
{
    gsl_matrix *J = gsl_matrix_alloc(sp->K, sp->T);
    if (!J) {
        repro_err("spline jumps: out of memory");
        return NULL;
    }
    repro_spline_jumps_to(sp, J);
    return J;
}

double repro_univariate_cost(const gsl_matrix *jumps)
{
    double c = 0;
    for (size_t k = 0; k < jumps->size1; k++) {
        gsl_vector_const_view r = gsl_matrix_const_row(jumps, k);
        c += gsl_blas_dnrm2(&r.vector);
    }
    return c;
}

double repro_spline_cost(const repro_spline *sp)
{
    gsl_matrix *J = repro_spline_jumps(sp);
    if (!J) return NAN;
    double c = repro_univariate_cost(J);
    gsl_matrix_free(J);
    return c;
}

static int check1d(const repro_dataset *ds, const char *fn)
{
    if (ds->d != 1) return repro_err("%s: needs a dataset with one input (d = 1), got d = %zu", fn, ds->d);
    return 0;
}

void repro_univariate_slopes_to(const repro_dataset *ds, gsl_matrix *S)
{
    for (size_t i = 0; i + 1 < ds->N; i++) {
        double dx = gsl_matrix_get(ds->X, i + 1, 0) - gsl_matrix_get(ds->X, i, 0);
        for (size_t t = 0; t < ds->T; t++)
            gsl_matrix_set(S, i, t, (gsl_matrix_get(ds->Y, i + 1, t) - gsl_matrix_get(ds->Y, i, t)) / dx);
    }
}

gsl_matrix *repro_univariate_slopes(const repro_dataset *ds)
{
    if (check1d(ds, "slopes")) return NULL;
    gsl_matrix *S = gsl_matrix_alloc(ds->N - 1, ds->T);
    if (!S) {
        repro_err("slopes: out of memory");
        return NULL;
    }
    repro_univariate_slopes_to(ds, S);
    return S;
}

repro_spline *repro_connect_the_dots(const repro_dataset *ds)
{
    if (check1d(ds, "connect_the_dots")) return NULL;
    gsl_matrix *S = repro_univariate_slopes(ds);
    if (!S) return NULL;
    repro_spline *sp = spline_alloc(ds->N, ds->T);
    if (sp) {
        gsl_vector_const_view x = gsl_matrix_const_column(ds->X, 0);
        gsl_vector_memcpy(sp->nodes, &x.vector);
        gsl_matrix_memcpy(sp->values, ds->Y);
        gsl_matrix_get_row(sp->left, S, 0);
        gsl_matrix_get_row(sp->right, S, ds->N - 2);
    }
    gsl_matrix_free(S);
    return sp;
}

int repro_aligned(const gsl_vector *u, const gsl_vector *v, double tol, double zscale)
{
    double nu = gsl_blas_dnrm2(u), nv = gsl_blas_dnrm2(v);
    double ztol = fmin(tol, REPRO_ALIGN_TOL) * zscale;
    if (nu <= ztol || nv <= ztol || nu == 0 || nv == 0) return 0;
    double d2 = 0; /* || u/|u| - v/|v| ||^2 = (2 sin(angle/2))^2 */
    for (size_t t = 0; t < u->size; t++) {
        double e = gsl_vector_get(u, t) / nu - gsl_vector_get(v, t) / nv;
        d2 += e * e;
    }
    return sqrt(d2) <= tol;
}

/* Slope changes around interval I (0-based interval index of s): u = s_i - s_{i-1},
 * v = s_{i+1} - s_i, and a scale for "zero". */
static int interval_aligned(const gsl_matrix *S, size_t i, double tol, gsl_vector *u,
                            gsl_vector *v)
{
    double scale = 0;
    for (size_t t = 0; t < S->size2; t++) {
        double a = gsl_matrix_get(S, i - 1, t), b = gsl_matrix_get(S, i, t),
               c = gsl_matrix_get(S, i + 1, t);
        gsl_vector_set(u, t, b - a);
        gsl_vector_set(v, t, c - b);
        scale = fmax(scale, fmax(fabs(a), fmax(fabs(b), fabs(c))));
    }
    return repro_aligned(u, v, tol, scale);
}

int repro_univariate_nonunique(const repro_dataset *ds, double tol, size_t *idx)
{
    if (check1d(ds, "nonunique")) return -1;
    if (!(tol >= 0) || !isfinite(tol)) return repro_err("nonunique: tol must be a number >= 0, got %g", tol);
    if (ds->N < 4) return 0;
    gsl_matrix *S = repro_univariate_slopes(ds);
    gsl_vector *u = gsl_vector_alloc(ds->T), *v = gsl_vector_alloc(ds->T);
    if (!S || !u || !v) {
        gsl_matrix_free(S);
        gsl_vector_free(u);
        gsl_vector_free(v);
        return repro_err("nonunique: out of memory");
    }
    int n = 0;
    /* 1-based interval i in 2..N-2 is 0-based slope index i-1 in 1..N-3 */
    for (size_t i = 1; i + 2 < ds->N; i++)
        if (interval_aligned(S, i, tol, u, v)) idx[n++] = i + 1;
    gsl_matrix_free(S);
    gsl_vector_free(u);
    gsl_vector_free(v);
    return n;
}

repro_spline *repro_univariate_family(const repro_dataset *ds, size_t i, double tau,
                                      const gsl_vector *delta)
{
    const double tol = REPRO_ALIGN_TOL;
    if (check1d(ds, "family")) return NULL;
    size_t N = ds->N, T = ds->T;
    if (N < 4 || i < 2 || i > N - 2) {
        repro_err("family: interval i must be in 2..N-2 = 2..%d, got %zu", (int)N - 2, i);
        return NULL;
    }
    if (!(tau > 0 && tau < 1)) {
        repro_err("family: tau must be in (0, 1), got %g", tau);
        return NULL;
    }
    if (delta->size != T) {
        repro_err("family: delta must have %zu entries (one per task), got %zu", T, delta->size);
        return NULL;
    }
    if (!allfinite_v(delta)) {
        repro_err("family: delta must be finite");
        return NULL;
    }
    gsl_matrix *S = repro_univariate_slopes(ds);
    gsl_vector *u = gsl_vector_alloc(T), *v = gsl_vector_alloc(T), *amb = gsl_vector_alloc(T);
    repro_spline *sp = NULL;
    if (!S || !u || !v || !amb) {
        repro_err("family: out of memory");
        goto done;
    }
    size_t s = i - 1; /* 0-based index of b = s_i */
    if (!interval_aligned(S, s, tol, u, v)) {
        repro_err("family: interval %zu does not satisfy Theorem 3.1 (s_i - s_{i-1} and "
                  "s_{i+1} - s_i must be nonzero and aligned)", i);
        goto done;
    }
    /* a - b = -u */
    gsl_vector_memcpy(amb, u);
    gsl_vector_scale(amb, -1);
    double nd = gsl_blas_dnrm2(delta);
    if (nd > 0 && !repro_aligned(delta, amb, tol, 0)) {
        repro_err("family: delta must be aligned with a - b (slopes around interval %zu)", i);
        goto done;
    }
    double limit = fmin(gsl_blas_dnrm2(u), (1 - tau) / tau * gsl_blas_dnrm2(v));
    if (nd > limit * (1 + tol)) {
        repro_err("family: delta too long: ||delta|| = %g but must be <= min(||a - b||, "
                  "(1 - tau)/tau ||b - c||) = %g (interval %zu)", nd, limit, i);
        goto done;
    }
    sp = spline_alloc(N + 1, T);
    if (!sp) goto done;
    double xi = gsl_matrix_get(ds->X, i - 1, 0), xn = gsl_matrix_get(ds->X, i, 0);
    double xt = xi + tau * (xn - xi);
    for (size_t k = 0, r = 0; k < N; k++, r++) {
        gsl_vector_set(sp->nodes, r, gsl_matrix_get(ds->X, k, 0));
        for (size_t t = 0; t < T; t++) gsl_matrix_set(sp->values, r, t, gsl_matrix_get(ds->Y, k, t));
        if (k == i - 1) { /* the new knot after x_i */
            r++;
            gsl_vector_set(sp->nodes, r, xt);
            for (size_t t = 0; t < T; t++)
                gsl_matrix_set(sp->values, r, t,
                               gsl_matrix_get(ds->Y, k, t) +
                                   (gsl_matrix_get(S, s, t) + gsl_vector_get(delta, t)) * (xt - xi));
        }
    }
    gsl_matrix_get_row(sp->left, S, 0);
    gsl_matrix_get_row(sp->right, S, N - 2);
done:
    gsl_matrix_free(S);
    gsl_vector_free(u);
    gsl_vector_free(v);
    gsl_vector_free(amb);
    return sp;
}

int repro_lemma32(const gsl_vector *a, const gsl_vector *b, const gsl_vector *c,
                  const gsl_vector *delta, double tau, double *lhs, double *rhs)
{
    size_t T = a->size;
    if (b->size != T || c->size != T || delta->size != T)
        return repro_err("lemma32: a, b, c and delta must have equal lengths (got %zu, %zu, %zu, %zu)",
                         T, b->size, c->size, delta->size);
    if (!(tau > 0 && tau < 1)) return repro_err("lemma32: tau must be in (0, 1), got %g", tau);
    double s1 = 0, s2 = 0, s3 = 0, r1 = 0, r2 = 0, nd = 0;
    for (size_t t = 0; t < T; t++) {
        double at = gsl_vector_get(a, t), bt = gsl_vector_get(b, t), ct = gsl_vector_get(c, t),
               dt = gsl_vector_get(delta, t);
        double e1 = dt + bt - at, e3 = ct - bt + tau * dt / (1 - tau);
        s1 += e1 * e1;
        s3 += e3 * e3;
        nd += dt * dt;
        r1 += (bt - at) * (bt - at);
        r2 += (ct - bt) * (ct - bt);
    }
    s2 = sqrt(nd) / (1 - tau);
    *lhs = sqrt(s1) + s2 + sqrt(s3);
    *rhs = sqrt(r1) + sqrt(r2);
    return 0;
}
