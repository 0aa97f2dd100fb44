/* relu2d: the convex reformulation in the plane (contract in relu2d.h). */
#include "engine/relu2d.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/arrangement.h"
#include "engine/conebar.h"
#include "engine/oracle2d.h"
#include "engine/rangecert.h"

enum { MODE_INTERP, MODE_LASSO, MODE_RANGE };

typedef struct {
    repro_arrangement *arr;
    size_t P, N, M, nc, ns, n, m;
    size_t na;             /* free linear coefficients a: 2 with the skip connection, else 0 */
    size_t *pidx;          /* P used patterns (indices into arr) */
    uint64_t *mask;        /* nc = 2 P (+ 1: the linear block, last, without skip connection) */
    unsigned char *linear; /* nc flags */
    int *stype;
    double *q;
    gsl_matrix *L, *A;
    gsl_vector *c, *b, *x, *y;
    repro_conebar_problem pb;
} build;

static void build_free(build *B)
{
    repro_arrangement_free(B->arr);
    free(B->pidx), free(B->mask), free(B->linear), free(B->stype), free(B->q);
    gsl_matrix_free(B->L), gsl_matrix_free(B->A);
    gsl_vector_free(B->c), gsl_vector_free(B->b), gsl_vector_free(B->x), gsl_vector_free(B->y);
}

static int check_data(const gsl_matrix *X, const gsl_vector *y, const char *fn)
{
    if (!X || !y || X->size2 != 2)
        return repro_err("%s: the inputs must have d = 2, got d = %zu", fn, X ? X->size2 : 0);
    if (X->size1 < 3 || X->size1 > 62)
        return repro_err("%s: need 3 to 62 points, got %zu", fn, X->size1);
    if (y->size != X->size1) return repro_err("%s: %zu labels for %zu points", fn, y->size, X->size1);
    for (size_t i = 0; i < X->size1; i++) {
        if (!isfinite(gsl_matrix_get(X, i, 0)) || !isfinite(gsl_matrix_get(X, i, 1)) ||
            !isfinite(gsl_vector_get(y, i)))
            return repro_err("%s: row %zu is not finite", fn, i + 1);
        for (size_t j = 0; j < i; j++)
            if (gsl_matrix_get(X, i, 0) == gsl_matrix_get(X, j, 0) &&
                gsl_matrix_get(X, i, 1) == gsl_matrix_get(X, j, 1))
                return repro_err("%s: rows %zu and %zu are the same point", fn, j + 1, i + 1);
    }
    return 0;
}

