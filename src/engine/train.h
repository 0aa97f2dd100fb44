/* train: fit a repro_net (net.h) to data, and polish / certify the result (glasso.h, certificate.h).
 *
 * Optimizers (opts->optimizer):
 *   ADAM, LBFGS  minimise the weight-decay objective  mse + lambda_wd (||W||^2 + ||V||^2)
 *                (repro_net_wd_objective) over all parameters for at most opts->steps steps,
 *                then balance the network (repro_net_balance).
 *                With objective = GROUP they minimise the weight-decay objective with
 *                lambda_wd = lambda / 2: after balancing, (lambda/2)(||W||^2 + ||V||^2) =
 *                lambda sum_k ||w_k|| ||v_k||, the group penalty (SPEC section 1), and weight decay
 *                has the same minimisers as the group problem; it is smooth where the group
 *                penalty is not.
 *   POLISH       keeps the hidden layer (W, b) fixed and solves the convex group lasso for the
 *                output layer: normalise neurons (repro_net_normalize; dead neurons with
 *                unrepresentably small ||w_k|| are zeroed there), then simplify, all without
 *                changing f on the data: a neuron whose activation is 0 on every data point is
 *                dropped (w_k, b_k, v_k = 0); a neuron with b_k > 1e8 (1 + max ||x_i||) (active
 *                and affine on all data) is folded into c += b_k v_k, A += v_k w_k^T when skip
 *                (without skip only b_k > 1e100 (1 + max ||x_i||), constant part into c); neurons
 *                whose normalised (w_k, b_k) agree within 1e-12 relative (Euclidean) are merged
 *                into the first (its v gets the sum, the others are zeroed).  Then
 *                Phi = relu(X W^T + b), unpenalised skip columns X (when skip), group
 *                lambda = 2 lambda (weight_decay: the balanced equivalence) or lambda (group);
 *                block coordinate descent with Newton refinement warm-started from the current
 *                V, A^T, c (repro_glasso_solve, tol polish_tol, at most polish_iter iterations);
 *                with polish_sparse the sparse finishing step follows (repro_glasso_sparsify:
 *                weight moves along null directions of the active columns, fit and objective
 *                unchanged, until they are independent; the gap reported is then that of the
 *                sparse point);
 *                the result is written back, neurons with v_k = 0 get w_k = 0 (unless
 *                polish_keep: then they keep their unit-norm w_k, b_k), and the network is
 *                balanced.  Then the residual certificate
 *                (repro_certificate, ngrid candidates, seed 1) is computed: <= 1 + eps means no
 *                neuron outside the network could lower the objective.
 * Every call starts a fresh optimizer: Adam's moments are zero and the schedule starts at step 0
 * (training in chunks is therefore not the same as one long call).
 * Stopping (ADAM / LBFGS): after opts->steps steps ("steps"), when the relative change of the
 * objective over the last 100 steps is below tol ("tolerance"; tol = 0 disables it), when the
 * objective being minimised reaches opts->target ("target"; used by bench/ to time how long a
 * run needs to reach a given objective), or when
 * lbfgs cannot make progress ("stalled").  POLISH: "tolerance" when the duality gap reached
 * polish_tol, else "steps".
 * Divergence (a NaN/Inf objective or gradient): repro_err names the step, the network keeps its
 * last finite parameters (not balanced), and -1 is returned.
 * Report values (objective, loss = mse, penalty) are those of opts->objective with opts->lambda
 * at the final network (repro_net_objective).  Progress is shown with progress.h when
 * opts->progress is set (silent unless stderr is a terminal). */
#ifndef REPRO_TRAIN_H
#define REPRO_TRAIN_H

#include <gsl/gsl_matrix.h>
#include <stddef.h>

#include "engine/net.h"
#include "engine/optim.h"

typedef enum { REPRO_TRAIN_ADAM = 0, REPRO_TRAIN_LBFGS = 1, REPRO_TRAIN_POLISH = 2 } repro_optimizer;

typedef struct {
    repro_objective objective; /* default REPRO_OBJ_WEIGHT_DECAY */
    double lambda;             /* >= 0; default 1e-5 */
    repro_optimizer optimizer; /* default ADAM */
    size_t steps;              /* default 10000 (adam/lbfgs) */
    double tol;                /* default 0: run all steps */
    double target;             /* adam/lbfgs: stop once the objective being minimised is <= target
                                  ("target"); default -Inf: never */
    double lr;                 /* adam, default 1e-3 */
    repro_lr_schedule schedule; /* default constant */
    double lr_min;             /* cosine, default 0 */
    double gamma;              /* step schedule, default 0.1 */
    size_t step_size;          /* step schedule, default 1000 */
    const size_t *milestones;  /* step schedule, NULL: use step_size */
    size_t nmilestones;
    int progress;              /* default 0 */
    size_t ngrid;              /* certificate candidates, default 2000 */
    double polish_tol;         /* default 1e-10 */
    size_t polish_iter;        /* default 100000 */
    int polish_sparse;         /* polish: finish with repro_glasso_sparsify (an optimum with
                                  independent active columns: <= N - 1 neurons for T = 1);
                                  default 0 */
    int polish_keep;           /* polish: neurons the group lasso switches off keep their
                                  unit-norm (w_k, b_k) with v_k = 0 (f unchanged), so a later
                                  polish, e.g. at a smaller lambda, can bring them back; default 0
                                  (w_k = 0 too) */
} repro_train_opts;

typedef struct {
    size_t steps;        /* optimizer steps taken (polish: glasso iterations) */
    double objective, loss, penalty;
    double seconds;      /* wall time on the monotonic clock */
    const char *reason;  /* "tolerance" | "target" | "steps" | "stalled" (a static string) */
    double gap;          /* polish: the group-lasso duality gap; NaN otherwise */
    double certificate;  /* polish: the certificate ratio; NaN otherwise */
    size_t removed;      /* polish with polish_sparse: neurons the finishing step switched off */
} repro_train_report;

void repro_train_opts_default(repro_train_opts *o);

/* Train NET on X (N x d), Y (N x T) as described above.  O NULL means defaults; REP may be NULL.
 * Returns 0, or -1 with repro_err (bad sizes or options, divergence, solver failure). */
int repro_train(repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                const repro_train_opts *o, repro_train_report *rep);

/* The certificate ratio of NET as it stands (no training): residual correlation of the best
 * candidate neuron over the group lambda (2 lambda for weight decay, lambda for group). */
int repro_train_certificate(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                            repro_objective obj, double lambda, size_t ngrid, double *ratio);

#endif
