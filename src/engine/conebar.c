/* conebar: barrier method for ReLU cone programs (contract in conebar.h). */
#include "engine/conebar.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/conebar_work.h"

/* A's entry (i, k), read without gsl_matrix_get's range check (the hot loops of the solves) */
#define AIJ(i, k) (pb->A->data[(i) * pb->A->tda + (k)])


/* The number of pattern rows of block j: none for a linear block. */
size_t cb_rows(const cb_work *w, size_t j) { return w->pb->linear && w->pb->linear[j] ? 0 : w->M; }

int cb_inside(const cb_work *w, const double *x)
{
    const repro_conebar_problem *pb = w->pb;
    for (size_t j = 0; j < pb->nc; j++) {
        const double *u = x + 4 * j;
        if (!(u[3] > 0 && u[3] * u[3] - u[0] * u[0] - u[1] * u[1] > 0)) return 0;
        for (size_t r = 0; r < cb_rows(w, j); r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            if (!(cb_sgn(pb->mask[j], r) * (L[0] * u[0] + L[1] * u[1] + L[2] * u[2]) > 0)) return 0;
        }
    }
    for (size_t i = 0; i < pb->ns; i++)
        if (pb->stype[i] == REPRO_CB_POS && !(x[4 * pb->nc + i] > 0)) return 0;
    return 1;
}

/* The largest s with x + s dx in the closed domain (capped at 1e300). */
double cb_maxstep(const cb_work *w, const double *x, const double *dx)
{
    const repro_conebar_problem *pb = w->pb;
    double smax = 1e300;
    for (size_t j = 0; j < pb->nc; j++) {
        const double *u = x + 4 * j, *du = dx + 4 * j;
        for (size_t r = 0; r < cb_rows(w, j); r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            double s = cb_sgn(pb->mask[j], r);
            double v = s * (L[0] * u[0] + L[1] * u[1] + L[2] * u[2]);
            double dv = s * (L[0] * du[0] + L[1] * du[1] + L[2] * du[2]);
            if (dv < 0 && -v / dv < smax) smax = -v / dv;
        }
        double c[3] = {u[3], u[0], u[1]}, dc[3] = {du[3], du[0], du[1]};
        smax = fmin(smax, cb_soc_step(c, dc));
    }
    for (size_t i = 0; i < pb->ns; i++) {
        size_t k = 4 * pb->nc + i;
        if (pb->stype[i] == REPRO_CB_POS && dx[k] < 0 && -x[k] / dx[k] < smax) smax = -x[k] / dx[k];
    }
    return smax;
}

double cb_soc_step(const double *x, const double *d)
{
    double smax = d[0] < 0 ? -x[0] / d[0] : 1e300;
    double a = d[0] * d[0] - d[1] * d[1] - d[2] * d[2];
    double b = x[0] * d[0] - x[1] * d[1] - x[2] * d[2];
    double c = x[0] * x[0] - x[1] * x[1] - x[2] * x[2];
    double root = 1e300;
    if (fabs(a) <= 1e-300) {
        if (b < 0) root = -c / (2 * b);
    } else {
        double disc = b * b - a * c;
        if (disc >= 0) { /* the roots of a s^2 + 2 b s + c, each without cancellation */
            double qv = -(b + copysign(sqrt(disc), b));
            double r1 = qv / a, r2 = qv != 0 ? c / qv : 1e300;
            if (r1 > 0 && r1 < root) root = r1;
            if (r2 > 0 && r2 < root) root = r2;
        }
    }
    return fmin(smax, root);
}

