/* train: gradient training of a repro_net (Adam / BFGS via optim.h) and the convex polish. */
#include "engine/train.h"
#include "core/clock.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/glasso.h"
#include "engine/certificate.h"
#include "engine/step.h"
#include "core/err.h"
#include "core/progress.h"

#define TOL_WINDOW 100

void repro_train_opts_default(repro_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->objective = REPRO_OBJ_WEIGHT_DECAY;
    o->lambda = 1e-5;
    o->optimizer = REPRO_TRAIN_ADAM;
    o->steps = 10000;
    o->tol = 0;
    o->target = -INFINITY;
    const repro_optim_params *p = &repro_optim_adam->defaults;
    o->lr = p->lr;
    o->schedule = p->schedule;
    o->lr_min = p->lr_min;
    o->gamma = p->gamma;
    o->step_size = p->step_size;
    o->progress = 0;
    o->ngrid = 2000;
    o->polish_tol = 1e-10;
    o->polish_iter = 100000;
}

static int check_data(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y, const char *fn)
{
    if (!net) return repro_err("%s: net must not be NULL", fn);
    if (!X || !Y) return repro_err("%s: X and Y must not be NULL", fn);
    if (X->size2 != net->d)
        return repro_err("%s: X must have d = %zu columns (the net's inputs), got %zu", fn, net->d,
                         X->size2);
    if (Y->size2 != net->T)
        return repro_err("%s: Y must have T = %zu columns (the net's outputs), got %zu", fn,
                         net->T, Y->size2);
    if (X->size1 != Y->size1)
        return repro_err("%s: X has %zu rows but Y has %zu", fn, X->size1, Y->size1);
    return 0;
}

static int check_opts(const repro_train_opts *o)
{
    if (!(o->lambda >= 0) || !isfinite(o->lambda))
        return repro_err("train: lambda must be a finite number >= 0, got %g", o->lambda);
    if (o->objective != REPRO_OBJ_WEIGHT_DECAY && o->objective != REPRO_OBJ_GROUP)
        return repro_err("train: objective must be weight_decay or group, got %d", (int)o->objective);
    if (o->optimizer > REPRO_TRAIN_POLISH)
        return repro_err("train: optimizer must be adam, lbfgs or polish, got %d", (int)o->optimizer);
    if (!(o->tol >= 0)) return repro_err("train: tol must be >= 0, got %g", o->tol);
    if (isnan(o->target) || o->target == INFINITY)
        return repro_err("train: target must be a number below +Inf, got %g", o->target);
    if (o->optimizer == REPRO_TRAIN_POLISH) {
        if (!(o->lambda > 0)) return repro_err("train: polish needs lambda > 0, got %g", o->lambda);
        if (o->ngrid == 0) return repro_err("train: ngrid must be >= 1, got 0");
        if (o->polish_iter == 0) return repro_err("train: polish_iter must be >= 1, got 0");
        if (!(o->polish_tol > 0)) return repro_err("train: polish_tol must be > 0, got %g", o->polish_tol);
    } else if (o->steps == 0) {
        return repro_err("train: steps must be >= 1, got 0");
    }
    return 0;
}

/* The group lambda matching OBJ's lambda (SPEC section 1). */
static double group_lambda(repro_objective obj, double lambda)
{
    return obj == REPRO_OBJ_WEIGHT_DECAY ? 2 * lambda : lambda;
}

/* The optimizer of a gradient run: optim.h's (BLAS products) or the fused Adam step (step.h). */
typedef struct {
    repro_optim *opt;
    repro_step *fused;
} runner;

static int run_iterate(runner *r)
{
    return r->fused ? repro_step_iterate(r->fused) : repro_optim_iterate(r->opt);
}
static double run_f(const runner *r)
{
    return r->fused ? repro_step_f(r->fused) : repro_optim_f(r->opt);
}
static size_t run_steps(const runner *r)
{
    return r->fused ? repro_step_steps(r->fused) : repro_optim_steps(r->opt);
}
static double run_lr(const runner *r)
{
    return r->fused ? repro_step_lr(r->fused) : repro_optim_lr(r->opt);
}

static void show_progress(const runner *r, size_t t, size_t steps)
{
    if (!repro_progress_enabled() || (t % 10 != 0 && t != steps)) return;
    char text[96];
    double lr = run_lr(r);
    if (isnan(lr))
        snprintf(text, sizeof text, "obj %.3e", run_f(r));
    else
        snprintf(text, sizeof text, "obj %.3e  lr %.1e", run_f(r), lr);
    repro_progress("train", (double)t, (double)steps, text);
}

/* The divergence error; *T becomes the step count of the point the network keeps. */
static int diverged(const runner *r, const char *name, size_t *t)
{
    *t = run_steps(r);
    return repro_err("train: %s diverged at step %zu: the objective or its gradient is NaN or Inf "
                     "(last finite objective %.6g; try a smaller lr); the network keeps the "
                     "parameters of step %zu", name, *t + 1, run_f(r), *t);
}