/* The cone program; Z = X or X plus the point z (row N). */
static int build_problem(build *B, const gsl_matrix *X, const gsl_vector *y, const double *z,
                         int mode, int skip, double lambda, double rmax)
{
    memset(B, 0, sizeof *B);
    B->na = skip ? 2 : 0;
    size_t N = X->size1, M = N + (z != NULL);
    gsl_matrix *Z = gsl_matrix_alloc(M, 2);
    if (!Z) return repro_err("relu2d: out of memory");
    for (size_t i = 0; i < N; i++)
        gsl_matrix_set(Z, i, 0, gsl_matrix_get(X, i, 0)), gsl_matrix_set(Z, i, 1, gsl_matrix_get(X, i, 1));
    if (z) gsl_matrix_set(Z, N, 0, z[0]), gsl_matrix_set(Z, N, 1, z[1]);
    B->arr = repro_arrangement_2d(Z);
    gsl_matrix_free(Z);
    if (!B->arr) return -1;
    uint64_t full = M == 64 ? ~(uint64_t)0 : ((uint64_t)1 << M) - 1;
    B->N = N, B->M = M;
    B->pidx = malloc(B->arr->P * sizeof *B->pidx);
    if (!B->pidx) return repro_err("relu2d: out of memory");
    /* The empty pattern adds nothing; the full one adds a linear function on the points, which is
     * the skip connection's a.x (free) or, without it, one linear block: a cone (w, t) whose w.x
     * enters the fit on every point (b is absorbed by c), at cost t >= ||w||. */
    for (size_t p = 0; p < B->arr->P; p++)
        if (B->arr->mask[p] != 0 && B->arr->mask[p] != full) B->pidx[B->P++] = p;
    B->nc = 2 * B->P + !skip;
    B->ns = B->na + 1 + (mode == MODE_LASSO ? N : 0) + (mode == MODE_RANGE);
    B->n = 4 * B->nc + B->ns;
    B->m = N + (mode == MODE_RANGE);
    B->mask = malloc(B->nc * sizeof *B->mask), B->stype = calloc(B->ns, sizeof *B->stype);
    B->linear = calloc(B->nc, 1);
    B->q = calloc(B->ns, sizeof *B->q);
    B->L = gsl_matrix_alloc(M, 3), B->A = gsl_matrix_calloc(B->m, B->n);
    B->c = gsl_vector_calloc(B->n), B->b = gsl_vector_alloc(B->m), B->x = gsl_vector_calloc(B->n);
    B->y = gsl_vector_calloc(B->m);
    if (!B->mask || !B->linear || !B->stype || !B->q || !B->L || !B->A || !B->c || !B->b || !B->x || !B->y)
        return repro_err("relu2d: out of memory");
    for (size_t r = 0; r < M; r++) {
        gsl_matrix_set(B->L, r, 0, r < N ? gsl_matrix_get(X, r, 0) : z[0]);
        gsl_matrix_set(B->L, r, 1, r < N ? gsl_matrix_get(X, r, 1) : z[1]);
        gsl_matrix_set(B->L, r, 2, 1);
    }
    size_t s0 = 4 * B->nc, sc = s0 + B->na, sx = sc + 1; /* [a1, a2], c, then [r_1..r_N] or [sigma] */
    double alpha = mode == MODE_RANGE ? rmax / (8.0 * (double)B->P) : 1;
    for (size_t j = 0; j < B->nc; j++) {
        int lin = j == 2 * B->P; /* the linear block */
        size_t p = lin ? 0 : B->pidx[j / 2];
        double s = j % 2 ? -1 : 1;
        B->mask[j] = lin ? full : B->arr->mask[p];
        B->linear[j] = (unsigned char)lin;
        for (int a = 0; a < 3; a++) gsl_vector_set(B->x, 4 * j + a, lin ? 0 : alpha * B->arr->u[3 * p + a]);
        gsl_vector_set(B->x, 4 * j + 3, 2 * alpha);
        for (size_t i = 0; i < N; i++) {
            if (!((B->mask[j] >> i) & 1)) continue;
            for (int a = 0; a < (lin ? 2 : 3); a++) gsl_matrix_set(B->A, i, 4 * j + a, s * gsl_matrix_get(B->L, i, a));
        }
        if (mode == MODE_INTERP) gsl_vector_set(B->c, 4 * j + 3, 1);
        if (mode == MODE_LASSO) gsl_vector_set(B->c, 4 * j + 3, lambda);
        if (mode == MODE_RANGE) {
            gsl_matrix_set(B->A, N, 4 * j + 3, 1);
            if ((B->mask[j] >> N) & 1)
                for (int a = 0; a < (lin ? 2 : 3); a++) gsl_vector_set(B->c, 4 * j + a, s * gsl_matrix_get(B->L, N, a));
        }
    }
    for (size_t k = 0; k <= B->na; k++) B->stype[k] = REPRO_CB_FREE;
    for (size_t i = 0; i < N; i++) {
        for (size_t a = 0; a < B->na; a++) gsl_matrix_set(B->A, i, s0 + a, gsl_matrix_get(X, i, a));
        gsl_matrix_set(B->A, i, sc, 1);
        gsl_vector_set(B->b, i, gsl_vector_get(y, i));
        if (mode == MODE_LASSO) {
            B->stype[B->na + 1 + i] = REPRO_CB_QUAD;
            B->q[B->na + 1 + i] = 2.0 / (double)N;
            gsl_matrix_set(B->A, i, sx + i, -1);
        }
    }
    if (mode == MODE_RANGE) {
        B->stype[B->na + 1] = REPRO_CB_POS;
        gsl_vector_set(B->x, sx, rmax / 2);
        gsl_matrix_set(B->A, N, sx, 1);
        gsl_vector_set(B->b, N, rmax);
        for (size_t a = 0; a < B->na; a++) gsl_vector_set(B->c, s0 + a, z[a]);
        gsl_vector_set(B->c, sc, 1);
    }
    B->pb = (repro_conebar_problem){B->nc, B->ns, B->L, B->mask, B->linear, B->stype, B->q, B->c, B->A, B->b};
    return 0;
}

