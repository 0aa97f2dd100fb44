/* rangecert: certified bounds on f(z) by a cutting-plane dual (contract in rangecert.h). */
#include "engine/rangecert.h"

#include <glpk.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "engine/oracle2d.h"

/* The neuron NR = (w1, w2, b, lin) at point j of P: (w.p + b)_+, or w.p + b when lin. */
static double phi(const double *nr, const gsl_matrix *P, size_t j)
{
    double v = nr[0] * gsl_matrix_get(P, j, 0) + nr[1] * gsl_matrix_get(P, j, 1) + nr[2];
    return nr[3] != 0 || v > 0 ? v : 0;
}

/* Rows for neuron NR: +-(sum_i phi(x_i) theta_i) - mu <= -+ tz phi(z).  Values below 1e-12 are
 * dropped: the bound does not depend on the program's rows, and the simplex's scaling does. */
static void add_neuron(glp_prob *lp, const gsl_matrix *P, size_t N, double tz, const double *nr,
                       int *ind, double *val)
{
    int r = glp_add_rows(lp, 2);
    double pz = tz * phi(nr, P, N);
    for (int s = 0; s < 2; s++) {
        double sg = s ? -1 : 1;
        for (size_t i = 0; i < N; i++) {
            double v = phi(nr, P, i);
            ind[i + 1] = (int)i + 1, val[i + 1] = fabs(v) < 1e-12 ? 0 : sg * v;
        }
        ind[N + 1] = (int)N + 1, val[N + 1] = -1;
        glp_set_mat_row(lp, r + s, (int)N + 1, ind, val);
        glp_set_row_bnds(lp, r + s, GLP_UP, 0, -sg * pz);
    }
}

/* The trust region: theta within DELTA of the centre C (each coordinate). */
static void set_region(glp_prob *lp, size_t N, const double *c, double delta)
{
    for (size_t i = 0; i < N; i++) glp_set_col_bnds(lp, (int)i + 1, GLP_DB, c[i] - delta, c[i] + delta);
}

/* C (N) = the smallest theta with F^T theta = -tz (1, z) (F: the N x NF free columns [1 x], in
 * U, N x NF): theta = U S^-1 V^T r from the SVD F = U S V^T, tiny singular values (collinear
 * points) dropped.  V (NF x NF), S and WK (NF): workspace. */
static void min_norm_centre(const gsl_matrix *P, size_t N, size_t nf, double tz, const double z[2],
                            gsl_matrix *U, gsl_matrix *V, gsl_vector *S, gsl_vector *wk, double *c)
{
    for (size_t i = 0; i < N; i++)
        for (size_t f = 0; f < nf; f++) gsl_matrix_set(U, i, f, f ? gsl_matrix_get(P, i, f - 1) : 1);
    gsl_linalg_SV_decomp(U, V, S, wk);
    double r[3], q[3] = {0, 0, 0};
    for (size_t f = 0; f < nf; f++) r[f] = -tz * (f == 0 ? 1 : z[f - 1]);
    for (size_t k = 0; k < nf; k++) { /* q = S^-1 V^T r */
        double sk = gsl_vector_get(S, k);
        if (!(sk > 1e-12 * gsl_vector_get(S, 0))) continue;
        for (size_t f = 0; f < nf; f++) q[k] += gsl_matrix_get(V, f, k) * r[f];
        q[k] /= sk;
    }
    for (size_t i = 0; i < N; i++) {
        c[i] = 0;
        for (size_t k = 0; k < nf; k++) c[i] += gsl_matrix_get(U, i, k) * q[k];
    }
}

