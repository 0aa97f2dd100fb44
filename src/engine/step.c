/* step: the fused Adam step of the shallow network (see step.h). */
#include "engine/step.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/sweep.h"

static const char *const PATH_NAMES[] = {"auto", "avx512", "avx2", "portable", "blas"};

const char *repro_step_path_name(repro_step_path path)
{
    return (unsigned)path < 5 ? PATH_NAMES[path] : "?";
}

int repro_step_supported(repro_step_path path)
{
    switch (path) {
#ifdef REPRO_SWEEP_X86
    case REPRO_STEP_AVX512:
        return __builtin_cpu_supports("avx512f");
    case REPRO_STEP_AVX2:
        return __builtin_cpu_supports("avx2");
#endif
    case REPRO_STEP_AUTO:
    case REPRO_STEP_PORTABLE:
    case REPRO_STEP_BLAS:
        return 1;
    default:
        return 0;
    }
}

static repro_step_path fastest(void)
{
    if (repro_step_supported(REPRO_STEP_AVX512)) return REPRO_STEP_AVX512;
    if (repro_step_supported(REPRO_STEP_AVX2)) return REPRO_STEP_AVX2;
    return REPRO_STEP_PORTABLE;
}

int repro_step_choose(size_t N, repro_step_path *path)
{
    const char *env = getenv("REPRO_STEP");
    repro_step_path p = REPRO_STEP_AUTO;
    if (env && *env) {
        size_t k = 0;
        while (k < 5 && strcmp(env, PATH_NAMES[k]) != 0) k++;
        if (k == 5)
            return repro_err("REPRO_STEP must be auto, avx512, avx2, portable or blas, got '%s'", env);
        p = (repro_step_path)k;
        if (!repro_step_supported(p))
            return repro_err("REPRO_STEP=%s: this CPU cannot run that code path", env);
    }
    if (p == REPRO_STEP_AUTO) p = N <= REPRO_STEP_MAX_N ? fastest() : REPRO_STEP_BLAS;
    *path = p;
    return 0;
}

struct repro_step {
    size_t N, d, T, K, nb, B, ntail; /* ntail: A (T x d, skip only) then c (T) */
    int skip;
    repro_step_path path;
    repro_sweep_fn sweep;
    double lambda;
    repro_optim_params p;
    size_t *milestones;
    double *X, *Y, *dF, *F;     /* N x d, N x T, N x T, N x T */
    v8d *th[3], *m, *v, *H, *g, *gh, *Facc, *XB;
    /* Where the neurons are (compaction moves them between blocks, never between lanes): slot
     * q = 8 blk + lane holds the neuron (or padding) first placed in slot who[q]; slot[q0] is
     * where the one first placed in q0 is now.  alive: per block, bit l set when lane l's
     * neuron is active on some row at the current point (was: before the last sweep). */
    size_t *slot, *who;
    unsigned char *alive, *was, *bits; /* bits: arrange's scratch */
    v8d *pen;                   /* per block: each neuron's ||w_k||^2 + ||v_k||^2 */
    v8d *scratch;               /* for moving neurons: the largest per-block array ... */
    size_t *order, *tmp;        /* ... 8 lanes' new block order, one lane's neurons */
    size_t compact_every, ncompact, nresort;
    double *tail[3], *tm, *tv, *tg; /* the A, c part (plain doubles) */
    int cur, prev;              /* indices into th / tail; the third is the next point */
    double f, fprev;
    size_t t;
    repro_net *shape;           /* shapes and a theta buffer for the reference evaluation */
    repro_net_work *work;
    gsl_vector *grad;
};

void repro_step_free(repro_step *s)
{
    if (!s) return;
    free(s->milestones);
    free(s->X);
    free(s->Y);
    free(s->dF);
    free(s->F);
    for (int k = 0; k < 3; k++) {
        free(s->th[k]);
        free(s->tail[k]);
    }
    free(s->m);
    free(s->v);
    free(s->H);
    free(s->g);
    free(s->gh);
    free(s->Facc);
    free(s->XB);
    free(s->slot);
    free(s->who);
    free(s->alive);
    free(s->was);
    free(s->bits);
    free(s->pen);
    free(s->scratch);
    free(s->order);
    free(s->tmp);
    free(s->tm);
    free(s->tv);
    free(s->tg);
    repro_net_free(s->shape);
    repro_net_work_free(s->work);
    gsl_vector_free(s->grad);
    free(s);
}