/* The optimizer for O: the fused step for Adam when repro_step_choose says so, else optim.h's. */
static int run_start(runner *r, repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                     const repro_train_opts *o, double lambda, repro_net_wd *prob)
{
    repro_optim_params p;
    repro_optim_params_default(&p);
    p.lr = o->lr;
    p.schedule = o->schedule;
    p.lr_min = o->lr_min;
    p.gamma = o->gamma;
    p.step_size = o->step_size;
    p.milestones = o->milestones;
    p.nmilestones = o->nmilestones;
    p.steps = o->steps;
    repro_step_path path = REPRO_STEP_BLAS;
    if (o->optimizer == REPRO_TRAIN_ADAM && repro_step_choose(X->size1, &path) != 0) return -1;
    if (path != REPRO_STEP_BLAS) {
        r->fused = repro_step_alloc(net, X, Y, lambda, &p, path);
        if (!r->fused) return -1;
        return repro_step_set(r->fused, net->theta);
    }
    r->opt = repro_optim_alloc(o->optimizer == REPRO_TRAIN_ADAM ? repro_optim_adam : repro_optim_lbfgs,
                               net->P, &p);
    if (!r->opt) return -1;
    prob->w = repro_net_work_alloc(net, X->size1);
    if (!prob->w) return -1;
    return repro_optim_set(r->opt, repro_net_wd_fdf, prob, net->theta);
}

/* Adam / lbfgs on the weight-decay objective; the network ends at the last finite point. */
static int train_gradient(repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                          const repro_train_opts *o, repro_train_report *rep)
{
    const char *name = (o->optimizer == REPRO_TRAIN_ADAM ? repro_optim_adam : repro_optim_lbfgs)->name;
    double lambda = o->objective == REPRO_OBJ_GROUP ? o->lambda / 2 : o->lambda;
    repro_net_wd prob = {net, X, Y, lambda, NULL};
    runner r = {NULL, NULL};
    int rc = 0;
    if (run_start(&r, net, X, Y, o, lambda, &prob) != 0) {
        if (r.opt || r.fused)
            repro_err("train: the objective is not finite at the starting point (step 0)");
        rc = -1;
    }
    double hist[TOL_WINDOW];
    hist[0] = rc == 0 ? run_f(&r) : NAN;
    rep->reason = "steps";
    size_t t = 0;
    while (rc == 0 && t < o->steps) {
        int st = run_iterate(&r);
        if (st == GSL_ENOPROG) {
            rep->reason = "stalled";
            break;
        }
        if (st == GSL_EBADFUNC) {
            rc = diverged(&r, name, &t);
            break;
        }
        if (st != GSL_SUCCESS) {
            rc = -1; /* optim set the message */
            break;
        }
        t++;
        double f = run_f(&r), old = hist[t % TOL_WINDOW];
        hist[t % TOL_WINDOW] = f;
        if (o->progress) show_progress(&r, t, o->steps);
        if (o->tol > 0 && t >= TOL_WINDOW && fabs(old - f) <= o->tol * fmax(fabs(f), 1e-300)) {
            rep->reason = "tolerance";
            break;
        }
        if (f <= o->target) {
            rep->reason = "target";
            break;
        }
    }
    /* the fused step sees the gradient at a point one sweep later: check the last one now */
    if (rc == 0 && r.fused && repro_step_finish(r.fused) != GSL_SUCCESS) rc = diverged(&r, name, &t);
    if (o->progress) repro_progress_end();
    if (r.fused)
        repro_step_x(r.fused, net->theta);
    else if (r.opt)
        gsl_vector_memcpy(net->theta, repro_optim_x(r.opt));
    rep->steps = t;
    repro_net_work_free(prob.w);
    repro_optim_free(r.opt);
    repro_step_free(r.fused);
    if (rc == 0) repro_net_balance(net);
    return rc;
}

/* Phi (N x K) = relu(X W^T + 1 b^T). */
static void activations(const repro_net *net, const gsl_matrix *X, gsl_matrix *Phi)
{
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, X, &net->W.matrix, 0.0, Phi);
    for (size_t i = 0; i < Phi->size1; i++)
        for (size_t k = 0; k < Phi->size2; k++) {
            double z = gsl_matrix_get(Phi, i, k) + gsl_vector_get(&net->b.vector, k);
            gsl_matrix_set(Phi, i, k, z > 0 ? z : 0);
        }
}

