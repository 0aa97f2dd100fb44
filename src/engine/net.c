/* net: shallow multi-output ReLU networks (BLAS forward/backward, balance, knots); files: netfile.c. */
#include "engine/net.h"

#include <errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/fileio.h"
#include "core/memcheck.h"

/* ---- layout --------------------------------------------------------------------------------- */

/* Offsets of the blocks W | b | V | A | c in a flat parameter vector. */
typedef struct {
    size_t W, b, V, A, c, P;
} layout;

static layout layout_of(size_t d, size_t T, size_t K, int skip)
{
    layout L;
    L.W = 0;
    L.b = K * d;
    L.V = L.b + K;
    L.A = L.V + K * T;
    L.c = L.A + (skip ? T * d : 0);
    L.P = L.c + T;
    return L;
}

size_t repro_net_nparams(size_t d, size_t T, size_t K, int skip)
{
    return layout_of(d, T, K, skip).P;
}

/* Point the views of NET into its theta. */
static void set_views(repro_net *net)
{
    layout L = layout_of(net->d, net->T, net->K, net->skip);
    double *p = net->theta->data;
    net->W = gsl_matrix_view_array(p + L.W, net->K, net->d);
    net->b = gsl_vector_view_array(p + L.b, net->K);
    net->V = gsl_matrix_view_array(p + L.V, net->K, net->T);
    if (net->skip)
        net->A = gsl_matrix_view_array(p + L.A, net->T, net->d);
    else
        memset(&net->A, 0, sizeof net->A);
    net->c = gsl_vector_view_array(p + L.c, net->T);
}

repro_net *repro_net_zeros(size_t d, size_t T, size_t K, int skip)
{
    if (d < 1 || T < 1 || K < 1) {
        repro_err("net: d, T and K must be >= 1 (got d = %zu, T = %zu, K = %zu)", d, T, K);
        return NULL;
    }
    if (d > 100000000 || T > 100000000 || K > 100000000) {
        repro_err("net: d, T and K must be <= 1e8 (got d = %zu, T = %zu, K = %zu)", d, T, K);
        return NULL;
    }
    skip = skip ? 1 : 0;
    size_t P = repro_net_nparams(d, T, K, skip);
    /* The parameters, their gradient and an optimizer's two moment vectors (Adam). */
    char what[160];
    snprintf(what, sizeof what, "a network with d = %zu, T = %zu, K = %zu (%zu parameters, with "
             "gradient and optimizer state)", d, T, K, P);
    if (repro_mem_check(4.0 * 8.0 * (double)P, what) != 0) return NULL;
    repro_net *net = calloc(1, sizeof *net);
    if (!net) goto oom;
    net->d = d;
    net->T = T;
    net->K = K;
    net->skip = skip;
    net->P = P;
    net->theta = gsl_vector_calloc(net->P);
    if (!net->theta) goto oom;
    set_views(net);
    return net;
oom:
    free(net);
    repro_err("net: out of memory for d = %zu, T = %zu, K = %zu", d, T, K);
    return NULL;
}

/* Fill the block [off, off + n) of theta with U(-a, a) draws. */
static void fill_uniform(gsl_vector *theta, size_t off, size_t n, double a, gsl_rng *r)
{
    for (size_t i = 0; i < n; i++) gsl_vector_set(theta, off + i, a * (2 * gsl_rng_uniform(r) - 1));
}

repro_net *repro_net_alloc(size_t d, size_t T, size_t K, int skip, unsigned long seed)
{
    repro_net *net = repro_net_zeros(d, T, K, skip);
    if (!net) return NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        repro_net_free(net);
        repro_err("net: out of memory for the random number generator");
        return NULL;
    }
    gsl_rng_set(r, seed);
    layout L = layout_of(d, T, K, net->skip);
    double aw = 1 / sqrt((double)d), av = 1 / sqrt((double)K);
    fill_uniform(net->theta, L.W, K * d, aw, r);
    fill_uniform(net->theta, L.b, K, aw, r);
    fill_uniform(net->theta, L.V, K * T, av, r);
    fill_uniform(net->theta, L.c, T, av, r); /* A stays 0 */
    gsl_rng_free(r);
    return net;
}

