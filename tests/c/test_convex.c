/* Tests for the exact convex programs: the arrangement against brute force and the generic
 * count, the 2-D oracle against a fine grid, relu2d on two squares (R* = 4), on a one-neuron
 * problem and its range map, the univariate grid problem against Theorem 3.1 (f_D optimal) and a
 * hand-made group lasso, column generation against relu2d's optimum, tolerance logic and bad
 * inputs. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "core/err.h"
#include "engine/arrangement.h"
#include "engine/certificate.h"
#include "engine/colgen.h"
#include "engine/conebar.h"
#include "engine/oracle2d.h"
#include "engine/rangecert.h"
#include "engine/relu2d.h"
#include "engine/unigrid.h"
#include "engine/univariate.h"

static gsl_matrix *squares(gsl_vector *y)
{
    gsl_matrix *X = gsl_matrix_alloc(8, 2);
    double side[2] = {1, 0.5};
    int sg[4][2] = {{1, 1}, {-1, 1}, {-1, -1}, {1, -1}};
    for (int q = 0; q < 2; q++)
        for (int s = 0; s < 4; s++) {
            gsl_matrix_set(X, 4 * q + s, 0, sg[s][0] * side[q]);
            gsl_matrix_set(X, 4 * q + s, 1, sg[s][1] * side[q]);
            if (y) gsl_vector_set(y, 4 * q + s, q);
        }
    return X;
}

/* distinct patterns met by many random neurons (w, b) */
static size_t brute_patterns(const gsl_matrix *X, gsl_rng *r)
{
    size_t cap = 1 << 16, n = 0;
    uint64_t *seen = malloc(cap * sizeof *seen);
    for (int it = 0; it < 100000; it++) {
        double th = gsl_rng_uniform(r) * 2 * M_PI, b = (gsl_rng_uniform(r) - 0.5) * 8;
        uint64_t m = 0;
        for (size_t i = 0; i < X->size1; i++)
            if (cos(th) * gsl_matrix_get(X, i, 0) + sin(th) * gsl_matrix_get(X, i, 1) + b > 0) m |= (uint64_t)1 << i;
        size_t k = 0;
        while (k < n && seen[k] != m) k++;
        if (k == n && n < cap) seen[n++] = m;
    }
    free(seen);
    return n;
}

static void test_arrangement(gsl_rng *r)
{
    for (size_t N = 3; N <= 7; N++) {
        gsl_matrix *X = gsl_matrix_alloc(N, 2);
        for (size_t i = 0; i < N; i++)
            for (int j = 0; j < 2; j++) gsl_matrix_set(X, i, j, gsl_ran_gaussian(r, 1));
        repro_arrangement *A = repro_arrangement_2d(X);
        CHECK(A && A->P == repro_arrangement_generic_count(N), "arrangement: generic count");
        CHECK(A && A->P == brute_patterns(X, r), "arrangement: brute force, random points");
        int interior = 1;
        for (size_t p = 0; A && p < A->P; p++)
            for (size_t i = 0; i < N; i++) {
                double z = A->u[3 * p] * gsl_matrix_get(X, i, 0) + A->u[3 * p + 1] * gsl_matrix_get(X, i, 1) + A->u[3 * p + 2];
                interior &= ((A->mask[p] >> i) & 1) ? z > 0 : z < 0;
            }
        CHECK(interior, "arrangement: the neuron of each pattern is strictly inside");
        repro_arrangement_free(A);
        gsl_matrix_free(X);
    }
    gsl_matrix *X = squares(NULL); /* collinear triples: fewer than generic */
    repro_arrangement *A = repro_arrangement_2d(X);
    size_t bp = brute_patterns(X, r);
    CHECK(A && A->P == bp && A->P < repro_arrangement_generic_count(8), "arrangement: two squares against brute force");
    printf("# two squares: %zu patterns (brute force %zu)\n", A ? A->P : 0, bp);
    repro_arrangement_free(A);
    gsl_matrix_set(X, 1, 0, 1), gsl_matrix_set(X, 1, 1, 1);
    CHECK(repro_arrangement_2d(X) == NULL, "arrangement: a repeated point is an error");
    gsl_matrix_free(X);
}