/* R = Y - f(X) and the certificate ratio for group lambda LG. */
static int certify(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y, double lg,
                   size_t ngrid, double *ratio)
{
    gsl_matrix *R = gsl_matrix_alloc(Y->size1, Y->size2);
    gsl_vector *w = gsl_vector_alloc(net->d);
    if (!R || !w) {
        gsl_matrix_free(R);
        gsl_vector_free(w);
        return repro_err("train: out of memory for the certificate");
    }
    int rc = repro_net_eval(net, X, R);
    if (rc == 0) {
        gsl_matrix_scale(R, -1.0);
        gsl_matrix_add(R, Y);
        double b;
        rc = repro_certificate(X, R, lg, ngrid, 1, ratio, w, &b);
    }
    gsl_matrix_free(R);
    gsl_vector_free(w);
    return rc;
}

/* ||(w_k, b_k) - (w_j, b_j)||^2, and in *SCALE2 the largest squared entry of either. */
static double neuron_dist2(const repro_net *net, size_t k, size_t j, double *scale2)
{
    double d2 = 0, s2 = 0;
    for (size_t i = 0; i <= net->d; i++) {
        double a = i < net->d ? gsl_matrix_get(&net->W.matrix, k, i) : gsl_vector_get(&net->b.vector, k);
        double b = i < net->d ? gsl_matrix_get(&net->W.matrix, j, i) : gsl_vector_get(&net->b.vector, j);
        d2 += (a - b) * (a - b);
        s2 = fmax(s2, fmax(a * a, b * b));
    }
    *scale2 = s2;
    return d2;
}

static void zero_neuron(repro_net *net, size_t k)
{
    gsl_vector_view w = gsl_matrix_row(&net->W.matrix, k);
    gsl_vector_view v = gsl_matrix_row(&net->V.matrix, k);
    gsl_vector_set_zero(&w.vector);
    gsl_vector_set_zero(&v.vector);
    gsl_vector_set(&net->b.vector, k, 0.0);
}

/* A unit-norm neuron with b_k > FAR_KNOT (1 + max ||x_i||) is active on all data, where it is the
 * affine v_k (w_k.x + b_k): with skip it is folded into c += b_k v_k, A += v_k w_k^T (exact on the
 * data; f changes only beyond 1e8 times the data radius).  Without skip only its constant can be
 * folded, which is done when b_k > FAR_CONST (1 + max ||x_i||) (the error on the data is below
 * 1e-100 |b_k v_k|).  Its column would otherwise be a huge constant whose projection is noise. */
#define FAR_KNOT 1e8
#define FAR_CONST 1e100
static int fold_far_neuron(repro_net *net, size_t k, double xmax)
{
    double bk = gsl_vector_get(&net->b.vector, k);
    if (!(bk > (net->skip ? FAR_KNOT : FAR_CONST) * (1 + xmax))) return 0;
    gsl_vector_view v = gsl_matrix_row(&net->V.matrix, k);
    gsl_vector_view w = gsl_matrix_row(&net->W.matrix, k);
    gsl_blas_daxpy(bk, &v.vector, &net->c.vector);
    if (net->skip) gsl_blas_dger(1.0, &v.vector, &w.vector, &net->A.matrix);
    zero_neuron(net, k);
    return 1;
}

static double max_row_norm(const gsl_matrix *X)
{
    double m = 0;
    for (size_t i = 0; i < X->size1; i++) {
        gsl_vector_const_view r = gsl_matrix_const_row(X, i);
        m = fmax(m, gsl_blas_dnrm2(&r.vector));
    }
    return m;
}

/* Before the polish, on the normalised network: a neuron whose activation column PHI_k is zero on
 * all data is dropped (w_k, b_k, v_k = 0), a neuron with a knot far outside the data is folded
 * into the affine part (fold_far_neuron), and a neuron whose (w_k, b_k) equals that of an earlier
 * live neuron j within MERGE_TOL (relative, Euclidean) is merged into it (v_j += v_k, then neuron
 * k is zeroed).  All leave f unchanged on the data (merging up to MERGE_TOL), and they remove
 * zero, constant and duplicate columns from the group lasso.  Returns the number of neurons
 * removed. */
#define MERGE_TOL 1e-12
static size_t simplify_neurons(repro_net *net, const gsl_matrix *X, const gsl_matrix *Phi)
{
    size_t removed = 0;
    double xmax = max_row_norm(X);
    for (size_t k = 0; k < net->K; k++) {
        gsl_vector_const_view col = gsl_matrix_const_column(Phi, k);
        gsl_vector_view wk = gsl_matrix_row(&net->W.matrix, k);
        if (gsl_vector_isnull(&wk.vector)) continue; /* w = 0: a constant, glasso handles it */
        if (gsl_vector_isnull(&col.vector)) {
            zero_neuron(net, k);
            removed++;
            continue;
        }
        if (fold_far_neuron(net, k, xmax)) {
            removed++;
            continue;
        }
        for (size_t j = 0; j < k; j++) {
            gsl_vector_view wj = gsl_matrix_row(&net->W.matrix, j);
            if (gsl_vector_isnull(&wj.vector)) continue;
            double s2, d2 = neuron_dist2(net, k, j, &s2);
            if (d2 <= MERGE_TOL * MERGE_TOL * s2) {
                gsl_vector_view vj = gsl_matrix_row(&net->V.matrix, j);
                gsl_vector_view vk = gsl_matrix_row(&net->V.matrix, k);
                gsl_vector_add(&vj.vector, &vk.vector);
                zero_neuron(net, k);
                removed++;
                break;
            }
        }
    }
    return removed;
}