repro_net *repro_net_clone(const repro_net *net)
{
    repro_net *c = repro_net_zeros(net->d, net->T, net->K, net->skip);
    if (c) gsl_vector_memcpy(c->theta, net->theta);
    return c;
}

void repro_net_free(repro_net *net)
{
    if (!net) return;
    gsl_vector_free(net->theta);
    free(net);
}

/* ---- forward pass --------------------------------------------------------------------------- */

/* Parameter blocks of a flat vector TH (stride 1) for the shapes of NET. */
typedef struct {
    gsl_matrix_const_view W, V, A;
    gsl_vector_const_view b, c;
} cblocks;

static cblocks cblocks_of(const repro_net *net, const double *th)
{
    layout L = layout_of(net->d, net->T, net->K, net->skip);
    static const gsl_matrix_const_view none; /* the 0 x 0 placeholder for A without skip */
    cblocks B = {
        .W = gsl_matrix_const_view_array(th + L.W, net->K, net->d),
        .V = gsl_matrix_const_view_array(th + L.V, net->K, net->T),
        .A = net->skip ? gsl_matrix_const_view_array(th + L.A, net->T, net->d) : none,
        .b = gsl_vector_const_view_array(th + L.b, net->K),
        .c = gsl_vector_const_view_array(th + L.c, net->T),
    };
    return B;
}

/* H (M x K) = relu(X W^T + 1 b^T); F (M x T) = H V + X A^T + 1 c^T.  Shapes already checked. */
/* h[k] = max(h[k] + b[k], 0), and dh[k] = 0 where h[k] <= 0.  Branch-free (the signs are
 * random, so a branch mispredicts half the time; SSE2 max / compare-and-mask on x86-64).  A NaN
 * stays NaN in relu_bias so that divergence is seen. */
static void relu_bias(double *restrict h, const double *restrict b, size_t K)
{
    size_t k = 0;
#ifdef __SSE2__
    const __m128d zero = _mm_setzero_pd();
    for (; k + 2 <= K; k += 2) {
        __m128d z = _mm_add_pd(_mm_loadu_pd(h + k), _mm_loadu_pd(b + k));
        _mm_storeu_pd(h + k, _mm_max_pd(zero, z)); /* maxpd returns z when z is NaN */
    }
#endif
    for (; k < K; k++) {
        double z = h[k] + b[k];
        h[k] = z > 0 || isnan(z) ? z : 0;
    }
}

static void relu_mask(double *restrict dh, const double *restrict h, size_t K)
{
    size_t k = 0;
#ifdef __SSE2__
    const __m128d zero = _mm_setzero_pd();
    for (; k + 2 <= K; k += 2) {
        __m128d keep = _mm_cmpgt_pd(_mm_loadu_pd(h + k), zero);
        _mm_storeu_pd(dh + k, _mm_and_pd(_mm_loadu_pd(dh + k), keep));
    }
#endif
    for (; k < K; k++)
        if (!(h[k] > 0)) dh[k] = 0;
}

static void forward(const repro_net *net, const cblocks *B, const gsl_matrix *X, gsl_matrix *H,
                    gsl_matrix *F)
{
    size_t M = X->size1, K = net->K, T = net->T;
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, X, &B->W.matrix, 0.0, H);
    const double *b = B->b.vector.data, *c = B->c.vector.data;
    for (size_t i = 0; i < M; i++) {
        double *h = H->data + i * H->tda;
        relu_bias(h, b, K);
    }
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, H, &B->V.matrix, 0.0, F);
    if (net->skip) gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, X, &B->A.matrix, 1.0, F);
    for (size_t i = 0; i < M; i++) {
        double *f = F->data + i * F->tda;
        for (size_t t = 0; t < T; t++) f[t] += c[t];
    }
}