/* Gradient of tau (objective) + phi into w->g; Hessians into w->H / w->hs. */
static void derivatives(cb_work *w, const double *x, double tau, int want_hess)
{
    const repro_conebar_problem *pb = w->pb;
    for (size_t k = 0; k < w->n; k++) w->g[k] = tau * gsl_vector_get(pb->c, k);
    for (size_t j = 0; j < pb->nc; j++) {
        const double *u = x + 4 * j;
        double *g = w->g + 4 * j, *H = w->H + 16 * j;
        if (want_hess) memset(H, 0, 16 * sizeof *H);
        if (want_hess && cb_rows(w, j) == 0) H[10] = 1; /* b of a linear block: pinned at 0 */
        for (size_t r = 0; r < cb_rows(w, j); r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            double s = cb_sgn(pb->mask[j], r);
            double v = s * (L[0] * u[0] + L[1] * u[1] + L[2] * u[2]);
            for (int a = 0; a < 3; a++) g[a] -= s * L[a] / v;
            if (want_hess)
                for (int a = 0; a < 3; a++)
                    for (int c = 0; c < 3; c++) H[4 * a + c] += L[a] * L[c] / (v * v);
        }
        double D = u[3] * u[3] - u[0] * u[0] - u[1] * u[1];
        double Jz[4] = {-u[0], -u[1], 0, u[3]}, J[4] = {-1, -1, 0, 1};
        for (int a = 0; a < 4; a++) g[a] -= 2 * Jz[a] / D;
        if (want_hess)
            for (int a = 0; a < 4; a++) {
                H[5 * a] -= 2 * J[a] / D;
                for (int c = 0; c < 4; c++) H[4 * a + c] += 4 * Jz[a] * Jz[c] / (D * D);
            }
    }
    for (size_t i = 0; i < pb->ns; i++) {
        size_t k = 4 * pb->nc + i;
        if (pb->stype[i] == REPRO_CB_POS) {
            w->g[k] -= 1 / x[k];
            w->hs[i] = 1 / (x[k] * x[k]);
        } else if (pb->stype[i] == REPRO_CB_QUAD) {
            w->g[k] += tau * pb->q[i] * x[k];
            w->hs[i] = tau * pb->q[i];
        } else {
            w->hs[i] = 0;
        }
    }
}

/* In-place Cholesky of a 4 x 4 SPD matrix (lower factor); -1 when not positive definite. */
static int chol4(double *H)
{
    for (int j = 0; j < 4; j++) {
        double d = H[5 * j];
        for (int k = 0; k < j; k++) d -= H[4 * j + k] * H[4 * j + k];
        if (!(d > 0)) return -1;
        d = sqrt(d);
        H[5 * j] = d;
        for (int i = j + 1; i < 4; i++) {
            double s = H[4 * i + j];
            for (int k = 0; k < j; k++) s -= H[4 * i + k] * H[4 * j + k];
            H[4 * i + j] = s / d;
        }
    }
    return 0;
}

static void solve4(const double *Lc, double *v)
{
    for (int i = 0; i < 4; i++) {
        double s = v[i];
        for (int k = 0; k < i; k++) s -= Lc[4 * i + k] * v[k];
        v[i] = s / Lc[5 * i];
    }
    for (int i = 3; i >= 0; i--) {
        double s = v[i];
        for (int k = i + 1; k < 4; k++) s -= Lc[4 * k + i] * v[k];
        v[i] = s / Lc[5 * i];
    }
}

/* The Newton system's factorisation for w->H, w->hs: the blocks' Cholesky factors (in place) and
 * the reduced matrix K = [A_B H^-1 A_B^T, -A_F; -A_F^T, 0] in LU form; 0 or -1. */
