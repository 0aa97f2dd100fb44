/* sweep: the block sweep of the fused step (step.h) as step.c calls it, and its code paths.
 *
 * step_sweep.h is the sweep's one source, written with GCC/clang vector types; step_portable.c,
 * step_avx2.c and step_avx512.c compile it with 2, 4 and 8 lanes per vector (baseline, AVX2 and
 * AVX-512F code), one file each so that they compile in parallel.  None contracts to FMA, so every
 * lane does the same IEEE operations in the same order on every path: their results are
 * bit-identical.  A sweep only reads and writes the arrays of sweep_args (no allocation, no
 * error).  Internal to the engine and its tests. */
#ifndef REPRO_SWEEP_H
#define REPRO_SWEEP_H

#include <stddef.h>

#include "engine/step.h"

/* Vectors of 8, 4 and 2 doubles (and their integer twins for the masks).  may_alias: the same
 * memory is read as doubles by Adam's update and as narrower vectors by the sweeps. */
typedef double v8d __attribute__((vector_size(64), may_alias));
typedef long long v8l __attribute__((vector_size(64), may_alias));
typedef double v4d __attribute__((vector_size(32), may_alias));
typedef long long v4l __attribute__((vector_size(32), may_alias));
typedef double v2d __attribute__((vector_size(16), may_alias));
typedef long long v2l __attribute__((vector_size(16), may_alias));

/* One sweep over the neuron blocks.  Blocked layout: block k (neurons 8k..8k+7) holds
 * B = d + 1 + T groups of 8 doubles w_1..w_d, b, v_1..v_T, lane l = neuron 8k + l; the same
 * layout for the point CUR, Adam's moments M, V and the new point NXT (all 64-byte aligned).
 * H: per block N groups, the activations at CUR on entry and at NXT on exit.  dF: N x T,
 * d(mse)/dF at CUR.  Facc (T x N groups): the hidden layer's share of F(NXT), lane-wise.  XB:
 * N x d groups of 8 copies of x_ij (a vector operand without a broadcast).  G (B groups), GH
 * (N groups): scratch.  PEN (one group per block): each neuron's ||w||^2 + ||v||^2 at NXT, its
 * d weights' squares in order, then its T output weights'; GSQ[8]: lane-wise squared norm of the
 * gradient at CUR (its finiteness).  ALIVE (one byte per block): on entry, bit l set when lane
 * l's neuron is active (h != 0, a NaN counts) on some row at CUR; on exit, the same at NXT.  A
 * slice whose lanes are all inactive at CUR skips its gradient's products, and a block inactive
 * at NXT its share of the forward pass: exact zeros, so the results do not depend on ALIVE as
 * long as it is not wrong.  Adam's constants: b1, b2, the step and the
 * inverse square root bias correction isbc2 of optim.h's repro_optim_adam_coefs, eps;
 * twolam = 2 lambda. */
typedef struct {
    size_t N, d, T, nb;
    const double *XB, *dF, *cur;
    double *nxt, *m, *v, *H, *g, *gh, *Facc;
    double b1, b2, step, isbc2, eps, twolam;
    double *pen, *gsq;
    unsigned char *alive;
} sweep_args;

typedef void (*repro_sweep_fn)(const sweep_args *a);

/* For `make bench` only (bench/sweep_parts.c): the parts of the sweep that step_sweep.h leaves
 * out when compiled with SWEEP_DROP set to a mask of them, to measure what each costs (the
 * results are then wrong).  DIVIDE: Adam's square roots and divisions (a multiplication
 * instead); BACKWARD: the output layer's gradient products (gv = H^T dF, gh = dF V^T); HIDDEN:
 * the hidden layer's (gw = gh^T X, and the bias sums); FORWARD: the forward pass's (the
 * activations' sums and the share F += H v); SKIP: the skipping of inactive neurons (every
 * neuron computed). */
#define SWEEP_DROP_DIVIDE 1
#define SWEEP_DROP_BACKWARD 2
#define SWEEP_DROP_HIDDEN 4
#define SWEEP_DROP_FORWARD 8
#define SWEEP_DROP_SKIP 16

void repro_sweep_portable(const sweep_args *a);
#if defined(__x86_64__) && defined(__GNUC__)
#define REPRO_SWEEP_X86 1
void repro_sweep_avx2(const sweep_args *a);   /* call only where the CPU has AVX2 */
void repro_sweep_avx512(const sweep_args *a); /* call only where the CPU has AVX-512F */
#endif

/* For tests: S runs FN, a sweep with the same contract (e.g. step_sweep.h compiled with other
 * parameters), instead of its code path's. */
void repro_step_use_sweep(repro_step *s, repro_sweep_fn fn);

/* How often the step moves inactive neurons behind the active ones of their lane (step.c,
 * "moving neurons"): every REPRO_STEP_COMPACT_EVERY steps by default; for tests, S every EVERY
 * steps (0: never), and how many times it did so and put a reactivated neuron back in order. */
#define REPRO_STEP_COMPACT_EVERY 200
void repro_step_set_compaction(repro_step *s, size_t every);
void repro_step_moves(const repro_step *s, size_t *compactions, size_t *reorders);

#endif