/* N vectors of 8 doubles, zeroed, 64-byte aligned; NULL on failure. */
static v8d *vecs(size_t n)
{
    v8d *p = aligned_alloc(64, (n ? n : 1) * sizeof(v8d));
    if (p) memset(p, 0, (n ? n : 1) * sizeof(v8d));
    return p;
}

static double *dbls(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}

static repro_sweep_fn sweep_of(repro_step_path path)
{
    switch (path) {
#ifdef REPRO_SWEEP_X86
    case REPRO_STEP_AVX512:
        return repro_sweep_avx512;
    case REPRO_STEP_AVX2:
        return repro_sweep_avx2;
#endif
    case REPRO_STEP_PORTABLE:
        return repro_sweep_portable;
    default:
        return NULL;
    }
}

repro_step *repro_step_alloc(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y,
                             double lambda, const repro_optim_params *p, repro_step_path path)
{
    if (!net || !X || !Y) {
        repro_err("step: net, X and Y must not be NULL");
        return NULL;
    }
    if (X->size2 != net->d || Y->size2 != net->T || X->size1 != Y->size1 || X->size1 == 0) {
        repro_err("step: X (%zu x %zu) and Y (%zu x %zu) must be N x d = %zu and N x T = %zu", X->size1,
                  X->size2, Y->size1, Y->size2, net->d, net->T);
        return NULL;
    }
    if (!(lambda >= 0) || !isfinite(lambda)) {
        repro_err("step: lambda must be a finite number >= 0, got %g", lambda);
        return NULL;
    }
    repro_sweep_fn sweep = sweep_of(path);
    if (!sweep || !repro_step_supported(path)) {
        repro_err("step: code path %s is not available on this CPU", repro_step_path_name(path));
        return NULL;
    }
    /* optim.c validates the parameters */
    repro_optim *check = repro_optim_alloc(repro_optim_adam, 1, p);
    if (!check) return NULL;
    repro_optim_free(check);
    repro_step *s = calloc(1, sizeof *s);
    if (!s) {
        repro_err("step: out of memory");
        return NULL;
    }
    if (p)
        s->p = *p;
    else
        repro_optim_params_default(&s->p);
    s->p.milestones = NULL;
    if (p && p->milestones && p->nmilestones) {
        s->milestones = malloc(p->nmilestones * sizeof *s->milestones);
        if (!s->milestones) goto oom;
        memcpy(s->milestones, p->milestones, p->nmilestones * sizeof *s->milestones);
        s->p.milestones = s->milestones;
    } else {
        s->p.nmilestones = 0;
    }
    s->N = X->size1;
    s->d = net->d;
    s->T = net->T;
    s->K = net->K;
    s->skip = net->skip;
    s->nb = (net->K + 7) / 8;
    s->B = s->d + 1 + s->T;
    s->ntail = (s->skip ? s->T * s->d : 0) + s->T;
    s->path = path;
    s->sweep = sweep;
    s->lambda = lambda;
    size_t N = s->N, d = s->d, T = s->T, nv = s->nb * s->B;
    s->X = dbls(N * d);
    s->Y = dbls(N * T);
    s->dF = dbls(N * T);
    s->F = dbls(N * T);
    for (int k = 0; k < 3; k++) {
        s->th[k] = vecs(nv);
        s->tail[k] = dbls(s->ntail);
        if (!s->th[k] || !s->tail[k]) goto oom;
    }
    s->m = vecs(nv);
    s->v = vecs(nv);
    s->H = vecs(s->nb * N);
    s->g = vecs(s->B);
    s->gh = vecs(N);
    s->Facc = vecs(T * N);
    s->XB = vecs(N * d);
    s->slot = malloc(8 * s->nb * sizeof *s->slot);
    s->who = malloc(8 * s->nb * sizeof *s->who);
    s->alive = calloc(s->nb, 1);
    s->was = calloc(s->nb, 1);
    s->bits = calloc(s->nb, 1);
    s->pen = vecs(s->nb);
    s->scratch = vecs(s->nb * (s->B > N ? s->B : N));
    s->order = malloc(8 * s->nb * sizeof *s->order);
    s->tmp = malloc(s->nb * sizeof *s->tmp);
    s->compact_every = REPRO_STEP_COMPACT_EVERY;
    s->tm = dbls(s->ntail);
    s->tv = dbls(s->ntail);
    s->tg = dbls(s->ntail);
    s->shape = repro_net_zeros(d, T, net->K, net->skip);
    s->work = s->shape ? repro_net_work_alloc(s->shape, N) : NULL;
    s->grad = gsl_vector_alloc(net->P);
    if (!s->X || !s->Y || !s->dF || !s->F || !s->m || !s->v || !s->H || !s->g || !s->gh ||
        !s->Facc || !s->XB || !s->slot || !s->who || !s->alive || !s->was || !s->bits ||
        !s->pen ||
        !s->scratch || !s->order || !s->tmp || !s->tm || !s->tv || !s->tg || !s->work || !s->grad)
        goto oom;
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < d; j++) {
            s->X[i * d + j] = gsl_matrix_get(X, i, j);
            for (int l = 0; l < 8; l++) s->XB[i * d + j][l] = s->X[i * d + j];
        }
        for (size_t t = 0; t < T; t++) s->Y[i * T + t] = gsl_matrix_get(Y, i, t);
    }
    return s;