int cb_factor(cb_work *w)
{
    const repro_conebar_problem *pb = w->pb;
    size_t m = w->m, nf = w->nf;
    for (size_t j = 0; j < pb->nc; j++) {
        double H0[16], *H = w->H + 16 * j, scale = 0;
        memcpy(H0, H, sizeof H0);
        for (int a = 0; a < 4; a++) scale = fmax(scale, H0[5 * a]);
        /* positive definite in theory; rounding can break it when tau is large: tiny damping */
        for (double damp = 1e-15; chol4(H); damp *= 100) {
            if (damp > 1e-3) return -1;
            memcpy(H, H0, sizeof H0);
            for (int a = 0; a < 4; a++) H[5 * a] += damp * scale;
        }
    }
    gsl_matrix_set_zero(w->K);
    double col[4];
    /* S = A_B H^-1 A_B^T, block by block.  A row of A that is zero on the block (about half of
     * them: a data point outside the block's pattern) adds exactly +0 to S (a sum that starts at
     * +0 and adds products with 0 stays +0), so it is skipped. */
    double *HiAt = malloc(4 * (m + 1) * sizeof *HiAt);
    size_t *live = malloc((m + 1) * sizeof *live);
    if (!HiAt || !live) {
        free(HiAt);
        free(live);
        return -1;
    }
    for (size_t j = 0; j < pb->nc + pb->ns; j++) {
        size_t k0 = j < pb->nc ? 4 * j : 4 * pb->nc + (j - pb->nc), nb = j < pb->nc ? 4 : 1;
        if (j >= pb->nc && pb->stype[j - pb->nc] == REPRO_CB_FREE) continue;
        size_t nl = 0; /* the rows that are nonzero on the block */
        for (size_t i = 0; i < m; i++) {
            int nz = 0;
            for (size_t a = 0; a < nb; a++) nz |= (col[a] = AIJ(i, k0 + a)) != 0;
            if (!nz) continue;
            if (nb == 4) solve4(w->H + 16 * j, col);
            else col[0] /= w->hs[j - pb->nc];
            for (size_t a = 0; a < nb; a++) HiAt[nb * i + a] = col[a];
            live[nl++] = i;
        }
        for (size_t q = 0; q < nl; q++) {
            size_t i = live[q];
            double Ai[4];
            for (size_t a = 0; a < nb; a++) Ai[a] = AIJ(i, k0 + a);
            for (size_t p = 0; p < nl; p++) {
                size_t l = live[p];
                double s = 0;
                for (size_t a = 0; a < nb; a++) s += Ai[a] * HiAt[nb * l + a];
                *gsl_matrix_ptr(w->K, i, l) += s;
            }
        }
    }
    free(HiAt);
    free(live);
    for (size_t i = 0; i < m; i++)
        for (size_t f = 0; f < nf; f++)
            gsl_matrix_set(w->K, i, m + f, -AIJ(i, w->free_idx[f]));
    for (size_t f = 0; f < nf; f++)
        for (size_t i = 0; i < m; i++)
            gsl_matrix_set(w->K, m + f, i, -AIJ(i, w->free_idx[f]));
    int sg;
    return gsl_linalg_LU_decomp(w->K, w->perm, &sg) ? -1 : 0;
}

/* The direction for the factorisation of cb_factor and w->g: dx and nunew; returns dx^T H dx or
 * -1. */
double cb_solve(cb_work *w, const double *x)
{
    const repro_conebar_problem *pb = w->pb;
    size_t m = w->m, nf = w->nf, n = w->n;
    double *hg = w->r; /* m: A_B H^-1 g_B */
    for (size_t i = 0; i < m; i++) hg[i] = 0;
    double col[4];
    for (size_t j = 0; j < pb->nc + pb->ns; j++) {
        size_t k0 = j < pb->nc ? 4 * j : 4 * pb->nc + (j - pb->nc), nb = j < pb->nc ? 4 : 1;
        if (j >= pb->nc && pb->stype[j - pb->nc] == REPRO_CB_FREE) continue;
        int nz = 0;
        for (size_t a = 0; a < nb; a++) nz |= (col[a] = w->g[k0 + a]) != 0;
        if (!nz) continue; /* adds +0 */
        if (nb == 4) solve4(w->H + 16 * j, col);
        else col[0] /= w->hs[j - pb->nc];
        for (size_t i = 0; i < m; i++) {
            double Ai[4];
            int anz = 0;
            for (size_t a = 0; a < nb; a++) anz |= (Ai[a] = AIJ(i, k0 + a)) != 0;
            if (!anz) continue;
            double s = 0;
            for (size_t a = 0; a < nb; a++) s += Ai[a] * col[a];
            hg[i] += s;
        }
    }
    for (size_t i = 0; i < m; i++) {
        double rp = -gsl_vector_get(pb->b, i);
        if (w->rp) rp = w->rp[i];
        else
            for (size_t k = 0; k < n; k++) rp += AIJ(i, k) * x[k];
        gsl_vector_set(w->rhs, i, rp - hg[i]);
    }
    for (size_t f = 0; f < nf; f++) gsl_vector_set(w->rhs, m + f, w->g[w->free_idx[f]]);
    if (gsl_linalg_LU_svx(w->K, w->perm, w->rhs)) return -1;
    for (size_t i = 0; i < m; i++) w->nunew[i] = gsl_vector_get(w->rhs, i);
    for (size_t f = 0; f < nf; f++) w->dx[w->free_idx[f]] = gsl_vector_get(w->rhs, m + f);
    double dec = 0;
    for (size_t j = 0; j < pb->nc + pb->ns; j++) {
        size_t k0 = j < pb->nc ? 4 * j : 4 * pb->nc + (j - pb->nc), nb = j < pb->nc ? 4 : 1;
        if (j >= pb->nc && pb->stype[j - pb->nc] == REPRO_CB_FREE) continue;
        for (size_t a = 0; a < nb; a++) {
            double s = w->g[k0 + a];
            for (size_t i = 0; i < m; i++) s += AIJ(i, k0 + a) * w->nunew[i];
            col[a] = -s;
        }
        double gc[4];
        memcpy(gc, col, sizeof gc);
        if (nb == 4) solve4(w->H + 16 * j, col);
        else col[0] /= w->hs[j - pb->nc];
        for (size_t a = 0; a < nb; a++) {
            w->dx[k0 + a] = col[a];
            dec += gc[a] * col[a]; /* dx^T H dx = dx^T (-(g + A^T nu)) */
        }
    }
    return dec;
}

