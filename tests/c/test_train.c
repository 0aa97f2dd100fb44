/* Tests for train.c: Adam + polish reach the connect-the-dots cost (SPEC section 2), the
 * certificate of a net holding every needed knot, divergence handling, stopping rules, balance,
 * and the argument errors. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/dataset.h"
#include "core/err.h"
#include "engine/net.h"
#include "engine/train.h"
#include "engine/univariate.h"

/* A validated d = 1, T = 1 dataset. */
static repro_dataset *data1(const double *x, const double *y, size_t N)
{
    repro_dataset *ds = repro_dataset_alloc(N, 1, 1);
    for (size_t i = 0; i < N; i++) {
        gsl_matrix_set(ds->X, i, 0, x[i]);
        gsl_matrix_set(ds->Y, i, 0, y[i]);
    }
    repro_dataset_validate(ds, 0, NULL, NULL);
    return ds;
}

static double max_balance_error(const repro_net *net)
{
    double worst = 0;
    for (size_t k = 0; k < net->K; k++) {
        gsl_vector_const_view w = gsl_matrix_const_row(&net->W.matrix, k);
        gsl_vector_const_view v = gsl_matrix_const_row(&net->V.matrix, k);
        worst = fmax(worst, fabs(gsl_blas_dnrm2(&w.vector) - gsl_blas_dnrm2(&v.vector)));
    }
    return worst;
}

/* Zigzag data: slope changes alternate in sign, so f_D is the unique optimum (Theorem 3.1). */
static void test_adam_polish(void)
{
    double x[5] = {-2, -1, 0, 1, 2}, y[5] = {0, 1, 0, 1, 0};
    repro_dataset *ds = data1(x, y, 5);
    repro_spline *fd = repro_connect_the_dots(ds);
    double cost_fd = repro_spline_cost(fd);
    repro_net *net = repro_net_alloc(1, 1, 20, 1, 3);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.lambda = 1e-5;
    o.steps = 20000;
    o.lr = 1e-2;
    o.schedule = REPRO_LR_COSINE;
    o.lr_min = 1e-4;
    repro_train_report r;
    int rc = repro_train(net, ds->X, ds->Y, &o, &r);
    CHECK(rc == 0, "adam: trains");
    if (rc) printf("# %s\n", repro_errmsg());
    CHECK(r.steps == 20000 && strcmp(r.reason, "steps") == 0, "adam: runs the step budget");
    CHECK(r.loss < 1e-3, "adam: fits the data");
    CHECK(isnan(r.gap) && isnan(r.certificate), "adam: no gap / certificate");
    CHECK_CLOSE(max_balance_error(net), 0, 1e-12, "adam: network balanced afterwards");
    double mse, pen;
    double obj = repro_net_objective(net, REPRO_OBJ_WEIGHT_DECAY, ds->X, ds->Y, 1e-5, &mse, &pen);
    CHECK_CLOSE(r.objective, obj, 1e-15, "adam: report objective = objective of the net");
    CHECK(r.seconds >= 0, "adam: seconds measured");

    o.optimizer = REPRO_TRAIN_POLISH;
    rc = repro_train(net, ds->X, ds->Y, &o, &r);
    CHECK(rc == 0, "polish: runs");
    if (rc) printf("# %s\n", repro_errmsg());
    CHECK(r.objective <= obj * (1 + 1e-9), "polish: does not raise the objective");
    CHECK(r.gap <= 1e-8, "polish: duality gap small");
    CHECK(r.certificate <= 1 + 1e-3, "polish: certificate near 1 after adam");
    double cost = repro_net_cost(net, 1e-6);
    /* The regularised optimum fits yhat = y + delta with delta_i = lambda_g N g_i / 2, g = dR/dy
     * (R(f_D) is linear in y near y, mse = |delta|^2 / N): its cost is
     * R(f_D) - lambda_g N / 2 |g|^2.  Here g = (-1, 3, -4, 3, -1), lambda_g = 2 lambda. */
    double want = cost_fd - 2e-5 * 5 / 2 * 36;
    CHECK_CLOSE(cost, want, 1e-4, "adam + polish: cost = R(f_D) minus the closed-form shrinkage");
    CHECK_CLOSE(cost, cost_fd, 2e-3, "adam + polish: cost within 2e-3 of connect-the-dots");
    /* and the net is connect-the-dots of its own fitted values (Remark 1) */
    repro_dataset *fit = repro_dataset_copy(ds);
    repro_net_eval(net, ds->X, fit->Y);
    repro_spline *ffit = repro_connect_the_dots(fit);
    /* tolerance: a duality gap of ~1e-9 allows a cost excess of gap / lambda_g ~ 5e-5 */
    CHECK_CLOSE(cost, repro_spline_cost(ffit), 1e-4, "adam + polish: cost = R(f_D of the fitted values)");
    repro_spline_free(ffit);
    repro_dataset_free(fit);
    CHECK_CLOSE(max_balance_error(net), 0, 1e-12, "polish: balanced afterwards");
    /* the group objective reported after polish equals the weight-decay one (balanced) */
    double g = repro_net_objective(net, REPRO_OBJ_GROUP, ds->X, ds->Y, 2e-5, NULL, NULL);
    CHECK_CLOSE(g, r.objective, 1e-12, "balanced: group(2 lambda) = weight decay(lambda)");
    repro_net_free(net);
    repro_spline_free(fd);
    repro_dataset_free(ds);
}