static void test_oracle(gsl_rng *r)
{
    for (int trial = 0; trial < 4; trial++) {
        size_t N = 5 + trial, T = 1 + trial % 3;
        gsl_matrix *X = gsl_matrix_alloc(N, 2), *Th = gsl_matrix_alloc(N, T);
        for (size_t i = 0; i < N; i++)
            for (int j = 0; j < 2; j++) gsl_matrix_set(X, i, j, gsl_ran_gaussian(r, 1));
        for (size_t t = 0; t < T; t++) {
            double m = 0;
            for (size_t i = 0; i < N; i++) gsl_matrix_set(Th, i, t, gsl_ran_gaussian(r, 1)), m += gsl_matrix_get(Th, i, t) / (double)N;
            for (size_t i = 0; i < N; i++) gsl_matrix_set(Th, i, t, gsl_matrix_get(Th, i, t) - m);
        }
        double om, ratio;
        repro_oracle2d(X, Th, &om, NULL, NULL);
        repro_certificate(X, Th, 2.0 / (double)(N * T), 20000, 1, &ratio, NULL, NULL);
        CHECK(om >= ratio - 1e-12 && om <= ratio * (1 + 1e-4), "oracle2d: exact maximum >= and close to 20000 directions");
        gsl_matrix_free(X), gsl_matrix_free(Th);
    }
}

/* The primal-dual method on random data (the map's programs are all of one dataset): points
 * uniform in the square, labels uniform, with and without the skip connection.  Every problem
 * solves without the barrier's help, to a gap certified by the exact oracle (independent of the
 * solver) far below the tolerance, and the recovered optimum's value at a random point lies in
 * the certified range of f there (it is one of the optimal interpolants). */
static void test_relu2d_random(gsl_rng *r)
{
    int ok_solve = 1, ok_range = 1, fallbacks = 0;
    double worst = 0;
    for (int k = 0; k < 12; k++) {
        size_t N = 5 + (size_t)k % 6;
        gsl_matrix *X = gsl_matrix_alloc(N, 2), *Z = gsl_matrix_alloc(1, 2), *F = gsl_matrix_alloc(1, 1);
        gsl_vector *y = gsl_vector_alloc(N);
        for (size_t i = 0; i < N; i++) {
            gsl_matrix_set(X, i, 0, 2 * gsl_rng_uniform(r) - 1), gsl_matrix_set(X, i, 1, 2 * gsl_rng_uniform(r) - 1);
            gsl_vector_set(y, i, gsl_rng_uniform(r));
        }
        repro_net *net = NULL;
        repro_relu2d_sol *sol = NULL;
        repro_relu2d_report rep;
        int st = repro_relu2d_solve(X, y, 0, k % 2, 1e-6, 2000, &net, &sol, &rep);
        ok_solve &= st == 0 && rep.interp < 1e-8;
        fallbacks += st == 0 && rep.fallback;
        if (st == 0) worst = fmax(worst, rep.gap / rep.objective);
        double z[2] = {2 * gsl_rng_uniform(r) - 1, 2 * gsl_rng_uniform(r) - 1}, lo, hi, resid, cert[2];
        if (st == 0 && repro_relu2d_range(X, y, sol, 1e-6, z, 1e-9, 20000, &lo, &hi, &resid, cert, NULL) == 0) {
            gsl_matrix_set(Z, 0, 0, z[0]), gsl_matrix_set(Z, 0, 1, z[1]);
            repro_net_eval(net, Z, F);
            double f = gsl_matrix_get(F, 0, 0);
            ok_range &= cert[0] <= f + 1e-9 && f <= cert[1] + 1e-9 && cert[0] <= lo + 1e-9 && hi <= cert[1] + 1e-9 && resid < 1e-6;
        } else {
            ok_range = 0;
        }
        repro_net_free(net), repro_relu2d_sol_free(sol);
        gsl_matrix_free(X), gsl_matrix_free(Z), gsl_matrix_free(F), gsl_vector_free(y);
    }
    printf("# relu2d on 12 random datasets: largest certified relative gap %.1e, %d barrier fallbacks\n", worst, fallbacks);
    CHECK(ok_solve && worst < 1e-8, "relu2d: 12 random datasets solved, certified gaps < 1e-8 relative");
    CHECK(fallbacks == 0, "relu2d: the primal-dual method solves them without the barrier");
    CHECK(ok_range, "relu2d: the optimum's value at a random z within the certified range, ends inside it");
}

