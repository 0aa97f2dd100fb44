/* optim: first-order optimizers behind one GSL-style interface, for a smooth objective
 *
 *   double fdf(const gsl_vector *x, void *params, gsl_vector *grad)   (returns f(x), fills grad)
 *
 * "adam":  torch.optim.Adam exactly (no weight decay, no amsgrad).  At step t = 1, 2, ...:
 *            m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
 *            x -= (lr_t / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps),
 *          with lr_t from the schedule (repro_optim_lr_at) for step index t - 1, as when a
 *          torch lr_scheduler's step() is called after every optimizer step.
 * "lbfgs": GSL's gsl_multimin_fdfminimizer_vector_bfgs2 (first step size p->step, line search
 *          tolerance p->tol).  Despite the name it is GSL's BFGS with a Fletcher line search.
 *
 * repro_optim_iterate performs one step and returns a GSL status, a *reason*, not an error:
 *   GSL_SUCCESS    the step was taken; x, f, grad describe the new point;
 *   GSL_ENOPROG    (lbfgs) the line search could not make progress: the point is unchanged;
 *   GSL_EBADFUNC   f or grad became NaN/Inf at the trial point: x, f, grad are restored to the
 *                  last finite point (the caller decides what to report);
 *   other          a GSL failure (repro_err says which).
 * Errors in alloc/set go through repro_err and return NULL / -1. */
#ifndef REPRO_OPTIM_H
#define REPRO_OPTIM_H

#include <gsl/gsl_vector.h>
#include <stddef.h>

typedef double (*repro_optim_fdf)(const gsl_vector *x, void *params, gsl_vector *grad);

typedef enum {
    REPRO_LR_CONSTANT = 0, /* lr */
    REPRO_LR_STEP = 1,     /* lr * gamma^floor(t / step_size), or gamma^(#milestones <= t) */
    REPRO_LR_COSINE = 2    /* lr_min + (lr - lr_min) (1 + cos(pi t / steps)) / 2 (t <= steps) */
} repro_lr_schedule;

typedef struct {
    double lr;                 /* adam: base learning rate (default 1e-3) */
    double beta1, beta2, eps;  /* adam: 0.9, 0.999, 1e-8 */
    repro_lr_schedule schedule;
    double lr_min;             /* cosine: final learning rate (eta_min, default 0) */
    double gamma;              /* step: factor (default 0.1) */
    size_t step_size;          /* step: every step_size steps (default 1000; used without milestones) */
    const size_t *milestones;  /* step: increasing step indices (MultiStepLR), or NULL */
    size_t nmilestones;
    size_t steps;              /* cosine: step budget (T_max); >= 1 */
    double step, tol;          /* lbfgs: first trial step (0.01) and line search tol (0.1) */
} repro_optim_params;

/* An optimizer, GSL-style: its name, its defaults and its methods (private to optim.c). */
struct repro_optim;
typedef struct repro_optim_type {
    const char *name;             /* "adam", "lbfgs" */
    repro_optim_params defaults;  /* the values listed above */
    int (*init)(struct repro_optim *o);                        /* state for n unknowns */
    int (*set)(struct repro_optim *o, const gsl_vector *x0);   /* restart at x0 */
    int (*iterate)(struct repro_optim *o);                     /* one step */
} repro_optim_type;

extern const repro_optim_type *const repro_optim_adam;
extern const repro_optim_type *const repro_optim_lbfgs;
/* Every type, NULL-terminated. */
extern const repro_optim_type *const repro_optim_types[];
/* The type named NAME, or NULL with repro_err ("name must be adam or lbfgs"). */
const repro_optim_type *repro_optim_type_named(const char *name);

/* Fill P with the defaults above. */
void repro_optim_params_default(repro_optim_params *p);

/* The learning rate of step index T (0-based: T = 0 is the first step) under P's schedule.
 * Cosine beyond the budget stays at lr_min. */
double repro_optim_lr_at(const repro_optim_params *p, size_t t);

/* Adam's step T (0-based): x -= STEP * m / (sqrt(v) * ISBC2 + eps) with STEP = lr_t / (1 - b1^(t+1))
 * and ISBC2 = 1 / sqrt(1 - b2^(t+1)). */
void repro_optim_adam_coefs(const repro_optim_params *p, size_t t, double *step, double *isbc2);
/* Adam's elementwise update of N entries with the coefficients above: m and v in place, the new
 * point into XN (X, G, M, V, XN distinct).  Compiled for AVX-512, AVX2 and baseline x86-64, all
 * with the same IEEE results.  Shared with the fused step (step.h). */
void repro_optim_adam_update(size_t n, double b1, double b2, double step, double isbc2, double eps,
                             const double *g, const double *x, double *m, double *v, double *xn);

typedef struct repro_optim repro_optim;

/* An optimizer of TYPE for N >= 1 unknowns; P NULL means the type's defaults.  P is copied (the
 * milestones array too). */
repro_optim *repro_optim_alloc(const repro_optim_type *type, size_t n, const repro_optim_params *p);
/* Start at X0 (length n): evaluates f and grad there, resets the step counter and Adam's moments.
 * -1 when X0 has the wrong length or f(X0) / grad is not finite. */
int repro_optim_set(repro_optim *o, repro_optim_fdf fdf, void *params, const gsl_vector *x0);
int repro_optim_iterate(repro_optim *o);
const gsl_vector *repro_optim_x(const repro_optim *o);
double repro_optim_f(const repro_optim *o);
const gsl_vector *repro_optim_grad(const repro_optim *o);
/* Steps taken since set (successful ones). */
size_t repro_optim_steps(const repro_optim *o);
/* The learning rate the next Adam step will use (NaN for lbfgs). */
double repro_optim_lr(const repro_optim *o);
const char *repro_optim_name(const repro_optim *o);
void repro_optim_free(repro_optim *o); /* NULL is fine */

#endif