/* Neurons the group lasso switched off (v_k = 0) get w_k = 0 too: f is unchanged and the
 * weight-decay penalty no longer counts their unit-norm w_k (this is what balancing means for
 * them). */
static void drop_dead_neurons(repro_net *net)
{
    for (size_t k = 0; k < net->K; k++) {
        gsl_vector_view v = gsl_matrix_row(&net->V.matrix, k);
        gsl_vector_view w = gsl_matrix_row(&net->W.matrix, k);
        if (gsl_vector_isnull(&v.vector)) gsl_vector_set_zero(&w.vector);
    }
}

static int train_polish(repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                        const repro_train_opts *o, repro_train_report *rep)
{
    size_t N = X->size1, K = net->K, d = net->d, T = net->T;
    double lg = group_lambda(o->objective, o->lambda);
    repro_net_normalize(net); /* dead neurons (tiny ||w_k||) are zeroed there (net.h) */
    gsl_matrix *Phi = gsl_matrix_alloc(N, K);
    gsl_matrix *U = net->skip ? gsl_matrix_alloc(d, T) : NULL;
    if (!Phi || (net->skip && !U)) {
        gsl_matrix_free(Phi);
        if (U) gsl_matrix_free(U);
        return repro_err("train: out of memory for the polish (N = %zu, K = %zu)", N, K);
    }
    activations(net, X, Phi);
    if (simplify_neurons(net, X, Phi) > 0) activations(net, X, Phi);
    if (U) gsl_matrix_transpose_memcpy(U, &net->A.matrix);
    repro_glasso_report gr;
    memset(&gr, 0, sizeof gr);
    int rc = repro_glasso_solve(Phi, net->skip ? X : NULL, Y, lg, o->polish_tol, o->polish_iter,
                                &net->V.matrix, U, &net->c.vector, &gr);
    if (rc == 0 && o->polish_sparse) {
        repro_glasso_report sr;
        rc = repro_glasso_sparsify(Phi, net->skip ? X : NULL, Y, lg, &net->V.matrix, U,
                                   &net->c.vector, &sr);
        if (rc == 0) {
            rep->removed = sr.iterations;
            gr.gap = sr.gap;
            gr.converged = gr.converged && sr.gap <= o->polish_tol * fmax(sr.objective, 1e-300);
        }
    }
    if (rc == 0 && U) gsl_matrix_transpose_memcpy(&net->A.matrix, U);
    gsl_matrix_free(Phi);
    if (U) gsl_matrix_free(U);
    if (rc != 0) return -1;
    if (!o->polish_keep) drop_dead_neurons(net);
    repro_net_balance(net);
    rep->steps = gr.iterations;
    rep->reason = gr.converged ? "tolerance" : "steps";
    rep->gap = gr.gap;
    return certify(net, X, Y, lg, o->ngrid, &rep->certificate);
}

int repro_train(repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                const repro_train_opts *o, repro_train_report *rep)
{
    repro_train_opts def;
    repro_train_report dummy;
    if (!o) {
        repro_train_opts_default(&def);
        o = &def;
    }
    if (!rep) rep = &dummy;
    memset(rep, 0, sizeof *rep);
    rep->gap = rep->certificate = NAN;
    rep->objective = rep->loss = rep->penalty = NAN;
    rep->reason = "steps";
    if (check_data(net, X, Y, "train") != 0 || check_opts(o) != 0) return -1;
    double t0 = repro_now();
    int rc = o->optimizer == REPRO_TRAIN_POLISH ? train_polish(net, X, Y, o, rep)
                                                : train_gradient(net, X, Y, o, rep);
    rep->objective = repro_net_objective(net, o->objective, X, Y, o->lambda, &rep->loss, &rep->penalty);
    rep->seconds = repro_now() - t0;
    return rc;
}

int repro_train_certificate(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                            repro_objective obj, double lambda, size_t ngrid, double *ratio)
{
    if (check_data(net, X, Y, "certificate") != 0) return -1;
    if (!(lambda > 0) || !isfinite(lambda))
        return repro_err("certificate: lambda must be a finite number > 0, got %g", lambda);
    if (ngrid == 0) return repro_err("certificate: ngrid must be >= 1, got 0");
    return certify(net, X, Y, group_lambda(obj, lambda), ngrid, ratio);
}
