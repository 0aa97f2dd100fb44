/* optim: Adam (torch.optim.Adam with lr schedules) and GSL's vector_bfgs2 behind one interface. */
#include "engine/optim.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

struct repro_optim {
    const repro_optim_type *type;
    size_t n, t;              /* unknowns, steps taken */
    repro_optim_params p;
    size_t *milestones;       /* owned copy */
    repro_optim_fdf fdf;
    void *params;
    gsl_vector *x, *grad;     /* current point */
    double f;
    gsl_vector *xprev, *gprev; /* last finite point (restored on a non-finite trial) */
    gsl_vector *m, *v;        /* adam moments */
    gsl_multimin_fdfminimizer *s; /* lbfgs */
    gsl_multimin_function_fdf fn;
    int bad;                  /* a non-finite value was seen inside a GSL callback */
};

/* Every optimizer's defaults, in one place (train.h's defaults read them too). */
#define DEFAULTS                                                                                   \
    {.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .schedule = REPRO_LR_CONSTANT,         \
     .lr_min = 0, .gamma = 0.1, .step_size = 1000, .milestones = NULL, .nmilestones = 0,           \
     .steps = 1, .step = 0.01, .tol = 0.1}

void repro_optim_params_default(repro_optim_params *p)
{
    *p = repro_optim_adam->defaults;
}

double repro_optim_lr_at(const repro_optim_params *p, size_t t)
{
    switch (p->schedule) {
    case REPRO_LR_STEP: {
        size_t k = 0;
        if (p->milestones && p->nmilestones) {
            for (size_t i = 0; i < p->nmilestones; i++)
                if (p->milestones[i] <= t) k++;
        } else if (p->step_size > 0) {
            k = t / p->step_size;
        }
        return p->lr * pow(p->gamma, (double)k);
    }
    case REPRO_LR_COSINE: {
        size_t T = p->steps ? p->steps : 1;
        if (t >= T) return p->lr_min;
        return p->lr_min + (p->lr - p->lr_min) * (1 + cos(M_PI * (double)t / (double)T)) / 2;
    }
    default:
        return p->lr;
    }
}

/* All entries finite?  One ddot (vectorised) instead of a loop: v.v is finite exactly when every
 * entry is, except for entries above ~1e154 in size, which count as divergence too. */
static int vector_finite(const gsl_vector *v)
{
    double s;
    gsl_blas_ddot(v, v, &s);
    return isfinite(s);
}

static int check_params(const repro_optim_params *p)
{
    if (!(p->lr > 0) || !isfinite(p->lr)) return repro_err("optim: lr must be > 0, got %g", p->lr);
    if (!(p->beta1 >= 0 && p->beta1 < 1))
        return repro_err("optim: beta1 must be in [0, 1), got %g", p->beta1);
    if (!(p->beta2 >= 0 && p->beta2 < 1))
        return repro_err("optim: beta2 must be in [0, 1), got %g", p->beta2);
    if (!(p->eps >= 0)) return repro_err("optim: eps must be >= 0, got %g", p->eps);
    if (p->schedule == REPRO_LR_COSINE && !(p->lr_min >= 0 && p->lr_min <= p->lr))
        return repro_err("optim: lr_min must be in [0, lr = %g], got %g", p->lr, p->lr_min);
    if (p->schedule == REPRO_LR_STEP) {
        if (!(p->gamma > 0) || !isfinite(p->gamma))
            return repro_err("optim: gamma must be > 0, got %g", p->gamma);
        if (!(p->milestones && p->nmilestones) && p->step_size == 0)
            return repro_err("optim: step_size must be >= 1 for the step schedule, got 0");
        for (size_t i = 1; p->milestones && i < p->nmilestones; i++)
            if (p->milestones[i] <= p->milestones[i - 1])
                return repro_err("optim: milestones must be increasing (entry %zu = %zu after %zu)",
                                 i + 1, p->milestones[i], p->milestones[i - 1]);
    }
    if (p->schedule > REPRO_LR_COSINE)
        return repro_err("optim: schedule must be constant, step or cosine, got %d", (int)p->schedule);
    return 0;
}

const repro_optim_type *repro_optim_type_named(const char *name)
{
    for (size_t k = 0; name && repro_optim_types[k]; k++)
        if (strcmp(repro_optim_types[k]->name, name) == 0) return repro_optim_types[k];
    repro_err("optim: name must be adam or lbfgs, got %s", name ? name : "NULL");
    return NULL;
}

