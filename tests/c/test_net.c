/* Tests for net.c: the BLAS gradient against central finite differences, eval and the objectives
 * against hand-written loops, the rescaling invariants (balance, normalize, pathnorm), the knots of
 * hand-built univariate networks against closed forms and numerical slopes, save/load round trips
 * and every corrupt-file error, and the initialisation statistics. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/err.h"
#include "engine/net.h"
#include "engine/netfile.h"

/* f(x) for one input row, written as the plain sum of equation (1). */
static void ref_eval(const repro_net *net, const double *x, double *out)
{
    size_t d = net->d, T = net->T, K = net->K;
    const double *th = net->theta->data;
    const double *W = th, *b = th + K * d, *V = b + K, *A = V + K * T;
    const double *c = A + (net->skip ? T * d : 0);
    for (size_t t = 0; t < T; t++) {
        double s = c[t];
        for (size_t k = 0; k < K; k++) {
            double z = b[k];
            for (size_t j = 0; j < d; j++) z += W[k * d + j] * x[j];
            if (z > 0) s += V[k * T + t] * z;
        }
        if (net->skip)
            for (size_t j = 0; j < d; j++) s += A[t * d + j] * x[j];
        out[t] = s;
    }
}

static gsl_matrix *randmat(gsl_rng *r, size_t n, size_t m, double sd)
{
    gsl_matrix *M = gsl_matrix_alloc(n, m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) gsl_matrix_set(M, i, j, gsl_ran_gaussian(r, sd));
    return M;
}

/* A network with all parameters Gaussian (A nonzero too, so every block matters). */
static repro_net *randnet(gsl_rng *r, size_t d, size_t T, size_t K, int skip)
{
    repro_net *net = repro_net_alloc(d, T, K, skip, gsl_rng_get(r));
    for (size_t i = 0; i < net->P; i++) gsl_vector_set(net->theta, i, gsl_ran_gaussian(r, 1));
    return net;
}

static double maxabs_diff(const gsl_matrix *a, const gsl_matrix *b)
{
    double m = 0;
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j < a->size2; j++)
            m = fmax(m, fabs(gsl_matrix_get(a, i, j) - gsl_matrix_get(b, i, j)));
    return m;
}

static void test_layout(void)
{
    CHECK(repro_net_nparams(3, 2, 5, 1) == 15 + 5 + 10 + 6 + 2, "nparams with skip");
    CHECK(repro_net_nparams(3, 2, 5, 0) == 15 + 5 + 10 + 2, "nparams without skip");
    repro_net *net = repro_net_alloc(3, 2, 5, 1, 1);
    double *p = net->theta->data;
    CHECK(net->W.matrix.data == p && net->b.vector.data == p + 15 && net->V.matrix.data == p + 20 &&
              net->A.matrix.data == p + 30 && net->c.vector.data == p + 36,
          "views follow the flat layout W|b|V|A|c");
    repro_net_free(net);
    net = repro_net_alloc(3, 2, 5, 0, 1);
    CHECK(net->A.matrix.size1 == 0 && net->c.vector.data == net->theta->data + 30,
          "without skip A is 0 x 0 and c follows V");
    repro_net_free(net);
    CHECK(repro_net_alloc(0, 1, 1, 0, 1) == NULL && strstr(repro_errmsg(), "d = 0"),
          "alloc rejects d = 0 and names it");
    CHECK(repro_net_alloc(1, 1, 0, 0, 1) == NULL, "alloc rejects K = 0");
    repro_net_free(NULL);
}

static void test_eval(gsl_rng *r)
{
    double worst = 0;
    size_t shapes[][3] = {{1, 1, 3}, {2, 3, 6}, {5, 25, 9}};
    for (int s = 0; s < 3; s++)
        for (int skip = 0; skip < 2; skip++) {
            size_t d = shapes[s][0], T = shapes[s][1], K = shapes[s][2], M = 13;
            repro_net *net = randnet(r, d, T, K, skip);
            gsl_matrix *X = randmat(r, M, d, 1.5), *F = gsl_matrix_alloc(M, T);
            gsl_matrix *R = gsl_matrix_alloc(M, T);
            repro_net_eval(net, X, F);
            for (size_t i = 0; i < M; i++) ref_eval(net, X->data + i * d, R->data + i * T);
            worst = fmax(worst, maxabs_diff(F, R));
            repro_net_free(net);
            gsl_matrix_free(X);
            gsl_matrix_free(F);
            gsl_matrix_free(R);
        }
    CHECK_CLOSE(worst, 0, 1e-12, "eval equals the hand-written sum (6 shapes)");

    repro_net *net = repro_net_alloc(2, 3, 4, 1, 5);
    gsl_matrix *X = gsl_matrix_alloc(4, 3), *F = gsl_matrix_alloc(4, 3);
    CHECK(repro_net_eval(net, X, F) == -1 && strstr(repro_errmsg(), "X must have d = 2"),
          "eval rejects X with the wrong column count");
    gsl_matrix *X2 = gsl_matrix_alloc(4, 2), *F2 = gsl_matrix_alloc(5, 3);
    CHECK(repro_net_eval(net, X2, F2) == -1 && strstr(repro_errmsg(), "F must be 4 x 3"),
          "eval rejects F of the wrong shape");
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(F);
    gsl_matrix_free(X2);
    gsl_matrix_free(F2);
}

