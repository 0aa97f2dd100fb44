/* step: time per Adam step of the engine's code paths on the bench problems, where the fused
 * step's time goes (its parts left out one at a time), the per-part breakdown of the BLAS step,
 * and the machine's three-term floor.
 *
 *   step DIR STEPS ROUNDS [--warm W] NAME [NAME ...]
 *
 * DIR/problems.tsv and the CSV files come from bench/problems.lua; each network is
 * repro_net_alloc(d, T, K, skip = 1, seed 1) as in bench/train.lua, trained at a constant rate
 * 1e-2.  Timing: thread CPU time (the machine is shared: CPU time is not inflated by waiting for
 * a core), ROUNDS rounds of STEPS steps, the paths interleaved within each round, minimum over
 * rounds (the floor's bandwidth term is measured in every round too, its best kept).  Two
 * regimes: the first STEPS steps from the initial point (every neuron active), and, with --warm,
 * STEPS steps of a run already W steps in, continued from round to round (the state of most of a
 * training's steps: the step skips the neurons that weight decay has made inactive, step.h).
 * Output, tab-separated:
 *   machine  peak_gflops  sqrtdiv_ns  (per parameter: Adam's update in L1)  dgemm1000_gflops
 *   problem NAME N d K T P  path PATH seconds_per_step ...  (one pair per path; from the start)
 *   trained NAME W  path PATH seconds_per_step ...          (with --warm: after W steps)
 *   fparts NAME PATH full divide backward hidden forward rest
 *                  (seconds per step of the fused step on PATH with every neuron computed: whole,
 *                  then without Adam's square roots and divisions, the output layer's gradient
 *                  products, the hidden layer's, the forward pass's, and all four: the rest)
 *   parts NAME forward backward adam relu penalty   (seconds, the BLAS step's parts)
 *   floor NAME flops bytes compute_s sqrtdiv_s bandwidth_s bandwidth_GBps */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/blascore.h"
#include "engine/dataset.h"
#include "engine/net.h"
#include "engine/optim.h"
#include "engine/step.h"
#include "engine/sweep.h"
#include "problem.h"


/* ---- the machine ----------------------------------------------------------------------------- */

/* Peak: independent multiply-adds in registers (12 chains of the widest FMA this CPU has:
 * enough to cover the latency of two FMA units). */
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
__attribute__((target("avx2,fma"))) static double peak_avx2(long iters)
{
    const __m256d m = _mm256_set1_pd(0.999999), c = _mm256_set1_pd(1e-9);
#define INIT(k) __m256d a##k = _mm256_set1_pd((double)k);
#define STEP(k) a##k = _mm256_fmadd_pd(a##k, m, c);
#define SUM(k) s = _mm256_add_pd(s, a##k);
    CHAINS(INIT)
    for (long r = 0; r < iters; r++) {
        CHAINS(STEP)
        __asm__("" : "+x"(a0), "+x"(a5), "+x"(a11)); /* keep the chains in registers */
    }
    __m256d s = _mm256_setzero_pd();
    CHAINS(SUM)
    double out[4];
    _mm256_storeu_pd(out, s);
    return out[0] + out[1] + out[2] + out[3];
#undef INIT
#undef STEP
#undef SUM
}
__attribute__((target("avx512f"))) static double peak_avx512(long iters)
{
    const __m512d m = _mm512_set1_pd(0.999999), c = _mm512_set1_pd(1e-9);
#define INIT(k) __m512d a##k = _mm512_set1_pd((double)k);
#define STEP(k) a##k = _mm512_fmadd_pd(a##k, m, c);
#define SUM(k) s = _mm512_add_pd(s, a##k);
    CHAINS(INIT)
    for (long r = 0; r < iters; r++) CHAINS(STEP)
    __m512d s = _mm512_setzero_pd();
    CHAINS(SUM)
    return _mm512_reduce_add_pd(s);
#undef INIT
#undef STEP
#undef SUM
}
#endif

static volatile double sink;