/* The cone program by the primal-dual method (conebar.h) from X0 (strictly inside the cones, far
 * from them: the primal-dual method wants a well-centred start, not a nearly optimal one with
 * its unused blocks at 1e-9 of the cones' apex), or, when that stops short of its tolerances, by
 * the barrier method from B->x. */
static int solve_cone(build *B, const gsl_vector *x0, const repro_conebar_opts *o,
                      repro_conebar_report *rep, int *fallback)
{
    *fallback = 0;
    gsl_vector *xw = gsl_vector_alloc(B->n), *xs = gsl_vector_alloc(B->n);
    if (!xw || !xs) {
        gsl_vector_free(xw), gsl_vector_free(xs);
        return repro_err("relu2d: out of memory");
    }
    gsl_vector_memcpy(xw, B->x); /* the barrier's start */
    gsl_vector_memcpy(xs, x0);   /* (x0 may be B->x) */
    repro_conebar_opts po = *o;
    po.max_newton = o->max_newton < 200 ? o->max_newton : 200;
    int st = 1;
    for (int attempt = 0; attempt < 2 && st != 0; attempt++) {
        /* the second time with larger starting duals: slower, but it converges where the first
         * start's steps stay ~1e-6 short (one of test_convex's twelve random datasets) */
        po.mu0 = attempt ? 100 : 1;
        gsl_vector_memcpy(B->x, xs);
        st = repro_conebar_solve_pd(&B->pb, &po, B->x, B->y, rep);
    }
    if (st != 0) {
        *fallback = 1;
        gsl_vector_memcpy(B->x, xw);
        st = repro_conebar_solve(&B->pb, o, B->x, B->y, rep);
    }
    gsl_vector_free(xw), gsl_vector_free(xs);
    return st;
}

/* The network of the cone program's solution x.  The linear block (w, t) becomes the neuron
 * (w, -min_i w.x_i), active on every data point, and c takes the bias back. */
static repro_net *recover(const build *B, const gsl_matrix *X)
{
    const double *x = B->x->data;
    double wmax = 0;
    for (size_t j = 0; j < B->nc; j++) wmax = fmax(wmax, hypot(x[4 * j], x[4 * j + 1]));
    size_t K = 0;
    for (size_t j = 0; j < B->nc; j++) K += hypot(x[4 * j], x[4 * j + 1]) > 1e-13 * wmax;
    repro_net *net = repro_net_zeros(2, 1, K ? K : 1, B->na > 0);
    if (!net) return NULL;
    for (size_t j = 0, k = 0; j < B->nc; j++) {
        double nw = hypot(x[4 * j], x[4 * j + 1]);
        if (!(nw > 1e-13 * wmax)) continue;
        gsl_matrix_set(&net->W.matrix, k, 0, x[4 * j] / nw);
        gsl_matrix_set(&net->W.matrix, k, 1, x[4 * j + 1] / nw);
        double b = x[4 * j + 2], v = j % 2 ? -nw : nw, lin = 0;
        if (B->linear[j]) {
            double mn = INFINITY;
            for (size_t i = 0; i < X->size1; i++)
                mn = fmin(mn, x[4 * j] * gsl_matrix_get(X, i, 0) + x[4 * j + 1] * gsl_matrix_get(X, i, 1));
            b = -mn, lin = -mn; /* f gains v/nw (w.x - mn): c pays back -mn */
            v = nw;
        }
        gsl_vector_set(&net->b.vector, k, b / nw);
        gsl_matrix_set(&net->V.matrix, k, 0, v);
        *gsl_vector_ptr(&net->c.vector, 0) -= lin;
        k++;
    }
    size_t s0 = 4 * B->nc;
    for (size_t a = 0; a < B->na; a++) gsl_matrix_set(&net->A.matrix, 0, a, x[s0 + a]);
    *gsl_vector_ptr(&net->c.vector, 0) += x[s0 + B->na];
    return net;
}