/* Objective pieces by direct sums at the network's own parameters. */
static void ref_objective(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                          double *mse, double *sqnorm)
{
    size_t N = X->size1, T = net->T;
    double *f = malloc(T * sizeof *f), s = 0;
    for (size_t i = 0; i < N; i++) {
        ref_eval(net, X->data + i * X->tda, f);
        for (size_t t = 0; t < T; t++) s += pow(f[t] - gsl_matrix_get(Y, i, t), 2);
    }
    free(f);
    *mse = s / (double)(N * T);
    double q = 0;
    for (size_t k = 0; k < net->K; k++) {
        for (size_t j = 0; j < net->d; j++) q += pow(gsl_matrix_get(&net->W.matrix, k, j), 2);
        for (size_t t = 0; t < T; t++) q += pow(gsl_matrix_get(&net->V.matrix, k, t), 2);
    }
    *sqnorm = q;
}

static void test_gradient(gsl_rng *r)
{
    size_t shapes[][3] = {{1, 1, 4}, {2, 3, 5}, {5, 25, 7}};
    for (int s = 0; s < 3; s++)
        for (int skip = 0; skip < 2; skip++) {
            size_t d = shapes[s][0], T = shapes[s][1], K = shapes[s][2], N = 9;
            double lambda = 0.03;
            repro_net *net = repro_net_alloc(d, T, K, skip, 11 + (unsigned long)s);
            repro_net *at = randnet(r, d, T, K, skip); /* the point: differs from net->theta */
            gsl_matrix *X = randmat(r, N, d, 1), *Y = randmat(r, N, T, 1);
            repro_net_work *w = repro_net_work_alloc(net, N);
            gsl_vector *g = gsl_vector_alloc(net->P), *th = gsl_vector_alloc(net->P);
            double mse, pen, rmse, rq;
            double obj = repro_net_wd_objective(net, at->theta, X, Y, lambda, g, &mse, &pen, w);
            ref_objective(at, X, Y, &rmse, &rq);
            char name[160];
            snprintf(name, sizeof name, "mse by direct sum (d=%zu T=%zu skip=%d)", d, T, skip);
            CHECK_CLOSE(mse, rmse, 1e-12 * (1 + rmse), name);
            snprintf(name, sizeof name, "penalty = lambda (||W||^2 + ||V||^2) (d=%zu T=%zu skip=%d)", d, T, skip);
            CHECK_CLOSE(pen, lambda * rq, 1e-12 * (1 + rq), name);
            CHECK_CLOSE(obj, mse + pen, 1e-15 * (1 + obj), "objective = mse + penalty");
            double o2 = repro_net_wd_objective(net, at->theta, X, Y, lambda, NULL, NULL, NULL, w);
            CHECK(o2 == obj, "objective without gradient is the same number");
            /* central differences */
            double h = 1e-5, num = 0, den = 0;
            for (size_t i = 0; i < net->P; i++) {
                gsl_vector_memcpy(th, at->theta);
                gsl_vector_set(th, i, gsl_vector_get(at->theta, i) + h);
                double fp = repro_net_wd_objective(net, th, X, Y, lambda, NULL, NULL, NULL, w);
                gsl_vector_set(th, i, gsl_vector_get(at->theta, i) - h);
                double fm = repro_net_wd_objective(net, th, X, Y, lambda, NULL, NULL, NULL, w);
                double fd = (fp - fm) / (2 * h), gi = gsl_vector_get(g, i);
                num += (fd - gi) * (fd - gi);
                den += gi * gi;
            }
            snprintf(name, sizeof name, "gradient = central differences (d=%zu T=%zu K=%zu skip=%d)",
                     d, T, K, skip);
            CHECK_CLOSE(sqrt(num / den), 0, 1e-6, name);
            repro_net_free(net);
            repro_net_free(at);
            gsl_matrix_free(X);
            gsl_matrix_free(Y);
            repro_net_work_free(w);
            gsl_vector_free(g);
            gsl_vector_free(th);
        }
}