static void test_relu2d(void)
{
    gsl_vector *y = gsl_vector_alloc(8);
    gsl_matrix *X = squares(y);
    repro_net *net = NULL;
    repro_relu2d_sol *sol = NULL;
    repro_relu2d_report r;
    int st = repro_relu2d_solve(X, y, 0, 1, 1e-6, 2000, &net, &sol, &r);
    CHECK(st == 0, "relu2d: two squares solved");
    CHECK_CLOSE(r.objective, 4, 4e-6, "relu2d: two squares R* = 4 (independent computation)");
    CHECK(r.gap >= -1e-12 && r.gap <= 1e-6 * r.objective, "relu2d: certified gap");
    CHECK(r.interp < 1e-6, "relu2d: the network interpolates");
    /* the primal-dual method converges where the barrier stalled (R* 2.8e-8 above 4, data missed
     * by 1e-9): the cone program's optimum itself, to 1e-9 */
    CHECK(fabs(r.objective - 4) < 1e-9 && r.interp < 1e-9 && r.newton < 100,
          "relu2d: R* = 4 and the data to 1e-9, in < 100 primal-dual iterations");
    double lo, hi, z1[2] = {0.75, 0.75}, z2[2] = {0.6, 0.9};
    double c1[2];
    st = repro_relu2d_range(X, y, sol, 1e-6, z1, 1e-9, 20000, &lo, &hi, NULL, c1, NULL);
    CHECK(st == 0 && fabs(lo - 0.5) < 1e-4 && fabs(hi - 0.5) < 1e-4, "relu2d: f(0.75, 0.75) forced to 0.5");
    CHECK(c1[0] > 0.5 - 1e-5 && c1[1] < 0.5 + 1e-5, "relu2d: f(0.75, 0.75) certified forced to 0.5 within 1e-5");
    double resid, cert[2];
    st = repro_relu2d_range(X, y, sol, 1e-6, z2, 1e-9, 20000, &lo, &hi, &resid, cert, NULL);
    CHECK(st == 0 && fabs(lo - 0.2) < 1e-3 && fabs(hi - 0.8) < 1e-3, "relu2d: f(0.6, 0.9) ranges over [0.2, 0.8]");
    CHECK(resid >= 0 && resid < 1e-7, "relu2d: the range programs' last iterates fit the data and the budget");
    /* converged range programs: their ends within 1e-8 of the certified ones (the barrier's were
     * up to 8.5e-7 apart), their residual at rounding level */
    CHECK(resid < 1e-10 && lo - cert[0] < 1e-8 && cert[1] - hi < 1e-8,
          "relu2d: f(0.6, 0.9)'s computed ends within 1e-8 of the certified ones");
    /* the certificate: every interpolant of cost <= R* (1 + 1e-6) has f(0.6, 0.9) in
     * [cert[0], cert[1]]; the exact optimal set's range is [0.2, 0.8] (the budget's slack widens
     * it by O(1e-6)), and the barrier's ends lie inside the certified interval, close to it */
    CHECK(cert[0] <= lo + 1e-9 && hi <= cert[1] + 1e-9 && lo - cert[0] < 1e-6 && cert[1] - hi < 1e-6,
          "relu2d: the certified range of f(0.6, 0.9) contains the computed one, within 1e-6");
    CHECK(cert[0] > 0.2 - 1e-5 && cert[1] < 0.8 + 1e-5, "relu2d: certified f(0.6, 0.9) in [0.2, 0.8] up to the slack");
    double lo_skip = lo, hi_skip = hi;
    /* without the skip connection: the same R* and the same forced value (the rotations of the
     * squares average any optimum's linear part away, so one without it exists: R* = 4) */
    repro_net_free(net), net = NULL;
    repro_relu2d_sol *sol0 = NULL;
    st = repro_relu2d_solve(X, y, 0, 0, 1e-6, 2000, &net, &sol0, &r);
    CHECK(st == 0 && fabs(r.objective - 4) < 4e-6 && r.interp < 1e-6, "relu2d: no skip, two squares R* = 4");
    CHECK(net && !net->skip, "relu2d: no skip, the network has no skip connection");
    st = repro_relu2d_range(X, y, sol0, 1e-6, z1, 1e-9, 20000, &lo, &hi, NULL, NULL, NULL);
    CHECK(st == 0 && fabs(lo - 0.5) < 1e-4 && fabs(hi - 0.5) < 1e-4, "relu2d: no skip, f(0.75, 0.75) forced to 0.5");
    /* a network without the skip connection is one with a = 0 at the same cost, and both R* are
     * 4: the range without it lies within the range with it (up to the two budgets' 1e-8) */
    st = repro_relu2d_range(X, y, sol0, 1e-6, z2, 1e-9, 20000, &lo, &hi, &resid, NULL, NULL);
    CHECK(st == 0 && resid < 1e-7 && lo >= lo_skip - 1e-7 && hi <= hi_skip + 1e-7,
          "relu2d: no skip, f(0.6, 0.9)'s range within the range with the skip connection");
    repro_relu2d_sol_free(sol0);
    /* tolerance logic: a budget of 5 Newton steps */
    repro_net_free(net), net = NULL;
    st = repro_relu2d_solve(X, y, 0, 1, 1e-6, 5, &net, NULL, &r);
    CHECK(st == 1 && r.reason, "relu2d: a too small budget returns status 1 with a reason");
    repro_net_free(net);
    /* bad inputs */
    gsl_matrix_set(X, 1, 0, 1), gsl_matrix_set(X, 1, 1, 1);
    CHECK(repro_relu2d_solve(X, y, 0, 1, 1e-6, 2000, NULL, NULL, &r) == -1, "relu2d: duplicate points refused");
    gsl_matrix_set(X, 1, 0, NAN);
    CHECK(repro_relu2d_solve(X, y, 0, 1, 1e-6, 2000, NULL, NULL, &r) == -1, "relu2d: NaN refused");
    gsl_matrix_free(X);
    repro_relu2d_sol_free(sol);
    /* one neuron: y = (x1)_+ on points where that is the cheapest interpolant: R* = 1 */
    double P[6][2] = {{-1, 0}, {0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, -1}};
    X = gsl_matrix_alloc(6, 2);
    gsl_vector *y6 = gsl_vector_alloc(6);
    for (int i = 0; i < 6; i++) {
        gsl_matrix_set(X, i, 0, P[i][0]), gsl_matrix_set(X, i, 1, P[i][1]);
        gsl_vector_set(y6, i, P[i][0] > 0 ? P[i][0] : 0);
    }
    st = repro_relu2d_solve(X, y6, 0, 1, 1e-6, 2000, &net, NULL, &r);
    CHECK(st == 0, "relu2d: one-neuron data solved");
    {
        /* rangecert alone, from no cuts at all: every interpolant of cost <= 1 + 1e-6 (R* = 1:
         * the only one is (x1)_+) has f(z) within a certified interval around (z1)_+ */
        double zz[2] = {0.5, 0.5}, blo, bhi;
        size_t rounds;
        int s0 = repro_rangecert(X, y6, zz, 1, 1 + 1e-6, 0, NULL, NULL, 0, 1e-9, 300, &blo, &rounds);
        int s1 = repro_rangecert(X, y6, zz, 1, 1 + 1e-6, 1, NULL, NULL, 0, 1e-9, 300, &bhi, NULL);
        printf("# rangecert: one neuron, f(0.5, 0.5) in [%.9f, %.9f], %zu rounds\n", blo, bhi, rounds);
        CHECK(s0 >= 0 && s1 >= 0 && blo <= 0.5 && bhi >= 0.5 && bhi - blo < 1e-4,
              "rangecert: one-neuron data, f(0.5, 0.5) certified to (0.5)_+ = 0.5");
        CHECK(repro_rangecert(X, y6, zz, 1, -1, 0, NULL, NULL, 0, 1e-9, 300, &blo, NULL) == -1,
              "rangecert: rmax <= 0 refused");
    }
    CHECK_CLOSE(r.objective, 1, 1e-5, "relu2d: one-neuron data R* = 1 = ||w|| |v| of (x1)_+");
    repro_net_free(net);
    /* affine data y = 2 x1 - x2 + 1/2: free with the skip connection (R* = 0), and without it the
     * linear part costs its gradient's norm, R* = sqrt(5) (one neuron active on every point) */
    for (int i = 0; i < 6; i++) gsl_vector_set(y6, i, 2 * P[i][0] - P[i][1] + 0.5);
    st = repro_relu2d_solve(X, y6, 0, 1, 1e-6, 2000, NULL, NULL, &r);
    CHECK(st == 0 && fabs(r.objective) < 1e-6, "relu2d: affine data, skip: R* = 0");
    st = repro_relu2d_solve(X, y6, 0, 0, 1e-6, 2000, &net, NULL, &r);
    CHECK(st == 0 && fabs(r.objective - sqrt(5)) < 1e-6 * sqrt(5) && r.interp < 1e-8,
          "relu2d: affine data, no skip: R* = sqrt(5) = ||gradient||");
    repro_net_free(net);
    gsl_matrix_free(X), gsl_vector_free(y), gsl_vector_free(y6);
}

