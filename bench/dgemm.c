/* dgemm: the machine's limit for one training step of a shallow ReLU network.
 *
 * For a problem (N points, d inputs, K neurons, T outputs) it times the matrix products of one
 * forward + backward pass, each at its own shape, through the same path the engine uses
 * (gsl_blas_dgemm on OpenBLAS; the thread count comes from OPENBLAS_NUM_THREADS):
 *     forward   Z = X W^T (N x d x K)    F = H V (N x K x T)     S = X A^T (N x d x T)
 *     backward  gV = H^T R (K x N x T)   gH = R V^T (N x T x K)  gW = G^T X (K x N x d)
 *               gA = R^T X (T x N x d)
 * and prints, one tab-separated line per problem:
 *     name  threads  gemm_flops  other_flops  gemm_seconds  gflops  limit_seconds
 * where gflops = gemm_flops / gemm_seconds is the measured throughput at these shapes and
 * limit_seconds = (gemm_flops + other_flops) / throughput is the step's floating-point work at
 * that rate.  other_flops counts the elementwise work (bias, ReLU and its mask, residual, the
 * penalty and its gradient, the Adam update at 12 flops per parameter) as if it ran at the
 * dgemm rate, which makes the limit a lower bound.  Best of 5 repetitions.
 *     dgemm NAME N d K T [NAME N d K T ...]
 *     dgemm peak SIZE      (square dgemm, for reference) */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static gsl_matrix *randmat(size_t r, size_t c, unsigned *state)
{
    gsl_matrix *m = gsl_matrix_alloc(r, c);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            *state = *state * 1103515245u + 12345u;
            gsl_matrix_set(m, i, j, (double)(*state >> 8) / 16777216.0 - 0.5);
        }
    return m;
}

static const char *threads(void)
{
    const char *t = getenv("OPENBLAS_NUM_THREADS");
    return t && *t ? t : "default";
}

/* Seconds per call of FN(ARG), best of 5 runs of at least 0.1 s each. */
static double best_time(void (*fn)(void *), void *arg)
{
    long reps = 1;
    for (;;) { /* calibrate */
        double t0 = now();
        for (long r = 0; r < reps; r++) fn(arg);
        double t = now() - t0;
        if (t > 0.1) break;
        reps *= t < 0.01 ? 10 : 2;
    }
    double best = 1e300;
    for (int k = 0; k < 5; k++) {
        double t0 = now();
        for (long r = 0; r < reps; r++) fn(arg);
        double t = (now() - t0) / (double)reps;
        if (t < best) best = t;
    }
    return best;
}

typedef struct {
    gsl_matrix *X, *W, *V, *A, *Z, *F, *S, *R, *gV, *gH, *gW, *gA;
} step_mats;

static void one_step(void *arg)
{
    step_mats *m = arg;
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, m->X, m->W, 0.0, m->Z);   /* N x K */
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m->Z, m->V, 0.0, m->F); /* N x T */
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, m->X, m->A, 0.0, m->S);   /* N x T */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, m->Z, m->R, 0.0, m->gV);  /* K x T */
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, m->R, m->V, 0.0, m->gH);  /* N x K */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, m->gH, m->X, 0.0, m->gW); /* K x d */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, m->R, m->X, 0.0, m->gA);  /* T x d */
}

static int problem(const char *name, size_t N, size_t d, size_t K, size_t T)
{
    unsigned st = 12345u;
    step_mats m = {
        randmat(N, d, &st), randmat(K, d, &st), randmat(K, T, &st), randmat(T, d, &st),
        randmat(N, K, &st), randmat(N, T, &st), randmat(N, T, &st), randmat(N, T, &st),
        randmat(K, T, &st), randmat(N, K, &st), randmat(K, d, &st), randmat(T, d, &st),
    };
    double n = (double)N, dd = (double)d, k = (double)K, t = (double)T;
    double gemm = 4 * n * dd * k + 6 * n * k * t + 4 * n * dd * t;
    double params = k * dd + k + k * t + t * dd + t;
    double other = 5 * n * k + 5 * n * t + 4 * (k * dd + k * t) + 12 * params;
    double sec = best_time(one_step, &m);
    double rate = gemm / sec;
    printf("%s\t%s\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", name, threads(), gemm, other, sec,
           rate * 1e-9, (gemm + other) / rate);
    gsl_matrix **all = (gsl_matrix **)&m;
    for (size_t i = 0; i < sizeof m / sizeof m.X; i++) gsl_matrix_free(all[i]);
    return 0;
}

typedef struct {
    gsl_matrix *a, *b, *c;
} sq_mats;

static void sq_step(void *arg)
{
    sq_mats *m = arg;
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m->a, m->b, 0.0, m->c);
}

static int peak(size_t n)
{
    unsigned st = 7u;
    sq_mats m = {randmat(n, n, &st), randmat(n, n, &st), randmat(n, n, &st)};
    double sec = best_time(sq_step, &m);
    double flops = 2.0 * (double)n * (double)n * (double)n;
    printf("peak%zu\t%s\t%.6g\t0\t%.6g\t%.6g\t%.6g\n", n, threads(), flops, sec,
           flops / sec * 1e-9, sec);
    gsl_matrix_free(m.a);
    gsl_matrix_free(m.b);
    gsl_matrix_free(m.c);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: dgemm NAME N d K T [NAME N d K T ...] | dgemm peak SIZE\n");
    return 2;
}

static int size_arg(const char *s, size_t *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1) return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc == 3 && strcmp(argv[1], "peak") == 0) {
        size_t n;
        if (size_arg(argv[2], &n)) return usage();
        return peak(n);
    }
    if (argc < 6 || (argc - 1) % 5 != 0) return usage();
    for (int i = 1; i < argc; i += 5) {
        size_t N, d, K, T;
        if (size_arg(argv[i + 1], &N) || size_arg(argv[i + 2], &d) || size_arg(argv[i + 3], &K) ||
            size_arg(argv[i + 4], &T))
            return usage();
        problem(argv[i], N, d, K, T);
    }
    return 0;
}
