/* Tests for univariate.c against closed forms and invariants (SPEC section 2). */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/dataset.h"
#include "core/err.h"
#include "engine/univariate.h"

/* A validated d = 1 dataset with x[i] and y[i*T + t]. */
static repro_dataset *mkds(size_t N, size_t T, const double *x, const double *y)
{
    repro_dataset *ds = repro_dataset_alloc(N, 1, T);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(ds->X, i, 0, x[i]);
        for (size_t t = 0; t < T; t++) gsl_matrix_set(ds->Y, i, t, y[i * T + t]);
    }
    if (repro_dataset_validate(ds, 0, NULL, NULL) != 0) {
        printf("# dataset rejected: %s\n", repro_errmsg());
        repro_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* Random sorted data: x increasing with gaps in [0.2, 1.2], y standard normal. */
static repro_dataset *randds(gsl_rng *r, size_t N, size_t T)
{
    double x[64], y[64 * 8];
    double at = gsl_rng_uniform(r) - 3;
    for (size_t i = 0; i < N; i++) {
        at += 0.2 + gsl_rng_uniform(r);
        x[i] = at;
        for (size_t t = 0; t < T; t++) y[i * T + t] = gsl_ran_gaussian(r, 1.0);
    }
    return mkds(N, T, x, y);
}

static double spline_at(const repro_spline *sp, double x, size_t t)
{
    gsl_vector *o = gsl_vector_alloc(sp->T);
    repro_spline_eval(sp, x, o);
    double v = gsl_vector_get(o, t);
    gsl_vector_free(o);
    return v;
}

static int errmatch(const char *s) { return strstr(repro_errmsg(), s) != NULL; }

static void test_slopes_line(void)
{
    double x[] = {-1.5, -0.25, 0.5, 2, 3.75};
    double y[10];
    for (int i = 0; i < 5; i++) {
        y[2 * i] = 2 * x[i] + 1;
        y[2 * i + 1] = -x[i] + 3;
    }
    repro_dataset *ds = mkds(5, 2, x, y);
    gsl_matrix *S = repro_univariate_slopes(ds);
    CHECK(S && S->size1 == 4 && S->size2 == 2, "slopes: (N-1) x T");
    double worst = 0;
    for (size_t i = 0; i < 4; i++)
        worst = fmax(worst, fmax(fabs(gsl_matrix_get(S, i, 0) - 2), fabs(gsl_matrix_get(S, i, 1) + 1)));
    CHECK_CLOSE(worst, 0, 1e-14, "slopes of a line are its slope in every task");
    repro_spline *sp = repro_connect_the_dots(ds);
    CHECK_CLOSE(repro_spline_cost(sp), 0, 1e-13, "f_D of a line has cost 0");
    CHECK_CLOSE(spline_at(sp, -10, 0), -19, 1e-12, "f_D of a line extends it to the left");
    CHECK_CLOSE(spline_at(sp, 10, 1), -7, 1e-12, "f_D of a line extends it to the right");
    size_t idx[5];
    CHECK(repro_univariate_nonunique(ds, 1e-12, idx) == 0, "a line is the unique solution");
    repro_spline_free(sp);
    gsl_matrix_free(S);
    repro_dataset_free(ds);
}

static void test_abs(void)
{
    double x[] = {-1, 0, 1}, y[] = {1, 0, 1};
    repro_dataset *ds = mkds(3, 1, x, y);
    repro_spline *sp = repro_connect_the_dots(ds);
    CHECK_CLOSE(repro_spline_cost(sp), 2, 1e-15, "cost of |x| is 2 (f_D)");
    CHECK_CLOSE(spline_at(sp, -3.5, 0), 3.5, 1e-15, "f_D = |x| left");
    CHECK_CLOSE(spline_at(sp, 0.25, 0), 0.25, 1e-15, "f_D = |x| inside");
    CHECK_CLOSE(spline_at(sp, 7, 0), 7, 1e-15, "f_D = |x| right");
    gsl_matrix *J = repro_spline_jumps(sp);
    CHECK(J->size1 == 3 && gsl_matrix_get(J, 0, 0) == 0 && gsl_matrix_get(J, 2, 0) == 0 &&
              fabs(gsl_matrix_get(J, 1, 0) - 2) < 1e-15,
          "jumps of |x|: 0, 2, 0 at the data points");
    gsl_matrix_free(J);
    repro_spline_free(sp);

    gsl_vector *k = gsl_vector_alloc(1), *l = gsl_vector_alloc(1), *r = gsl_vector_alloc(1);
    gsl_matrix *v = gsl_matrix_calloc(1, 1);
    gsl_vector_set(k, 0, 0);
    gsl_vector_set(l, 0, -1);
    gsl_vector_set(r, 0, 1);
    sp = repro_spline_new(k, v, l, r);
    CHECK(sp != NULL, "spline_new: |x| from one knot");
    CHECK_CLOSE(repro_spline_cost(sp), 2, 1e-15, "cost of |x| is 2 (one-knot spline)");
    CHECK_CLOSE(spline_at(sp, -2, 0), 2, 1e-15, "one-knot |x| left");
    CHECK_CLOSE(spline_at(sp, 3, 0), 3, 1e-15, "one-knot |x| right");
    repro_spline_free(sp);
    gsl_vector_free(k);
    gsl_vector_free(l);
    gsl_vector_free(r);
    gsl_matrix_free(v);
    repro_dataset_free(ds);
}

static void test_random_fD(gsl_rng *r)
{
    double interp = 0, lin = 0, sumj = 0, costd = 0;
    for (int rep = 0; rep < 50; rep++) {
        size_t N = 2 + gsl_rng_uniform_int(r, 12), T = 1 + gsl_rng_uniform_int(r, 4);
        repro_dataset *ds = randds(r, N, T);
        repro_spline *sp = repro_connect_the_dots(ds);
        gsl_matrix *S = repro_univariate_slopes(ds), *J = repro_spline_jumps(sp);
        double want = 0;
        for (size_t i = 1; i + 1 < N; i++) {
            double s2 = 0;
            for (size_t t = 0; t < T; t++) {
                double d = gsl_matrix_get(S, i, t) - gsl_matrix_get(S, i - 1, t);
                s2 += d * d;
            }
            want += sqrt(s2);
        }
        costd = fmax(costd, fabs(repro_spline_cost(sp) - want) / fmax(1, want));
        for (size_t t = 0; t < T; t++) {
            double js = 0;
            for (size_t k = 0; k < J->size1; k++) js += gsl_matrix_get(J, k, t);
            sumj = fmax(sumj, fabs(js - (gsl_matrix_get(S, N - 2, t) - gsl_matrix_get(S, 0, t))));
            for (size_t i = 0; i < N; i++) {
                double xi = gsl_matrix_get(ds->X, i, 0);
                interp = fmax(interp, fabs(spline_at(sp, xi, t) - gsl_matrix_get(ds->Y, i, t)));
                if (i + 1 < N) { /* a point 30% of the way to the next data point */
                    double xn = gsl_matrix_get(ds->X, i + 1, 0), xm = xi + 0.3 * (xn - xi);
                    double ym = 0.7 * gsl_matrix_get(ds->Y, i, t) + 0.3 * gsl_matrix_get(ds->Y, i + 1, t);
                    lin = fmax(lin, fabs(spline_at(sp, xm, t) - ym));
                }
            }
        }
        gsl_matrix_free(S);
        gsl_matrix_free(J);
        repro_spline_free(sp);
        repro_dataset_free(ds);
    }
    CHECK(interp == 0, "f_D interpolates the data exactly (50 random datasets)");
    CHECK_CLOSE(lin, 0, 1e-12, "f_D is the straight line between consecutive points");
    CHECK_CLOSE(sumj, 0, 1e-10, "jumps of f_D sum to s_{N-1} - s_1");
    CHECK_CLOSE(costd, 0, 1e-12, "cost of f_D = sum ||s_i - s_{i-1}||");
}

static void test_nonunique(void)
{
    double x[] = {0, 1, 2, 3, 4, 5};
    double y1[6], y2[12], y3[12];
    size_t idx[6];
    for (int i = 0; i < 6; i++) {
        y1[i] = x[i] * x[i];
        y2[2 * i] = x[i] * x[i];
        y2[2 * i + 1] = 2 * x[i] * x[i];
        y3[2 * i] = x[i] * x[i];
        y3[2 * i + 1] = x[i] * x[i] * x[i];
    }
    repro_dataset *ds = mkds(6, 1, x, y1);
    int n = repro_univariate_nonunique(ds, 1e-12, idx);
    CHECK(n == 3 && idx[0] == 2 && idx[1] == 3 && idx[2] == 4, "x^2 (T = 1): intervals 2, 3, 4");
    repro_dataset_free(ds);
    ds = mkds(6, 2, x, y2);
    n = repro_univariate_nonunique(ds, 1e-12, idx);
    CHECK(n == 3 && idx[0] == 2 && idx[2] == 4, "(x^2, 2x^2): aligned changes, intervals 2..4");
    repro_dataset_free(ds);
    ds = mkds(6, 2, x, y3);
    CHECK(repro_univariate_nonunique(ds, 1e-12, idx) == 0, "(x^2, x^3): changes not aligned");
    CHECK(repro_univariate_nonunique(ds, 1.0, idx) == 3, "(x^2, x^3): aligned under a loose tol");
    CHECK(repro_univariate_nonunique(ds, -1, idx) == -1 && errmatch("tol"), "nonunique: bad tol");
    repro_dataset_free(ds);
    double z[] = {0, 1, 0, 1, 0, 1};
    ds = mkds(6, 1, x, z);
    CHECK(repro_univariate_nonunique(ds, 1e-12, idx) == 0, "zigzag: slope changes alternate");
    repro_dataset_free(ds);
    double w[] = {0, 0, 0, 1, 3, 5}; /* changes 0, 1, 1, 0: only interval 3 (changes 1, 1) */
    ds = mkds(6, 1, x, w);
    n = repro_univariate_nonunique(ds, 1e-12, idx);
    CHECK(n == 1 && idx[0] == 3, "zero slope change does not count; interval 3 does");
    repro_dataset_free(ds);
}

static void test_family(gsl_rng *r)
{
    double interp = 0, costd = 0, slope = 0, moved = 1e9;
    for (int rep = 0; rep < 40; rep++) {
        size_t T = 1 + gsl_rng_uniform_int(r, 3), N = 6;
        double x[6], y[18], cvec[3];
        for (size_t t = 0; t < T; t++) cvec[t] = 0.5 + gsl_rng_uniform(r);
        double at = 0;
        for (size_t i = 0; i < N; i++) { /* convex data with proportional slope changes */
            at += 0.3 + gsl_rng_uniform(r);
            x[i] = at;
            for (size_t t = 0; t < T; t++) y[i * T + t] = cvec[t] * at * at + (double)t * at;
        }
        repro_dataset *ds = mkds(N, T, x, y);
        size_t i = 2 + gsl_rng_uniform_int(r, 3); /* 2..4 */
        double tau = 0.05 + 0.9 * gsl_rng_uniform(r);
        gsl_matrix *S = repro_univariate_slopes(ds);
        gsl_vector *d = gsl_vector_alloc(T);
        double nab = 0, nbc = 0;
        for (size_t t = 0; t < T; t++) {
            double a = gsl_matrix_get(S, i - 2, t), b = gsl_matrix_get(S, i - 1, t),
                   c = gsl_matrix_get(S, i, t);
            nab += (a - b) * (a - b);
            nbc += (b - c) * (b - c);
        }
        nab = sqrt(nab);
        nbc = sqrt(nbc);
        double lim = fmin(nab, (1 - tau) / tau * nbc), frac = gsl_rng_uniform(r);
        for (size_t t = 0; t < T; t++)
            gsl_vector_set(d, t, frac * lim * (gsl_matrix_get(S, i - 2, t) - gsl_matrix_get(S, i - 1, t)) / nab);
        repro_spline *fd = repro_connect_the_dots(ds);
        repro_spline *g = repro_univariate_family(ds, i, tau, d);
        if (!g) {
            printf("# family failed: %s\n", repro_errmsg());
            CHECK(0, "family accepted an admissible delta");
            break;
        }
        double xi = x[i - 1], xn = x[i], xt = xi + tau * (xn - xi);
        for (size_t t = 0; t < T; t++) {
            for (size_t k = 0; k < N; k++)
                interp = fmax(interp, fabs(spline_at(g, x[k], t) - y[k * T + t]));
            double sl = (spline_at(g, xt, t) - spline_at(g, xi, t)) / (xt - xi);
            slope = fmax(slope, fabs(sl - gsl_matrix_get(S, i - 1, t) - gsl_vector_get(d, t)));
            double dt = gsl_vector_get(d, t);
            if (fabs(dt) > 1e-3)
                moved = fmin(moved, fabs((spline_at(g, xt, t) - spline_at(fd, xt, t)) /
                                         (dt * tau * (xn - xi)) - 1) < 1e-9);
            /* equal to f_D outside (x_i, x_{i+1}) */
            interp = fmax(interp, fabs(spline_at(g, x[0] - 1, t) - spline_at(fd, x[0] - 1, t)));
            interp = fmax(interp, fabs(spline_at(g, x[N - 1] + 1, t) - spline_at(fd, x[N - 1] + 1, t)));
        }
        costd = fmax(costd, fabs(repro_spline_cost(g) - repro_spline_cost(fd)) / repro_spline_cost(fd));
        repro_spline_free(g);
        repro_spline_free(fd);
        gsl_vector_free(d);
        gsl_matrix_free(S);
        repro_dataset_free(ds);
    }
    CHECK_CLOSE(interp, 0, 1e-10, "family member interpolates and equals f_D outside the interval");
    CHECK_CLOSE(costd, 0, 1e-12, "family member has the cost of f_D");
    CHECK_CLOSE(slope, 0, 1e-9, "family member has slope b + delta on (x_i, x~)");
    CHECK(moved == 1, "family member differs from f_D at x~ by delta tau (x_{i+1} - x_i)");
}

static void test_family_errors(void)
{
    double x[] = {0, 1, 2, 3, 4, 5}, y[6], z[] = {0, 1, 0, 1, 0, 1};
    for (int i = 0; i < 6; i++) y[i] = x[i] * x[i]; /* slopes 1 3 5 7 9, changes 2 */
    repro_dataset *ds = mkds(6, 1, x, y), *zz = mkds(6, 1, x, z);
    gsl_vector *d = gsl_vector_alloc(1), *d2 = gsl_vector_alloc(2);
    gsl_vector_set(d, 0, -1); /* a - b = -2 */
    gsl_vector_set_all(d2, -1);
    repro_spline *g = repro_univariate_family(ds, 3, 0.5, d);
    CHECK(g != NULL, "family: admissible delta accepted");
    repro_spline_free(g);
    CHECK(!repro_univariate_family(zz, 3, 0.5, d) && errmatch("Theorem 3.1"),
          "family refuses an interval without aligned slope changes");
    CHECK(!repro_univariate_family(ds, 1, 0.5, d) && errmatch("2..N-2"), "family: i = 1 refused");
    CHECK(!repro_univariate_family(ds, 5, 0.5, d) && errmatch("2..N-2"), "family: i = N-1 refused");
    CHECK(!repro_univariate_family(ds, 3, 0, d) && errmatch("tau"), "family: tau = 0 refused");
    CHECK(!repro_univariate_family(ds, 3, 1, d) && errmatch("tau"), "family: tau = 1 refused");
    CHECK(!repro_univariate_family(ds, 3, 0.5, d2) && errmatch("entries"), "family: delta length");
    gsl_vector_set(d, 0, 1);
    CHECK(!repro_univariate_family(ds, 3, 0.5, d) && errmatch("aligned with a - b"),
          "family: delta pointing the wrong way refused");
    gsl_vector_set(d, 0, -2.5);
    CHECK(!repro_univariate_family(ds, 3, 0.5, d) && errmatch("too long"),
          "family: delta longer than ||a - b|| refused");
    gsl_vector_set(d, 0, -1.5); /* (1-tau)/tau ||b-c|| = 0.25/0.75*2 = 0.667 */
    CHECK(!repro_univariate_family(ds, 3, 0.75, d) && errmatch("too long"),
          "family: delta longer than (1-tau)/tau ||b - c|| refused");
    gsl_vector_set(d, 0, -2);
    g = repro_univariate_family(ds, 3, 0.5, d);
    CHECK(g != NULL, "family: delta exactly at the bound accepted");
    repro_spline_free(g);
    gsl_vector_free(d);
    gsl_vector_free(d2);
    repro_dataset_free(ds);
    repro_dataset_free(zz);
}

static void test_lemma32(gsl_rng *r)
{
    gsl_vector *a = gsl_vector_alloc(3), *b = gsl_vector_alloc(3), *c = gsl_vector_alloc(3),
               *d = gsl_vector_alloc(3);
    double margin = 1e9, eq = 0, strict = 1e9, lhs, rhs;
    for (int rep = 0; rep < 2000; rep++) {
        for (size_t t = 0; t < 3; t++) {
            gsl_vector_set(a, t, gsl_ran_gaussian(r, 1));
            gsl_vector_set(b, t, gsl_ran_gaussian(r, 1));
            gsl_vector_set(c, t, gsl_ran_gaussian(r, 1));
            gsl_vector_set(d, t, gsl_ran_gaussian(r, 1));
        }
        double tau = 0.05 + 0.9 * gsl_rng_uniform(r);
        repro_lemma32(a, b, c, d, tau, &lhs, &rhs);
        margin = fmin(margin, (lhs - rhs) / rhs);
        /* aligned: a - b = p u, b - c = q u, delta = s u with s <= min(p, (1-tau)/tau q) */
        double u[3], nu = 0;
        for (size_t t = 0; t < 3; t++) {
            u[t] = gsl_ran_gaussian(r, 1);
            nu += u[t] * u[t];
        }
        nu = sqrt(nu);
        double p = 0.1 + gsl_rng_uniform(r), q = 0.1 + gsl_rng_uniform(r);
        double s = gsl_rng_uniform(r) * fmin(p, (1 - tau) / tau * q);
        for (size_t t = 0; t < 3; t++) {
            double bt = gsl_ran_gaussian(r, 1);
            gsl_vector_set(b, t, bt);
            gsl_vector_set(a, t, bt + p * u[t] / nu);
            gsl_vector_set(c, t, bt - q * u[t] / nu);
            gsl_vector_set(d, t, s * u[t] / nu);
        }
        repro_lemma32(a, b, c, d, tau, &lhs, &rhs);
        eq = fmax(eq, fabs(lhs - rhs) / rhs);
        /* too long along the same direction: strict */
        double s2 = 1.5 * fmin(p, (1 - tau) / tau * q) + 0.01;
        for (size_t t = 0; t < 3; t++) gsl_vector_set(d, t, s2 * u[t] / nu);
        repro_lemma32(a, b, c, d, tau, &lhs, &rhs);
        strict = fmin(strict, lhs - rhs);
    }
    CHECK(margin >= -1e-12, "lemma32: lhs >= rhs on 2000 random instances");
    CHECK_CLOSE(eq, 0, 1e-12, "lemma32: equality for aligned short deltas");
    CHECK(strict > 1e-6, "lemma32: strict for aligned deltas beyond the bound");
    /* closed form: T = 1, a = 2, b = 0, c = -1, delta = 1, tau = 0.5: 1 + 2 + 0 = 3 = rhs */
    gsl_vector_view a1 = gsl_vector_subvector(a, 0, 1), b1 = gsl_vector_subvector(b, 0, 1),
                    c1 = gsl_vector_subvector(c, 0, 1), d1 = gsl_vector_subvector(d, 0, 1);
    gsl_vector_set(a, 0, 2);
    gsl_vector_set(b, 0, 0);
    gsl_vector_set(c, 0, -1);
    gsl_vector_set(d, 0, 1);
    repro_lemma32(&a1.vector, &b1.vector, &c1.vector, &d1.vector, 0.5, &lhs, &rhs);
    CHECK_CLOSE(lhs, 3, 1e-15, "lemma32 closed form lhs");
    CHECK_CLOSE(rhs, 3, 1e-15, "lemma32 closed form rhs");
    CHECK(repro_lemma32(&a1.vector, b, c, d, 0.5, &lhs, &rhs) == -1 && errmatch("equal lengths"),
          "lemma32: length mismatch refused");
    CHECK(repro_lemma32(a, b, c, d, 1.0, &lhs, &rhs) == -1 && errmatch("tau"),
          "lemma32: tau = 1 refused");
    gsl_vector_free(a);
    gsl_vector_free(b);
    gsl_vector_free(c);
    gsl_vector_free(d);
}

static void test_spline_errors(void)
{
    gsl_vector *k = gsl_vector_alloc(2), *l = gsl_vector_calloc(1), *r = gsl_vector_calloc(1),
               *r2 = gsl_vector_calloc(2);
    gsl_matrix *v = gsl_matrix_calloc(2, 1), *v3 = gsl_matrix_calloc(3, 1);
    gsl_vector_set(k, 0, 1);
    gsl_vector_set(k, 1, 1);
    CHECK(!repro_spline_new(k, v, l, r) && errmatch("strictly increasing"), "spline: equal knots refused");
    gsl_vector_set(k, 1, 2);
    CHECK(!repro_spline_new(k, v3, l, r) && errmatch("values"), "spline: value count mismatch refused");
    CHECK(!repro_spline_new(k, v, l, r2) && errmatch("slopes"), "spline: slope length mismatch refused");
    gsl_vector_set(k, 1, NAN);
    CHECK(!repro_spline_new(k, v, l, r) && errmatch("finite"), "spline: NaN knot refused");
    /* slopes() of a two-knot spline: left, between, right */
    gsl_vector_set(k, 1, 2);
    gsl_matrix_set(v, 1, 0, 3);
    gsl_vector_set(l, 0, -1);
    gsl_vector_set(r, 0, 0.5);
    repro_spline *sp = repro_spline_new(k, v, l, r);
    gsl_matrix *S = repro_spline_slopes(sp);
    CHECK(S->size1 == 3 && gsl_matrix_get(S, 0, 0) == -1 && gsl_matrix_get(S, 1, 0) == 3 &&
              gsl_matrix_get(S, 2, 0) == 0.5,
          "spline slopes: left, between, right");
    CHECK_CLOSE(repro_spline_cost(sp), 4 + 2.5, 1e-15, "spline cost = |3 - (-1)| + |0.5 - 3|");
    gsl_matrix_free(S);
    repro_spline_free(sp);
    gsl_vector_free(k);
    gsl_vector_free(l);
    gsl_vector_free(r);
    gsl_vector_free(r2);
    gsl_matrix_free(v);
    gsl_matrix_free(v3);
}

int main(void)
{
    repro_err_init();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20241028);
    test_slopes_line();
    test_abs();
    test_random_fD(r);
    test_nonunique();
    test_family(r);
    test_family_errors();
    test_lemma32(r);
    test_spline_errors();
    gsl_rng_free(r);
    return check_exit();
}