static void test_unigrid(gsl_rng *r)
{
    for (int trial = 0; trial < 4; trial++) {
        size_t N = 6, T = 1 + trial % 2;
        repro_dataset *ds = repro_dataset_alloc(N, 1, T);
        for (size_t i = 0; i < N; i++) {
            gsl_matrix_set(ds->X, i, 0, (double)i + 0.3 * gsl_rng_uniform(r));
            for (size_t t = 0; t < T; t++) gsl_matrix_set(ds->Y, i, t, gsl_ran_gaussian(r, 1));
        }
        repro_dataset_validate(ds, 0, NULL, NULL);
        gsl_vector *kn = NULL;
        gsl_matrix *J = NULL;
        repro_spline *sp = NULL;
        repro_unigrid_report rep;
        int st = repro_unigrid_solve(ds, 400, 0, 1e-10, 20000, &kn, &J, &sp, &rep);
        repro_spline *fD = repro_connect_the_dots(ds);
        CHECK(st == 0 && rep.gap <= 1e-10 * rep.cost, "unigrid: interpolation certified to 1e-10");
        if (st) printf("# %s: cost %.12g gap %g solves %zu\n", rep.reason, rep.cost, rep.gap, rep.solves);
        CHECK_CLOSE(rep.cost, repro_spline_cost(fD), 1e-10 * repro_spline_cost(fD), "unigrid: cost = R(f_D) (Theorem 3.1)");
        if (T > 1) { /* the optimum is unique (Theorem 3.1, probability one): it is f_D */
            gsl_vector *a = gsl_vector_alloc(T), *b = gsl_vector_alloc(T);
            double dev = 0;
            for (int j = 0; j <= 1000; j++) {
                double x = gsl_matrix_get(ds->X, 0, 0) + (gsl_matrix_get(ds->X, N - 1, 0) - gsl_matrix_get(ds->X, 0, 0)) * j / 1000.0;
                repro_spline_eval(sp, x, a), repro_spline_eval(fD, x, b);
                for (size_t t = 0; t < T; t++) dev = fmax(dev, fabs(gsl_vector_get(a, t) - gsl_vector_get(b, t)));
            }
            CHECK(dev < 1e-9, "unigrid: with T = 2 the solution is f_D");
            gsl_vector_free(a), gsl_vector_free(b);
        }
        double err = 0;
        gsl_vector *out = gsl_vector_alloc(T);
        for (size_t i = 0; i < N; i++) {
            repro_spline_eval(sp, gsl_matrix_get(ds->X, i, 0), out);
            for (size_t t = 0; t < T; t++) err = fmax(err, fabs(gsl_vector_get(out, t) - gsl_matrix_get(ds->Y, i, t)));
        }
        CHECK(err < 1e-9, "unigrid: the spline interpolates");
        CHECK_CLOSE(repro_spline_cost(sp), rep.cost, 1e-9 * rep.cost, "unigrid: the spline's cost is the reported cost");
        gsl_vector_free(out), gsl_vector_free(kn), gsl_matrix_free(J), repro_spline_free(sp), repro_spline_free(fD);
        /* tolerance logic, both solvers */
        st = repro_unigrid_solve(ds, 400, 1e-3, 1e-9, 1, &kn, &J, &sp, &rep);
        CHECK(st == 1 && rep.reason, "unigrid: one iteration is not enough: status 1 and a reason");
        if (st >= 0) gsl_vector_free(kn), gsl_matrix_free(J), repro_spline_free(sp);
        st = repro_unigrid_solve(ds, 400, 0, 1e-9, 1, &kn, &J, &sp, &rep);
        CHECK(st == 1 && rep.reason && rep.gap > 1e-9 * rep.cost, "unigrid: one Newton step is not enough for interpolation");
        if (st >= 0) gsl_vector_free(kn), gsl_matrix_free(J), repro_spline_free(sp);
        repro_dataset_free(ds);
    }
    /* aligned single-task data: y = (0, 0, 1, 3, 6) at x = 0..4, slopes 0, 1, 2, 3.  Any
     * interpolant's slope rises from at most 0 to at least 3, so R* = 3 (reached by f_D), and the
     * optimal set is every convex interpolant with slopes in [0, 3]: the solver's may differ from
     * f_D but must have cost 3 and interpolate.  Affine data: cost 0. */
    for (int affine = 0; affine < 2; affine++) {
        repro_dataset *ds = repro_dataset_alloc(5, 1, 1);
        double ya[5] = {0, 0, 1, 3, 6};
        for (int i = 0; i < 5; i++) gsl_matrix_set(ds->X, i, 0, i), gsl_matrix_set(ds->Y, i, 0, affine ? 2 - 0.5 * i : ya[i]);
        repro_dataset_validate(ds, 0, NULL, NULL);
        gsl_vector *kn = NULL;
        gsl_matrix *J = NULL;
        repro_spline *sp = NULL;
        repro_unigrid_report rep;
        int st = repro_unigrid_solve(ds, 64, 0, 1e-12, 1000, &kn, &J, &sp, &rep);
        double want = affine ? 0 : 3, err = 0;
        gsl_vector *out = gsl_vector_alloc(1);
        for (int i = 0; i < 5; i++) {
            repro_spline_eval(sp, i, out);
            err = fmax(err, fabs(gsl_vector_get(out, 0) - gsl_matrix_get(ds->Y, i, 0)));
        }
        CHECK(st == 0 && fabs(rep.cost - want) <= 1e-11 && rep.gap <= 1e-11, affine ? "unigrid: affine data cost 0" : "unigrid: aligned data R* = 3");
        CHECK(err < 1e-12, "unigrid: interpolates the aligned / affine data");
        gsl_vector_free(out), gsl_vector_free(kn), gsl_matrix_free(J), repro_spline_free(sp);
        repro_dataset_free(ds);
    }
    /* a hand-made group lasso: N = 3, one interior knot (x = 1, at the data) and no grid knot
     * that matters: y = (0, 1, 0) at x = (0, 1, 2).  Projected onto the complement of [1 x], the
     * data are y_p = (-1/3, 2/3, -1/3) and the single useful feature phi = (x - 1)_+ = (0, 0, 1)
     * projects to (1/6, -1/3, 1/6); lasso: v = -(<phi_p, y_p> - N lambda / 2) / ||phi_p||^2 with
     * <phi_p, y_p> = -1/3, ||phi_p||^2 = 1/6 and N T = 3: for lambda = 0.1, v = -(1/3 - 0.15) * 6
     * = -1.1; objective = 1/3 ||y_p - phi_p v||^2 + lambda |v|. */
    repro_dataset *ds = repro_dataset_alloc(3, 1, 1);
    for (int i = 0; i < 3; i++) gsl_matrix_set(ds->X, i, 0, i), gsl_matrix_set(ds->Y, i, 0, i == 1);
    gsl_vector *kn = NULL;
    gsl_matrix *J = NULL;
    repro_spline *sp = NULL;
    repro_unigrid_report rep;
    int st = repro_unigrid_solve(ds, 1, 0.1, 1e-10, 100000, &kn, &J, &sp, &rep);
    double v = -1.1, res = 0, yp[3] = {-1.0 / 3, 2.0 / 3, -1.0 / 3}, pp[3] = {1.0 / 6, -1.0 / 3, 1.0 / 6};
    for (int i = 0; i < 3; i++) res += (yp[i] - pp[i] * v) * (yp[i] - pp[i] * v);
    CHECK(st == 0, "unigrid: hand-made lasso solved");
    CHECK_CLOSE(rep.cost, res / 3 + 0.1 * 1.1, 1e-9, "unigrid: hand-made lasso objective");
    CHECK(rep.nknots == 1 && fabs(gsl_matrix_get(J, 0, 0) - v) < 1e-8, "unigrid: hand-made lasso jump -1.1 at x = 1");
    gsl_vector_free(kn), gsl_matrix_free(J), repro_spline_free(sp);
    repro_dataset_free(ds);
}

