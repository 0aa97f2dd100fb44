/* Tests for step.c, the fused Adam step: against optim.h's Adam on BLAS products (the reference)
 * after N steps, objective and parameters, on every code path this CPU runs (AVX-512, AVX2,
 * portable, forced through step.h's interface and through REPRO_STEP for train.c), T = 1 and
 * T > 1, skip on and off, K not a multiple of 8, N not a multiple of 4; the paths give
 * bit-identical results; the NaN rollback ends where the reference ends; path selection.  The
 * AVX-512 path's 8-lane logic also runs on CPUs without AVX-512: the sweep's source compiled with
 * 8 lanes per vector and no target (tests/c/sweep_lanes8.c). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/err.h"
#include "engine/net.h"
#include "engine/optim.h"
#include "engine/step.h"
#include "engine/sweep.h"
#include "engine/train.h"

/* step_sweep.h with step_avx512.c's parameters but no target (tests/c/sweep_lanes8.c) */
void sweep_lanes8(const sweep_args *a);

/* The code paths under test: step.h's three, and the 8-lane logic on the portable path's
 * allocation. */
#define LANES8 (REPRO_STEP_PORTABLE + 1)
static const char *variant_name(int path)
{
    return path == LANES8 ? "8 lanes (AVX-512's logic, no target)"
                          : repro_step_path_name((repro_step_path)path);
}

typedef struct {
    const char *name;
    size_t N, d, T, K;
    int skip;
    double lambda;
    size_t steps;
    repro_lr_schedule schedule;
    double lr;
    int squares; /* the two squares of bench/problems.lua, Bernoulli tasks beyond the first */
} problem;

static void random_data(const problem *pb, gsl_matrix *X, gsl_matrix *Y, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    static const double sq[8][2] = {{1, 1}, {-1, 1}, {-1, -1}, {1, -1},
                                    {.5, .5}, {-.5, .5}, {-.5, -.5}, {.5, -.5}};
    for (size_t i = 0; pb->squares && i < 8; i++) {
        for (size_t j = 0; j < 2; j++) gsl_matrix_set(X, i, j, sq[i][j]);
        for (size_t t = 0; t < pb->T; t++)
            gsl_matrix_set(Y, i, t, t == 0 ? (i >= 4) : (gsl_rng_uniform(r) < 0.5));
    }
    for (size_t i = 0; !pb->squares && i < pb->N; i++) {
        for (size_t j = 0; j < pb->d; j++) gsl_matrix_set(X, i, j, 2 * gsl_rng_uniform(r) - 1);
        for (size_t t = 0; t < pb->T; t++) gsl_matrix_set(Y, i, t, gsl_rng_uniform(r));
    }
    gsl_rng_free(r);
}

static void params_of(const problem *pb, repro_optim_params *p)
{
    repro_optim_params_default(p);
    p->lr = pb->lr;
    p->schedule = pb->schedule;
    p->lr_min = 1e-4;
    p->steps = pb->steps;
}

/* max |a - b| / max |a| */
static double rel_diff(const gsl_vector *a, const gsl_vector *b)
{
    double d = 0, m = 0;
    for (size_t q = 0; q < a->size; q++) {
        d = fmax(d, fabs(a->data[q] - b->data[q]));
        m = fmax(m, fabs(a->data[q]));
    }
    return d / m;
}