double cb_newton(cb_work *w, const double *x) { return cb_factor(w) ? -1 : cb_solve(w, x); }

/* ||(grad + A^T nu, A x - b)|| at x (computes the gradient into w->g). */
static double resnorm(cb_work *w, const double *x, const double *nu, double tau)
{
    const repro_conebar_problem *pb = w->pb;
    derivatives(w, x, tau, 0);
    double s = 0;
    for (size_t k = 0; k < w->n; k++) {
        double r = w->g[k];
        for (size_t i = 0; i < w->m; i++) r += gsl_matrix_get(pb->A, i, k) * nu[i];
        s += r * r;
    }
    for (size_t i = 0; i < w->m; i++) {
        double r = -gsl_vector_get(pb->b, i);
        for (size_t k = 0; k < w->n; k++) r += gsl_matrix_get(pb->A, i, k) * x[k];
        s += r * r;
    }
    return sqrt(s);
}

double cb_infeas(const cb_work *w, const double *x)
{
    double worst = 0;
    for (size_t i = 0; i < w->m; i++) {
        double r = -gsl_vector_get(w->pb->b, i);
        for (size_t k = 0; k < w->n; k++) r += gsl_matrix_get(w->pb->A, i, k) * x[k];
        if (fabs(r) > worst) worst = fabs(r);
    }
    return worst;
}

void cb_work_free(cb_work *w)
{
    free(w->free_idx), free(w->g), free(w->dx), free(w->H), free(w->hs), free(w->r);
    free(w->tmp), free(w->nu), free(w->nunew), free(w->xt);
    gsl_matrix_free(w->K), gsl_vector_free(w->rhs), gsl_permutation_free(w->perm);
}

int cb_work_init(cb_work *wp, const repro_conebar_problem *pb)
{
    size_t n = 4 * pb->nc + pb->ns, m = pb->A->size1;
    cb_work w = {.pb = pb, .n = n, .m = m, .M = pb->L->size1};
    for (size_t i = 0; i < pb->ns; i++) w.nf += pb->stype[i] == REPRO_CB_FREE;
    for (size_t j = 0; j < pb->nc; j++) w.deg += cb_rows(&w, j) + 2;
    for (size_t i = 0; i < pb->ns; i++) w.deg += pb->stype[i] == REPRO_CB_POS;
    w.free_idx = malloc((w.nf + 1) * sizeof *w.free_idx);
    w.g = malloc(n * sizeof *w.g), w.dx = calloc(n, sizeof *w.dx), w.xt = malloc(n * sizeof *w.xt);
    w.H = malloc((16 * pb->nc + 1) * sizeof *w.H), w.hs = malloc((pb->ns + 1) * sizeof *w.hs);
    w.r = malloc((m + w.nf) * sizeof *w.r), w.tmp = malloc(n * sizeof *w.tmp);
    w.nu = calloc(m, sizeof *w.nu), w.nunew = calloc(m, sizeof *w.nunew);
    w.K = gsl_matrix_alloc(m + w.nf, m + w.nf), w.rhs = gsl_vector_alloc(m + w.nf);
    w.perm = gsl_permutation_alloc(m + w.nf);
    if (!w.free_idx || !w.g || !w.dx || !w.xt || !w.H || !w.hs || !w.r || !w.tmp || !w.nu ||
        !w.nunew || !w.K || !w.rhs || !w.perm) {
        cb_work_free(&w);
        return repro_err("conebar: out of memory");
    }
    for (size_t i = 0, f = 0; i < pb->ns; i++)
        if (pb->stype[i] == REPRO_CB_FREE) w.free_idx[f++] = 4 * pb->nc + i;
    *wp = w;
    return 0;
}