oom:
    repro_step_free(s);
    repro_err("step: out of memory for N = %zu, K = %zu, T = %zu", X->size1, net->K, net->T);
    return NULL;
}

/* theta (net.h's layout) <-> the blocked layout, neuron k in slot slot[k]; padding neurons stay
 * 0 (and stay 0 under Adam: their gradient is 0). */
static void to_blocked(const repro_step *s, const double *theta, v8d *th, double *tail)
{
    size_t d = s->d, T = s->T, K = s->K, B = s->B;
    const double *W = theta, *b = W + K * d, *V = b + K, *rest = V + K * T;
    memset(th, 0, s->nb * B * sizeof(v8d));
    for (size_t k = 0; k < K; k++) {
        v8d *blk = th + (s->slot[k] / 8) * B;
        size_t l = s->slot[k] % 8;
        for (size_t j = 0; j < d; j++) blk[j][l] = W[k * d + j];
        blk[d][l] = b[k];
        for (size_t t = 0; t < T; t++) blk[d + 1 + t][l] = V[k * T + t];
    }
    memcpy(tail, rest, s->ntail * sizeof *tail);
}

static void from_blocked(const repro_step *s, const v8d *th, const double *tail, double *theta)
{
    size_t d = s->d, T = s->T, K = s->K, B = s->B;
    double *W = theta, *b = W + K * d, *V = b + K, *rest = V + K * T;
    for (size_t k = 0; k < K; k++) {
        const v8d *blk = th + (s->slot[k] / 8) * B;
        size_t l = s->slot[k] % 8;
        for (size_t j = 0; j < d; j++) W[k * d + j] = blk[j][l];
        b[k] = blk[d][l];
        for (size_t t = 0; t < T; t++) V[k * T + t] = blk[d + 1 + t][l];
    }
    memcpy(rest, tail, s->ntail * sizeof *tail);
}