int repro_rangecert(const gsl_matrix *X, const gsl_vector *y, const double z[2], int skip,
                    double rmax, int side, const double *theta0, const double *neurons, size_t nn,
                    double tol, size_t max_rounds, double *bound, size_t *rounds)
{
    if (rounds) *rounds = 0;
    if (!X || !y || X->size2 != 2 || y->size != X->size1 || X->size1 < 1)
        return repro_err("rangecert: X must be N x 2 and y of length N");
    if (!(rmax > 0) || !isfinite(rmax)) return repro_err("rangecert: rmax must be > 0, got %g", rmax);
    if (side != 0 && side != 1) return repro_err("rangecert: side must be 0 or 1, got %d", side);
    if (!(tol > 0)) return repro_err("rangecert: tol must be > 0, got %g", tol);
    size_t N = X->size1;
    double tz = side == 0 ? 1 : -1;
    gsl_matrix *P = gsl_matrix_alloc(N + 1, 2), *Th = gsl_matrix_alloc(N + 1, 1),
               *Y0 = gsl_matrix_calloc(N + 1, 1);
    gsl_vector *wv = gsl_vector_alloc(2);
    int *ind = malloc((N + 2) * sizeof *ind);
    double *val = malloc((N + 2) * sizeof *val), *c = calloc(N, sizeof *c), *th = malloc(N * sizeof *th);
    int term = glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    if (!P || !Th || !Y0 || !wv || !ind || !val || !c || !th || !lp) {
        gsl_matrix_free(P), gsl_matrix_free(Th), gsl_matrix_free(Y0), gsl_vector_free(wv);
        free(ind), free(val), free(c), free(th);
        if (lp) glp_delete_prob(lp);
        glp_term_out(term);
        return repro_err("rangecert: out of memory");
    }
    for (size_t i = 0; i <= N; i++)
        for (int a = 0; a < 2; a++) gsl_matrix_set(P, i, a, i < N ? gsl_matrix_get(X, i, a) : z[a]);
    /* columns theta_1..theta_N, mu >= 0; maximise -sum theta_i y_i - rmax mu */
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_cols(lp, (int)N + 1);
    for (size_t i = 0; i < N; i++) glp_set_obj_coef(lp, (int)i + 1, -gsl_vector_get(y, i));
    glp_set_col_bnds(lp, (int)N + 1, GLP_LO, 0, 0);
    glp_set_obj_coef(lp, (int)N + 1, -rmax);
    /* theta orthogonal to the free columns: sum_j theta_j = 0 (and sum_j theta_j p_j = 0) */
    int nf = skip ? 3 : 1, r0 = glp_add_rows(lp, nf);
    for (int f = 0; f < nf; f++) {
        for (size_t i = 0; i < N; i++)
            ind[i + 1] = (int)i + 1, val[i + 1] = f == 0 ? 1 : gsl_matrix_get(P, i, f - 1);
        glp_set_mat_row(lp, r0 + f, (int)N, ind, val);
        double rhs = -tz * (f == 0 ? 1 : z[f - 1]);
        glp_set_row_bnds(lp, r0 + f, GLP_FX, rhs, rhs);
    }
    for (size_t k = 0; k < nn; k++) add_neuron(lp, P, N, tz, neurons + 4 * k, ind, val);
    /* the first centre: THETA0, or the smallest theta on the free columns' equations */
    if (theta0) {
        for (size_t i = 0; i < N; i++) c[i] = theta0[i];
    } else {
        gsl_matrix *U = gsl_matrix_alloc(N, (size_t)nf), *V = gsl_matrix_alloc((size_t)nf, (size_t)nf);
        gsl_vector *S = gsl_vector_alloc((size_t)nf), *wk = gsl_vector_alloc((size_t)nf);
        if (U && V && S && wk) min_norm_centre(P, N, (size_t)nf, tz, z, U, V, S, wk, c);
        /* (out of memory: the centre stays 0, a valid if poorer start) */
        gsl_matrix_free(U), gsl_matrix_free(V), gsl_vector_free(S), gsl_vector_free(wk);
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_DUALP; /* rows are added between rounds: the last basis stays dual feasible */
    /* GLPK's default tolerances (1e-7) accept a new cut that the current point violates by less:
     * the rounds then repeat the same point 1e-7 short of the program's value */
    parm.tol_bnd = 1e-9;
    parm.tol_dj = 1e-9;
    /* a bound on the simplex's own iterations (deterministic).  The program has N + 1 columns and
     * a few dozen rows, solved in tens of iterations; on some degenerate rounds GLPK's simplex
     * cycles until the bound, then once more from the standard basis (below): at 20000, 10 of the
     * optimal-set map's 408 certificates took 0.3-1.6 s each, with the same bounds as at 200 */
    parm.it_lim = 200;
    /* (no glp_scale_prob: rescaling between rounds made the warm-started simplex return the
     * last point with the new cut violated, and a quarter of the map's programs stall) */
    /* Cutting planes alone (Kelley's method) jump between far points of an unbounded or flat
     * model and stall; here theta stays in a trust region around the best point so far (a
     * bundle method's stabilisation): a round whose bound is better moves the centre there and
     * doubles the region when the point was on its edge; a round that is not keeps the centre
     * (the new cut improves the model around it).  Only a point strictly inside the region is
     * the model's global maximum, so only then does the program's value bound the dual's. */
    double delta = 1, best = -INFINITY;
    int status = 1;
    size_t round, since = 0;
    set_region(lp, N, c, delta);
    for (round = 0; round < max_rounds; round++) {
        int rc = glp_simplex(lp, &parm);
        if (rc != 0 || glp_get_status(lp) != GLP_OPT) {
            glp_smcp p2; /* once more from the standard basis, primal, GLPK's own tolerances */
            glp_init_smcp(&p2);
            p2.msg_lev = GLP_MSG_OFF;
            p2.it_lim = parm.it_lim;
            glp_std_basis(lp);
            rc = glp_simplex(lp, &p2);
        }
        if (rc != 0 || glp_get_status(lp) != GLP_OPT) {
            if (!isfinite(best)) /* the bound so far stands (status 1); without one, an error */
                status = repro_err("rangecert: the linear program failed (glp_simplex %d, status %d)",
                                   rc, glp_get_status(lp));
            break;
        }
        double lpval = glp_get_obj_val(lp), edge = 0;
        for (size_t i = 0; i < N; i++) {
            th[i] = glp_get_col_prim(lp, (int)i + 1);
            edge = fmax(edge, fabs(th[i] - c[i]));
            gsl_matrix_set(Th, i, 0, th[i]);
        }
        int inside = edge < 0.999 * delta;
        gsl_matrix_set(Th, N, 0, tz);
        double dual, om;
        if (repro_dual2d(P, Y0, Th, skip, 0, &dual, &om)) {
            status = -1;
            break;
        }
        /* |t_z f(z) + sum_i t_i y_i| <= rmax omega for the projected t (t_z of tz's sign):
         * tz f(z) >= d, a lower bound on f(z) (side 0) or minus an upper one (side 1) */
        double sy = 0, tzp = gsl_matrix_get(Th, N, 0), d = -INFINITY;
        for (size_t i = 0; i < N; i++) sy += gsl_matrix_get(Th, i, 0) * gsl_vector_get(y, i);
        if (tz * tzp > 0) d = (-sy - rmax * om) / fabs(tzp);
        if (d > best + tol * (1 + fabs(d))) since = round; /* progress */
        if (d > best) { /* a serious step */
            best = d;
            for (size_t i = 0; i < N; i++) c[i] = th[i];
            if (!inside) delta *= 2;
            set_region(lp, N, c, delta);
        }
        if (inside && lpval - best <= tol * (1 + fabs(best))) {
            status = 0;
            break;
        }
        if (round - since >= 20) break; /* 20 rounds without progress: the bound so far (status 1) */
        double nr[4] = {0, 0, 0, 0}, bw;
        if (repro_oracle2d(P, Th, &om, wv, &bw)) {
            status = -1;
            break;
        }
        nr[0] = gsl_vector_get(wv, 0), nr[1] = gsl_vector_get(wv, 1), nr[2] = bw;
        add_neuron(lp, P, N, tz, nr, ind, val);
    }
    if (rounds) *rounds = round;
    glp_delete_prob(lp);
    glp_term_out(term);
    glp_free_env();
    gsl_matrix_free(P), gsl_matrix_free(Th), gsl_matrix_free(Y0), gsl_vector_free(wv);
    free(ind), free(val), free(c), free(th);
    if (status < 0) return -1;
    *bound = side == 0 ? best : -best;
    return status;
}