static void test_against_reference(const problem *pb)
{
    gsl_matrix *X = gsl_matrix_alloc(pb->N, pb->d), *Y = gsl_matrix_alloc(pb->N, pb->T);
    random_data(pb, X, Y, 7);
    repro_net *net = repro_net_alloc(pb->d, pb->T, pb->K, pb->skip, 3);
    repro_optim_params p;
    params_of(pb, &p);
    repro_net_wd prob = {net, X, Y, pb->lambda, repro_net_work_alloc(net, pb->N)};
    repro_optim *ref = repro_optim_alloc(repro_optim_adam, net->P, &p);
    repro_optim_set(ref, repro_net_wd_fdf, &prob, net->theta);
    for (size_t k = 0; k < pb->steps; k++) repro_optim_iterate(ref);
    double fref = repro_optim_f(ref);
    gsl_vector *first = NULL, *theta = gsl_vector_alloc(net->P);
    char name[160];
    for (int path = REPRO_STEP_AVX512; path <= LANES8; path++) {
        const char *pn = variant_name(path);
        if (path != LANES8 && !repro_step_supported((repro_step_path)path)) {
            printf("# %s: %s path skipped (this CPU lacks it)\n", pb->name, pn);
            continue;
        }
        const repro_step_path alloc_path = path == LANES8 ? REPRO_STEP_PORTABLE : (repro_step_path)path;
        repro_step *s = repro_step_alloc(net, X, Y, pb->lambda, &p, alloc_path);
        if (s && path == LANES8) repro_step_use_sweep(s, sweep_lanes8);
        int ok = s && repro_step_set(s, net->theta) == 0;
        for (size_t k = 0; ok && k < pb->steps; k++) ok = repro_step_iterate(s) == GSL_SUCCESS;
        ok = ok && repro_step_finish(s) == GSL_SUCCESS;
        snprintf(name, sizeof name, "%s, %s: %zu steps taken", pb->name, pn, pb->steps);
        CHECK(ok && repro_step_steps(s) == pb->steps, name);
        if (!ok) {
            repro_step_free(s);
            continue;
        }
        repro_step_x(s, theta);
        snprintf(name, sizeof name, "%s, %s: objective within 1e-12 of the reference", pb->name, pn);
        CHECK_CLOSE(repro_step_f(s) / fref, 1.0, 1e-12, name);
        snprintf(name, sizeof name, "%s, %s: parameters within 1e-9 of the reference", pb->name, pn);
        double rd = rel_diff(repro_optim_x(ref), theta);
        CHECK_CLOSE(rd, 0.0, 1e-9, name);
        printf("# %s, %s: objective %.17g vs %.17g (rel %.2g), parameters rel %.2g\n", pb->name,
               pn, repro_step_f(s), fref, fabs(repro_step_f(s) / fref - 1), rd);
        if (!first) {
            first = gsl_vector_alloc(net->P);
            gsl_vector_memcpy(first, theta);
        } else {
            snprintf(name, sizeof name, "%s, %s: bit-identical to the other paths", pb->name, pn);
            CHECK(memcmp(first->data, theta->data, net->P * sizeof(double)) == 0, name);
        }
        repro_step_free(s);
    }
    gsl_vector_free(first);
    gsl_vector_free(theta);
    repro_optim_free(ref);
    repro_net_work_free(prob.w);
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(Y);
}

/* Moving inactive neurons behind the active ones (compaction every EVERY steps, and the
 * reordering of a neuron that becomes active again behind an active one) changes nothing: on
 * every path, parameters and objective bit-identical to a run without moves, which must have
 * happened (both kinds) for the test to count. */
static void test_moves(const problem *pb, size_t every)
{
    gsl_matrix *X = gsl_matrix_alloc(pb->N, pb->d), *Y = gsl_matrix_alloc(pb->N, pb->T);
    random_data(pb, X, Y, 11);
    repro_net *net = repro_net_alloc(pb->d, pb->T, pb->K, pb->skip, 5);
    repro_optim_params p;
    params_of(pb, &p);
    gsl_vector *still = gsl_vector_alloc(net->P), *moved = gsl_vector_alloc(net->P);
    char name[200];
    size_t ncompact = 0, nreorder = 0;
    for (int path = REPRO_STEP_AVX512; path <= LANES8; path++) {
        if (path != LANES8 && !repro_step_supported((repro_step_path)path)) continue;
        const char *pn = variant_name(path);
        const repro_step_path alloc_path = path == LANES8 ? REPRO_STEP_PORTABLE : (repro_step_path)path;
        double f[2] = {NAN, NAN};
        int ok = 1;
        for (int run = 0; run < 2; run++) {
            repro_step *s = repro_step_alloc(net, X, Y, pb->lambda, &p, alloc_path);
            if (s && path == LANES8) repro_step_use_sweep(s, sweep_lanes8);
            ok = ok && s && repro_step_set(s, net->theta) == 0;
            if (ok) repro_step_set_compaction(s, run ? every : 0);
            for (size_t k = 0; ok && k < pb->steps; k++) ok = repro_step_iterate(s) == GSL_SUCCESS;
            if (ok) {
                repro_step_x(s, run ? moved : still);
                f[run] = repro_step_f(s);
                size_t c, r;
                repro_step_moves(s, &c, &r);
                if (run) {
                    ncompact += c;
                    nreorder += r;
                    printf("# %s, %s: %zu compactions, %zu reactivated neurons put back\n",
                           pb->name, pn, c, r);
                } else {
                    snprintf(name, sizeof name, "%s, %s: no moves when compaction is off", pb->name, pn);
                    CHECK(c == 0 && r == 0, name);
                }
            }
            repro_step_free(s);
        }
        snprintf(name, sizeof name, "%s, %s: %zu steps with and without moves", pb->name, pn, pb->steps);
        CHECK(ok, name);
        if (!ok) continue;
        snprintf(name, sizeof name, "%s, %s: parameters bit-identical with moves", pb->name, pn);
        CHECK(memcmp(still->data, moved->data, net->P * sizeof(double)) == 0, name);
        snprintf(name, sizeof name, "%s, %s: objective bit-identical with moves", pb->name, pn);
        CHECK(memcmp(&f[0], &f[1], sizeof f[0]) == 0, name);
    }
    snprintf(name, sizeof name, "%s: the runs compacted and reordered", pb->name);
    CHECK(ncompact > 0 && nreorder > 0, name);
    gsl_vector_free(still);
    gsl_vector_free(moved);
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(Y);
}