static void test_objective_errors(gsl_rng *r)
{
    repro_net *net = randnet(r, 2, 3, 4, 1);
    gsl_matrix *X = randmat(r, 6, 2, 1), *Y = randmat(r, 6, 3, 1), *Y2 = randmat(r, 6, 2, 1);
    repro_net_work *w = repro_net_work_alloc(net, 6), *w5 = repro_net_work_alloc(net, 5);
    gsl_vector *bad = gsl_vector_alloc(net->P - 1);
    CHECK(isnan(repro_net_wd_objective(net, bad, X, Y, 0.1, NULL, NULL, NULL, w)) &&
              strstr(repro_errmsg(), "theta"),
          "wd_objective rejects theta of the wrong length");
    CHECK(isnan(repro_net_wd_objective(net, net->theta, X, Y2, 0.1, NULL, NULL, NULL, w)) &&
              strstr(repro_errmsg(), "Y must be 6 x 3"),
          "wd_objective rejects Y of the wrong shape");
    CHECK(isnan(repro_net_wd_objective(net, net->theta, X, Y, 0.1, NULL, NULL, NULL, w5)) &&
              strstr(repro_errmsg(), "work"),
          "wd_objective rejects a work space for another N");
    CHECK(isnan(repro_net_wd_objective(net, net->theta, X, Y, -1, NULL, NULL, NULL, w)) &&
              strstr(repro_errmsg(), "lambda"),
          "wd_objective rejects lambda < 0");
    double m1, p1, m2, p2;
    double a = repro_net_objective(net, REPRO_OBJ_WEIGHT_DECAY, X, Y, 0.1, &m1, &p1);
    double b = repro_net_wd_objective(net, net->theta, X, Y, 0.1, NULL, &m2, &p2, w);
    CHECK(a == b && m1 == m2 && p1 == p2, "objective(WEIGHT_DECAY) = wd_objective at net->theta");
    CHECK(isnan(repro_net_objective(net, REPRO_OBJ_GROUP, X, Y2, 0.1, NULL, NULL)),
          "group objective rejects Y of the wrong shape");
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(Y);
    gsl_matrix_free(Y2);
    repro_net_work_free(w);
    repro_net_work_free(w5);
    gsl_vector_free(bad);
}