/* Figure 4 of the paper: N = 5, K = 20, skip, lambda = 1e-5 (group 2e-5) after Adam.  The polish
 * problem is degenerate (rank 3, near-duplicate columns); it must converge to gap <= 1e-10
 * objective.  A copy of the trained net with a duplicated neuron (same normalised (w, b), v split)
 * a neuron dead on the data (knot beyond the data) and one with a knot at -1e120 polishes to the
 * same objective, the duplicate merged, the dead neuron dropped, the far one folded. */
static void test_figure4_polish(void)
{
    double x[5] = {-2, -1, 0, 1, 2}, y[5] = {1.0, 0.0, 0.3, 1.5, 1.0};
    repro_dataset *ds = data1(x, y, 5);
    repro_net *net = repro_net_alloc(1, 1, 20, 1, 1);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.lambda = 1e-5;
    o.steps = 30000;
    o.lr = 1e-2;
    o.schedule = REPRO_LR_COSINE;
    o.lr_min = 1e-4;
    repro_train_report r;
    CHECK(repro_train(net, ds->X, ds->Y, &o, &r) == 0, "figure 4: adam runs");
    /* net2: neurons 0..19 of net, 20 = neuron 0 scaled by 3 (v_0 split), 21 dead on the data,
     * 22 with w = 1e-120, b = 1 (a knot at -1e120: the constant 0.25 on the data, taken off c) */
    repro_net *net2 = repro_net_alloc(1, 1, 23, 1, 1);
    for (size_t k = 0; k < 20; k++) {
        gsl_matrix_set(&net2->W.matrix, k, 0, gsl_matrix_get(&net->W.matrix, k, 0));
        gsl_vector_set(&net2->b.vector, k, gsl_vector_get(&net->b.vector, k));
        gsl_matrix_set(&net2->V.matrix, k, 0, gsl_matrix_get(&net->V.matrix, k, 0));
    }
    double w0 = gsl_matrix_get(&net->W.matrix, 0, 0), b0 = gsl_vector_get(&net->b.vector, 0),
           v0 = gsl_matrix_get(&net->V.matrix, 0, 0);
    gsl_matrix_set(&net2->V.matrix, 0, 0, v0 / 2);
    gsl_matrix_set(&net2->W.matrix, 20, 0, 3 * w0);
    gsl_vector_set(&net2->b.vector, 20, 3 * b0);
    gsl_matrix_set(&net2->V.matrix, 20, 0, v0 / 6);
    gsl_matrix_set(&net2->W.matrix, 21, 0, 1);
    gsl_vector_set(&net2->b.vector, 21, -10);
    gsl_matrix_set(&net2->V.matrix, 21, 0, 5);
    gsl_matrix_set(&net2->W.matrix, 22, 0, 1e-120);
    gsl_vector_set(&net2->b.vector, 22, 1);
    gsl_matrix_set(&net2->V.matrix, 22, 0, 0.25);
    gsl_matrix_memcpy(&net2->A.matrix, &net->A.matrix);
    gsl_vector_memcpy(&net2->c.vector, &net->c.vector);
    gsl_vector_add_constant(&net2->c.vector, -0.25);
    gsl_matrix *F1 = gsl_matrix_alloc(5, 1), *F2 = gsl_matrix_alloc(5, 1);
    repro_net_eval(net, ds->X, F1);
    repro_net_eval(net2, ds->X, F2);
    gsl_matrix_sub(F2, F1);
    CHECK(fabs(gsl_matrix_max(F2)) + fabs(gsl_matrix_min(F2)) < 1e-12,
          "figure 4: the augmented net is the same function on the data");

    o.optimizer = REPRO_TRAIN_POLISH;
    int rc = repro_train(net, ds->X, ds->Y, &o, &r);
    CHECK(rc == 0 && strcmp(r.reason, "tolerance") == 0, "figure 4 polish: reason tolerance");
    char name[160];
    snprintf(name, sizeof name, "figure 4 polish: gap %.3g <= 1e-10 objective %.6g", r.gap, r.objective);
    CHECK(r.gap <= 1e-10 * r.objective, name);
    CHECK(r.seconds < 1, "figure 4 polish: well under a second");
    CHECK(r.certificate <= 1 + 1e-3, "figure 4 polish: certificate near 1");
    repro_train_report r2;
    rc = repro_train(net2, ds->X, ds->Y, &o, &r2);
    CHECK(rc == 0 && strcmp(r2.reason, "tolerance") == 0, "figure 4 polish (duplicate, dead): converges");
    CHECK_CLOSE(r2.objective, r.objective, 1e-9 * r.objective,
                "figure 4 polish (duplicate, dead): same optimum");
    CHECK(gsl_matrix_get(&net2->W.matrix, 20, 0) == 0 && gsl_matrix_get(&net2->V.matrix, 20, 0) == 0,
          "figure 4 polish: the duplicate neuron was merged");
    CHECK(gsl_matrix_get(&net2->W.matrix, 21, 0) == 0 && gsl_matrix_get(&net2->V.matrix, 21, 0) == 0 &&
              gsl_vector_get(&net2->b.vector, 21) == 0,
          "figure 4 polish: the neuron dead on the data was dropped");
    CHECK(gsl_matrix_get(&net2->W.matrix, 22, 0) == 0 && gsl_matrix_get(&net2->V.matrix, 22, 0) == 0,
          "figure 4 polish: the neuron with a knot at -1e120 was folded into c and A");
    gsl_matrix_free(F1);
    gsl_matrix_free(F2);
    repro_net_free(net);
    repro_net_free(net2);
    repro_dataset_free(ds);
}