int repro_relu2d_solve(const gsl_matrix *X, const gsl_vector *y, double lambda, int skip,
                       double tol, size_t max_newton, repro_net **netp, repro_relu2d_sol **solp,
                       repro_relu2d_report *rep)
{
    if (solp) *solp = NULL;
    if (check_data(X, y, "relu2d")) return -1;
    if (!(lambda >= 0) || !isfinite(lambda))
        return repro_err("relu2d: lambda must be finite and >= 0, got %g", lambda);
    if (!(tol > 0) || !(tol < 1)) return repro_err("relu2d: tol must be in (0, 1), got %g", tol);
    size_t N = X->size1;
    build B;
    int mode = lambda > 0 ? MODE_LASSO : MODE_INTERP;
    if (build_problem(&B, X, y, NULL, mode, skip, lambda, 0)) {
        build_free(&B);
        return -1;
    }
    double ys = 0, ym = 0;
    for (size_t i = 0; i < N; i++) ym += gsl_vector_get(y, i) / (double)N;
    for (size_t i = 0; i < N; i++) ys = fmax(ys, fabs(gsl_vector_get(y, i) - ym));
    /* the optimum's scale: about ys (interpolation: R* ~ ys / spread), at most ys^2 and about
     * lambda ys (lasso) */
    double scale = mode == MODE_LASSO ? fmax(fmin(ys * ys, lambda * ys), 1e-300) : fmax(ys, 1e-300);
    gsl_vector *yc = gsl_vector_alloc(B.m); /* the last converged centring's multipliers */
    if (!yc) {
        build_free(&B);
        return repro_err("relu2d: out of memory");
    }
    repro_conebar_opts o = {1e-2 * tol * scale, max_newton, yc, 0};
    repro_conebar_report cr;
    int fb;
    int st = solve_cone(&B, B.x, &o, &cr, &fb);
    if (st < 0) {
        gsl_vector_free(yc);
        build_free(&B);
        return -1;
    }
    repro_relu2d_report r = {.patterns = B.arr->P, .newton = cr.newton, .barrier = cr.bound,
                             .fallback = fb};
    repro_net *net = recover(&B, X);
    gsl_matrix *Y = gsl_matrix_alloc(N, 1), *F = gsl_matrix_alloc(N, 1), *Th = gsl_matrix_alloc(N, 1);
    if (!net || !Y || !F || !Th) {
        repro_net_free(net), gsl_matrix_free(Y), gsl_matrix_free(F), gsl_matrix_free(Th);
        gsl_vector_free(yc);
        build_free(&B);
        return repro_err("relu2d: out of memory");
    }
    for (size_t i = 0; i < N; i++) gsl_matrix_set(Y, i, 0, gsl_vector_get(y, i));
    double mse, pen;
    r.objective = repro_net_objective(net, REPRO_OBJ_GROUP, X, Y, mode == MODE_LASSO ? lambda : 1,
                                      &mse, &pen);
    if (mode == MODE_INTERP) r.objective = pen;
    repro_net_eval(net, X, F);
    for (size_t i = 0; i < N; i++) {
        double e = gsl_matrix_get(Y, i, 0) - gsl_matrix_get(F, i, 0);
        r.interp = fmax(r.interp, fabs(e));
        gsl_matrix_set(Th, i, 0, mode == MODE_LASSO ? 2 * e / (double)N : gsl_vector_get(B.y, i));
    }
    int rc = repro_dual2d(X, Y, Th, skip, mode == MODE_LASSO ? lambda : 0, &r.dual, NULL);
    if (!rc && mode == MODE_INTERP) { /* any dual point gives a bound: the best of the two */
        double d2;
        for (size_t i = 0; i < N; i++) gsl_matrix_set(Th, i, 0, gsl_vector_get(yc, i));
        rc = repro_dual2d(X, Y, Th, skip, 0, &d2, NULL);
        r.dual = fmax(r.dual, d2);
    }
    gsl_matrix_free(Y), gsl_matrix_free(F), gsl_matrix_free(Th), gsl_vector_free(yc);
    repro_relu2d_sol *sol = NULL;
    if (!rc && solp && mode == MODE_INTERP) {
        /* one block: the struct, its nc masks, its n values (8-byte aligned after the struct) */
        sol = malloc(sizeof *sol + B.nc * sizeof *sol->mask + B.n * sizeof *sol->x);
        if (!sol) {
            rc = repro_err("relu2d: out of memory");
        } else {
            *sol = (repro_relu2d_sol){.N = N, .nc = B.nc, .skip = skip, .mask = (uint64_t *)(sol + 1),
                                      .cost = r.objective};
            sol->x = (double *)(sol->mask + B.nc);
            memcpy(sol->mask, B.mask, B.nc * sizeof *sol->mask);
            memcpy(sol->x, B.x->data, B.n * sizeof *sol->x);
        }
    }
    build_free(&B);
    if (rc) {
        repro_net_free(net);
        return -1;
    }
    r.gap = r.objective - r.dual;
    int status = 0;
    if (st == 1) status = 1, r.reason = "iteration budget exhausted before the barrier bound";
    /* relative to the objective, or to the labels' spread when the optimum is (near) 0 */
    else if (!(r.gap <= tol * fmax(r.objective, scale))) status = 1, r.reason = "certified gap above tol";
    if (rep) *rep = r;
    if (netp) *netp = net;
    else repro_net_free(net);
    if (solp) *solp = sol;
    return status;
}

