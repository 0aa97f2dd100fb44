/* ab: one side of `make bench BENCH=ab` (bench/ab.sh): the engine's Adam step on the bench
 * problems, linked once against this working tree's engine objects and once against those of
 * the revision BASE, so that the two are timed alternately in the same minutes and their results
 * compared bit for bit.  Only the engine's public step API is used (step.h), so that BASE may be
 * any revision that has it.
 *
 *   ab DIR STEPS WARM NAME [NAME ...]
 *
 * DIR/problems.tsv and its CSV files come from bench/problems.lua (bench/problem.h loads them);
 * each network is trained at a constant rate 1e-2 on the path
 * repro_step_choose picks (REPRO_STEP forces one), subnormals flushed as the engine's main does.
 * Per problem, one tab-separated line:
 *   NAME first after f hash
 * first: CPU seconds per step of the first STEPS steps from the initial point; after: of STEPS
 * steps once the run is WARM steps in (0: not measured); f: the objective after WARM + STEPS
 * steps (or STEPS), as a C99 hexadecimal float; hash: FNV-1a of the parameters' bytes then. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_vector.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/blascore.h"
#include "engine/optim.h"
#include "engine/step.h"
#include "problem.h"

/* CPU seconds per step of STEPS steps (a failed step, rolled back, counts as a step). */
static double run(repro_step *s, size_t steps)
{
    double t0 = cpu_now();
    for (size_t k = 0; k < steps; k++) repro_step_iterate(s);
    return steps ? (cpu_now() - t0) / (double)steps : 0;
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211u;
    return h;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: ab DIR STEPS WARM NAME [NAME ...]\n");
        return 2;
    }
    gsl_set_error_handler_off();
    repro_flush_subnormals();
    const char *dir = argv[1];
    size_t steps = (size_t)atol(argv[2]), warm = (size_t)atol(argv[3]);
    for (int a = 4; a < argc; a++) {
        bench_problem pb;
        if (bench_problem_load(&pb, dir, argv[a], "ab") != 0) return 1;
        const repro_net *net = pb.net;
        repro_step_path path;
        if (repro_step_choose(pb.ds->N, &path) != 0 || path == REPRO_STEP_BLAS) {
            fprintf(stderr, "ab: %s: no fused path for it\n", argv[a]);
            return 1;
        }
        repro_optim_params p;
        repro_optim_params_default(&p);
        p.lr = 1e-2;
        repro_step *s = repro_step_alloc(net, pb.ds->X, pb.ds->Y, pb.lambda, &p, path);
        if (!s || repro_step_set(s, net->theta) != 0) {
            fprintf(stderr, "ab: %s: the step could not start\n", argv[a]);
            return 1;
        }
        double first = run(s, steps), after = 0;
        if (warm > steps) {
            run(s, warm - steps);
            after = run(s, steps);
        }
        gsl_vector *theta = gsl_vector_alloc(net->P);
        repro_step_x(s, theta);
        printf("%s\t%.6g\t%.6g\t%a\t%016llx\n", argv[a], first, after, repro_step_f(s),
               (unsigned long long)fnv1a(theta->data, net->P * sizeof(double)));
        fflush(stdout);
        gsl_vector_free(theta);
        repro_step_free(s);
        bench_problem_free(&pb);
    }
    return 0;
}