static double peak_gflops(void)
{
    long iters = 2000000;
    double best = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = cpu_now(), flops;
#if defined(__x86_64__) && defined(__GNUC__)
        if (__builtin_cpu_supports("avx512f")) {
            sink = peak_avx512(iters);
            flops = 2.0 * 8 * 12 * (double)iters;
        } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            sink = peak_avx2(iters);
            flops = 2.0 * 4 * 12 * (double)iters;
        } else
#endif
        {
            double a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
            for (long i = 0; i < iters; i++)
                for (int k = 0; k < 8; k++) a[k] = a[k] * 0.999999 + 1e-9;
            sink = a[0] + a[7];
            flops = 16.0 * (double)iters;
        }
        double t = cpu_now() - t0;
        if (flops / t > best) best = flops / t;
    }
    return best * 1e-9;
}

/* Seconds per parameter of Adam's elementwise update (the square root and the division) with
 * everything in L1: the floor's second term. */
static double sqrtdiv_seconds(void)
{
    enum { n = 1024 };
    static double g[n], x[n], m[n], v[n], xn[n];
    for (int i = 0; i < n; i++) g[i] = x[i] = 1e-3 * (i + 1);
    double best = 1e300;
    for (int r = 0; r < 7; r++) {
        double t0 = cpu_now();
        for (int k = 0; k < 2000; k++)
            repro_optim_adam_update(n, 0.9, 0.999, 1e-3, 1.1, 1e-8, g, x, m, v, xn);
        double t = (cpu_now() - t0) / (2000.0 * n);
        if (t < best) best = t;
    }
    sink = xn[7];
    return best;
}

/* Bytes per second moving the optimizer state of P parameters: x, m, v read, m, v, x' written
 * (48 bytes per parameter), timed as a plain triad at that working set, best of REPS.  The shared
 * cache's bandwidth changes with the machine's other work (22-36 GB/s at the T = 101 working set
 * in one day), so main measures it in every round, next to the steps it is compared with. */
static double state_bandwidth(size_t P, int reps_best)
{
    double *x = malloc(P * sizeof *x), *m = malloc(P * sizeof *m), *v = malloc(P * sizeof *v),
           *xn = malloc(P * sizeof *xn);
    for (size_t i = 0; i < P; i++) x[i] = m[i] = v[i] = 1e-3 * (double)(i % 97);
    long reps = (long)(2e8 / (double)P) + 1;
    double best = 1e300;
    for (int r = 0; r < reps_best; r++) {
        double t0 = cpu_now();
        for (long k = 0; k < reps; k++) {
            for (size_t i = 0; i < P; i++) {
                double mi = 0.9 * m[i] + 0.1 * x[i];
                double vi = 0.999 * v[i] + 0.001 * x[i];
                m[i] = mi;
                v[i] = vi;
                xn[i] = x[i] - 1e-9 * (mi + vi);
            }
            double *t = x;
            x = xn;
            xn = t;
        }
        double t = (cpu_now() - t0) / (double)reps;
        if (t < best) best = t;
    }
    sink = x[P / 2];
    free(x);
    free(m);
    free(v);
    free(xn);
    return 48.0 * (double)P / best;
}

static double dgemm_gflops(size_t n)
{
    gsl_matrix *a = gsl_matrix_alloc(n, n), *b = gsl_matrix_alloc(n, n), *c = gsl_matrix_alloc(n, n);
    gsl_matrix_set_all(a, 0.5);
    gsl_matrix_set_all(b, 0.25);
    double best = 1e300;
    for (int r = 0; r < 3; r++) {
        double t0 = cpu_now();
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, a, b, 0.0, c);
        double t = cpu_now() - t0;
        if (t < best) best = t;
    }
    gsl_matrix_free(a);
    gsl_matrix_free(b);
    gsl_matrix_free(c);
    return 2.0 * (double)n * (double)n * (double)n / best * 1e-9;
}

/* ---- the engine ------------------------------------------------------------------------------ */

/* One path's Adam on one problem, kept between timings: the fused step, or optim.h's Adam on
 * BLAS products (path BLAS).  Constant rate 1e-2, from the network's initial point. */
typedef struct {
    repro_step *s;
    repro_optim *o;
    repro_net_wd prob;
} runner;