/* Is x + s dx strictly inside?  (fills w->xt) */
static int inside_step(cb_work *w, const double *x, double s)
{
    for (size_t k = 0; k < w->n; k++) w->xt[k] = x[k] + s * w->dx[k];
    return cb_inside(w, w->xt);
}

/* f_tau(x + s dx) - f_tau(x), summed term by term (accurate when tau is large). */
static double fdiff(const cb_work *w, const double *x, double s, double tau)
{
    const repro_conebar_problem *pb = w->pb;
    const double *dx = w->dx;
    double d = 0;
    for (size_t k = 0; k < w->n; k++) d += tau * gsl_vector_get(pb->c, k) * s * dx[k];
    for (size_t j = 0; j < pb->nc; j++) {
        const double *u = x + 4 * j, *du = dx + 4 * j;
        for (size_t r = 0; r < cb_rows(w, j); r++) {
            const double *L = gsl_matrix_const_ptr(pb->L, r, 0);
            double v = L[0] * u[0] + L[1] * u[1] + L[2] * u[2];
            double dv = L[0] * du[0] + L[1] * du[1] + L[2] * du[2];
            d -= log1p(s * dv / v);
        }
        double D0 = u[3] * u[3] - u[0] * u[0] - u[1] * u[1];
        double dD = s * (2 * (u[3] * du[3] - u[0] * du[0] - u[1] * du[1]) +
                         s * (du[3] * du[3] - du[0] * du[0] - du[1] * du[1]));
        d -= log1p(dD / D0);
    }
    for (size_t i = 0; i < pb->ns; i++) {
        size_t k = 4 * pb->nc + i;
        if (pb->stype[i] == REPRO_CB_POS) d -= log1p(s * dx[k] / x[k]);
        else if (pb->stype[i] == REPRO_CB_QUAD)
            d += tau * pb->q[i] * s * dx[k] * (x[k] + 0.5 * s * dx[k]);
    }
    return d;
}

int cb_check_args(const repro_conebar_problem *pb, const repro_conebar_opts *o,
                  const gsl_vector *xv, const gsl_vector *yv)
{
    size_t n = 4 * pb->nc + pb->ns, m = pb->A->size1;
    if (pb->A->size2 != n || pb->c->size != n || pb->b->size != m || xv->size != n ||
        yv->size != m || pb->L->size2 != 3 || pb->L->size1 > 64 || m == 0)
        return repro_err("conebar: inconsistent problem sizes");
    if (!(o->gap_abs > 0)) return repro_err("conebar: gap_abs must be > 0");
    if (xv->stride != 1 || yv->stride != 1) return repro_err("conebar: vectors must be contiguous");
    if (o->y_centred && o->y_centred->size != m)
        return repro_err("conebar: y_centred must have %zu entries", m);
    return 0;
}