int repro_net_eval(const repro_net *net, const gsl_matrix *X, gsl_matrix *F)
{
    if (X->size2 != net->d)
        return repro_err("net.eval: X must have d = %zu columns, got %zu", net->d, X->size2);
    if (F->size1 != X->size1 || F->size2 != net->T)
        return repro_err("net.eval: F must be %zu x %zu, got %zu x %zu", X->size1, net->T,
                         F->size1, F->size2);
    gsl_matrix *H = gsl_matrix_alloc(X->size1, net->K);
    if (!H) return repro_err("net.eval: out of memory for %zu x %zu activations", X->size1, net->K);
    cblocks B = cblocks_of(net, net->theta->data);
    forward(net, &B, X, H, F);
    gsl_matrix_free(H);
    return 0;
}

/* ---- weight-decay objective and gradient ---------------------------------------------------- */

struct repro_net_work {
    size_t N, K, T;
    gsl_matrix *H;  /* N x K activations */
    gsl_matrix *dH; /* N x K */
    gsl_matrix *E;  /* N x T residual, then dF */
    gsl_vector *ones;
};

void repro_net_work_free(repro_net_work *w)
{
    if (!w) return;
    gsl_matrix_free(w->H);
    gsl_matrix_free(w->dH);
    gsl_matrix_free(w->E);
    gsl_vector_free(w->ones);
    free(w);
}

repro_net_work *repro_net_work_alloc(const repro_net *net, size_t N)
{
    if (N < 1) {
        repro_err("net.work: N must be >= 1, got 0");
        return NULL;
    }
    char what[128];
    snprintf(what, sizeof what, "the work space of a network with K = %zu, T = %zu for N = %zu rows",
             net->K, net->T, N);
    if (repro_mem_check(8.0 * (double)N * (2.0 * (double)net->K + (double)net->T + 1), what) != 0)
        return NULL;
    repro_net_work *w = calloc(1, sizeof *w);
    if (!w) goto oom;
    w->N = N;
    w->K = net->K;
    w->T = net->T;
    w->H = gsl_matrix_alloc(N, net->K);
    w->dH = gsl_matrix_alloc(N, net->K);
    w->E = gsl_matrix_alloc(N, net->T);
    w->ones = gsl_vector_alloc(N);
    if (!w->H || !w->dH || !w->E || !w->ones) goto oom;
    gsl_vector_set_all(w->ones, 1.0);
    return w;
oom:
    repro_net_work_free(w);
    repro_err("net.work: out of memory for N = %zu, K = %zu", N, net->K);
    return NULL;
}

/* Check the arguments of repro_net_wd_objective; 0 or -1 with repro_err set. */
static int wd_check(const repro_net *net, const gsl_vector *theta, const gsl_matrix *X,
                    const gsl_matrix *Y, double lambda, const gsl_vector *grad,
                    const repro_net_work *w)
{
    const char *fn = "net.wd_objective";
    if (theta->size != net->P || theta->stride != 1)
        return repro_err("%s: theta must be a contiguous vector of length %zu, got length %zu", fn,
                         net->P, theta->size);
    if (grad && (grad->size != net->P || grad->stride != 1))
        return repro_err("%s: grad must be a contiguous vector of length %zu, got length %zu", fn,
                         net->P, grad->size);
    if (X->size2 != net->d)
        return repro_err("%s: X must have d = %zu columns, got %zu", fn, net->d, X->size2);
    if (Y->size1 != X->size1 || Y->size2 != net->T)
        return repro_err("%s: Y must be %zu x %zu, got %zu x %zu", fn, X->size1, net->T, Y->size1,
                         Y->size2);
    if (!w || w->N != X->size1 || w->K != net->K || w->T != net->T)
        return repro_err("%s: the work space must be allocated for this network and N = %zu", fn,
                         X->size1);
    if (!(lambda >= 0) || !isfinite(lambda))
        return repro_err("%s: lambda must be a finite number >= 0, got %g", fn, lambda);
    return 0;
}

