/* Tests for optim.c: Adam against an independent implementation of torch's recurrence, the
 * learning-rate schedules against their recursive (chainable) forms, convergence on convex
 * quadratics, lbfgs on Rosenbrock, and the error / non-finite paths. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/err.h"
#include "engine/optim.h"

/* f = a/2 (x - c)^2 in 1-D */
static double quad1(const gsl_vector *x, void *p, gsl_vector *g)
{
    const double *ac = p;
    double r = gsl_vector_get(x, 0) - ac[1];
    if (g) gsl_vector_set(g, 0, ac[0] * r);
    return 0.5 * ac[0] * r * r;
}

static void test_adam_recurrence(void)
{
    double ac[2] = {3.0, -0.5};
    repro_optim_params p;
    repro_optim_params_default(&p);
    p.lr = 0.05;
    repro_optim *o = repro_optim_alloc(repro_optim_adam, 1, &p);
    gsl_vector *x0 = gsl_vector_alloc(1);
    gsl_vector_set(x0, 0, 2.0);
    CHECK(repro_optim_set(o, quad1, ac, x0) == 0, "adam: set");
    /* torch.optim.Adam, written out for one coordinate */
    double x = 2.0, m = 0, v = 0, worst = 0;
    for (int t = 1; t <= 8; t++) {
        double g = ac[0] * (x - ac[1]);
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        double mhat_step = 0.05 / (1 - pow(0.9, t));
        double denom = sqrt(v) / sqrt(1 - pow(0.999, t)) + 1e-8;
        x = x - mhat_step * m / denom;
        CHECK(repro_optim_iterate(o) == GSL_SUCCESS, "adam: step succeeds");
        worst = fmax(worst, fabs(gsl_vector_get(repro_optim_x(o), 0) - x));
    }
    CHECK_CLOSE(worst, 0, 1e-14, "adam: 8 steps equal the torch recurrence");
    CHECK_CLOSE(repro_optim_f(o), 0.5 * ac[0] * (x - ac[1]) * (x - ac[1]), 1e-13, "adam: f at x");
    CHECK(repro_optim_steps(o) == 8, "adam: step count");
    /* first step of Adam moves by lr exactly (up to eps): m/sqrt(v) = sign(g) after correction */
    repro_optim_set(o, quad1, ac, x0);
    repro_optim_iterate(o);
    CHECK_CLOSE(gsl_vector_get(repro_optim_x(o), 0), 2.0 - 0.05, 1e-9, "adam: first step = lr");
    gsl_vector_free(x0);
    repro_optim_free(o);
}

/* f = 1/2 x^T Q x - b^T x */
typedef struct {
    gsl_matrix *Q;
    gsl_vector *b;
} quadn;

static double quadnf(const gsl_vector *x, void *vp, gsl_vector *g)
{
    quadn *q = vp;
    double f = 0;
    for (size_t i = 0; i < x->size; i++) {
        double qi = 0;
        for (size_t j = 0; j < x->size; j++) qi += gsl_matrix_get(q->Q, i, j) * gsl_vector_get(x, j);
        f += 0.5 * gsl_vector_get(x, i) * qi - gsl_vector_get(q->b, i) * gsl_vector_get(x, i);
        if (g) gsl_vector_set(g, i, qi - gsl_vector_get(q->b, i));
    }
    return f;
}

static void test_convergence(const char *name, repro_lr_schedule sched, size_t steps, double lr)
{
    double Qd[9] = {4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2}, bd[3] = {1, -2, 0.5};
    quadn q = {gsl_matrix_alloc(3, 3), gsl_vector_alloc(3)};
    memcpy(q.Q->data, Qd, sizeof Qd);
    memcpy(q.b->data, bd, sizeof bd);
    /* the minimiser by Cholesky */
    gsl_matrix *C = gsl_matrix_alloc(3, 3);
    gsl_matrix_memcpy(C, q.Q);
    gsl_vector *xs = gsl_vector_alloc(3);
    gsl_linalg_cholesky_decomp1(C);
    gsl_linalg_cholesky_solve(C, q.b, xs);
    repro_optim_params p;
    repro_optim_params_default(&p);
    p.lr = lr;
    p.schedule = sched;
    p.steps = steps;
    p.step_size = steps / 3;
    p.gamma = 0.3;
    repro_optim *o = repro_optim_alloc(repro_optim_type_named(name), 3, &p);
    gsl_vector *x0 = gsl_vector_calloc(3);
    gsl_vector_set(x0, 0, 3);
    repro_optim_set(o, quadnf, &q, x0);
    int st = GSL_SUCCESS;
    for (size_t t = 0; t < steps && st == GSL_SUCCESS; t++) st = repro_optim_iterate(o);
    double err = 0;
    for (int i = 0; i < 3; i++) err = fmax(err, fabs(gsl_vector_get(repro_optim_x(o), i) - gsl_vector_get(xs, i)));
    char label[96];
    snprintf(label, sizeof label, "%s (schedule %d): converges to Q^-1 b", name, (int)sched);
    CHECK_CLOSE(err, 0, 1e-5, label);
    gsl_matrix_free(C);
    gsl_vector_free(xs);
    gsl_vector_free(x0);
    gsl_matrix_free(q.Q);
    gsl_vector_free(q.b);
    repro_optim_free(o);
}