/* train.c through REPRO_STEP: every path against "blas", including a run that diverges. */
static int train_with(const char *path, const problem *pb, double lr, size_t steps,
                      gsl_vector *theta, char *msg, size_t cap, repro_train_report *rep)
{
    gsl_matrix *X = gsl_matrix_alloc(pb->N, pb->d), *Y = gsl_matrix_alloc(pb->N, pb->T);
    random_data(pb, X, Y, 11);
    repro_net *net = repro_net_alloc(pb->d, pb->T, pb->K, pb->skip, 5);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.lambda = pb->lambda;
    o.lr = lr;
    o.steps = steps;
    setenv("REPRO_STEP", path, 1);
    int rc = repro_train(net, X, Y, &o, rep);
    unsetenv("REPRO_STEP");
    snprintf(msg, cap, "%s", rc == 0 ? "" : repro_errmsg());
    gsl_vector_memcpy(theta, net->theta);
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(Y);
    return rc;
}

static void test_train_paths(const problem *pb, double lr, size_t steps, const char *what)
{
    size_t P = repro_net_nparams(pb->d, pb->T, pb->K, pb->skip);
    gsl_vector *a = gsl_vector_alloc(P), *b = gsl_vector_alloc(P);
    char ma[512], mb[512], name[200];
    repro_train_report ra, rb;
    int rca = train_with("blas", pb, lr, steps, a, ma, sizeof ma, &ra);
    printf("# %s, blas: rc %d, %zu steps, %s\n", what, rca, ra.steps, rca ? ma : "ok");
    for (int path = REPRO_STEP_AVX512; path <= REPRO_STEP_PORTABLE; path++) {
        const char *pn = repro_step_path_name((repro_step_path)path);
        if (!repro_step_supported((repro_step_path)path)) continue;
        int rcb = train_with(pn, pb, lr, steps, b, mb, sizeof mb, &rb);
        snprintf(name, sizeof name, "%s, %s: same outcome as blas (rc, steps, message)", what, pn);
        CHECK(rca == rcb && ra.steps == rb.steps && strcmp(ma, mb) == 0, name);
        snprintf(name, sizeof name, "%s, %s: same parameters as blas", what, pn);
        CHECK_CLOSE(rel_diff(a, b), 0.0, 1e-9, name);
        if (rcb) printf("# %s, %s: %s\n", what, pn, mb);
    }
    gsl_vector_free(a);
    gsl_vector_free(b);
}

/* lr 1e60: the first step's objective is finite (about 1e241) but its gradient is not (about
 * 1e300, squared: Inf), which the fused step sees in the second sweep: it must roll back two
 * steps' worth (to x0), where optim.h's Adam stops at once. */
static void test_late_gradient(const problem *pb)
{
    gsl_matrix *X = gsl_matrix_alloc(pb->N, pb->d), *Y = gsl_matrix_alloc(pb->N, pb->T);
    random_data(pb, X, Y, 11);
    repro_net *net = repro_net_alloc(pb->d, pb->T, pb->K, pb->skip, 5);
    repro_optim_params p;
    repro_optim_params_default(&p);
    p.lr = 1e60;
    repro_step *s = repro_step_alloc(net, X, Y, pb->lambda, &p, REPRO_STEP_PORTABLE);
    repro_step_set(s, net->theta);
    double f0 = repro_step_f(s);
    CHECK(repro_step_iterate(s) == GSL_SUCCESS && isfinite(repro_step_f(s)) &&
              repro_step_f(s) > 1e200 && repro_step_steps(s) == 1,
          "late gradient: step 1 has a finite objective");
    CHECK(repro_step_iterate(s) == GSL_EBADFUNC && repro_step_steps(s) == 0 && repro_step_f(s) == f0,
          "late gradient: step 2 finds step 1's gradient Inf and rolls back to x0");
    gsl_vector *theta = gsl_vector_alloc(net->P);
    repro_step_x(s, theta);
    CHECK(memcmp(theta->data, net->theta->data, net->P * sizeof(double)) == 0,
          "late gradient: the point is x0 again, bit for bit");
    repro_step_set(s, net->theta);
    repro_step_iterate(s);
    CHECK(repro_step_finish(s) == GSL_EBADFUNC && repro_step_steps(s) == 0,
          "late gradient: finish finds it too after one step");
    gsl_vector_free(theta);
    repro_step_free(s);
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(Y);
}