/* Gradient of the objective given dF (in w->E) and the activations w->H, written into G. */
static void backward(const repro_net *net, const cblocks *B, const gsl_matrix *X, double lambda,
                     repro_net_work *w, gsl_vector *grad)
{
    layout L = layout_of(net->d, net->T, net->K, net->skip);
    double *g = grad->data;
    gsl_matrix_view gW = gsl_matrix_view_array(g + L.W, net->K, net->d);
    gsl_vector_view gb = gsl_vector_view_array(g + L.b, net->K);
    gsl_matrix_view gV = gsl_matrix_view_array(g + L.V, net->K, net->T);
    gsl_vector_view gc = gsl_vector_view_array(g + L.c, net->T);
    /* dV = H^T dF + 2 lambda V, dc = dF^T 1, dA = dF^T X */
    gsl_matrix_memcpy(&gV.matrix, &B->V.matrix);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->H, w->E, 2 * lambda, &gV.matrix);
    gsl_blas_dgemv(CblasTrans, 1.0, w->E, w->ones, 0.0, &gc.vector);
    if (net->skip) {
        gsl_matrix_view gA = gsl_matrix_view_array(g + L.A, net->T, net->d);
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->E, X, 0.0, &gA.matrix);
    }
    /* dH = (dF V^T) masked by Z > 0 (equivalently H > 0) */
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, w->E, &B->V.matrix, 0.0, w->dH);
    size_t N = w->N, K = net->K;
    for (size_t i = 0; i < N; i++) {
        const double *h = w->H->data + i * w->H->tda;
        double *dh = w->dH->data + i * w->dH->tda;
        relu_mask(dh, h, K);
    }
    /* dW = dH^T X + 2 lambda W, db = dH^T 1 */
    gsl_matrix_memcpy(&gW.matrix, &B->W.matrix);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->dH, X, 2 * lambda, &gW.matrix);
    gsl_blas_dgemv(CblasTrans, 1.0, w->dH, w->ones, 0.0, &gb.vector);
}

double repro_net_wd_objective(const repro_net *net, const gsl_vector *theta, const gsl_matrix *X,
                              const gsl_matrix *Y, double lambda, gsl_vector *grad, double *mse,
                              double *penalty, repro_net_work *w)
{
    if (wd_check(net, theta, X, Y, lambda, grad, w) != 0) return NAN;
    cblocks B = cblocks_of(net, theta->data);
    forward(net, &B, X, w->H, w->E);
    size_t N = X->size1, T = net->T;
    double sse = 0;
    for (size_t i = 0; i < N; i++) {
        double *e = w->E->data + i * w->E->tda;
        const double *y = Y->data + i * Y->tda;
        for (size_t t = 0; t < T; t++) {
            e[t] -= y[t];
            sse += e[t] * e[t];
        }
    }
    double m = sse / ((double)N * (double)T);
    layout L = layout_of(net->d, net->T, net->K, net->skip);
    gsl_vector_const_view vw = gsl_vector_const_view_array(theta->data + L.W, net->K * net->d);
    gsl_vector_const_view vv = gsl_vector_const_view_array(theta->data + L.V, net->K * net->T);
    double nw2, nv2; /* squared norms by ddot: dnrm2's overflow-safe scaling costs 3x more */
    gsl_blas_ddot(&vw.vector, &vw.vector, &nw2);
    gsl_blas_ddot(&vv.vector, &vv.vector, &nv2);
    double pen = lambda * (nw2 + nv2);
    if (mse) *mse = m;
    if (penalty) *penalty = pen;
    if (grad) {
        gsl_matrix_scale(w->E, 2.0 / ((double)N * (double)T)); /* E becomes dF */
        backward(net, &B, X, lambda, w, grad);
    }
    return m + pen;
}

double repro_net_wd_fdf(const gsl_vector *theta, void *problem, gsl_vector *grad)
{
    const repro_net_wd *p = problem;
    return repro_net_wd_objective(p->net, theta, p->X, p->Y, p->lambda, grad, NULL, NULL, p->w);
}