/* f = g x (constant gradient): Adam moves by lr_t * g / (|g| + eps) each step, so the step
 * sizes reveal the learning-rate sequence actually used. */
static double linear(const gsl_vector *x, void *p, gsl_vector *g)
{
    (void)p;
    if (g) gsl_vector_set(g, 0, 2.0);
    return 2.0 * gsl_vector_get(x, 0);
}

static void test_schedules(void)
{
    repro_optim_params p;
    repro_optim_params_default(&p);
    /* cosine: torch's chainable form lr_t = m + (lr_{t-1} - m)(1 + cos(pi t/T))/(1 + cos(pi (t-1)/T)) */
    p.lr = 0.1;
    p.lr_min = 0.01;
    p.schedule = REPRO_LR_COSINE;
    p.steps = 50;
    double lr = p.lr, worst = 0;
    for (size_t t = 0; t <= 50; t++) {
        if (t > 0)
            lr = p.lr_min + (lr - p.lr_min) * (1 + cos(M_PI * (double)t / 50)) /
                                (1 + cos(M_PI * (double)(t - 1) / 50));
        worst = fmax(worst, fabs(repro_optim_lr_at(&p, t) - lr));
    }
    CHECK_CLOSE(worst, 0, 1e-15, "cosine: equals the chainable recursion");
    CHECK_CLOSE(repro_optim_lr_at(&p, 0), 0.1, 0, "cosine: starts at lr");
    CHECK_CLOSE(repro_optim_lr_at(&p, 50), 0.01, 1e-17, "cosine: ends at lr_min");
    CHECK_CLOSE(repro_optim_lr_at(&p, 80), 0.01, 0, "cosine: stays at lr_min past the budget");
    /* step: multiply by gamma whenever t is a positive multiple of step_size */
    p.schedule = REPRO_LR_STEP;
    p.gamma = 0.5;
    p.step_size = 7;
    lr = p.lr;
    worst = 0;
    for (size_t t = 0; t < 40; t++) {
        if (t > 0 && t % 7 == 0) lr *= 0.5;
        worst = fmax(worst, fabs(repro_optim_lr_at(&p, t) - lr));
    }
    CHECK_CLOSE(worst, 0, 1e-17, "step: gamma every step_size steps");
    size_t ms[3] = {3, 10, 11};
    p.milestones = ms;
    p.nmilestones = 3;
    lr = p.lr;
    worst = 0;
    for (size_t t = 0; t < 20; t++) {
        if (t == 3 || t == 10 || t == 11) lr *= 0.5;
        worst = fmax(worst, fabs(repro_optim_lr_at(&p, t) - lr));
    }
    CHECK_CLOSE(worst, 0, 1e-17, "step: gamma at milestones");
    /* Adam uses the schedule: steps of a linear function have size lr_t */
    p.milestones = NULL;
    p.nmilestones = 0;
    p.schedule = REPRO_LR_COSINE;
    p.steps = 20;
    repro_optim *o = repro_optim_alloc(repro_optim_adam, 1, &p);
    gsl_vector *x0 = gsl_vector_calloc(1);
    repro_optim_set(o, linear, NULL, x0);
    double prev = 0;
    worst = 0;
    for (size_t t = 0; t < 20; t++) {
        double want = repro_optim_lr(o);
        repro_optim_iterate(o);
        double x = gsl_vector_get(repro_optim_x(o), 0);
        worst = fmax(worst, fabs((prev - x) - want * 2 / (2 + 1e-8)));
        prev = x;
    }
    CHECK_CLOSE(worst, 0, 1e-15, "adam follows the cosine lr sequence");
    double total = 0;
    for (size_t t = 0; t < 20; t++) total += 0.01 + 0.09 * (1 + cos(M_PI * (double)t / 20)) / 2;
    CHECK_CLOSE(prev, -total * 2 / (2 + 1e-8), 1e-12, "adam: displacement = sum of cosine learning rates");
    gsl_vector_free(x0);
    repro_optim_free(o);
}