static void test_rescaling(gsl_rng *r)
{
    double df_bal = 0, df_norm = 0, wv = 0, unit = 0, pn = 0, twice = 0, grp = 0, vnorm = 0;
    int decayed = 1;
    for (int rep = 0; rep < 20; rep++) {
        size_t d = 1 + gsl_rng_uniform_int(r, 4), T = 1 + gsl_rng_uniform_int(r, 5),
               K = 1 + gsl_rng_uniform_int(r, 8), M = 17;
        repro_net *net = randnet(r, d, T, K, rep % 2);
        /* spread the scales so balancing has work to do */
        for (size_t k = 0; k < K; k++) {
            gsl_vector_view wk = gsl_matrix_row(&net->W.matrix, k);
            gsl_vector_scale(&wk.vector, exp(gsl_ran_gaussian(r, 2)));
        }
        gsl_matrix *X = randmat(r, M, d, 1), *Y = randmat(r, M, T, 1);
        gsl_matrix *F0 = gsl_matrix_alloc(M, T), *F1 = gsl_matrix_alloc(M, T);
        repro_net_eval(net, X, F0);
        double p0 = repro_net_pathnorm(net), lam = 0.2, m0, pen0, s0;
        double g0 = repro_net_objective(net, REPRO_OBJ_GROUP, X, Y, lam, &m0, &pen0);
        ref_objective(net, X, Y, &m0, &s0);
        repro_net *bal = repro_net_clone(net);
        repro_net_balance(bal);
        repro_net_eval(bal, X, F1);
        double scale = 1 + gsl_matrix_max(F0) - gsl_matrix_min(F0);
        df_bal = fmax(df_bal, maxabs_diff(F0, F1) / scale);
        double s1;
        ref_objective(bal, X, Y, &m0, &s1);
        for (size_t k = 0; k < K; k++) {
            gsl_vector_view wk = gsl_matrix_row(&bal->W.matrix, k), vk = gsl_matrix_row(&bal->V.matrix, k);
            double a = gsl_blas_dnrm2(&wk.vector), b = gsl_blas_dnrm2(&vk.vector);
            wv = fmax(wv, fabs(a - b) / (a + b));
        }
        pn = fmax(pn, fabs(repro_net_pathnorm(bal) - p0) / p0);
        twice = fmax(twice, fabs(s1 - 2 * p0) / p0); /* balanced: ||W||^2 + ||V||^2 = 2 pathnorm */
        if (s1 > s0 * (1 + 1e-12)) decayed = 0;

        repro_net *nrm = repro_net_clone(net);
        repro_net_normalize(nrm);
        repro_net_eval(nrm, X, F1);
        df_norm = fmax(df_norm, maxabs_diff(F0, F1) / scale);
        double sv = 0;
        for (size_t k = 0; k < K; k++) {
            gsl_vector_view wk = gsl_matrix_row(&nrm->W.matrix, k), vk = gsl_matrix_row(&nrm->V.matrix, k);
            unit = fmax(unit, fabs(gsl_blas_dnrm2(&wk.vector) - 1));
            sv += gsl_blas_dnrm2(&vk.vector);
        }
        vnorm = fmax(vnorm, fabs(sv - p0) / p0);
        double mref, sref;
        ref_objective(nrm, X, Y, &mref, &sref);
        grp = fmax(grp, fabs(g0 - (mref + lam * sv)) / (1 + g0));
        repro_net_free(net);
        repro_net_free(bal);
        repro_net_free(nrm);
        gsl_matrix_free(X);
        gsl_matrix_free(Y);
        gsl_matrix_free(F0);
        gsl_matrix_free(F1);
    }
    CHECK_CLOSE(df_bal, 0, 1e-12, "balance leaves f unchanged");
    CHECK_CLOSE(wv, 0, 1e-13, "balance gives ||w_k|| = ||v_k||");
    CHECK_CLOSE(pn, 0, 1e-13, "pathnorm is invariant under balance");
    CHECK_CLOSE(twice, 0, 1e-12, "after balance ||W||^2 + ||V||^2 = 2 pathnorm");
    CHECK(decayed, "balance never raises ||W||^2 + ||V||^2 (AM-GM)");
    CHECK_CLOSE(df_norm, 0, 1e-12, "normalize leaves f unchanged");
    CHECK_CLOSE(unit, 0, 1e-14, "normalize gives ||w_k|| = 1");
    CHECK_CLOSE(vnorm, 0, 1e-13, "after normalize sum ||v_k|| = pathnorm");
    CHECK_CLOSE(grp, 0, 1e-12, "group objective = mse + lambda sum ||v_k|| of the normalised net");

    /* a neuron with w = 0 or v = 0 is left alone */
    repro_net *net = repro_net_alloc(2, 2, 2, 0, 3);
    gsl_matrix_set(&net->W.matrix, 0, 0, 0);
    gsl_matrix_set(&net->W.matrix, 0, 1, 0);
    gsl_matrix_set(&net->V.matrix, 1, 0, 0);
    gsl_matrix_set(&net->V.matrix, 1, 1, 0);
    repro_net *c = repro_net_clone(net);
    repro_net_balance(c);
    CHECK(memcmp(c->theta->data, net->theta->data, net->P * sizeof(double)) == 0,
          "balance leaves neurons with w = 0 or v = 0 unchanged");
    repro_net_free(net);
    repro_net_free(c);
}

/* Neurons with tiny weights: normalize and balance must not overflow; a neuron whose rescaling
 * is not representable is dead: zeroed, its constant v (b)_+ moved into c (f unchanged on data). */