/* Lanes summed in one fixed order (every path gets the same result). */
static double lanesum(const double *a)
{
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* F = (hidden layer's share, from Facc) + X A^T + c at the tail TL; then dF, and f at the point
 * with penalty PEN.  Returns f. */
static double finish_forward(repro_step *s, const double *tl, double pen)
{
    size_t N = s->N, d = s->d, T = s->T;
    const double *A = tl, *c = tl + (s->skip ? T * d : 0);
    double sse = 0, scale = 2.0 / ((double)N * (double)T);
    for (size_t i = 0; i < N; i++) {
        const double *xi = s->X + i * d;
        for (size_t t = 0; t < T; t++) {
            double f = lanesum((const double *)(s->Facc + t * N + i));
            if (s->skip) {
                double z = 0;
                for (size_t j = 0; j < d; j++) z += xi[j] * A[t * d + j];
                f += z;
            }
            f += c[t];
            double e = f - s->Y[i * T + t];
            sse += e * e;
            s->dF[i * T + t] = e * scale;
        }
    }
    return sse / ((double)N * (double)T) + s->lambda * pen;
}

/* ||W||^2 + ||V||^2 from the neurons' own sums, by neuron index: the same number wherever the
 * neurons are.  Four running sums (neurons k = 4q + r into sum r, in order of k), added up in
 * one fixed order: one sum would be a chain of K dependent additions (about 1 us at K = 800,
 * 5-8 % of a single-task step). */
static double penalty(const repro_step *s)
{
    const double *pen = (const double *)s->pen;
    const size_t *slot = s->slot;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t k = 0;
    for (; k + 4 <= s->K; k += 4) {
        s0 += pen[slot[k]];
        s1 += pen[slot[k + 1]];
        s2 += pen[slot[k + 2]];
        s3 += pen[slot[k + 3]];
    }
    if (k < s->K) s0 += pen[slot[k++]];
    if (k < s->K) s1 += pen[slot[k++]];
    if (k < s->K) s2 += pen[slot[k++]];
    return (s0 + s1) + (s2 + s3);
}

/* Facc at point K from H: each lane's sum over the blocks in block order, from +0, as the sweep
 * adds it (its skipped inactive blocks add exact zeros). */
static void forward_share(repro_step *s, int k)
{
    size_t N = s->N, T = s->T, B = s->B;
    memset(s->Facc, 0, T * N * sizeof(v8d));
    for (size_t b = 0; b < s->nb; b++) {
        const v8d *V = s->th[k] + b * B + s->d + 1, *H = s->H + b * N;
        for (size_t t = 0; t < T; t++)
            for (size_t i = 0; i < N; i++) s->Facc[t * N + i] += H[i] * V[t];
    }
}

/* The forward pass at point K (H, alive, the neurons' penalties, Facc, dF) without a step: used
 * by set.  Every sum in the sweep's order. */
static double forward_only(repro_step *s, int k)
{
    size_t N = s->N, d = s->d, T = s->T, B = s->B;
    for (size_t blk = 0; blk < s->nb; blk++) {
        const double *x = (const double *)(s->th[k] + blk * B), *V = x + 8 * (d + 1);
        double *H = (double *)(s->H + blk * N), *pen = (double *)(s->pen + blk);
        s->alive[blk] = 0;
        for (size_t l = 0; l < 8; l++) {
            pen[l] = 0;
            for (size_t j = 0; j < d; j++) pen[l] += x[8 * j + l] * x[8 * j + l];
            for (size_t t = 0; t < T; t++) pen[l] += V[8 * t + l] * V[8 * t + l];
            for (size_t i = 0; i < N; i++) {
                double z = 0;
                for (size_t j = 0; j < d; j++) z += s->X[i * d + j] * x[8 * j + l];
                z += x[8 * d + l];
                H[8 * i + l] = z > 0 || isnan(z) ? z : 0;
                if (H[8 * i + l] != 0) s->alive[blk] |= (unsigned char)(1u << l);
            }
        }
    }
    forward_share(s, k);
    return finish_forward(s, s->tail[k], penalty(s));
}

/* ---- moving neurons between blocks ------------------------------------------------------------
 * The sweep skips a block's products in the slices whose neurons are all inactive on every row
 * (their share of each gradient and of the forward pass is an exact zero).  Inactive neurons are
 * scattered, so every REPRO_STEP_COMPACT_EVERY steps they are moved, within their lane, behind the active
 * ones.  Exactness rests on one invariant: in every lane, the neurons active at the point the
 * sweep computes sit in the order they were first placed in (each lane's share of the forward
 * pass is a sum over its active neurons in block order, so it then adds the same terms in the
 * same order as without moves).  Moving keeps both groups in that order; a neuron that becomes
 * active again behind an active one breaks it, and is put back in order at once, the forward
 * pass's sums recomputed (rare: a few times in thousands of steps). */

/* The arrangement of lane L with its active neurons (alive) first, each group in
 * first-placement order: ORDER[b] = the block whose lane-L neuron goes to block b. */
static void lane_order(const repro_step *s, size_t l, size_t *order)
{
    size_t n = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t b0 = 0; b0 < s->nb; b0++) {
            size_t b = s->slot[8 * b0 + l] / 8;
            if ((s->alive[b] >> l & 1) == (unsigned)pass) order[n++] = b;
        }
}

/* Lane l of every block of A (NG groups per block) from block ORDER[l][b] to block b. */
static void move_lanes(repro_step *s, v8d *A, size_t ng, size_t *const order[8], unsigned lanes)
{
    memcpy(s->scratch, A, s->nb * ng * sizeof(v8d));
    for (size_t l = 0; l < 8; l++) {
        if (!(lanes >> l & 1)) continue;
        for (size_t b = 0; b < s->nb; b++)
            for (size_t q = 0; q < ng; q++) A[b * ng + q][l] = s->scratch[order[l][b] * ng + q][l];
    }
}

/* Rearranges the lanes in LANES (lane_order): every per-neuron array moves. */
static void arrange(repro_step *s, unsigned lanes)
{
    size_t nb = s->nb, *order[8], *who = s->tmp;
    unsigned char *al = s->bits;
    unsigned moved = 0;
    for (size_t l = 0; l < 8; l++) {
        order[l] = s->order + l * nb;
        if (!(lanes >> l & 1)) continue;
        lane_order(s, l, order[l]);
        for (size_t b = 0; b < nb; b++)
            if (order[l][b] != b) moved |= 1u << l;
    }
    if (!moved) return;
    for (int k = 0; k < 3; k++) move_lanes(s, s->th[k], s->B, order, moved);
    move_lanes(s, s->m, s->B, order, moved);
    move_lanes(s, s->v, s->B, order, moved);
    move_lanes(s, s->H, s->N, order, moved);
    move_lanes(s, s->pen, 1, order, moved);
    for (size_t l = 0; l < 8; l++) {
        if (!(moved >> l & 1)) continue;
        for (size_t b = 0; b < nb; b++) {
            who[b] = s->who[8 * order[l][b] + l];
            al[b] = (unsigned char)(s->alive[order[l][b]] >> l & 1);
        }
        for (size_t b = 0; b < nb; b++) {
            s->who[8 * b + l] = who[b];
            s->slot[who[b]] = 8 * b + l;
            s->alive[b] = (unsigned char)((s->alive[b] & ~(1u << l)) | (unsigned)al[b] << l);
        }
    }
}

/* Blocks whose lanes are all inactive. */
static size_t idle_blocks(const repro_step *s)
{
    size_t n = 0;
    for (size_t b = 0; b < s->nb; b++) n += s->alive[b] == 0;
    return n;
}

/* Compaction, when it would idle more blocks than are idle now. */
static void compact(repro_step *s)
{
    size_t most = 0;
    for (size_t l = 0; l < 8; l++) {
        size_t n = 0;
        for (size_t b = 0; b < s->nb; b++) n += s->alive[b] >> l & 1;
        if (n > most) most = n;
    }
    if (s->nb - most <= idle_blocks(s)) return;
    arrange(s, 0xff);
    s->ncompact++;
}

/* After a sweep: if a neuron became active behind an active one of its lane (the invariant
 * above), back in order, and the forward pass's sums at point K recomputed in that order. */
static void keep_order(repro_step *s, int k)
{
    unsigned lanes = 0;
    for (size_t b = 0; b < s->nb; b++) lanes |= (unsigned)(s->alive[b] & ~s->was[b]);
    for (size_t l = 0; l < 8; l++) {
        if (!(lanes >> l & 1)) continue;
        size_t last = 0;
        int ok = 1, any = 0;
        for (size_t b = 0; b < s->nb && ok; b++) {
            if (!(s->alive[b] >> l & 1)) continue;
            size_t q = s->who[8 * b + l];
            ok = !any || q > last;
            any = 1;
            last = q;
        }
        if (ok) lanes &= ~(1u << l);
    }
    if (!lanes) return;
    arrange(s, lanes);
    s->nresort++;
    forward_share(s, k);
}

/* f and the gradient at point K by the reference (BLAS) evaluation: 0 when both are finite. */
static int reference_check(repro_step *s, int k)
{
    from_blocked(s, s->th[k], s->tail[k], s->shape->theta->data);
    gsl_matrix_const_view X = gsl_matrix_const_view_array(s->X, s->N, s->d);
    gsl_matrix_const_view Y = gsl_matrix_const_view_array(s->Y, s->N, s->T);
    double f = repro_net_wd_objective(s->shape, s->shape->theta, &X.matrix, &Y.matrix, s->lambda,
                                      s->grad, NULL, NULL, s->work);
    double g2 = 0;
    for (size_t q = 0; q < s->grad->size; q++) g2 += s->grad->data[q] * s->grad->data[q];
    return isfinite(f) && isfinite(g2) ? 0 : -1;
}

int repro_step_set(repro_step *s, const gsl_vector *theta0)
{
    if (!theta0 || theta0->size != s->shape->P || theta0->stride != 1)
        return repro_err("step_set: theta0 must be a contiguous vector of length %zu", s->shape->P);
    s->cur = 0;
    s->prev = 1;
    s->t = 0;
    for (size_t q = 0; q < 8 * s->nb; q++) s->slot[q] = s->who[q] = q;
    s->ncompact = s->nresort = 0;
    to_blocked(s, theta0->data, s->th[0], s->tail[0]);
    memset(s->m, 0, s->nb * s->B * sizeof(v8d));
    memset(s->v, 0, s->nb * s->B * sizeof(v8d));
    memset(s->tm, 0, s->ntail * sizeof(double));
    memset(s->tv, 0, s->ntail * sizeof(double));
    s->f = s->fprev = forward_only(s, 0);
    if (reference_check(s, 0) != 0 || !isfinite(s->f))
        return repro_err("step_set: the objective or its gradient is not finite at x0 (f = %g)", s->f);
    return 0;
}

/* The gradient of A and c (unpenalised) at the current point, from dF; returns its squared norm. */
static double tail_gradient(repro_step *s)
{
    size_t N = s->N, d = s->d, T = s->T;
    double *gA = s->tg, *gc = s->tg + (s->skip ? T * d : 0), g2 = 0;
    for (size_t t = 0; t < T; t++) {
        double sc = 0;
        for (size_t i = 0; i < N; i++) sc += s->dF[i * T + t];
        gc[t] = sc;
        g2 += sc * sc;
        for (size_t j = 0; s->skip && j < d; j++) {
            double sa = 0;
            for (size_t i = 0; i < N; i++) sa += s->dF[i * T + t] * s->X[i * d + j];
            gA[t * d + j] = sa;
            g2 += sa * sa;
        }
    }
    return g2;
}

/* Back to the previous point (its objective and gradient were finite). */
static int roll_back(repro_step *s)
{
    if (s->t == 0) return GSL_EBADFUNC; /* x0 was checked by set: nowhere further back */
    s->cur = s->prev;
    s->f = s->fprev;
    s->t--;
    return GSL_EBADFUNC;
}

int repro_step_iterate(repro_step *s)
{
    const int nx = 3 - s->cur - s->prev;
    double step, isbc2;
    repro_optim_adam_coefs(&s->p, s->t, &step, &isbc2);
    if (s->compact_every && s->t > 0 && s->t % s->compact_every == 0) compact(s);
    memcpy(s->was, s->alive, s->nb);
    v8d gsq;
    sweep_args a = {
        .N = s->N, .d = s->d, .T = s->T, .nb = s->nb, .XB = (const double *)s->XB, .dF = s->dF,
        .cur = (const double *)s->th[s->cur], .nxt = (double *)s->th[nx], .m = (double *)s->m,
        .v = (double *)s->v, .H = (double *)s->H, .g = (double *)s->g, .gh = (double *)s->gh,
        .Facc = (double *)s->Facc, .b1 = s->p.beta1, .b2 = s->p.beta2, .step = step,
        .isbc2 = isbc2, .eps = s->p.eps, .twolam = 2 * s->lambda, .pen = (double *)s->pen,
        .gsq = (double *)&gsq, .alive = s->alive,
    };
    s->sweep(&a);
    keep_order(s, nx);
    double g2 = tail_gradient(s) + lanesum((const double *)&gsq);
    repro_optim_adam_update(s->ntail, s->p.beta1, s->p.beta2, step, isbc2, s->p.eps, s->tg,
                            s->tail[s->cur], s->tm, s->tv, s->tail[nx]);
    double f = finish_forward(s, s->tail[nx], penalty(s));
    if (!isfinite(g2)) return roll_back(s); /* the gradient at the current point */
    if (!isfinite(f)) return GSL_EBADFUNC;  /* the new point */
    s->prev = s->cur;
    s->fprev = s->f;
    s->cur = nx;
    s->f = f;
    s->t++;
    return GSL_SUCCESS;
}

int repro_step_finish(repro_step *s)
{
    return reference_check(s, s->cur) == 0 ? GSL_SUCCESS : roll_back(s);
}

void repro_step_x(const repro_step *s, gsl_vector *theta)
{
    from_blocked(s, s->th[s->cur], s->tail[s->cur], theta->data);
}

double repro_step_f(const repro_step *s) { return s->f; }
size_t repro_step_steps(const repro_step *s) { return s->t; }
double repro_step_lr(const repro_step *s) { return repro_optim_lr_at(&s->p, s->t); }
repro_step_path repro_step_path_of(const repro_step *s) { return s->path; }
void repro_step_use_sweep(repro_step *s, repro_sweep_fn fn) { s->sweep = fn; }
void repro_step_set_compaction(repro_step *s, size_t every) { s->compact_every = every; }
void repro_step_moves(const repro_step *s, size_t *compactions, size_t *reorders)
{
    *compactions = s->ncompact;
    *reorders = s->nresort;
}