static void runner_start(runner *r, repro_step_path path, const repro_net *net,
                         const repro_dataset *ds, double lambda)
{
    repro_optim_params p;
    repro_optim_params_default(&p);
    p.lr = 1e-2;
    memset(r, 0, sizeof *r);
    if (path == REPRO_STEP_BLAS) {
        r->prob = (repro_net_wd){net, ds->X, ds->Y, lambda, repro_net_work_alloc(net, ds->N)};
        r->o = repro_optim_alloc(repro_optim_adam, net->P, &p);
        repro_optim_set(r->o, repro_net_wd_fdf, &r->prob, net->theta);
    } else {
        r->s = repro_step_alloc(net, ds->X, ds->Y, lambda, &p, path);
        repro_step_set(r->s, net->theta);
    }
}

/* STEPS more steps; CPU seconds per step. */
static double runner_time(runner *r, size_t steps)
{
    double t0 = cpu_now();
    for (size_t k = 0; k < steps; k++)
        if (r->s)
            repro_step_iterate(r->s);
        else
            repro_optim_iterate(r->o);
    return (cpu_now() - t0) / (double)steps;
}

static void runner_free(runner *r)
{
    repro_step_free(r->s);
    repro_optim_free(r->o);
    repro_net_work_free(r->prob.w);
}

/* CPU seconds per step of the first STEPS steps from the network's initial point on PATH. */
static double time_path(repro_step_path path, const repro_net *net, const repro_dataset *ds,
                        double lambda, size_t steps)
{
    runner r;
    runner_start(&r, path, net, ds, lambda);
    double t = runner_time(&r, steps);
    runner_free(&r);
    return t;
}

/* The fused step's parts.  bench/run.sh compiles the engine's own sweep sources again with
 * SWEEP_DROP set (sweep.h) and the function renamed bench_sweep_PATH_DROP: SKIP alone (every
 * neuron computed, so that no variant skips more or fewer neurons than another when the values
 * it computes go wrong), then with DIVIDE, BACKWARD, HIDDEN, FORWARD and all four. */
#define DROPS(X, P)                                                                                \
    X(P, 16) /* SKIP */                                                                            \
    X(P, 17) /* SKIP | DIVIDE */                                                                   \
    X(P, 18) /* SKIP | BACKWARD */                                                                 \
    X(P, 20) /* SKIP | HIDDEN */                                                                   \
    X(P, 24) /* SKIP | FORWARD */                                                                  \
    X(P, 31) /* all */
#define NDROPS 6
#define DECLARE(P, D) void bench_sweep_##P##_##D(const sweep_args *a);
#define ENTRY(P, D) bench_sweep_##P##_##D,
#ifdef REPRO_SWEEP_X86
DROPS(DECLARE, avx512)
DROPS(DECLARE, avx2)
static const repro_sweep_fn drops_avx512[NDROPS] = {DROPS(ENTRY, avx512)};
static const repro_sweep_fn drops_avx2[NDROPS] = {DROPS(ENTRY, avx2)};
#else
DROPS(DECLARE, portable)
static const repro_sweep_fn drops_portable[NDROPS] = {DROPS(ENTRY, portable)};
#endif

/* The variants of PATH's sweep, or NULL (the portable path on x86-64: not compiled). */
static const repro_sweep_fn *drops_of(repro_step_path path)
{
#ifdef REPRO_SWEEP_X86
    return path == REPRO_STEP_AVX512 ? drops_avx512 : path == REPRO_STEP_AVX2 ? drops_avx2 : NULL;
#else
    return path == REPRO_STEP_PORTABLE ? drops_portable : NULL;
#endif
}

/* CPU seconds per step of each variant on PATH (out[NDROPS]): the first STEPS steps from the
 * initial point, the variants interleaved in each of ROUNDS rounds, minimum over rounds; the
 * neurons stay where they are (no moves: they would differ between variants).  A variant's
 * values may overflow: the step then rolls back and the next one repeats the same work. */