/* A net with one neuron at every interior data point can represent the regularised optimum,
 * so after the polish no candidate neuron beats lambda: certificate <= 1. */
static void test_certificate_full(void)
{
    double x[6] = {0, 1, 2, 3, 4, 5}, y[6] = {1, 0, 2, 1, 3, -1};
    repro_dataset *ds = data1(x, y, 6);
    repro_net *net = repro_net_alloc(1, 1, 4, 1, 1);
    for (size_t k = 0; k < 4; k++) {
        gsl_matrix_set(&net->W.matrix, k, 0, 1);
        gsl_vector_set(&net->b.vector, k, -(double)(k + 1));
        gsl_matrix_set(&net->V.matrix, k, 0, 0);
    }
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.optimizer = REPRO_TRAIN_POLISH;
    o.lambda = 1e-3;
    repro_train_report r;
    int rc = repro_train(net, ds->X, ds->Y, &o, &r);
    CHECK(rc == 0, "polish (full knots): runs");
    if (rc) printf("# %s\n", repro_errmsg());
    CHECK(r.certificate <= 1 + 1e-6, "polish (full knots): certificate <= 1 + 1e-6");
    CHECK(r.certificate > 0.5, "polish (full knots): certificate is active (some neuron at lambda)");
    CHECK(strcmp(r.reason, "tolerance") == 0, "polish: converged");
    double ratio;
    CHECK(repro_train_certificate(net, ds->X, ds->Y, REPRO_OBJ_WEIGHT_DECAY, 1e-3, 2000, &ratio) == 0,
          "certificate: standalone");
    CHECK_CLOSE(ratio, r.certificate, 1e-12, "certificate: standalone = polish report");
    /* a net missing the knot at 3 cannot be optimal: some candidate exceeds lambda */
    repro_net *few = repro_net_alloc(1, 1, 3, 1, 1);
    double bs[3] = {-1, -2, -4};
    for (size_t k = 0; k < 3; k++) {
        gsl_matrix_set(&few->W.matrix, k, 0, 1);
        gsl_vector_set(&few->b.vector, k, bs[k]);
    }
    rc = repro_train(few, ds->X, ds->Y, &o, &r);
    CHECK(rc == 0 && r.certificate > 1.01, "polish (missing knot): certificate > 1");
    repro_net_free(few);
    repro_net_free(net);
    repro_dataset_free(ds);
}