static void test_tiny_neurons(void)
{
    /* Subnormal weights (1e-316) exist only with flush-to-zero off (check.h turns it on, as in
     * build/repro): the engine's handling of them is tested in exact mode. */
    unsigned fpu = repro_fpu_exact();
    repro_net *net = repro_net_alloc(1, 2, 4, 1, 5);
    double wk[4] = {1e-316, 1e-200, 1e-316, 0.7}, bk[4] = {0.5, 2.0, 0.0, -0.2};
    double vk[4][2] = {{1, -2}, {1e-200, 3e-200}, {1, 0}, {0.3, 0.4}};
    for (size_t k = 0; k < 4; k++) {
        gsl_matrix_set(&net->W.matrix, k, 0, wk[k]);
        gsl_vector_set(&net->b.vector, k, bk[k]);
        for (size_t t = 0; t < 2; t++) gsl_matrix_set(&net->V.matrix, k, t, vk[k][t]);
    }
    gsl_matrix_set(&net->A.matrix, 0, 0, 0.1);
    gsl_matrix *X = gsl_matrix_alloc(7, 1), *F0 = gsl_matrix_alloc(7, 2), *F1 = gsl_matrix_alloc(7, 2);
    for (size_t i = 0; i < 7; i++) gsl_matrix_set(X, i, 0, -3.0 + i);
    repro_net_eval(net, X, F0);
    double c0 = gsl_vector_get(&net->c.vector, 0), c1 = gsl_vector_get(&net->c.vector, 1);

    repro_net *nrm = repro_net_clone(net);
    repro_net_normalize(nrm);
    int finite = 1;
    for (size_t i = 0; i < nrm->P; i++) finite &= isfinite(gsl_vector_get(nrm->theta, i));
    CHECK(finite, "normalize with ||w_k|| = 1e-316: all parameters finite");
    CHECK(gsl_matrix_get(&nrm->W.matrix, 0, 0) == 0 && gsl_vector_get(&nrm->b.vector, 0) == 0 &&
              gsl_matrix_get(&nrm->V.matrix, 0, 0) == 0 && gsl_matrix_get(&nrm->V.matrix, 0, 1) == 0,
          "normalize: a neuron with ||w_k|| = 1e-316 is dead (w, b, v = 0)");
    /* neuron 1: ||w|| ||v|| = 3e-400 underflows; neuron 2 (b = 0): 1 / 1e-316 overflows */
    CHECK(gsl_matrix_get(&nrm->W.matrix, 1, 0) == 0 && gsl_matrix_get(&nrm->W.matrix, 2, 0) == 0,
          "normalize: underflowing ||w|| ||v|| and an overflowing scale give dead neurons");
    CHECK_CLOSE(gsl_matrix_get(&nrm->W.matrix, 3, 0), 1, 1e-15, "normalize: a normal neuron is normalised");
    CHECK_CLOSE(gsl_vector_get(&nrm->c.vector, 0), c0 + 0.5 * 1 + 2.0 * 1e-200, 1e-15,
                "normalize: c absorbs v (b)_+ of the dead neurons (output 1)");
    CHECK_CLOSE(gsl_vector_get(&nrm->c.vector, 1), c1 + 0.5 * -2 + 2.0 * 3e-200, 1e-15,
                "normalize: c absorbs v (b)_+ of the dead neurons (output 2)");
    repro_net_eval(nrm, X, F1);
    CHECK_CLOSE(maxabs_diff(F0, F1), 0, 1e-14, "normalize with dead neurons: f unchanged on data");

    repro_net *bal = repro_net_clone(net);
    repro_net_balance(bal);
    finite = 1;
    for (size_t i = 0; i < bal->P; i++) finite &= isfinite(gsl_vector_get(bal->theta, i));
    CHECK(finite, "balance with ||w_k|| = 1e-316: all parameters finite");
    /* neuron 0: ||w|| ||v|| = sqrt(5) 1e-316 is representable: balanced to about 1.5e-158 */
    double w0 = fabs(gsl_matrix_get(&bal->W.matrix, 0, 0));
    gsl_vector_view v0 = gsl_matrix_row(&bal->V.matrix, 0);
    CHECK(w0 > 1e-160 && fabs(w0 - gsl_blas_dnrm2(&v0.vector)) <= 1e-6 * w0,
          "balance: ||w|| = 1e-316, ||v|| = sqrt 5 is balanced (||w|| = ||v|| ~ 1.5e-158)");
    CHECK(gsl_matrix_get(&bal->W.matrix, 1, 0) == 0 && gsl_matrix_get(&bal->V.matrix, 1, 1) == 0 &&
              gsl_vector_get(&bal->b.vector, 1) == 0,
          "balance: ||w|| ||v|| underflowing gives a dead neuron");
    repro_net_eval(bal, X, F1);
    CHECK_CLOSE(maxabs_diff(F0, F1), 0, 1e-14, "balance with tiny neurons: f unchanged on data");
    repro_net_free(net);
    repro_net_free(nrm);
    repro_net_free(bal);
    gsl_matrix_free(X);
    gsl_matrix_free(F0);
    gsl_matrix_free(F1);
    repro_fpu_restore(fpu);
}

/* Set neuron K of a d = 1 network. */
static void set_neuron(repro_net *net, size_t k, double w, double b, const double *v)
{
    gsl_matrix_set(&net->W.matrix, k, 0, w);
    gsl_vector_set(&net->b.vector, k, b);
    for (size_t t = 0; t < net->T; t++) gsl_matrix_set(&net->V.matrix, k, t, v[t]);
}

/* Slope change of output T at X by evaluating f at x -+ h and x -+ 2h. */
static double num_jump(const repro_net *net, double x, size_t t, double h)
{
    gsl_matrix *X = gsl_matrix_alloc(4, 1), *F = gsl_matrix_alloc(4, net->T);
    double xs[4] = {x - 2 * h, x - h, x + h, x + 2 * h};
    for (int i = 0; i < 4; i++) gsl_matrix_set(X, (size_t)i, 0, xs[i]);
    repro_net_eval(net, X, F);
    double left = (gsl_matrix_get(F, 1, t) - gsl_matrix_get(F, 0, t)) / h;
    double right = (gsl_matrix_get(F, 3, t) - gsl_matrix_get(F, 2, t)) / h;
    gsl_matrix_free(X);
    gsl_matrix_free(F);
    return right - left;
}