static void test_choose(void)
{
    repro_step_path p;
    unsetenv("REPRO_STEP");
    CHECK(repro_step_choose(20, &p) == 0 && p != REPRO_STEP_BLAS && repro_step_supported(p),
          "choose: small N takes a fused path");
    CHECK(repro_step_choose(REPRO_STEP_MAX_N + 1, &p) == 0 && p == REPRO_STEP_BLAS,
          "choose: large N takes BLAS");
    setenv("REPRO_STEP", "portable", 1);
    CHECK(repro_step_choose(100000, &p) == 0 && p == REPRO_STEP_PORTABLE, "choose: REPRO_STEP forces");
    setenv("REPRO_STEP", "sse9", 1);
    CHECK(repro_step_choose(20, &p) != 0 && strstr(repro_errmsg(), "REPRO_STEP must be"),
          "choose: unknown REPRO_STEP is an error naming it");
    unsetenv("REPRO_STEP");
    repro_net *net = repro_net_alloc(1, 1, 3, 1, 1);
    gsl_matrix *X = gsl_matrix_calloc(4, 2), *Y = gsl_matrix_calloc(4, 1);
    CHECK(repro_step_alloc(net, X, Y, 0, NULL, REPRO_STEP_PORTABLE) == NULL &&
              strstr(repro_errmsg(), "N x d"),
          "alloc: X with the wrong width");
    CHECK(repro_step_alloc(net, Y, Y, 0, NULL, REPRO_STEP_BLAS) == NULL, "alloc: blas is no fused path");
    repro_net_free(net);
    gsl_matrix_free(X);
    gsl_matrix_free(Y);
}

int main(void)
{
    gsl_set_error_handler_off();
    const problem pbs[] = {
        {"squares T=1 K=800", 8, 2, 1, 800, 1, 1e-3, 1000, REPRO_LR_CONSTANT, 1e-2, 0},
        {"teacher T=25 K=37 N=13 no skip", 13, 5, 25, 37, 0, 1e-4, 1000, REPRO_LR_COSINE, 1e-2, 0},
        {"fig4 T=2 K=20 N=5", 5, 1, 2, 20, 1, 1e-5, 1000, REPRO_LR_STEP, 1e-2, 0},
        /* the sweep's other specialisations: T = 1 with d = 1, and with any other d */
        {"fig4 T=1 K=21 N=6", 6, 1, 1, 21, 1, 1e-5, 1000, REPRO_LR_COSINE, 1e-2, 0},
        {"teacher T=1 K=45 N=22", 22, 5, 1, 45, 1, 1e-4, 1000, REPRO_LR_COSINE, 1e-2, 0},
        /* at a constant 1e-2 this problem's trajectory is chaotic after ~300 steps (Adam near
         * the optimum: 1e-16 grows to 1e-8 by step 1000, whatever the summation order); random
         * labels on random inputs are chaotic at 1e-3 already */
        {"two squares T=101 K=800", 8, 2, 101, 800, 0, 1e-3, 1000, REPRO_LR_CONSTANT, 1e-3, 1},
    };
    for (size_t k = 0; k < sizeof pbs / sizeof pbs[0]; k++) test_against_reference(&pbs[k]);
    /* many inactive neurons, some of which become active again: a large constant rate */
    const problem moves[] = {
        {"moves T=1 K=403 N=13", 13, 2, 1, 403, 1, 1e-2, 2000, REPRO_LR_CONSTANT, 5e-2, 0},
        {"moves T=3 K=203 N=9 no skip", 9, 3, 3, 203, 0, 1e-2, 2000, REPRO_LR_CONSTANT, 5e-2, 0},
        {"moves two squares T=101 K=203", 8, 2, 101, 203, 0, 1e-3, 1000, REPRO_LR_CONSTANT, 5e-2, 1},
    };
    for (size_t k = 0; k < sizeof moves / sizeof moves[0]; k++) test_moves(&moves[k], 7);
    test_train_paths(&pbs[2], 1e-2, 200, "train 200 steps");
    test_train_paths(&pbs[2], 1e60, 5, "train diverging (lr 1e60, 5 steps)");
    test_train_paths(&pbs[2], 1e60, 1, "train diverging (lr 1e60, 1 step)");
    test_train_paths(&pbs[2], 1e200, 5, "train diverging (lr 1e200)");
    test_late_gradient(&pbs[2]);
    test_choose();
    return check_exit();
}