static int fused_parts(repro_step_path path, const repro_net *net, const repro_dataset *ds,
                       double lambda, size_t steps, size_t rounds, double out[NDROPS])
{
    const repro_sweep_fn *fn = drops_of(path);
    if (!fn) return -1;
    for (int k = 0; k < NDROPS; k++) out[k] = 1e300;
    for (size_t r = 0; r < rounds; r++)
        for (int k = 0; k < NDROPS; k++) {
            runner run;
            runner_start(&run, path, net, ds, lambda);
            repro_step_use_sweep(run.s, fn[k]);
            repro_step_set_compaction(run.s, 0);
            double t = runner_time(&run, steps);
            runner_free(&run);
            if (t < out[k]) out[k] = t;
        }
    return 0;
}

/* The parts of the BLAS step (net.c's forward and backward written out, each part timed alone). */
static void parts(const repro_net *net, const repro_dataset *ds, size_t reps, double out[5])
{
    size_t N = ds->N, K = net->K, T = net->T, d = net->d, P = net->P;
    gsl_matrix *H = gsl_matrix_calloc(N, K), *dH = gsl_matrix_calloc(N, K), *E = gsl_matrix_calloc(N, T);
    gsl_matrix *gW = gsl_matrix_calloc(K, d), *gV = gsl_matrix_calloc(K, T), *gA = gsl_matrix_calloc(T, d);
    gsl_vector *ones = gsl_vector_alloc(N), *gb = gsl_vector_calloc(K), *gc = gsl_vector_calloc(T);
    gsl_vector *g = gsl_vector_calloc(P), *m = gsl_vector_calloc(P), *v = gsl_vector_calloc(P),
               *xn = gsl_vector_calloc(P);
    gsl_vector_set_all(ones, 1.0);
    for (int k = 0; k < 5; k++) out[k] = 1e300;
    for (int r = 0; r < 3; r++) {
        double t[6];
        t[0] = cpu_now();
        for (size_t q = 0; q < reps; q++) {
            gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, ds->X, &net->W.matrix, 0.0, H);
            gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, H, &net->V.matrix, 0.0, E);
            gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, ds->X, &net->A.matrix, 1.0, E);
        }
        t[1] = cpu_now();
        for (size_t q = 0; q < reps; q++) {
            gsl_matrix_memcpy(gV, &net->V.matrix);
            gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, H, E, 2e-3, gV);
            gsl_blas_dgemv(CblasTrans, 1.0, E, ones, 0.0, gc);
            gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, E, ds->X, 0.0, gA);
            gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, E, &net->V.matrix, 0.0, dH);
            gsl_matrix_memcpy(gW, &net->W.matrix);
            gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, dH, ds->X, 2e-3, gW);
            gsl_blas_dgemv(CblasTrans, 1.0, dH, ones, 0.0, gb);
        }
        t[2] = cpu_now();
        for (size_t q = 0; q < reps; q++)
            repro_optim_adam_update(P, 0.9, 0.999, 1e-3, 1.0, 1e-8, g->data, net->theta->data,
                                    m->data, v->data, xn->data);
        t[3] = cpu_now();
        for (size_t q = 0; q < reps; q++) {
            for (size_t i = 0; i < N; i++)
                for (size_t k = 0; k < K; k++) {
                    double *h = gsl_matrix_ptr(H, i, k), *dh = gsl_matrix_ptr(dH, i, k);
                    double z = *h + net->b.vector.data[k];
                    *h = z > 0 ? z : 0;
                    if (!(*h > 0)) *dh = 0;
                }
            sink = gsl_matrix_get(H, 0, 0);
        }
        t[4] = cpu_now();
        for (size_t q = 0; q < reps; q++) {
            double s1, s2, s3;
            gsl_blas_ddot(net->theta, net->theta, &s1); /* the penalty's two norms */
            gsl_blas_ddot(xn, xn, &s2);                 /* finiteness of the gradient */
            gsl_blas_ddot(g, g, &s3);
            sink = s1 + s2 + s3;
        }
        t[5] = cpu_now();
        for (int k = 0; k < 5; k++)
            if ((t[k + 1] - t[k]) / (double)reps < out[k]) out[k] = (t[k + 1] - t[k]) / (double)reps;
    }
    gsl_matrix_free(H);
    gsl_matrix_free(dH);
    gsl_matrix_free(E);
    gsl_matrix_free(gW);
    gsl_matrix_free(gV);
    gsl_matrix_free(gA);
    gsl_vector_free(ones);
    gsl_vector_free(gb);
    gsl_vector_free(gc);
    gsl_vector_free(g);
    gsl_vector_free(m);
    gsl_vector_free(v);
    gsl_vector_free(xn);
}