static void test_knots(gsl_rng *r)
{
    repro_net *net = repro_net_alloc(1, 2, 6, 1, 9);
    set_neuron(net, 0, 2, -2, (double[]){1, -1});     /* knot at 1, jump (2, -2) */
    set_neuron(net, 1, -1, 1, (double[]){0.5, 0.5});  /* knot at 1, opposite w: jump (0.5, 0.5) */
    set_neuron(net, 2, 0.5, 1, (double[]){3, 0});     /* knot at -2, jump (1.5, 0) */
    set_neuron(net, 3, 1, -3, (double[]){0, 0});      /* dead: v = 0 */
    set_neuron(net, 4, 0, 1, (double[]){1, 1});       /* w = 0: a constant */
    set_neuron(net, 5, 4, -4 - 4e-13, (double[]){-1, 0}); /* knot at 1 + 1e-13: merged, jump (-4, 0) */
    gsl_vector *loc;
    gsl_matrix *jump;
    CHECK(repro_net_knots(net, 1e-9, &loc, &jump) == 0, "knots returns 0 on success");
    int M = loc ? (int)loc->size : 0;
    CHECK(M == 2 && jump && jump->size1 == 2 && jump->size2 == 2, "hand-built net has 2 knots (merged pair, dead and constant neurons dropped)");
    if (M == 2) {
        CHECK_CLOSE(gsl_vector_get(loc, 0), -2, 1e-15, "first knot at -2");
        CHECK_CLOSE(gsl_vector_get(loc, 1), 1, 1e-12, "second knot at 1");
        CHECK_CLOSE(gsl_matrix_get(jump, 0, 0), 1.5, 1e-15, "jump at -2, task 1");
        CHECK_CLOSE(gsl_matrix_get(jump, 0, 1), 0, 1e-15, "jump at -2, task 2");
        CHECK_CLOSE(gsl_matrix_get(jump, 1, 0), 2 + 0.5 - 4, 1e-15, "merged jump at 1, task 1");
        CHECK_CLOSE(gsl_matrix_get(jump, 1, 1), -2 + 0.5, 1e-15, "merged jump at 1, task 2");
        for (size_t m = 0; m < 2; m++)
            for (size_t t = 0; t < 2; t++)
                CHECK_CLOSE(num_jump(net, gsl_vector_get(loc, m), t, 1e-3), gsl_matrix_get(jump, m, t),
                            1e-8, "jump equals the numerical slope change of f");
    }
    double cost = repro_net_cost(net, 1e-9);
    CHECK_CLOSE(cost, 1.5 + sqrt(1.5 * 1.5 + 1.5 * 1.5), 1e-14, "cost = sum of jump norms (closed form)");
    CHECK(cost <= repro_net_pathnorm(net), "cost <= pathnorm");
    gsl_vector_free(loc);
    gsl_matrix_free(jump);

    /* x_+ - (-x)_+ = x: two neurons that cancel leave no knot */
    repro_net *lin = repro_net_alloc(1, 1, 2, 1, 9);
    set_neuron(lin, 0, 1, 0, (double[]){1});
    set_neuron(lin, 1, -1, 0, (double[]){-1});
    CHECK(repro_net_knots(lin, 1e-12, &loc, &jump) == 0 && loc == NULL && jump == NULL, "cancelling pair: no knot, NULL outputs");
    CHECK_CLOSE(repro_net_cost(lin, 1e-12), 0, 0, "cancelling pair costs 0");
    repro_net_free(lin);

    /* random nets: each knot's jump is the numerical slope change; cost <= pathnorm */
    double worst = 0;
    int le = 1;
    for (int rep = 0; rep < 10; rep++) {
        size_t T = 1 + gsl_rng_uniform_int(r, 3), K = 1 + gsl_rng_uniform_int(r, 6);
        repro_net *rn = randnet(r, 1, T, K, rep % 2);
        if (repro_net_knots(rn, 1e-12, &loc, &jump) != 0) worst = INFINITY;
        M = loc ? (int)loc->size : 0;
        double gap = INFINITY;
        for (int m = 1; m < M; m++) gap = fmin(gap, gsl_vector_get(loc, (size_t)m) - gsl_vector_get(loc, (size_t)m - 1));
        double h = fmin(1e-4, gap / 8);
        for (int m = 0; m < M; m++)
            for (size_t t = 0; t < T; t++)
                worst = fmax(worst, fabs(num_jump(rn, gsl_vector_get(loc, (size_t)m), t, h) -
                                         gsl_matrix_get(jump, (size_t)m, t)));
        if (repro_net_cost(rn, 1e-12) > repro_net_pathnorm(rn) * (1 + 1e-12)) le = 0;
        gsl_vector_free(loc);
        gsl_matrix_free(jump);
        repro_net_free(rn);
    }
    CHECK_CLOSE(worst, 0, 1e-6, "random nets: jumps equal numerical slope changes");
    CHECK(le, "random nets: cost <= pathnorm");

    /* active neurons by ||w_k|| ||v_k||: 2 sqrt 2, 0.5 sqrt 2, 1.5, 0, 0, 4 */
    size_t idx[2] = {99, 99};
    size_t n = repro_net_active(net, 0.3, idx, 1);
    CHECK(n == 3 && idx[0] == 0 && idx[1] == 99, "active: count 3 above 0.3 max, writes at most cap");
    n = repro_net_active(net, 0.3, idx, 2);
    CHECK(n == 3 && idx[0] == 0 && idx[1] == 2, "active: indices in order");
    repro_net_free(net);

    repro_net *n2 = repro_net_alloc(2, 1, 3, 0, 1);
    CHECK(repro_net_knots(n2, 1e-9, &loc, &jump) == -1 && strstr(repro_errmsg(), "d = 1"),
          "knots rejects d = 2");
    CHECK(isnan(repro_net_cost(n2, 1e-9)), "cost is NaN for d = 2");
    repro_net_free(n2);
}

