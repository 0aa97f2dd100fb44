/* step: Adam on the weight-decay objective of a shallow network (net.h) as one fused pass.
 *
 * One step of optim.h's "adam" on repro_net_wd_objective, computed differently: the neurons are
 * processed in blocks of 8 (one AVX-512 register, two AVX2 ones); for each block the gradient
 * of the last point, Adam's update and the block's share of the next forward pass are computed
 * in one sweep, the gradient is never stored, and no BLAS is called.  The parameters, Adam's
 * moments and the activations live in a private blocked layout (per block: w_1..w_d, b,
 * v_1..v_T, eight lanes each), written back in net.h's layout by repro_step_x.  Neurons inactive
 * on every data point skip their products (exact zeros), and are moved between blocks, within
 * their lane, so that whole blocks are inactive; the moves keep every sum's order (step.c), so
 * the results are those of the sweep without them, bit for bit.
 *
 * Same mathematics as optim.h's Adam (PyTorch's update step for step, the same schedules and
 * bias corrections, the same elementwise formula); only the order of the sums in the forward
 * and backward products differs from OpenBLAS's, so objectives agree to rounding (about 1e-14
 * relative after 1000 steps on the bench problems; tests/c/test_step.c pins it).
 *
 * Code paths (repro_step_path): the block sweep is one C function written with GCC/clang vector
 * types, compiled three times (AVX-512F, AVX2, baseline; sweep.h) and chosen at run time from
 * the CPU; none contracts to FMA, so all three compute bit-identical results.  The environment
 * variable REPRO_STEP = avx512 | avx2 | portable | blas | auto forces a path (tests, bench);
 * "blas" means "do not use the fused step" (train.c then runs optim.h's Adam on BLAS products).
 * repro_step_choose picks the fused step when N <= REPRO_STEP_MAX_N (BLAS's overhead dominates
 * small products, and the fused step's accumulators stay in L1/L2), BLAS otherwise.
 *
 * NaN rollback, as optim.h: when step t gives a non-finite objective, or the gradient at a
 * point turns out non-finite (seen one sweep later, or by repro_step_finish for the last point),
 * iterate returns GSL_EBADFUNC and the state is rolled back to the last point whose objective
 * and gradient were both finite: repro_step_steps, _x and _f then describe that point, exactly
 * where optim.h's Adam would have stopped. */
#ifndef REPRO_STEP_H
#define REPRO_STEP_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <stddef.h>

#include "engine/net.h"
#include "engine/optim.h"

typedef enum {
    REPRO_STEP_AUTO = 0,
    REPRO_STEP_AVX512 = 1,
    REPRO_STEP_AVX2 = 2,
    REPRO_STEP_PORTABLE = 3,
    REPRO_STEP_BLAS = 4
} repro_step_path;

/* Above this many data points the BLAS products win (measured in bench/; README, Speed). */
#define REPRO_STEP_MAX_N 512

/* "avx512", "avx2", "portable", "blas", "auto". */
const char *repro_step_path_name(repro_step_path path);
/* Whether this CPU can run PATH (AUTO, PORTABLE and BLAS always). */
int repro_step_supported(repro_step_path path);
/* The path for N data points: REPRO_STEP from the environment when set (an unsupported or unknown
 * value is an error: -1 with repro_err), else the fastest supported vector path when
 * N <= REPRO_STEP_MAX_N, else BLAS.  Writes the path to *PATH and returns 0. */
int repro_step_choose(size_t N, repro_step_path *path);

typedef struct repro_step repro_step;

/* A fused Adam for NET's shapes on X (N x d), Y (N x T) with weight decay LAMBDA (>= 0) and
 * Adam parameters P (lr, betas, eps, schedule; NULL: defaults).  PATH must be a supported vector
 * path (AVX512, AVX2 or PORTABLE).  X and Y are copied.  NULL with repro_err on bad arguments. */
repro_step *repro_step_alloc(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                             double lambda, const repro_optim_params *p, repro_step_path path);
/* Start at THETA0 (net.h's layout, length P): evaluates f and the gradient there (the gradient by
 * repro_net_wd_objective), zeroes the moments and the step count.  -1 (repro_err) when either is
 * not finite. */
int repro_step_set(repro_step *s, const gsl_vector *theta0);
/* One Adam step: GSL_SUCCESS, or GSL_EBADFUNC (rolled back, see the top). */
int repro_step_iterate(repro_step *s);
/* Check the gradient at the current point (the only one not yet seen by a sweep): GSL_SUCCESS or
 * GSL_EBADFUNC (rolled back one step). */
int repro_step_finish(repro_step *s);
/* The current point in net.h's layout (THETA has length P). */
void repro_step_x(const repro_step *s, gsl_vector *theta);
double repro_step_f(const repro_step *s);
size_t repro_step_steps(const repro_step *s);
/* The learning rate the next step will use. */
double repro_step_lr(const repro_step *s);
repro_step_path repro_step_path_of(const repro_step *s);
void repro_step_free(repro_step *s); /* NULL is fine */

#endif