static double rosen(const gsl_vector *x, void *p, gsl_vector *g)
{
    (void)p;
    double a = gsl_vector_get(x, 0), b = gsl_vector_get(x, 1);
    if (g) {
        gsl_vector_set(g, 0, -2 * (1 - a) - 400 * a * (b - a * a));
        gsl_vector_set(g, 1, 200 * (b - a * a));
    }
    return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a);
}

static void test_lbfgs(void)
{
    repro_optim *o = repro_optim_alloc(repro_optim_lbfgs, 2, NULL);
    gsl_vector *x0 = gsl_vector_alloc(2);
    gsl_vector_set(x0, 0, -1.2);
    gsl_vector_set(x0, 1, 1.0);
    CHECK(repro_optim_set(o, rosen, NULL, x0) == 0, "lbfgs: set");
    int st = GSL_SUCCESS;
    size_t it = 0;
    while (st == GSL_SUCCESS && it < 500) {
        st = repro_optim_iterate(o);
        it++;
        if (gsl_blas_dnrm2(repro_optim_grad(o)) < 1e-10) break;
    }
    CHECK(st == GSL_SUCCESS || st == GSL_ENOPROG, "lbfgs: stops with success or no progress");
    CHECK_CLOSE(gsl_vector_get(repro_optim_x(o), 0), 1, 1e-6, "lbfgs: Rosenbrock x -> 1");
    CHECK_CLOSE(gsl_vector_get(repro_optim_x(o), 1), 1, 1e-6, "lbfgs: Rosenbrock y -> 1");
    CHECK(isnan(repro_optim_lr(o)), "lbfgs: no learning rate");
    CHECK(strcmp(repro_optim_name(o), "lbfgs") == 0, "lbfgs: name");
    gsl_vector_free(x0);
    repro_optim_free(o);
}

/* finite while x < 1, then NaN */
static double cliff(const gsl_vector *x, void *p, gsl_vector *g)
{
    (void)p;
    double v = gsl_vector_get(x, 0);
    if (g) gsl_vector_set(g, 0, -1);
    return v < 1 ? -v : NAN;
}

static void test_errors(void)
{
    CHECK(repro_optim_type_named("sgd") == NULL, "type: unknown name");
    CHECK(strstr(repro_errmsg(), "adam or lbfgs") != NULL, "type: message lists the names");
    CHECK(repro_optim_type_named("lbfgs") == repro_optim_lbfgs, "type: found by name");
    CHECK(repro_optim_alloc(NULL, 3, NULL) == NULL, "alloc: NULL type");
    CHECK(repro_optim_alloc(repro_optim_adam, 0, NULL) == NULL, "alloc: n = 0");
    repro_optim_params p;
    repro_optim_params_default(&p);
    p.lr = -1;
    CHECK(repro_optim_alloc(repro_optim_adam, 1, &p) == NULL && strstr(repro_errmsg(), "lr must be > 0"),
          "alloc: negative lr");
    repro_optim_params_default(&p);
    p.lr = 0.4;
    repro_optim *o = repro_optim_alloc(repro_optim_adam, 1, &p);
    gsl_vector *x0 = gsl_vector_calloc(2);
    CHECK(repro_optim_set(o, cliff, NULL, x0) == -1 && strstr(repro_errmsg(), "length 1"),
          "set: wrong length");
    gsl_vector_free(x0);
    x0 = gsl_vector_calloc(1);
    gsl_vector_set(x0, 0, 5);
    CHECK(repro_optim_set(o, cliff, NULL, x0) == -1 && strstr(repro_errmsg(), "not finite"),
          "set: non-finite start");
    gsl_vector_set(x0, 0, 0);
    repro_optim_set(o, cliff, NULL, x0);
    int st = GSL_SUCCESS, n = 0;
    double last = 0;
    while (st == GSL_SUCCESS && n < 10) {
        last = gsl_vector_get(repro_optim_x(o), 0);
        st = repro_optim_iterate(o);
        n++;
    }
    CHECK(st == GSL_EBADFUNC, "adam: non-finite objective reported as GSL_EBADFUNC");
    CHECK(gsl_vector_get(repro_optim_x(o), 0) == last && last < 1, "adam: x restored to the last finite point");
    CHECK(repro_optim_f(o) == -last, "adam: f restored");
    gsl_vector_free(x0);
    repro_optim_free(o);
}

int main(void)
{
    repro_err_init();
    test_adam_recurrence();
    test_convergence("adam", REPRO_LR_COSINE, 6000, 0.05);
    test_convergence("adam", REPRO_LR_STEP, 6000, 0.05);
    test_convergence("lbfgs", REPRO_LR_CONSTANT, 100, 0.05);
    test_schedules();
    test_lbfgs();
    test_errors();
    return check_exit();
}