repro_optim *repro_optim_alloc(const repro_optim_type *type, size_t n, const repro_optim_params *p)
{
    if (!type) {
        repro_err("optim: the optimizer type must not be NULL");
        return NULL;
    }
    if (n == 0) {
        repro_err("optim: n must be >= 1, got 0");
        return NULL;
    }
    if (!p) p = &type->defaults;
    if (check_params(p) != 0) return NULL;
    repro_optim *o = calloc(1, sizeof *o);
    if (!o) {
        repro_err("optim: out of memory");
        return NULL;
    }
    o->type = type;
    o->n = n;
    o->p = *p;
    if (p->milestones && p->nmilestones) {
        o->milestones = malloc(p->nmilestones * sizeof *o->milestones);
        if (o->milestones) memcpy(o->milestones, p->milestones, p->nmilestones * sizeof *o->milestones);
        o->p.milestones = o->milestones;
    } else {
        o->p.milestones = NULL;
        o->p.nmilestones = 0;
    }
    o->x = gsl_vector_calloc(n);
    o->grad = gsl_vector_calloc(n);
    o->xprev = gsl_vector_calloc(n);
    o->gprev = gsl_vector_calloc(n);
    int ok = o->x && o->grad && o->xprev && o->gprev && (o->milestones || !p->nmilestones ||
                                                         !p->milestones);
    if (!ok || type->init(o) != 0) {
        repro_optim_free(o);
        repro_err("optim: out of memory for %zu unknowns", n);
        return NULL;
    }
    return o;
}

void repro_optim_free(repro_optim *o)
{
    if (!o) return;
    gsl_vector_free(o->x);
    gsl_vector_free(o->grad);
    gsl_vector_free(o->xprev);
    gsl_vector_free(o->gprev);
    gsl_vector_free(o->m);
    gsl_vector_free(o->v);
    if (o->s) gsl_multimin_fdfminimizer_free(o->s);
    free(o->milestones);
    free(o);
}

/* GSL callbacks: a scratch gradient is needed for f alone. */
static double cb_f(const gsl_vector *x, void *vo)
{
    repro_optim *o = vo;
    double f = o->fdf(x, o->params, o->gprev);
    if (!isfinite(f)) o->bad = 1;
    return f;
}
static void cb_df(const gsl_vector *x, void *vo, gsl_vector *g)
{
    repro_optim *o = vo;
    double f = o->fdf(x, o->params, g);
    if (!isfinite(f) || !vector_finite(g)) o->bad = 1;
}
static void cb_fdf(const gsl_vector *x, void *vo, double *f, gsl_vector *g)
{
    repro_optim *o = vo;
    *f = o->fdf(x, o->params, g);
    if (!isfinite(*f) || !vector_finite(g)) o->bad = 1;
}

int repro_optim_set(repro_optim *o, repro_optim_fdf fdf, void *params, const gsl_vector *x0)
{
    if (!fdf) return repro_err("optim_set: fdf must not be NULL");
    if (!x0 || x0->size != o->n)
        return repro_err("optim_set: x0 must have length %zu, got %zu", o->n, x0 ? x0->size : 0);
    o->fdf = fdf;
    o->params = params;
    o->t = 0;
    gsl_vector_memcpy(o->x, x0);
    o->f = fdf(o->x, params, o->grad);
    if (!isfinite(o->f) || !vector_finite(o->grad))
        return repro_err("optim_set: the objective or its gradient is not finite at x0 (f = %g)", o->f);
    return o->type->set(o, x0);
}

static int adam_init(repro_optim *o)
{
    o->m = gsl_vector_calloc(o->n);
    o->v = gsl_vector_calloc(o->n);
    return o->m && o->v ? 0 : -1;
}

static int adam_set(repro_optim *o, const gsl_vector *x0)
{
    (void)x0;
    gsl_vector_set_zero(o->m);
    gsl_vector_set_zero(o->v);
    return 0;
}

static int lbfgs_init(repro_optim *o)
{
    o->s = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, o->n);
    return o->s ? 0 : -1;
}

static int lbfgs_set(repro_optim *o, const gsl_vector *x0)
{
    o->fn.f = cb_f;
    o->fn.df = cb_df;
    o->fn.fdf = cb_fdf;
    o->fn.n = o->n;
    o->fn.params = o;
    o->bad = 0;
    int st = gsl_multimin_fdfminimizer_set(o->s, &o->fn, x0, o->p.step, o->p.tol);
    if (st != GSL_SUCCESS) return repro_err("optim_set: lbfgs set failed: %s", gsl_strerror(st));
    return 0;
}