int repro_conebar_solve(const repro_conebar_problem *pb, const repro_conebar_opts *o,
                        gsl_vector *xv, gsl_vector *yv, repro_conebar_report *rep)
{
    size_t n = 4 * pb->nc + pb->ns, m = pb->A->size1;
    if (cb_check_args(pb, o, xv, yv)) return -1;
    cb_work w;
    if (cb_work_init(&w, pb)) return -1;
    double *x = xv->data;
    if (!cb_inside(&w, x)) {
        cb_work_free(&w);
        return repro_err("conebar: the starting point is not strictly inside the cones");
    }
    double bscale = 1;
    for (size_t i = 0; i < m; i++) bscale = fmax(bscale, fabs(gsl_vector_get(pb->b, i)));
    double tau = 1, mu = 20, tau_c = 0; /* tau_c: the last tau whose centring converged */
    size_t steps = 0;
    int status = 0, reached = 0; /* reached: A x = b held once; from then on feasible steps */
    for (;;) {
        int centred = 0;
        for (size_t inner = 0; inner < 200; inner++) {
            derivatives(&w, x, tau, 1);
            double dec2 = cb_newton(&w, x);
            if (dec2 < -0.5) {
                status = -1;
                break;
            }
            if (++steps > o->max_newton) {
                status = 1;
                break;
            }
            if (!reached && cb_infeas(&w, x) <= 1e-9 * bscale) reached = 1;
            if (reached) { /* the Newton step also corrects the rounding in A x - b */
                if (dec2 / 2 <= 1e-10) {
                    centred = 1;
                    break;
                }
                /* merit: the Lagrangian f_tau + nu^T (A x - b); the step also removes the
                 * rounding drift of A x - b (A dx = b - A x), and nu may be large */
                double slope = 0, nurp = 0;
                for (size_t k = 0; k < n; k++) slope += w.g[k] * w.dx[k];
                for (size_t i = 0; i < m; i++) {
                    double rp = -gsl_vector_get(pb->b, i);
                    for (size_t k = 0; k < n; k++) rp += gsl_matrix_get(pb->A, i, k) * x[k];
                    nurp += w.nunew[i] * rp;
                }
                slope -= nurp;
                double s = fmin(1, 0.99 * cb_maxstep(&w, x, w.dx));
                while (s > 1e-14 && !(inside_step(&w, x, s) && fdiff(&w, x, s, tau) - s * nurp <= 0.01 * s * slope))
                    s *= 0.5;
                for (size_t k = 0; k < n; k++) x[k] += s * w.dx[k];
                memcpy(w.nu, w.nunew, m * sizeof *w.nu);
                if (s <= 1e-14) break; /* no progress possible at this tau: rounding floor */
            } else {
                double r0 = resnorm(&w, x, w.nu, tau);
                double s = fmin(1, 0.99 * cb_maxstep(&w, x, w.dx));
                double *nut = w.r; /* m scratch */
                int ok = 0;
                while (s > 1e-14) {
                    for (size_t k = 0; k < n; k++) w.xt[k] = x[k] + s * w.dx[k];
                    for (size_t i = 0; i < m; i++) nut[i] = w.nu[i] + s * (w.nunew[i] - w.nu[i]);
                    if (cb_inside(&w, w.xt) && resnorm(&w, w.xt, nut, tau) <= (1 - 0.01 * s) * r0) {
                        ok = 1;
                        break;
                    }
                    s *= 0.5;
                }
                if (!ok) { /* no progress on the residual norm: continue with merit steps */
                    reached = 1;
                    continue;
                }
                memcpy(x, w.xt, n * sizeof *x);
                memcpy(w.nu, nut, m * sizeof *w.nu);
            }
        }
        if (status) break;
        /* a stage that stopped at the rounding floor leaves noisy multipliers: the caller may
         * also try those of the last converged centring */
        if (centred && o->y_centred) {
            tau_c = tau;
            for (size_t i = 0; i < m; i++) gsl_vector_set(o->y_centred, i, w.nunew[i] / tau);
        }
        if ((double)w.deg / tau <= o->gap_abs) break;
        tau *= mu;
    }
    if (o->y_centred && tau_c == 0)
        for (size_t i = 0; i < m; i++) gsl_vector_set(o->y_centred, i, w.nunew[i] / tau);
    for (size_t i = 0; i < m; i++) gsl_vector_set(yv, i, w.nunew[i] / tau);
    /* Restoration.  A stage can end at its line search's floor with A x - b drifted (the merit's
     * slope is then unreliable: the reduced system loses accuracy near the cones' boundaries and
     * the multipliers are large), or, from an infeasible start, without having reached A x = b:
     * Newton steps on the equalities alone (g = 0: the smallest correction in the barrier's
     * metric), each kept only when it stays inside and lowers the residual.  After the
     * multipliers are out: the restoration's own (of a problem without objective) are not. */
    for (int k = 0; k < 50 && status == 0; k++) {
        double r0 = cb_infeas(&w, x);
        if (r0 <= 1e-13 * bscale) break;
        derivatives(&w, x, tau, 1);
        memset(w.g, 0, n * sizeof *w.g);
        if (cb_newton(&w, x) < -0.5) break;
        double s = fmin(1, 0.99 * cb_maxstep(&w, x, w.dx));
        if (!inside_step(&w, x, s) || !(cb_infeas(&w, w.xt) < r0)) break;
        memcpy(x, w.xt, n * sizeof *x);
    }
    if (rep) *rep = (repro_conebar_report){tau, (double)w.deg / tau, cb_infeas(&w, x), steps};
    cb_work_free(&w);
    if (status < 0) return repro_err("conebar: the Newton step failed (singular system or no "
                                     "descent) at tau = %g", tau);
    return status;
}