int main(int argc, char **argv)
{
    size_t warm = 0;
    int first = 4;
    if (argc > 5 && strcmp(argv[4], "--warm") == 0) {
        warm = (size_t)atol(argv[5]);
        first = 6;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: step DIR STEPS ROUNDS [--warm W] NAME [NAME ...]\n");
        return 2;
    }
    gsl_set_error_handler_off();
    repro_flush_subnormals(); /* as the engine's main does */
    const char *dir = argv[1];
    size_t steps = (size_t)atol(argv[2]), rounds = (size_t)atol(argv[3]);
    double peak = peak_gflops(), sqd = sqrtdiv_seconds();
    printf("machine\t%.6g\t%.6g\t%.6g\n", peak, sqd * 1e9, dgemm_gflops(1000));
    for (int a = first; a < argc; a++) {
        bench_problem pb;
        if (bench_problem_load(&pb, dir, argv[a], "step") != 0) return 1;
        const char *name = pb.name;
        const repro_dataset *ds = pb.ds;
        const repro_net *net = pb.net;
        const size_t d = net->d, T = net->T, K = net->K;
        const double lambda = pb.lambda;
        repro_step_path paths[4] = {REPRO_STEP_BLAS, REPRO_STEP_AVX512, REPRO_STEP_AVX2,
                                    REPRO_STEP_PORTABLE};
        double best[4] = {1e300, 1e300, 1e300, 1e300}, tbest[4] = {1e300, 1e300, 1e300, 1e300};
        runner trained[4];
        for (int k = 0; k < 4; k++)
            if (warm && repro_step_supported(paths[k])) {
                runner_start(&trained[k], paths[k], net, ds, lambda);
                runner_time(&trained[k], warm);
            }
        double bw = 0;
        for (size_t r = 0; r < rounds; r++) {
            double b = state_bandwidth(net->P, 2);
            if (b > bw) bw = b;
            for (int k = 0; k < 4; k++) {
                if (!repro_step_supported(paths[k])) continue;
                double t = time_path(paths[k], net, ds, lambda, steps);
                if (t < best[k]) best[k] = t;
                if (!warm) continue;
                t = runner_time(&trained[k], steps);
                if (t < tbest[k]) tbest[k] = t;
            }
        }
        printf("problem\t%s\t%zu\t%zu\t%zu\t%zu\t%zu", name, ds->N, d, K, T, net->P);
        for (int k = 0; k < 4; k++)
            if (repro_step_supported(paths[k]))
                printf("\t%s\t%.6g", repro_step_path_name(paths[k]), best[k]);
        printf("\n");
        if (warm) {
            printf("trained\t%s\t%zu", name, warm);
            for (int k = 0; k < 4; k++)
                if (repro_step_supported(paths[k])) {
                    printf("\t%s\t%.6g", repro_step_path_name(paths[k]), tbest[k]);
                    runner_free(&trained[k]);
                }
            printf("\n");
        }
        repro_step_path fpath;
        double fp[NDROPS];
        if (repro_step_choose(ds->N, &fpath) == 0 &&
            fused_parts(fpath, net, ds, lambda, steps, rounds, fp) == 0) {
            printf("fparts\t%s\t%s", name, repro_step_path_name(fpath));
            for (int k = 0; k < NDROPS; k++) printf("\t%.6g", fp[k]);
            printf("\n");
        }
        double pt[5];
        parts(net, ds, steps, pt);
        printf("parts\t%s\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", name, pt[0], pt[1], pt[2], pt[3], pt[4]);
        double n = (double)ds->N, dd = (double)d, k = (double)K, t = (double)T, P = (double)net->P;
        double flops = 4 * n * dd * k + 6 * n * k * t + 4 * n * dd * t; /* the step's products */
        printf("floor\t%s\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", name, flops, 48 * P,
               flops / (peak * 1e9), P * sqd, 48 * P / bw, bw * 1e-9);
        fflush(stdout);
        bench_problem_free(&pb);
    }
    return 0;
}