static void test_divergence(void)
{
    double x[4] = {0, 1, 2, 3}, y[4] = {0, 1, 0, 2};
    repro_dataset *ds = data1(x, y, 4);
    repro_net *net = repro_net_alloc(1, 1, 8, 1, 2);
    gsl_vector *theta0 = gsl_vector_alloc(net->P);
    gsl_vector_memcpy(theta0, net->theta);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.lr = 1e200;
    o.steps = 50;
    int rc = repro_train(net, ds->X, ds->Y, &o, NULL);
    CHECK(rc == -1, "divergence: returns -1");
    CHECK(strstr(repro_errmsg(), "step 1") != NULL, "divergence: message names the step");
    int same = 1;
    for (size_t i = 0; i < net->P; i++)
        same = same && gsl_vector_get(net->theta, i) == gsl_vector_get(theta0, i);
    CHECK(same, "divergence: network keeps its last finite parameters");
    /* a later divergence: lr large enough to blow up after a few steps */
    o.lr = 1e77;
    o.steps = 1000;
    rc = repro_train(net, ds->X, ds->Y, &o, NULL);
    int finite = 1;
    for (size_t i = 0; i < net->P; i++) finite = finite && isfinite(gsl_vector_get(net->theta, i));
    CHECK(rc == -1 && strstr(repro_errmsg(), "diverged at step") && finite,
          "divergence after some steps: finite parameters kept");
    gsl_vector_free(theta0);
    repro_net_free(net);
    repro_dataset_free(ds);
}

static void test_stopping(void)
{
    double x[4] = {0, 1, 2, 3}, y[4] = {0, 1, 0, 2};
    repro_dataset *ds = data1(x, y, 4);
    repro_net *net = repro_net_alloc(1, 1, 8, 1, 2);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.lr = 1e-2;
    o.steps = 100000;
    o.tol = 1e-3;
    repro_train_report r;
    CHECK(repro_train(net, ds->X, ds->Y, &o, &r) == 0, "tol: trains");
    CHECK(strcmp(r.reason, "tolerance") == 0 && r.steps < 100000 && r.steps >= 100,
          "tol: stops early with reason tolerance");
    double before = r.objective;
    o.optimizer = REPRO_TRAIN_LBFGS;
    o.steps = 500;
    o.tol = 0;
    CHECK(repro_train(net, ds->X, ds->Y, &o, &r) == 0, "lbfgs: trains");
    CHECK(r.objective < before, "lbfgs: lowers the objective further");
    CHECK(strcmp(r.reason, "steps") == 0 || strcmp(r.reason, "stalled") == 0, "lbfgs: reason");
    /* group objective with adam: weight decay at lambda/2, reported as the group objective */
    o.optimizer = REPRO_TRAIN_ADAM;
    o.objective = REPRO_OBJ_GROUP;
    o.lambda = 1e-3;
    o.steps = 200;
    CHECK(repro_train(net, ds->X, ds->Y, &o, &r) == 0, "group/adam: trains");
    double wd = repro_net_objective(net, REPRO_OBJ_WEIGHT_DECAY, ds->X, ds->Y, 5e-4, NULL, NULL);
    CHECK_CLOSE(r.objective, wd, 1e-12, "group/adam: group objective = weight decay lambda/2 (balanced)");
    repro_net_free(net);
    repro_dataset_free(ds);
}

static void test_errors(void)
{
    double x[3] = {0, 1, 2}, y[3] = {0, 1, 0};
    repro_dataset *ds = data1(x, y, 3);
    repro_net *net = repro_net_alloc(2, 1, 4, 1, 1);
    CHECK(repro_train(net, ds->X, ds->Y, NULL, NULL) == -1 && strstr(repro_errmsg(), "d = 2"),
          "error: X columns vs net d");
    repro_net_free(net);
    net = repro_net_alloc(1, 2, 4, 1, 1);
    CHECK(repro_train(net, ds->X, ds->Y, NULL, NULL) == -1 && strstr(repro_errmsg(), "T = 2"),
          "error: Y columns vs net T");
    repro_net_free(net);
    net = repro_net_alloc(1, 1, 4, 0, 1);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.lambda = -1;
    CHECK(repro_train(net, ds->X, ds->Y, &o, NULL) == -1 && strstr(repro_errmsg(), "lambda"),
          "error: negative lambda");
    o.lambda = 0;
    o.optimizer = REPRO_TRAIN_POLISH;
    CHECK(repro_train(net, ds->X, ds->Y, &o, NULL) == -1 && strstr(repro_errmsg(), "lambda > 0"),
          "error: polish with lambda 0");
    o.optimizer = REPRO_TRAIN_ADAM;
    o.steps = 0;
    CHECK(repro_train(net, ds->X, ds->Y, &o, NULL) == -1 && strstr(repro_errmsg(), "steps"),
          "error: zero steps");
    /* no skip: polish still works */
    repro_train_opts_default(&o);
    o.optimizer = REPRO_TRAIN_POLISH;
    repro_train_report r;
    CHECK(repro_train(net, ds->X, ds->Y, &o, &r) == 0 && isfinite(r.certificate),
          "polish without skip");
    repro_net_free(net);
    repro_dataset_free(ds);
}

int main(void)
{
    repro_err_init();
    test_adam_polish();
    test_certificate_full();
    test_figure4_polish();
    test_divergence();
    test_stopping();
    test_errors();
    return check_exit();
}