static void test_colgen(void)
{
    /* two squares, one task, lambda small: column generation from no neurons reaches the same
     * certified optimum as relu2d's lasso form */
    gsl_vector *y = gsl_vector_alloc(8);
    gsl_matrix *X = squares(y), *Y = gsl_matrix_alloc(8, 1);
    gsl_matrix_set_col(Y, 0, y);
    repro_colgen_report cg;
    repro_net *net = NULL;
    int st = repro_colgen_certify(X, Y, NULL, NULL, NULL, 1, 1e-5, 1e-7, 500, &net, &cg);
    CHECK(st == 0 && cg.gap <= 1e-7 * cg.objective, "colgen: certified from scratch");
    repro_relu2d_report r;
    repro_net_free(net), net = NULL;
    st = repro_relu2d_solve(X, y, 1e-5, 1, 1e-4, 4000, &net, NULL, &r);
    CHECK(st == 0, "colgen: relu2d lasso form solved");
    CHECK_CLOSE(cg.objective, r.objective, 1e-6 * r.objective, "colgen: same optimum as relu2d (lambda = 1e-5)");
    printf("# colgen: %zu rounds, %zu neurons, objective %.10g, relu2d %.10g\n", cg.rounds, cg.K, cg.objective, r.objective);
    repro_net_free(net);
    gsl_matrix *W0 = gsl_matrix_alloc(1, 2);
    gsl_vector *b0 = gsl_vector_alloc(1);
    gsl_matrix_set(W0, 0, 0, 0), gsl_matrix_set(W0, 0, 1, 1), gsl_vector_set(b0, 0, 2); /* linear on the data */
    CHECK(repro_colgen_certify(X, Y, W0, b0, NULL, 1, 1e-5, 1e-7, 1, NULL, &cg) == 1, "colgen: one round from a useless neuron is not enough");
    CHECK(repro_colgen_certify(X, Y, W0, b0, NULL, 1, 1e-5, 1e-7, 50, NULL, &cg) == 0 && cg.added >= 1, "colgen: the oracle adds the missing neuron");
    gsl_matrix_free(W0), gsl_vector_free(b0);
    CHECK(repro_colgen_certify(X, Y, NULL, NULL, NULL, 1, -1, 1e-7, 10, NULL, &cg) == -1, "colgen: bad lambda refused");
    gsl_matrix_free(X), gsl_matrix_free(Y), gsl_vector_free(y);
}

