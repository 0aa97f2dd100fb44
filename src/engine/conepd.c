/* conepd: the primal-dual interior-point method for conebar.h's cone programs (contract there).
 *
 * The cones of a problem, as the method sees them: the slack s = G x of x, where G takes each
 * pattern row r of block j to s_r = sgn_r L_r . (w1, w2, b) (a nonnegative scalar), each block to
 * (t, w1, w2) (a second-order cone: t >= ||(w1, w2)||) and each POS scalar to itself.  z (the
 * duals, in the same self-dual cones) is stored in that order: block j's rows, its cone, then
 * the POS scalars.  The KKT conditions: c + P x + A^T y - G^T z = 0, A x = b, s o z = 0 (P: the
 * QUAD scalars' q, and 1 on the b of a linear block, which pins it at 0).  Each iteration is
 * Mehrotra's predictor-corrector with Nesterov-Todd scaling W (W z = W^-1 s = lambda), as in
 * Vandenberghe's "The CVXOPT linear and quadratic cone program solvers" (2010); its Newton
 * system has conebar's shape (conebar_work.h) with H = P + G^T W^-2 G, so the same reduced
 * solve serves both methods.  s is kept equal to G x (the start is strictly inside the cones and
 * every step stays inside), so only A x = b and the dual equation start infeasible. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/conebar.h"
#include "engine/conebar_work.h"

typedef struct {
    cb_work w;
    size_t nz, ncone;      /* entries of s and z; cones (LP rows and POS scalars count one each) */
    size_t *zoff;          /* nc + 1: where block j's entries start (its rows, then its cone) */
    size_t *zpos;          /* ns: the entry of a POS scalar (others unused) */
    double *s, *z, *ds, *dz, *lam, *q, *t1, *t2; /* nz each; t1: scalar entries' W */
    double *beta, *v;      /* per block: the cone's NT scaling W = beta (2 v v^T - J), v: 3 */
    double *H0;            /* 16 nc: H before the factorisation (the refinement's products) */
    double *hs0;           /* ns */
    double *gp, *gq, *dxs; /* n: the dual residual, the direction's gradient, its solution */
    double *y, *rpx, *r2, *nus; /* m: multipliers, A x - b, refinement's right-hand side, solution */
    double *xbest, *ybest;      /* n, m: the best iterate so far */
} pd;

static void pd_free(pd *p)
{
    cb_work_free(&p->w);
    free(p->zoff), free(p->zpos), free(p->s), free(p->z), free(p->ds), free(p->dz), free(p->lam);
    free(p->q), free(p->t1), free(p->t2), free(p->beta), free(p->v), free(p->H0), free(p->hs0);
    free(p->gp), free(p->gq), free(p->dxs), free(p->y), free(p->rpx), free(p->r2), free(p->nus);
    free(p->xbest), free(p->ybest);
}

/* s = G x (or ds = G dx). */
static void slack(const pd *p, const double *x, double *s)
{
    const repro_conebar_problem *pb = p->w.pb;
    for (size_t j = 0; j < pb->nc; j++) {
        const double *u = x + 4 * j;
        double *sj = s + p->zoff[j];
        size_t R = cb_rows(&p->w, j);
        for (size_t r = 0; r < R; r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            sj[r] = cb_sgn(pb->mask[j], r) * (L[0] * u[0] + L[1] * u[1] + L[2] * u[2]);
        }
        sj[R] = u[3], sj[R + 1] = u[0], sj[R + 2] = u[1];
    }
    for (size_t i = 0; i < pb->ns; i++)
        if (pb->stype[i] == REPRO_CB_POS) s[p->zpos[i]] = x[4 * pb->nc + i];
}