/* mse of the network's own parameters on (X, Y), or NAN with repro_err set. */
static double net_mse(const repro_net *net, const gsl_matrix *X, const gsl_matrix *Y)
{
    if (Y->size1 != X->size1 || Y->size2 != net->T) {
        repro_err("net.objective: Y must be %zu x %zu, got %zu x %zu", X->size1, net->T, Y->size1,
                  Y->size2);
        return NAN;
    }
    gsl_matrix *F = gsl_matrix_alloc(X->size1, net->T);
    if (!F) {
        repro_err("net.objective: out of memory");
        return NAN;
    }
    double sse = NAN;
    if (repro_net_eval(net, X, F) == 0) {
        gsl_matrix_sub(F, Y);
        sse = 0;
        for (size_t i = 0; i < F->size1; i++)
            for (size_t t = 0; t < F->size2; t++) sse += gsl_matrix_get(F, i, t) * gsl_matrix_get(F, i, t);
    }
    gsl_matrix_free(F);
    return sse / ((double)X->size1 * (double)net->T);
}

double repro_net_objective(const repro_net *net, repro_objective obj, const gsl_matrix *X,
                           const gsl_matrix *Y, double lambda, double *mse, double *penalty)
{
    if (!(lambda >= 0) || !isfinite(lambda)) {
        repro_err("net.objective: lambda must be a finite number >= 0, got %g", lambda);
        return NAN;
    }
    if (obj == REPRO_OBJ_WEIGHT_DECAY) {
        if (X->size1 < 1) {
            repro_err("net.objective: X must have at least one row");
            return NAN;
        }
        repro_net_work *w = repro_net_work_alloc(net, X->size1);
        if (!w) return NAN;
        double v = repro_net_wd_objective(net, net->theta, X, Y, lambda, NULL, mse, penalty, w);
        repro_net_work_free(w);
        return v;
    }
    if (obj != REPRO_OBJ_GROUP) {
        repro_err("net.objective: unknown objective %d", (int)obj);
        return NAN;
    }
    double m = net_mse(net, X, Y);
    if (isnan(m)) return NAN;
    double pen = lambda * repro_net_pathnorm(net);
    if (mse) *mse = m;
    if (penalty) *penalty = pen;
    return m + pen;
}

/* ---- rescaling ------------------------------------------------------------------------------ */

/* ||w_k|| and ||v_k||. */
static double wnorm(const repro_net *net, size_t k)
{
    gsl_vector_const_view r = gsl_matrix_const_row(&net->W.matrix, k);
    return gsl_blas_dnrm2(&r.vector);
}

static double vnorm(const repro_net *net, size_t k)
{
    gsl_vector_const_view r = gsl_matrix_const_row(&net->V.matrix, k);
    return gsl_blas_dnrm2(&r.vector);
}

/* Scale (w_k, b_k) by S and v_k by 1/S (f unchanged for S > 0). */
static void rescale(repro_net *net, size_t k, double s)
{
    gsl_vector_view w = gsl_matrix_row(&net->W.matrix, k);
    gsl_vector_view v = gsl_matrix_row(&net->V.matrix, k);
    gsl_vector_scale(&w.vector, s);
    gsl_vector_set(&net->b.vector, k, s * gsl_vector_get(&net->b.vector, k));
    gsl_vector_scale(&v.vector, 1 / s);
}

/* A dead neuron: its constant part v_k (b_k)_+ moves into c, then w_k, b_k, v_k = 0.  Used when
 * ||w_k|| is so small that rescaling it is not representable; f changes by at most
 * ||v_k|| ||w_k|| ||x||. */
static void kill_neuron(repro_net *net, size_t k)
{
    gsl_vector_view w = gsl_matrix_row(&net->W.matrix, k);
    gsl_vector_view v = gsl_matrix_row(&net->V.matrix, k);
    double bk = gsl_vector_get(&net->b.vector, k);
    if (bk > 0) gsl_blas_daxpy(bk, &v.vector, &net->c.vector);
    gsl_vector_set_zero(&w.vector);
    gsl_vector_set_zero(&v.vector);
    gsl_vector_set(&net->b.vector, k, 0.0);
}