int repro_relu2d_range(const gsl_matrix *X, const gsl_vector *y, const repro_relu2d_sol *sol,
                       double slack, const double z[2], double gap_abs, size_t max_newton,
                       double *lo, double *hi, double *resid, double *cert, size_t *newton)
{
    if (newton) *newton = 0;
    if (resid) *resid = 0;
    if (cert) cert[0] = -INFINITY, cert[1] = INFINITY;
    if (check_data(X, y, "relu2d_range")) return -1;
    if (!sol || sol->N != X->size1) return repro_err("relu2d_range: no solution of these data");
    if (!isfinite(z[0]) || !isfinite(z[1])) return repro_err("relu2d_range: z must be finite");
    if (!(slack > 0) || !(slack < 1)) return repro_err("relu2d_range: slack must be in (0, 1)");
    for (size_t i = 0; i < X->size1; i++)
        if (gsl_matrix_get(X, i, 0) == z[0] && gsl_matrix_get(X, i, 1) == z[1]) {
            *lo = *hi = gsl_vector_get(y, i);
            if (cert) cert[0] = cert[1] = *lo;
            return 0;
        }
    double tsum = 0;
    for (size_t j = 0; j < sol->nc; j++) tsum += sol->x[4 * j + 3];
    double rmax = sol->cost * (1 + slack);
    if (!(rmax > tsum)) return repro_err("relu2d_range: the solution is not strictly inside the budget");
    int status = 0;
    for (int side = 0; side < 2; side++) {
        build B;
        if (build_problem(&B, X, y, z, MODE_RANGE, sol->skip, 0, rmax)) {
            build_free(&B);
            return -1;
        }
        gsl_vector *xc = gsl_vector_alloc(B.n); /* build_problem's start, for the primal-dual method */
        if (!xc) {
            build_free(&B);
            return repro_err("relu2d_range: out of memory");
        }
        gsl_vector_memcpy(xc, B.x);
        /* warm start: each block of the solution lands in the z-pattern containing it; the
         * other blocks get equal tiny neurons for u+ and u- (they cancel in f) */
        size_t N = X->size1, s0 = 4 * B.nc;
        double sigma = rmax - tsum, delta = sigma / (8.0 * (double)B.nc);
        for (size_t j = 0; j < B.nc; j++) { /* (the linear block is the solution's, below) */
            for (int a = 0; a < 3; a++)
                gsl_vector_set(B.x, 4 * j + a, B.linear[j] ? 0 : delta * B.arr->u[3 * B.pidx[j / 2] + a]);
            gsl_vector_set(B.x, 4 * j + 3, 2 * delta);
        }
        sigma -= 2 * delta * (double)B.nc;
        for (size_t j = 0; j < sol->nc; j++) {
            const double *u = sol->x + 4 * j;
            if (!sol->skip && j == sol->nc - 1) { /* the linear block: the same one */
                for (int a = 0; a < 4; a++) gsl_vector_set(B.x, 4 * (B.nc - 1) + a, u[a]);
                sigma += 2 * delta;
                continue;
            }
            double sz = z[0] * u[0] + z[1] * u[1] + u[2];
            uint64_t mz = sol->mask[j] | (sz > 0 ? (uint64_t)1 << N : 0);
            size_t k = 0;
            while (k < B.nc && B.mask[k] != mz) k += 2;
            if (k >= B.nc || sz == 0) continue; /* cannot happen for a strictly interior u */
            k += j % 2;
            for (int a = 0; a < 4; a++) gsl_vector_set(B.x, 4 * k + a, u[a]);
            sigma += 2 * delta;
        }
        for (size_t a = 0; a <= B.na; a++) gsl_vector_set(B.x, s0 + a, sol->x[4 * sol->nc + a]);
        gsl_vector_set(B.x, s0 + B.na + 1, sigma);
        if (side == 1) gsl_vector_scale(B.c, -1);
        repro_conebar_opts o = {gap_abs, max_newton, NULL, 0};
        repro_conebar_report cr = {0};
        int fb;
        int st = solve_cone(&B, xc, &o, &cr, &fb);
        gsl_vector_free(xc);
        if (newton) *newton += cr.newton;
        if (resid) *resid = fmax(*resid, cr.feas);
        double val = 0;
        for (size_t k = 0; k < B.n; k++) val += gsl_vector_get(B.c, k) * gsl_vector_get(B.x, k);
        if (st >= 0 && cert) {
            /* the certificate's first cuts: the neurons of the program's solution */
            const double *xs = B.x->data;
            double tmax = 0, *nr = malloc(4 * B.nc * sizeof *nr);
            size_t nn = 0;
            for (size_t j = 0; j < B.nc; j++) tmax = fmax(tmax, xs[4 * j + 3]);
            for (size_t j = 0; nr && j < B.nc; j++) {
                double nw = hypot(xs[4 * j], xs[4 * j + 1]);
                if (!(xs[4 * j + 3] > 1e-6 * tmax && nw > 0)) continue;
                nr[4 * nn] = xs[4 * j] / nw, nr[4 * nn + 1] = xs[4 * j + 1] / nw;
                nr[4 * nn + 2] = B.linear[j] ? 0 : xs[4 * j + 2] / nw, nr[4 * nn + 3] = B.linear[j];
                nn++;
            }
            double bnd;
            int cs = nr ? repro_rangecert(X, y, z, sol->skip, rmax, side, B.y->data, nr, nn, 1e-8, 300, &bnd, NULL)
                        : repro_err("relu2d_range: out of memory");
            free(nr);
            if (cs < 0) {
                build_free(&B);
                return -1;
            }
            cert[side] = bnd;
        }
        build_free(&B);
        if (st < 0) return -1;
        if (st > status) status = st;
        if (side == 0) *lo = val;
        else *hi = -val;
    }
    return status;
}

void repro_relu2d_sol_free(repro_relu2d_sol *sol) { free(sol); /* one block */ }