/* Both methods of conebar.h on a program with a closed form: min t over the cone ||w|| <= t
 * subject to w = (1, 2) (one block without pattern rows, its b pinned at 0), from a start inside
 * the cone with A x != b.  Optimum t = sqrt(5); the multipliers y of A x = b (c + A^T y in the dual
 * cone, complementary to x) are -w / ||w||: y = -(1, 2) / sqrt(5).  The barrier's floor
 * (conebar.h): t stops 9.2e-9 above sqrt(5) from tau ~ 6e7 on, whatever gap_abs asks, and y is
 * off by up to 3e-7, so its bounds are an order above that floor; the primal-dual method has no
 * such floor (t to 1e-12, y to 1e-9, in a few iterations). */
static void test_conebar(void)
{
    typedef int (*solver)(const repro_conebar_problem *, const repro_conebar_opts *, gsl_vector *,
                          gsl_vector *, repro_conebar_report *);
    static const struct {
        const char *name;
        solver f;
        double gap, ttol, ytol;
        size_t budget;
    } m[2] = {{"conebar", repro_conebar_solve, 1e-12, 1e-7, 3e-6, 500},
              {"conebar_pd", repro_conebar_solve_pd, 1e-13, 1e-12, 1e-9, 50}};
    gsl_matrix *L = gsl_matrix_calloc(1, 3), *A = gsl_matrix_calloc(2, 4);
    gsl_vector *c = gsl_vector_calloc(4), *b = gsl_vector_alloc(2), *x = gsl_vector_alloc(4),
               *y = gsl_vector_alloc(2);
    uint64_t mask = 0;
    unsigned char linear = 1;
    gsl_matrix_set(A, 0, 0, 1), gsl_matrix_set(A, 1, 1, 1);
    gsl_vector_set(b, 0, 1), gsl_vector_set(b, 1, 2), gsl_vector_set(c, 3, 1);
    repro_conebar_problem pb = {1, 0, L, &mask, &linear, NULL, NULL, c, A, b};
    for (int k = 0; k < 2; k++) {
        repro_conebar_opts o = {m[k].gap, m[k].budget, NULL, 0};
        repro_conebar_report rep;
        double x0[4] = {0.1, -0.3, 0, 1}; /* strictly inside, A x != b */
        for (int a = 0; a < 4; a++) gsl_vector_set(x, a, x0[a]);
        int st = m[k].f(&pb, &o, x, y, &rep);
        char nm[5][96];
        snprintf(nm[0], sizeof nm[0], "%s: closed-form program solved within %zu iterations", m[k].name, m[k].budget);
        snprintf(nm[1], sizeof nm[1], "%s: t = ||w|| = sqrt(5)", m[k].name);
        snprintf(nm[2], sizeof nm[2], "%s: w = (1, 2) from an infeasible start", m[k].name);
        snprintf(nm[3], sizeof nm[3], "%s: multipliers y = -w / ||w||", m[k].name);
        snprintf(nm[4], sizeof nm[4], "%s: a start outside the cone refused", m[k].name);
        CHECK(st == 0, nm[0]);
        CHECK_CLOSE(gsl_vector_get(x, 3), sqrt(5), m[k].ttol, nm[1]);
        CHECK(rep.feas < 1e-12 && fabs(gsl_vector_get(x, 0) - 1) < 1e-12 && fabs(gsl_vector_get(x, 1) - 2) < 1e-12,
              nm[2]);
        CHECK(fabs(gsl_vector_get(y, 0) + 1 / sqrt(5)) < m[k].ytol &&
                  fabs(gsl_vector_get(y, 1) + 2 / sqrt(5)) < m[k].ytol,
              nm[3]);
        x0[3] = 0.2; /* t < ||w||: outside the cone */
        for (int a = 0; a < 4; a++) gsl_vector_set(x, a, x0[a]);
        CHECK(m[k].f(&pb, &o, x, y, NULL) == -1, nm[4]);
    }
    gsl_matrix_free(L), gsl_matrix_free(A);
    gsl_vector_free(c), gsl_vector_free(b), gsl_vector_free(x), gsl_vector_free(y);
}

int main(void)
{
    repro_err_init();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12);
    test_arrangement(r);
    test_oracle(r);
    test_conebar();
    test_relu2d();
    test_relu2d_random(r);
    test_unigrid(r);
    test_colgen();
    gsl_rng_free(r);
    return check_exit();
}