/* Whether rescaling neuron K by S (w_k, b_k times S, v_k divided by S) stays finite and nonzero. */
static int rescalable(const repro_net *net, size_t k, double s, double nw, double nv)
{
    if (!(s > 0) || !isfinite(s)) return 0;
    double bs = fabs(gsl_vector_get(&net->b.vector, k)) * s;
    return isfinite(nw * s) && isfinite(bs) && isfinite(nv / s) && nw * s > 0 && (nv == 0 || nv / s > 0);
}

void repro_net_balance(repro_net *net)
{
    for (size_t k = 0; k < net->K; k++) {
        double nw = wnorm(net, k), nv = vnorm(net, k);
        if (!(nw > 0 && nv > 0)) continue;
        double s = sqrt(nv) / sqrt(nw); /* not sqrt(nv / nw): that overflows first */
        if (nw * nv > 0 && rescalable(net, k, s, nw, nv))
            rescale(net, k, s);
        else
            kill_neuron(net, k);
    }
}

void repro_net_normalize(repro_net *net)
{
    for (size_t k = 0; k < net->K; k++) {
        double nw = wnorm(net, k), nv = vnorm(net, k);
        if (!(nw > 0)) continue;
        if ((nv == 0 || nw * nv > 0) && rescalable(net, k, 1 / nw, nw, nv))
            rescale(net, k, 1 / nw);
        else
            kill_neuron(net, k);
    }
}

double repro_net_pathnorm(const repro_net *net)
{
    double s = 0;
    for (size_t k = 0; k < net->K; k++) s += wnorm(net, k) * vnorm(net, k);
    return s;
}

size_t repro_net_active(const repro_net *net, double tol, size_t *idx, size_t cap)
{
    double mx = 0;
    for (size_t k = 0; k < net->K; k++) mx = fmax(mx, wnorm(net, k) * vnorm(net, k));
    size_t n = 0;
    for (size_t k = 0; k < net->K; k++) {
        if (wnorm(net, k) * vnorm(net, k) > tol * mx && mx > 0) {
            if (n < cap && idx) idx[n] = k;
            n++;
        }
    }
    return n;
}

/* cos of the angle between (w_k, b_k) and (w_j, b_j) (0 when either is zero). */
static double neuron_cos(const repro_net *net, size_t k, size_t j)
{
    double kj = 0, kk = 0, jj = 0;
    for (size_t i = 0; i <= net->d; i++) {
        double a = i < net->d ? gsl_matrix_get(&net->W.matrix, k, i) : gsl_vector_get(&net->b.vector, k);
        double b = i < net->d ? gsl_matrix_get(&net->W.matrix, j, i) : gsl_vector_get(&net->b.vector, j);
        kj += a * b;
        kk += a * a;
        jj += b * b;
    }
    return kk > 0 && jj > 0 ? kj / sqrt(kk * jj) : 0;
}

size_t repro_net_distinct(const repro_net *net, double cos_min, double tol, size_t *rep,
                          size_t *heads_out)
{
    size_t K = net->K, n = repro_net_active(net, tol, NULL, 0);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), *heads = malloc((n ? n : 1) * sizeof *heads);
    double *mag = malloc((K ? K : 1) * sizeof *mag);
    if (!idx || !heads || !mag) {
        free(idx);
        free(heads);
        free(mag);
        return (size_t)-1;
    }
    repro_net_active(net, tol, idx, n);
    for (size_t k = 0; k < K; k++) mag[k] = wnorm(net, k) * vnorm(net, k);
    /* insertion sort by decreasing magnitude (ties: lower index first) */
    for (size_t i = 1; i < n; i++) {
        size_t x = idx[i], j = i;
        while (j > 0 && mag[idx[j - 1]] < mag[x]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
    size_t nh = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i], h = 0;
        while (h < nh && !(neuron_cos(net, k, heads[h]) >= cos_min)) h++;
        if (h == nh) heads[nh++] = k;
        if (rep) rep[k] = heads[h];
    }
    if (heads_out) memcpy(heads_out, heads, nh * sizeof *heads);
    free(idx);
    free(heads);
    free(mag);
    return nh;
}