/* Write TEXT to PATH. */
static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Load a corrupt file: must fail, and the message must name the file and LINE_TEXT. */
static void expect_load_error(const char *path, const char *text, const char *what,
                              const char *name)
{
    put(path, text);
    repro_net *net = repro_net_load(path);
    const char *msg = repro_errmsg();
    int ok = net == NULL && strstr(msg, path) && strstr(msg, what);
    if (!ok) printf("# message: %s\n", msg);
    CHECK(ok, name);
    repro_net_free(net);
}

static void test_save_load(gsl_rng *r)
{
    char dir[] = "/tmp/test_net_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char path[256], bad[256];
    snprintf(path, sizeof path, "%s/a.net", dir);
    snprintf(bad, sizeof bad, "%s/bad.net", dir);
    for (int skip = 0; skip < 2; skip++) {
        repro_net *net = randnet(r, 3, 2, 4, skip);
        gsl_vector_set(net->theta, 0, 1.0 / 3);
        gsl_vector_set(net->theta, 1, -5e-300);
        gsl_vector_set(net->theta, 2, 1e300);
        CHECK(repro_net_save(net, path) == 0, "save succeeds");
        repro_net *back = repro_net_load(path);
        CHECK(back && back->d == 3 && back->T == 2 && back->K == 4 && back->skip == skip,
              "load restores the shape");
        CHECK(back && memcmp(back->theta->data, net->theta->data, net->P * sizeof(double)) == 0,
              "load restores theta bitwise");
        repro_net_free(back);
        repro_net_free(net);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp > /dev/null", dir);
    CHECK(system(cmd) != 0, "save leaves no temporary file behind");
    repro_net *nanet = repro_net_alloc(1, 1, 1, 0, 1);
    gsl_vector_set(nanet->theta, 0, NAN);
    CHECK(repro_net_save(nanet, bad) == -1 && access(bad, F_OK) != 0,
          "save refuses NaN parameters and writes nothing");
    repro_net_free(nanet);

    /* d = 1, T = 1, K = 1, skip 0: P = 4 */
    expect_load_error(bad, "repro-net 2\n1 1 1 0\n1\n2\n3\n4\n", "line 1", "wrong header version");
    expect_load_error(bad, "", "line 1", "empty file");
    expect_load_error(bad, "repro-net 1\n", "line 2", "file ends after the header");
    expect_load_error(bad, "repro-net 1\n1 1 0 0\n1\n", "line 2", "K = 0 rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 2\n1\n2\n3\n4\n", "line 2", "skip = 2 rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1\n1\n2\n3\n4\n", "line 2", "three counts rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0 5\n1\n2\n3\n4\n", "line 2", "five counts rejected");
    expect_load_error(bad, "repro-net 1\n1 -1 1 0\n1\n2\n3\n4\n", "line 2", "negative count rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\nabc\n3\n4\n", "line 4", "non-number rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n2\nnan\n4\n", "line 5", "NaN rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n2\n3\n-inf\n", "line 6", "Inf rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n2\n1e999\n4\n", "line 5", "overflow rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n2.5x\n3\n4\n", "line 4",
                      "trailing garbage after a number rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n2\n3\n", "line 6", "too few numbers rejected");
    expect_load_error(bad, "repro-net 1\n100000000 100000000 100000000 1\n1\n", "line 4",
                      "huge counts with few numbers rejected before allocating");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n2\n3\n4\n5\n", "line 7", "too many numbers rejected");
    expect_load_error(bad, "repro-net 1\n1 1 1 0\n1\n\n3\n4\n", "line 4", "empty line rejected");
    put(bad, "repro-net 1\n1 1 1 0\n1\n2\n3\n-4.5e-1\n");
    repro_net *ok = repro_net_load(bad);
    CHECK(ok && gsl_vector_get(ok->theta, 3) == -0.45 && gsl_vector_get(ok->theta, 0) == 1,
          "a hand-written valid file loads");
    repro_net_free(ok);
    snprintf(cmd, sizeof cmd, "%s/missing.net", dir);
    CHECK(repro_net_load(cmd) == NULL && strstr(repro_errmsg(), "missing.net"),
          "a missing file is an error naming it");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
}

static void test_init(void)
{
    size_t d = 4, T = 3, K = 2000;
    repro_net *a = repro_net_alloc(d, T, K, 1, 7), *b = repro_net_alloc(d, T, K, 1, 7);
    repro_net *c = repro_net_alloc(d, T, K, 1, 8);
    CHECK(memcmp(a->theta->data, b->theta->data, a->P * sizeof(double)) == 0,
          "same seed gives the same parameters");
    CHECK(memcmp(a->theta->data, c->theta->data, a->P * sizeof(double)) != 0,
          "different seeds give different parameters");
    double aw = 1 / sqrt((double)d), av = 1 / sqrt((double)K);
    double mxw = 0, mxb = 0, mxv = 0, mxc = 0, mxa = 0, sw = 0, sw2 = 0, sv = 0, sv2 = 0;
    for (size_t k = 0; k < K; k++) {
        for (size_t j = 0; j < d; j++) {
            double x = gsl_matrix_get(&a->W.matrix, k, j);
            mxw = fmax(mxw, fabs(x));
            sw += x;
            sw2 += x * x;
        }
        mxb = fmax(mxb, fabs(gsl_vector_get(&a->b.vector, k)));
        for (size_t t = 0; t < T; t++) {
            double x = gsl_matrix_get(&a->V.matrix, k, t);
            mxv = fmax(mxv, fabs(x));
            sv += x;
            sv2 += x * x;
        }
    }
    for (size_t t = 0; t < T; t++) {
        mxc = fmax(mxc, fabs(gsl_vector_get(&a->c.vector, t)));
        for (size_t j = 0; j < d; j++) mxa = fmax(mxa, fabs(gsl_matrix_get(&a->A.matrix, t, j)));
    }
    CHECK(mxw <= aw && mxw > 0.99 * aw, "W entries fill U(-1/sqrt d, 1/sqrt d)");
    CHECK(mxb <= aw && mxb > 0.95 * aw, "b entries fill U(-1/sqrt d, 1/sqrt d)");
    CHECK(mxv <= av && mxv > 0.99 * av, "V entries fill U(-1/sqrt K, 1/sqrt K)");
    CHECK(mxc <= av && mxc > 0, "c entries inside U(-1/sqrt K, 1/sqrt K)");
    CHECK(mxa == 0, "A starts at 0");
    double nw = (double)(K * d), nv = (double)(K * T);
    /* uniform on (-a, a): mean 0, variance a^2/3; 5 standard errors */
    CHECK_CLOSE(sw / nw, 0, 5 * aw / sqrt(3 * nw), "W mean ~ 0");
    CHECK_CLOSE(sw2 / nw, aw * aw / 3, 5 * aw * aw * sqrt(4.0 / 45 / nw), "W variance ~ a^2/3");
    CHECK_CLOSE(sv / nv, 0, 5 * av / sqrt(3 * nv), "V mean ~ 0");
    CHECK_CLOSE(sv2 / nv, av * av / 3, 5 * av * av * sqrt(4.0 / 45 / nv), "V variance ~ a^2/3");
    repro_net *s0 = repro_net_alloc(d, T, 5, 0, 7);
    CHECK(memcmp(s0->theta->data, a->theta->data, d * 5 * sizeof(double)) == 0,
          "W is drawn first: the first rows agree across widths and skip for one seed");
    repro_net_free(s0);
    repro_net_free(a);
    repro_net_free(b);
    repro_net_free(c);
}

int main(void)
{
    repro_err_init();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20241021);
    test_layout();
    test_eval(r);
    test_gradient(r);
    test_objective_errors(r);
    test_rescaling(r);
    test_tiny_neurons();
    test_knots(r);
    test_save_load(r);
    test_init();
    gsl_rng_free(r);
    return check_exit();
}
