/* problem.h: what bench/step.c and bench/ab.c share: thread CPU time, and a bench problem of
 * DIR/problems.tsv (written by bench/problems.lua: name file d T K lambda) loaded as its dataset
 * and its network, repro_net_alloc(d, T, K, skip = 1, seed 1), as bench/train.lua builds it.
 * Header-only (static functions), so that bench/ab.c can be linked against an older engine. */
#ifndef BENCH_PROBLEM_H
#define BENCH_PROBLEM_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/dataset.h"
#include "engine/net.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    char name[256];
    double lambda;
    repro_dataset *ds;
    repro_net *net;
} bench_problem;

/* Problem NAME of DIR: 0, or -1 with a message on stderr prefixed by WHO. */
static int bench_problem_load(bench_problem *p, const char *dir, const char *name, const char *who)
{
    char path[4096], line[1024], file[512] = "", csv[4600];
    size_t d = 0, T = 0, K = 0;
    int found = 0;
    memset(p, 0, sizeof *p);
    snprintf(path, sizeof path, "%s/problems.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s\n", who, path);
        return -1;
    }
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "%255s %511s %zu %zu %zu %lf", p->name, file, &d, &T, &K,
                       &p->lambda) == 6 &&
                strcmp(p->name, name) == 0;
    fclose(f);
    if (!found) {
        fprintf(stderr, "%s: no problem %s in %s\n", who, name, path);
        return -1;
    }
    snprintf(csv, sizeof csv, "%s/%s", dir, file);
    p->ds = repro_dataset_load_csv(csv, NULL, 0, NULL, 0);
    p->net = p->ds ? repro_net_alloc(d, T, K, 1, 1) : NULL;
    if (!p->net) {
        fprintf(stderr, "%s: cannot load %s\n", who, csv);
        repro_dataset_free(p->ds);
        return -1;
    }
    return 0;
}

static void bench_problem_free(bench_problem *p)
{
    repro_net_free(p->net);
    repro_dataset_free(p->ds);
}

#endif