/* The elementwise Adam update (the bulk of a step's non-BLAS time on wide networks: a square
 * root and a division per parameter).  Compiled for AVX-512, AVX2 and baseline x86-64 and chosen
 * at load time; every clone computes the same IEEE results (no FMA contraction under -std=c11). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void repro_optim_adam_update(size_t n, double b1, double b2, double step, double isbc2, double eps,
                             const double *restrict g, const double *restrict x,
                             double *restrict m, double *restrict v, double *restrict xn)
{
    const double c1 = 1 - b1, c2 = 1 - b2;
    for (size_t i = 0; i < n; i++) {
        double mi = b1 * m[i] + c1 * g[i];
        double vi = b2 * v[i] + c2 * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        xn[i] = x[i] - step * mi / (sqrt(vi) * isbc2 + eps);
    }
}

void repro_optim_adam_coefs(const repro_optim_params *p, size_t t, double *step, double *isbc2)
{
    double lr = repro_optim_lr_at(p, t);
    double t1 = (double)(t + 1);
    double bc1 = 1 - pow(p->beta1, t1), bc2 = 1 - pow(p->beta2, t1);
    *step = lr / bc1;
    *isbc2 = 1 / sqrt(bc2);
}

/* One Adam step.  The trial point and its gradient go into the spare buffers (xprev, gprev),
 * which are swapped with (x, grad) when the trial is finite: no copies per step, and on a
 * non-finite trial x and grad still hold the last finite point. */
static int adam_step(repro_optim *o)
{
    const repro_optim_params *p = &o->p;
    double step, isbc2;
    repro_optim_adam_coefs(p, o->t, &step, &isbc2);
    repro_optim_adam_update(o->n, p->beta1, p->beta2, step, isbc2, p->eps, o->grad->data,
                            o->x->data, o->m->data, o->v->data, o->xprev->data);
    double f = o->fdf(o->xprev, o->params, o->gprev);
    if (!isfinite(f) || !vector_finite(o->gprev)) return GSL_EBADFUNC; /* moments have moved */
    gsl_vector *tx = o->x, *tg = o->grad;
    o->x = o->xprev;
    o->grad = o->gprev;
    o->xprev = tx;
    o->gprev = tg;
    o->f = f;
    o->t++;
    return GSL_SUCCESS;
}

static int lbfgs_step(repro_optim *o)
{
    o->bad = 0;
    int st = gsl_multimin_fdfminimizer_iterate(o->s);
    const gsl_vector *x = gsl_multimin_fdfminimizer_x(o->s);
    const gsl_vector *g = gsl_multimin_fdfminimizer_gradient(o->s);
    double f = gsl_multimin_fdfminimizer_minimum(o->s);
    if (!isfinite(f) || !vector_finite(x) || !vector_finite(g)) return GSL_EBADFUNC;
    if (st == GSL_ENOPROG) return GSL_ENOPROG;
    if (st != GSL_SUCCESS) {
        if (o->bad) return GSL_EBADFUNC;
        repro_err("optim: lbfgs step %zu failed: %s", o->t + 1, gsl_strerror(st));
        return st;
    }
    gsl_vector_memcpy(o->x, x);
    gsl_vector_memcpy(o->grad, g);
    o->f = f;
    o->t++;
    return GSL_SUCCESS;
}

int repro_optim_iterate(repro_optim *o)
{
    if (!o->fdf) return repro_err("optim_iterate: call repro_optim_set first");
    return o->type->iterate(o);
}

static const repro_optim_type adam_type = {"adam", DEFAULTS, adam_init, adam_set, adam_step};
static const repro_optim_type lbfgs_type = {"lbfgs", DEFAULTS, lbfgs_init, lbfgs_set, lbfgs_step};
const repro_optim_type *const repro_optim_adam = &adam_type;
const repro_optim_type *const repro_optim_lbfgs = &lbfgs_type;
const repro_optim_type *const repro_optim_types[] = {&adam_type, &lbfgs_type, NULL};

const gsl_vector *repro_optim_x(const repro_optim *o) { return o->x; }
double repro_optim_f(const repro_optim *o) { return o->f; }
const gsl_vector *repro_optim_grad(const repro_optim *o) { return o->grad; }
size_t repro_optim_steps(const repro_optim *o) { return o->t; }
double repro_optim_lr(const repro_optim *o)
{
    return o->type == repro_optim_adam ? repro_optim_lr_at(&o->p, o->t) : NAN;
}
const char *repro_optim_name(const repro_optim *o) { return o->type->name; }