/* ---- knots (d = 1) -------------------------------------------------------------------------- */

int repro_net_knots(const repro_net *net, double tol, gsl_vector **loc, gsl_matrix **jump)
{
    *loc = NULL;
    *jump = NULL;
    if (net->d != 1) return repro_err("net.knots: needs a network with d = 1, got d = %zu", net->d);
    if (!(tol >= 0) || !isfinite(tol))
        return repro_err("net.knots: tol must be a finite number >= 0, got %g", tol);
    size_t K = net->K, T = net->T, n = 0;
    double *x = malloc(K * sizeof *x);
    size_t *kk = malloc(K * sizeof *kk), *perm = malloc(K * sizeof *perm);
    gsl_matrix *J = gsl_matrix_calloc(K, T);
    gsl_vector *lv = gsl_vector_alloc(K);
    int rc = -1;
    if (!x || !kk || !perm || !J || !lv) {
        repro_err("net.knots: out of memory");
        goto done;
    }
    for (size_t k = 0; k < K; k++) {
        double w = gsl_matrix_get(&net->W.matrix, k, 0);
        if (w != 0 && fabs(w) * vnorm(net, k) > tol) {
            x[n] = -gsl_vector_get(&net->b.vector, k) / w;
            kk[n++] = k;
        }
    }
    if (n > 0) gsl_sort_index(perm, x, 1, n);
    /* walk in sorted order; a group starts at x[perm[g]] and takes every location within tol */
    size_t M = 0;
    for (size_t j = 0; j < n;) {
        double x0 = x[perm[j]], sumx = 0;
        size_t cnt = 0;
        gsl_vector_view row = gsl_matrix_row(J, M);
        for (; j < n && fabs(x[perm[j]] - x0) <= tol * (1 + fabs(x0)); j++, cnt++) {
            size_t k = kk[perm[j]];
            double aw = fabs(gsl_matrix_get(&net->W.matrix, k, 0));
            gsl_vector_const_view v = gsl_matrix_const_row(&net->V.matrix, k);
            gsl_blas_daxpy(aw, &v.vector, &row.vector);
            sumx += x[perm[j]];
        }
        if (gsl_blas_dnrm2(&row.vector) > tol) { /* merged neurons that cancel leave no knot */
            gsl_vector_set(lv, M, sumx / (double)cnt);
            M++;
        } else {
            gsl_vector_set_zero(&row.vector);
        }
    }
    if (M > 0) {
        *loc = gsl_vector_alloc(M);
        *jump = gsl_matrix_alloc(M, T);
        if (!*loc || !*jump) {
            gsl_vector_free(*loc);
            gsl_matrix_free(*jump);
            *loc = NULL;
            *jump = NULL;
            repro_err("net.knots: out of memory");
            goto done;
        }
        gsl_vector_const_view ls = gsl_vector_const_subvector(lv, 0, M);
        gsl_matrix_const_view js = gsl_matrix_const_submatrix(J, 0, 0, M, T);
        gsl_vector_memcpy(*loc, &ls.vector);
        gsl_matrix_memcpy(*jump, &js.matrix);
    }
    rc = 0;
done:
    free(x);
    free(kk);
    free(perm);
    gsl_matrix_free(J);
    gsl_vector_free(lv);
    return rc;
}

double repro_net_cost(const repro_net *net, double tol)
{
    gsl_vector *loc;
    gsl_matrix *jump;
    if (repro_net_knots(net, tol, &loc, &jump) != 0) return NAN;
    size_t M = loc ? loc->size : 0;
    double s = 0;
    for (size_t m = 0; m < M; m++) {
        gsl_vector_const_view r = gsl_matrix_const_row(jump, m);
        s += gsl_blas_dnrm2(&r.vector);
    }
    gsl_vector_free(loc);
    gsl_matrix_free(jump);
    return s;
}