/* g -= G^T v */
static void sub_GT(const pd *p, const double *v, double *g)
{
    const repro_conebar_problem *pb = p->w.pb;
    for (size_t j = 0; j < pb->nc; j++) {
        const double *vj = v + p->zoff[j];
        double *gj = g + 4 * j;
        size_t R = cb_rows(&p->w, j);
        for (size_t r = 0; r < R; r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            double a = cb_sgn(pb->mask[j], r) * vj[r];
            gj[0] -= a * L[0], gj[1] -= a * L[1], gj[2] -= a * L[2];
        }
        gj[3] -= vj[R], gj[0] -= vj[R + 1], gj[1] -= vj[R + 2];
    }
    for (size_t i = 0; i < pb->ns; i++)
        if (pb->stype[i] == REPRO_CB_POS) g[4 * pb->nc + i] -= v[p->zpos[i]];
}

/* Run the statement (the variadic part) once per cone, with k its first entry in s and z, dim
 * its dimension (1: a pattern row or a POS scalar, 3: a block's second-order cone) and blk its
 * block ((size_t)-1 for a scalar). */
#define FOR_CONES(p, k, dim, blk, ...)                                                             \
    do {                                                                                           \
        for (size_t blk = 0; blk < (p)->w.pb->nc; blk++) {                                         \
            size_t R_ = cb_rows(&(p)->w, blk);                                                     \
            for (size_t r_ = 0; r_ <= R_; r_++) {                                                  \
                size_t k = (p)->zoff[blk] + r_, dim = r_ < R_ ? 1 : 3;                             \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        }                                                                                          \
        for (size_t i_ = 0; i_ < (p)->w.pb->ns; i_++) {                                            \
            if ((p)->w.pb->stype[i_] != REPRO_CB_POS) continue;                                    \
            size_t k = (p)->zpos[i_], dim = 1, blk = (size_t)-1;                                   \
            (void)blk;                                                                             \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    } while (0)

/* The largest a (<= 1e300) with x + a d in the closed cone of dimension DIM at x. */
static double cone_step(const double *x, const double *d, size_t dim)
{
    if (dim == 1) return d[0] < 0 ? -x[0] / d[0] : 1e300;
    return cb_soc_step(x, d);
}

static double max_step(const pd *p, const double *x, const double *d)
{
    double a = 1e300;
    FOR_CONES(p, k, dim, blk, { a = fmin(a, cone_step(x + k, d + k, dim)); });
    return a;
}

/* Jordan product u o v of one cone, into out (may not alias). */
static void jprod(const double *u, const double *v, double *out, size_t dim)
{
    if (dim == 1) {
        out[0] = u[0] * v[0];
        return;
    }
    out[0] = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    out[1] = u[0] * v[1] + v[0] * u[1];
    out[2] = u[0] * v[2] + v[0] * u[2];
}

/* The u with l o u = r (l inside the cone), into out. */
static void jdiv(const double *l, const double *r, double *out, size_t dim)
{
    if (dim == 1) {
        out[0] = r[0] / l[0];
        return;
    }
    double det = l[0] * l[0] - l[1] * l[1] - l[2] * l[2];
    double u0 = (l[0] * r[0] - l[1] * r[1] - l[2] * r[2]) / det;
    out[0] = u0;
    out[1] = (r[1] - u0 * l[1]) / l[0];
    out[2] = (r[2] - u0 * l[2]) / l[0];
}

/* NT scaling of every cone at (s, z): a scalar entry's W = sqrt(s / z) into t1, a cone's beta and
 * v; lambda = W z. */
static void scaling(pd *p)
{
    FOR_CONES(p, k, dim, blk, {
        const double *s = p->s + k, *z = p->z + k;
        if (dim == 1) {
            p->t1[k] = sqrt(s[0] / z[0]);
            p->lam[k] = sqrt(s[0] * z[0]);
        } else {
            double sn = sqrt((s[0] - hypot(s[1], s[2])) * (s[0] + hypot(s[1], s[2])));
            double zn = sqrt((z[0] - hypot(z[1], z[2])) * (z[0] + hypot(z[1], z[2])));
            double sb[3] = {s[0] / sn, s[1] / sn, s[2] / sn}, zb[3] = {z[0] / zn, z[1] / zn, z[2] / zn};
            double gam = sqrt((1 + sb[0] * zb[0] + sb[1] * zb[1] + sb[2] * zb[2]) / 2);
            /* the scaling point wb = (sb + J zb) / (2 gamma), v = (wb + e) / sqrt(2 (wb_0 + 1)) */
            double wb[3] = {(sb[0] + zb[0]) / (2 * gam), (sb[1] - zb[1]) / (2 * gam),
                            (sb[2] - zb[2]) / (2 * gam)};
            double nv = sqrt(2 * (wb[0] + 1)), *v = p->v + 3 * blk;
            v[0] = (wb[0] + 1) / nv, v[1] = wb[1] / nv, v[2] = wb[2] / nv;
            p->beta[blk] = sqrt(sn / zn);
            /* lambda = W z = beta (2 v (v^T z) - J z) */
            double vz = v[0] * z[0] + v[1] * z[1] + v[2] * z[2], b = p->beta[blk];
            p->lam[k] = b * (2 * v[0] * vz - z[0]);
            p->lam[k + 1] = b * (2 * v[1] * vz + z[1]);
            p->lam[k + 2] = b * (2 * v[2] * vz + z[2]);
        }
    });
}

/* out = W^-1 u (inv = 1) or W u (inv = 0), cone by cone. */
static void wapply(const pd *p, const double *u, double *out, int inv)
{
    FOR_CONES(p, k, dim, blk, {
        if (dim == 1) {
            out[k] = inv ? u[k] / p->t1[k] : u[k] * p->t1[k];
        } else {
            const double *v = p->v + 3 * blk;
            const double *uk = u + k;
            double b = inv ? 1 / p->beta[blk] : p->beta[blk];
            if (inv) { /* W^-1 = (2 J v v^T J - J) / beta */
                double jv[3] = {v[0], -v[1], -v[2]};
                double t = jv[0] * uk[0] + jv[1] * uk[1] + jv[2] * uk[2];
                out[k] = b * (2 * jv[0] * t - uk[0]);
                out[k + 1] = b * (2 * jv[1] * t + uk[1]);
                out[k + 2] = b * (2 * jv[2] * t + uk[2]);
            } else {
                double t = v[0] * uk[0] + v[1] * uk[1] + v[2] * uk[2];
                out[k] = b * (2 * v[0] * t - uk[0]);
                out[k + 1] = b * (2 * v[1] * t + uk[1]);
                out[k + 2] = b * (2 * v[2] * t + uk[2]);
            }
        }
    });
}

/* H = P + G^T W^-2 G into w.H (4 x 4 per block) and w.hs (scalars). */
static void hessian(pd *p)
{
    const repro_conebar_problem *pb = p->w.pb;
    for (size_t j = 0; j < pb->nc; j++) {
        double *H = p->w.H + 16 * j;
        memset(H, 0, 16 * sizeof *H);
        size_t R = cb_rows(&p->w, j), k0 = p->zoff[j];
        if (R == 0) H[10] = 1; /* b of a linear block: pinned at 0 */
        for (size_t r = 0; r < R; r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            double h = p->z[k0 + r] / p->s[k0 + r];
            for (int a = 0; a < 3; a++)
                for (int c = 0; c < 3; c++) H[4 * a + c] += h * L[a] * L[c];
        }
        /* W^-2 = W^-1 W^-1 on (t, w1, w2) = u[3], u[0], u[1] */
        static const int map[3] = {3, 0, 1};
        const double *v = p->v + 3 * j;
        double jv[3] = {v[0], -v[1], -v[2]}, Wi[3][3], ib = 1 / p->beta[j];
        for (int a = 0; a < 3; a++)
            for (int c = 0; c < 3; c++)
                Wi[a][c] = ib * (2 * jv[a] * jv[c] - (a == c ? (a == 0 ? 1 : -1) : 0));
        for (int a = 0; a < 3; a++)
            for (int c = 0; c < 3; c++) {
                double s = 0;
                for (int e = 0; e < 3; e++) s += Wi[a][e] * Wi[e][c];
                H[4 * map[a] + map[c]] += s;
            }
    }
    for (size_t i = 0; i < pb->ns; i++) {
        if (pb->stype[i] == REPRO_CB_POS) p->w.hs[i] = p->z[p->zpos[i]] / p->s[p->zpos[i]];
        else if (pb->stype[i] == REPRO_CB_QUAD) p->w.hs[i] = pb->q[i];
        else p->w.hs[i] = 0;
    }
}

/* c + P x (P: QUAD scalars' q; the linear blocks' b) into g. */
static void objgrad(const pd *p, const double *x, double *g)
{
    const repro_conebar_problem *pb = p->w.pb;
    for (size_t k = 0; k < p->w.n; k++) g[k] = gsl_vector_get(pb->c, k);
    for (size_t j = 0; j < pb->nc; j++)
        if (cb_rows(&p->w, j) == 0) g[4 * j + 2] += x[4 * j + 2];
    for (size_t i = 0; i < pb->ns; i++)
        if (pb->stype[i] == REPRO_CB_QUAD) g[4 * pb->nc + i] += pb->q[i] * x[4 * pb->nc + i];
}

/* r = H0 d + A^T nu + g (H0: the unfactored H, p->H0 and p->hs0). */
static void kkt_res(const pd *p, const double *d, const double *nu, const double *g, double *r)
{
    const repro_conebar_problem *pb = p->w.pb;
    for (size_t k = 0; k < p->w.n; k++) r[k] = g[k];
    for (size_t j = 0; j < pb->nc; j++)
        for (int a = 0; a < 4; a++)
            for (int c = 0; c < 4; c++) r[4 * j + a] += p->H0[16 * j + 4 * a + c] * d[4 * j + c];
    for (size_t i = 0; i < pb->ns; i++) r[4 * pb->nc + i] += p->hs0[i] * d[4 * pb->nc + i];
    for (size_t i = 0; i < p->w.m; i++) {
        const double *Ai = gsl_matrix_const_ptr(pb->A, i, 0);
        for (size_t k = 0; k < p->w.n; k++) r[k] += Ai[k] * nu[i];
    }
}

/* Solve for the direction with complementarity right-hand side q (scaled: W^-1 ds + W dz = q):
 * dx in w.dx, the new multipliers in w.nunew, ds and dz.  The reduced system loses accuracy as
 * the scaling grows ill-conditioned near the optimum: two rounds of iterative refinement on
 * the unreduced equations (H0 dx + A^T nu = -g', A dx = b - A x), skipped while the residual
 * is at rounding level (1e-14 of the right-hand side). */
static int direction(pd *p, const double *x)
{
    cb_work *w = &p->w;
    const repro_conebar_problem *pb = w->pb;
    size_t n = w->n, m = w->m;
    /* g' = c + P x - G^T z - G^T W^-1 q */
    objgrad(p, x, p->gq);
    sub_GT(p, p->z, p->gq);
    wapply(p, p->q, p->t2, 1);
    sub_GT(p, p->t2, p->gq);
    for (size_t i = 0; i < m; i++) {
        const double *Ai = gsl_matrix_const_ptr(pb->A, i, 0);
        double r = -gsl_vector_get(pb->b, i);
        for (size_t k = 0; k < n; k++) r += Ai[k] * x[k];
        p->rpx[i] = r;
    }
    memset(p->dxs, 0, n * sizeof *p->dxs);
    memset(p->nus, 0, m * sizeof *p->nus);
    double rhs = 0; /* the right-hand side's size */
    for (size_t k = 0; k < n; k++) rhs = fmax(rhs, fabs(p->gq[k]));
    for (size_t i = 0; i < m; i++) rhs = fmax(rhs, fabs(p->rpx[i]));
    for (int round = 0; round < 3; round++) {
        /* the residual of the current solution (the right-hand side at round 0) */
        kkt_res(p, p->dxs, p->nus, p->gq, w->g);
        double res = 0;
        for (size_t i = 0; i < m; i++) {
            const double *Ai = gsl_matrix_const_ptr(pb->A, i, 0);
            double r = p->rpx[i];
            for (size_t k = 0; k < n; k++) r += Ai[k] * p->dxs[k];
            p->r2[i] = r;
            res = fmax(res, fabs(r));
        }
        for (size_t k = 0; k < n && round > 0; k++) res = fmax(res, fabs(w->g[k]));
        if (round > 0 && res <= 1e-14 * rhs) break; /* accurate already: no refinement */
        w->rp = p->r2;
        double dec = cb_solve(w, x);
        w->rp = NULL;
        if (dec < -0.5) return -1;
        for (size_t k = 0; k < n; k++) p->dxs[k] += w->dx[k];
        for (size_t i = 0; i < m; i++) p->nus[i] += w->nunew[i];
    }
    memcpy(w->dx, p->dxs, n * sizeof *w->dx);
    memcpy(w->nunew, p->nus, m * sizeof *w->nunew);
    slack(p, w->dx, p->ds);
    /* dz = W^-1 (q - W^-1 ds) */
    wapply(p, p->ds, p->t2, 1);
    for (size_t k = 0; k < p->nz; k++) p->t2[k] = p->q[k] - p->t2[k];
    wapply(p, p->t2, p->dz, 1);
    return 0;
}

int repro_conebar_solve_pd(const repro_conebar_problem *pb, const repro_conebar_opts *o,
                           gsl_vector *xv, gsl_vector *yv, repro_conebar_report *rep)
{
    size_t n = 4 * pb->nc + pb->ns, m = pb->A->size1;
    if (cb_check_args(pb, o, xv, yv)) return -1;
    pd p = {0};
    if (cb_work_init(&p.w, pb)) return -1;
    cb_work *w = &p.w;
    p.zoff = malloc((pb->nc + 1) * sizeof *p.zoff), p.zpos = malloc((pb->ns + 1) * sizeof *p.zpos);
    if (!p.zoff || !p.zpos) {
        pd_free(&p);
        return repro_err("conebar: out of memory");
    }
    for (size_t j = 0; j < pb->nc; j++) {
        p.zoff[j] = p.nz;
        p.nz += cb_rows(w, j) + 3;
        p.ncone += cb_rows(w, j) + 1;
    }
    for (size_t i = 0; i < pb->ns; i++)
        if (pb->stype[i] == REPRO_CB_POS) p.zpos[i] = p.nz++, p.ncone++;
    size_t nz = p.nz + 1;
    double **arr[] = {&p.s, &p.z, &p.ds, &p.dz, &p.lam, &p.q, &p.t1, &p.t2};
    int oom = 0;
    for (size_t a = 0; a < sizeof arr / sizeof *arr; a++) oom |= !(*arr[a] = calloc(nz, sizeof(double)));
    p.beta = calloc(pb->nc + 1, sizeof *p.beta), p.v = calloc(3 * pb->nc + 1, sizeof *p.v);
    p.H0 = malloc((16 * pb->nc + 1) * sizeof *p.H0), p.hs0 = malloc((pb->ns + 1) * sizeof *p.hs0);
    p.gp = malloc(n * sizeof *p.gp), p.gq = malloc(n * sizeof *p.gq), p.dxs = malloc(n * sizeof *p.dxs);
    p.y = calloc(m, sizeof *p.y), p.rpx = malloc(m * sizeof *p.rpx), p.r2 = malloc(m * sizeof *p.r2);
    p.nus = malloc(m * sizeof *p.nus);
    p.xbest = malloc(n * sizeof *p.xbest), p.ybest = malloc(m * sizeof *p.ybest);
    if (oom || !p.beta || !p.v || !p.H0 || !p.hs0 || !p.gp || !p.gq || !p.dxs || !p.y || !p.rpx ||
        !p.r2 || !p.nus || !p.xbest || !p.ybest) {
        pd_free(&p);
        return repro_err("conebar: out of memory");
    }
    double *x = xv->data;
    if (!cb_inside(w, x)) {
        pd_free(&p);
        return repro_err("conebar: the starting point is not strictly inside the cones");
    }
    double bscale = 1, cscale = 1;
    for (size_t i = 0; i < m; i++) bscale = fmax(bscale, fabs(gsl_vector_get(pb->b, i)));
    for (size_t k = 0; k < n; k++) cscale = fmax(cscale, fabs(gsl_vector_get(pb->c, k)));
    /* the start: y = 0 and z = mu0 s^-1 (perfectly centred, s o z = mu0 e) with mu0 such that
     * G^T z is of the objective's size (the callers' starts have tiny neurons: their slacks
     * ~1e-9 would make z = 1 / s huge) */
    slack(&p, x, p.s);
    FOR_CONES(&p, k, dim, blk, {
        const double *s = p.s + k;
        if (dim == 1) {
            p.z[k] = 1 / s[0];
        } else {
            double det = s[0] * s[0] - s[1] * s[1] - s[2] * s[2];
            p.z[k] = s[0] / det, p.z[k + 1] = -s[1] / det, p.z[k + 2] = -s[2] / det;
        }
    });
    memset(p.gp, 0, n * sizeof *p.gp);
    sub_GT(&p, p.z, p.gp);
    double gz = 0;
    for (size_t k = 0; k < n; k++) gz = fmax(gz, fabs(p.gp[k]));
    const double mu0 = (o->mu0 > 0 ? o->mu0 : 1) * cscale / gz;
    for (size_t k = 0; k < p.nz; k++) p.z[k] *= mu0;
    int status = 1;
    size_t it = 0;
    double best = INFINITY, bestgap = INFINITY;
    double gap = 0, rp = 0, rd = 0;
    for (; it < o->max_newton; it++) {
        slack(&p, x, p.s);
        gap = 0;
        for (size_t k = 0; k < p.nz; k++) gap += p.s[k] * p.z[k];
        rp = cb_infeas(w, x);
        objgrad(&p, x, p.gp);
        sub_GT(&p, p.z, p.gp);
        rd = 0;
        for (size_t k = 0; k < n; k++) {
            double r = p.gp[k];
            for (size_t i = 0; i < m; i++) r += gsl_matrix_get(pb->A, i, k) * p.y[i];
            rd = fmax(rd, fabs(r));
        }
        /* the iterate's distance from the tolerances (<= 1: met); the best one is kept */
        double merit = fmax(gap / o->gap_abs, fmax(rp / (1e-9 * bscale), rd / (1e-9 * cscale)));
        if (merit < best) {
            best = merit, bestgap = gap;
            memcpy(p.xbest, x, n * sizeof *x);
            memcpy(p.ybest, p.y, m * sizeof *p.y);
        }
        if (merit <= 1) {
            status = 0;
            break;
        }
        double mu = gap / (double)p.ncone;
        scaling(&p);
        hessian(&p);
        memcpy(p.H0, w->H, 16 * pb->nc * sizeof *w->H);
        memcpy(p.hs0, w->hs, pb->ns * sizeof *w->hs);
        if (cb_factor(w)) break; /* singular: rounding stops the method here */
        /* predictor: q = -lambda */
        for (size_t k = 0; k < p.nz; k++) p.q[k] = -p.lam[k];
        if (direction(&p, x)) break;
        double ap = fmin(1, max_step(&p, p.s, p.ds)), ad = fmin(1, max_step(&p, p.z, p.dz));
        double ga = 0;
        for (size_t k = 0; k < p.nz; k++) ga += (p.s[k] + ap * p.ds[k]) * (p.z[k] + ad * p.dz[k]);
        double sigma = fmin(1, fmax(0, ga / gap));
        sigma = sigma * sigma * sigma;
        /* corrector: q = lambda \ (-lambda o lambda + sigma mu e - (W^-1 ds_a) o (W dz_a)) */
        wapply(&p, p.ds, p.t2, 1); /* t2 = W^-1 ds_a */
        double *wdz = p.ds; /* ds_a is no longer needed: W dz_a into it */
        wapply(&p, p.dz, wdz, 0);
        FOR_CONES(&p, k, dim, blk, {
            double a[3], b[3], r[3];
            jprod(p.lam + k, p.lam + k, a, dim);
            jprod(p.t2 + k, wdz + k, b, dim);
            for (size_t e = 0; e < dim; e++) r[e] = -a[e] - b[e] + (e == 0 ? sigma * mu : 0);
            jdiv(p.lam + k, r, p.q + k, dim);
        });
        if (direction(&p, x)) break;
        ap = max_step(&p, p.s, p.ds), ad = max_step(&p, p.z, p.dz);
        double a = fmin(1, 0.99 * fmin(ap, ad));
        /* (in exact arithmetic x + a dx is inside; rounding near a boundary can disagree) */
        while (a > 1e-12) {
            for (size_t k = 0; k < n; k++) w->xt[k] = x[k] + a * w->dx[k];
            if (cb_inside(w, w->xt)) break;
            a *= 0.5;
        }
        if (!(a > 1e-12)) break; /* no step left: rounding stops the method here */
        memcpy(x, w->xt, n * sizeof *x);
        for (size_t i = 0; i < m; i++) p.y[i] += a * (w->nunew[i] - p.y[i]);
        for (size_t k = 0; k < p.nz; k++) p.z[k] += a * p.dz[k];
    }
    /* Stopped short (rounding: no step left, a singular system, or the budget): the best
     * iterate, accepted when within 100 times the tolerances (callers certify independently) */
    if (status != 0 && isfinite(best)) {
        memcpy(x, p.xbest, n * sizeof *x);
        memcpy(p.y, p.ybest, m * sizeof *p.y);
        gap = bestgap;
        if (best <= 100 && it < o->max_newton) status = 0;
    }
    /* Near the optimum the Newton system is ill-conditioned (W^-2 ~ 1 / gap on the active
     * cones) and A x - b drifts by ~1e-11: Newton steps on the equalities alone (g = 0, the
     * smallest correction in the last scaling's metric), each kept only when it stays inside and
     * lowers the residual. */
    for (int k = 0; k < 5 && it > 0; k++) {
        double r0 = cb_infeas(w, x);
        if (r0 <= 1e-14 * bscale) break;
        if (k == 0) {
            memcpy(w->H, p.H0, 16 * pb->nc * sizeof *w->H);
            memcpy(w->hs, p.hs0, pb->ns * sizeof *w->hs);
        }
        memset(w->g, 0, n * sizeof *w->g);
        if (k == 0 && cb_factor(w)) break; /* the last iteration's H, factored once */
        if (cb_solve(w, x) < -0.5) break;
        double a = fmin(1, 0.99 * cb_maxstep(w, x, w->dx));
        for (size_t q = 0; q < n; q++) w->xt[q] = x[q] + a * w->dx[q];
        if (!cb_inside(w, w->xt) || !(cb_infeas(w, w->xt) < r0)) break;
        memcpy(x, w->xt, n * sizeof *x);
    }
    rp = cb_infeas(w, x);
    for (size_t i = 0; i < m; i++) gsl_vector_set(yv, i, p.y[i]);
    if (o->y_centred)
        for (size_t i = 0; i < m; i++) gsl_vector_set(o->y_centred, i, p.y[i]);
    if (rep) *rep = (repro_conebar_report){gap > 0 ? (double)p.ncone / gap : INFINITY, gap, rp, it};
    pd_free(&p);
    return status;
}
