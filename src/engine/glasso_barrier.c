/* glasso_barrier: an interior-point (log-barrier) solve of the group lasso's variational form, for
 * the problems where the projected Newton refinement cannot settle its active set (contract in
 * glasso_work.h; the variational form J(eta) in glasso_newton.c). */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/glasso_work.h"

/* The barrier problem min phi(eta) = J(eta) - mu sum_k log eta_k over eta > 0 (the groups with a
 * zero column are left at 0: J does not depend on them), solved by primal-dual Newton steps: the
 * system is the full K x K Hessian of J plus z_k / eta_k on the diagonal (z the dual estimate,
 * updated with its own step to the boundary), positive definite for mu > 0 even where the columns
 * of the active groups are dependent (there the optimum in eta is not unique, which is what makes
 * the projected Newton's free set wander); the primal step is backtracked on phi (Armijo) after a
 * step to 0.99 of the boundary.  mu falls tenfold once the Newton decrement is below mu / 5 (or
 * after BARRIER_STAGE_STEPS steps); each stage's V(eta) is checked with the duality gap and, once
 * within 100 tol, refitted on its support (barrier_sparse).  The phase ends when a refit meets
 * tol or when the gap (of V(eta), then of the refits) has not halved for three stages. */
#define BARRIER_STAGE_STEPS 30 /* Newton steps per value of mu, at most */
#define BARRIER_MU_FALL 0.1    /* mu's factor between stages */
#define BARRIER_MAX_K 2000     /* larger problems: no barrier (the K x K system) */
#define BARRIER_ZERO 1e-6      /* a group below this share of the largest is set to 0 for a refit */

typedef struct {
    glasso_eta_space s; /* eta, et, g, d; M, AS, Rt, H (the K x K system), rhs, sol */
    double *z;          /* K: the dual estimate */
    gsl_matrix *G2;     /* K x K: C C^T */
} barrier_work;

static void barrier_free(barrier_work *b)
{
    glasso_eta_space_free(&b->s);
    free(b->z);
    gsl_matrix_free(b->G2);
}

/* phi at ETA from J at ETA */
static double barrier_phi(const glasso_work *w, const double *eta, double J, double mu)
{
    double s = 0;
    for (size_t k = 0; k < w->A->size2; k++)
        if (w->nrm2[k] > 0) s += log(eta[k]);
    return J - mu * s;
}

/* H = 2 a c^2 (A^T M^{-1} A) o (C C^T) + diag(mu / eta^2 + damp), lower triangle (b->s.AS holds
 * L^{-1} A, M = L L^T; w->C = A^T R).  A group with a zero column gets a unit row. */
static void barrier_hessian(const glasso_work *w, barrier_work *b, double mu, double damp)
{
    size_t K = w->A->size2;
    double c = 2 * w->a / w->lambda, s = 2 * w->a * c * c;
    gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, b->s.AS, 0.0, b->s.H);
    gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1.0, w->C, 0.0, b->G2);
    for (size_t i = 0; i < K; i++) {
        double *hi = b->s.H->data + i * b->s.H->tda;
        const double *gi = b->G2->data + i * b->G2->tda;
        if (!(w->nrm2[i] > 0)) {
            for (size_t j = 0; j < i; j++) hi[j] = 0;
            hi[i] = 1;
            continue;
        }
        for (size_t j = 0; j < i; j++) hi[j] = w->nrm2[j] > 0 ? hi[j] * s * gi[j] : 0;
        hi[i] = hi[i] * s * gi[i] + b->z[i] / b->s.eta[i] + damp;
    }
}

/* The Newton direction of phi at b->s.eta into b->s.d (b->s.M holds the Cholesky factor of M(eta),
 * w->C = A^T R(eta), b->s.g = dJ/deta): (H + damp I) d = -(g - mu / eta), damp = 0 first, then
 * 1e-14, 1e-12, ..., 1 times the largest z_k / eta_k while the factorisation fails (at most nine
 * tries).  Returns the Newton decrement squared -grad . d, or -1 when no direction was found. */
static double barrier_direction(const glasso_work *w, barrier_work *b, double mu)
{
    size_t K = w->A->size2;
    gsl_matrix_memcpy(b->s.AS, w->A);
    gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, b->s.M, b->s.AS);
    double hmax = 0;
    for (size_t k = 0; k < K; k++) {
        double gk = w->nrm2[k] > 0 ? b->s.g[k] - mu / b->s.eta[k] : 0;
        gsl_vector_set(b->s.rhs, k, -gk);
        if (w->nrm2[k] > 0) hmax = fmax(hmax, b->z[k] / b->s.eta[k]);
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double dec = -1;
    double damp = 0;
    for (int tries = 0; tries < 9; tries++, damp = damp > 0 ? 100 * damp : 1e-14 * hmax) {
        barrier_hessian(w, b, mu, damp);
        if (gsl_linalg_cholesky_decomp1(b->s.H) != GSL_SUCCESS) continue;
        if (gsl_linalg_cholesky_solve(b->s.H, b->s.rhs, b->s.sol) != GSL_SUCCESS) continue;
        dec = 0;
        for (size_t k = 0; k < K; k++) {
            b->s.d[k] = w->nrm2[k] > 0 ? gsl_vector_get(b->s.sol, k) : 0;
            dec += gsl_vector_get(b->s.rhs, k) * b->s.d[k];
        }
        if (isfinite(dec) && dec >= 0) break;
        dec = -1;
    }
    gsl_set_error_handler(old);
    return dec;
}

/* g = dJ/deta = lambda/2 - a c ||c_k||^2 from w->C */
static void barrier_gradient(const glasso_work *w, barrier_work *b)
{
    size_t K = w->A->size2, T = w->C->size2;
    double c = 2 * w->a / w->lambda;
    for (size_t k = 0; k < K; k++) {
        const double *ck = w->C->data + k * w->C->tda;
        double r2 = 0;
        for (size_t t = 0; t < T; t++) r2 += ck[t] * ck[t];
        b->s.g[k] = 0.5 * w->lambda - w->a * c * r2;
    }
}

/* The primal point V(ETA) (w->R = R(eta) on entry; w->C is overwritten) into V, its objective and
 * duality gap (on a fresh residual in w->R2); kept in BEST when its relative gap is below *RBEST.
 * Returns its relative gap. */
static double barrier_candidate(glasso_work *w, const double *eta, gsl_matrix *V, gsl_matrix *best,
                                double *rbest, double *gbest)
{
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
    glasso_eta_to_V(w, eta, V);
    glasso_residual(w, V, w->R2);
    double F = glasso_objective(w, w->R2, V), gp = glasso_gap(w, w->R2, V);
    double rel = gp / fmax(F, 1e-300);
    if (rel < *rbest) {
        *rbest = rel;
        *gbest = gp;
        gsl_matrix_memcpy(best, V);
    }
    return rel;
}

/* The sparse refit of a candidate V (its groups below BARRIER_ZERO of the largest set to 0, then
 * the projected Newton phase on that support from there, VS scratch).  Near-tight inactive groups
 * keep weights of order mu / (their multiplier) in V(eta), and the gap of the truncated point is
 * first-order in what they carried: the refit meets tol only once mu is small enough.  Returns 1
 * with V replaced when the refit meets tol (and *GAP), else 0 with V unchanged; *REL receives the
 * refit's relative gap either way. */
static int barrier_sparse(glasso_work *w, gsl_matrix *V, gsl_matrix *Vs, double tol,
                          size_t max_iter, size_t *it, double *gap, double *rel)
{
    size_t K = V->size1;
    double vm = 0, g = *gap;
    for (size_t k = 0; k < K; k++) vm = fmax(vm, glasso_row_norm(V, k));
    gsl_matrix_memcpy(Vs, V);
    for (size_t k = 0; k < K; k++)
        if (glasso_row_norm(Vs, k) <= BARRIER_ZERO * vm) {
            gsl_vector_view r = gsl_matrix_row(Vs, k);
            gsl_vector_set_zero(&r.vector);
        }
    glasso_refresh_active(w, Vs);
    int conv = glasso_newton_phase(w, tol, max_iter, Vs, it, &g);
    glasso_residual(w, Vs, w->R2);
    *rel = g / fmax(glasso_objective(w, w->R2, Vs), 1e-300);
    if (!conv) return 0;
    gsl_matrix_memcpy(V, Vs);
    *gap = g;
    return 1;
}

int glasso_barrier_phase(glasso_work *w, double tol, size_t max_iter, gsl_matrix *V, size_t *it,
                         double *gap, gsl_matrix *Vdense)
{
    size_t K = V->size1, T = V->size2, N = w->A->size1;
    if (K > BARRIER_MAX_K) return 0;
    barrier_work b = {0};
    int converged = 0;
    b.z = malloc(K * sizeof *b.z);
    b.G2 = gsl_matrix_alloc(K, K);
    gsl_matrix *Vbest = gsl_matrix_alloc(K, T), *Vs = gsl_matrix_alloc(K, T);
    if (glasso_eta_space_alloc(&b.s, N, K, T) != 0 || !b.z || !b.G2 || !Vbest || !Vs) goto done;
    /* lambda >= lambda_max (||2a a_k^T B|| <= lambda for every k): V = 0 is the optimum */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->B, 0.0, w->C);
    double cmax = 0;
    for (size_t k = 0; k < K; k++) cmax = fmax(cmax, glasso_row_norm(w->C, k));
    if (2 * w->a * cmax <= w->lambda) {
        gsl_matrix_set_zero(V);
        glasso_refresh_active(w, V);
        glasso_residual(w, V, w->R);
        goto done; /* not claimed here: the coordinate descent's gap test decides */
    }
    gsl_matrix_memcpy(Vbest, V);
    glasso_residual(w, V, w->R);
    double F0 = glasso_objective(w, w->R, V), rbest = *gap / fmax(F0, 1e-300), emax = 0;
    for (size_t k = 0; k < K; k++) emax = fmax(emax, w->nz[k] ? glasso_row_norm(V, k) : 0);
    if (!(emax > 0)) emax = 1;
    for (size_t k = 0; k < K; k++)
        b.s.eta[k] = w->nrm2[k] > 0 ? fmax(w->nz[k] ? glasso_row_norm(V, k) : 0, 1e-2 * emax) : 0;
    double J = glasso_eta_J(w, b.s.eta, b.s.M, b.s.AS, w->R);
    if (!isfinite(J)) goto done;
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
    barrier_gradient(w, &b);
    /* mu: the barrier's share of phi's slope comparable with J's own at the start */
    double mu = 0;
    size_t live = 0;
    for (size_t k = 0; k < K; k++)
        if (w->nrm2[k] > 0) mu += b.s.eta[k] * fabs(b.s.g[k]), live++;
    mu = live > 0 ? mu / (double)live : 0;
    if (!(mu > 0)) goto done;
    for (size_t k = 0; k < K; k++) b.z[k] = w->nrm2[k] > 0 ? mu / b.s.eta[k] : 0;
    double phi = barrier_phi(w, b.s.eta, J, mu);
    int stage_steps = 0, stall = 0, sparse = 0, refit = 0;
    double rprev = HUGE_VAL;
    while (*it < max_iter) {
        double dec = barrier_direction(w, &b, mu);
        if (dec < 0) break;
        int stage_done = dec <= 0.2 * mu || stage_steps >= BARRIER_STAGE_STEPS;
        if (!stage_done) {
            double tmax = 1;
            for (size_t k = 0; k < K; k++)
                if (b.s.d[k] < 0) tmax = fmin(tmax, -0.99 * b.s.eta[k] / b.s.d[k]);
            int ok = 0;
            for (double t = tmax; t > 1e-10 * tmax; t *= 0.5) {
                for (size_t k = 0; k < K; k++) b.s.et[k] = b.s.eta[k] + t * b.s.d[k];
                double Jt = glasso_eta_J(w, b.s.et, b.s.M, b.s.AS, b.s.Rt);
                double pt = isfinite(Jt) ? barrier_phi(w, b.s.et, Jt, mu) : NAN;
                if (isfinite(pt) && pt <= phi - 1e-4 * t * dec) {
                    /* the dual step: dz = mu / eta - z - (z / eta) d, at most 0.99 of the way to 0 */
                    double td = 1;
                    for (size_t k = 0; k < K; k++) {
                        if (!(w->nrm2[k] > 0)) continue;
                        double dz = mu / b.s.eta[k] - b.z[k] - b.z[k] / b.s.eta[k] * b.s.d[k];
                        if (dz < 0) td = fmin(td, -0.99 * b.z[k] / dz);
                    }
                    for (size_t k = 0; k < K; k++)
                        if (w->nrm2[k] > 0)
                            b.z[k] += td * (mu / b.s.eta[k] - b.z[k] -
                                            b.z[k] / b.s.eta[k] * b.s.d[k]);
                    double *sw = b.s.eta;
                    b.s.eta = b.s.et;
                    b.s.et = sw;
                    J = Jt, phi = pt, ok = 1;
                    gsl_matrix_memcpy(w->R, b.s.Rt);
                    break;
                }
            }
            (*it)++;
            stage_steps++;
            if (!ok) stage_done = 1; /* rounding: phi no longer decreases */
            else {
                gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
                barrier_gradient(w, &b);
                continue;
            }
        }
        /* end of a stage: the candidate V(eta) (w->R = R(eta) for it), and once its gap is
         * within 100 tol, its sparse refit (barrier_sparse), which ends the phase when it meets tol */
        /* (also M(eta)'s factor, for the next step) */
        J = glasso_eta_J(w, b.s.eta, b.s.M, b.s.AS, w->R);
        if (!isfinite(J)) break;
        gsl_matrix_memcpy(b.s.Rt, w->R);
        double rel = barrier_candidate(w, b.s.eta, V, Vbest, &rbest, gap), rs = HUGE_VAL;
        if (rel <= 100 * tol && barrier_sparse(w, V, Vs, tol, max_iter, it, gap, &rs)) {
            gsl_matrix_memcpy(Vbest, V);
            sparse = 1;
            break;
        }
        if (rs < HUGE_VAL && !refit) refit = 1, rprev = HUGE_VAL; /* progress: the refit's from now on */
        if (refit) rel = rs;
        gsl_matrix_memcpy(w->R, b.s.Rt);
        /* rounding: the gap (the candidate's, then the refit's) has not halved for three stages */
        if (rel < 0.5 * rprev) rprev = rel, stall = 0;
        else if (++stall >= 3) break;
        gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->A, w->R, 0.0, w->C);
        barrier_gradient(w, &b);
        mu *= BARRIER_MU_FALL;
        phi = barrier_phi(w, b.s.eta, J, mu);
        stage_steps = 0;
    }
    converged = sparse;
    if (!sparse && refit && rbest <= tol) {
        /* V(eta) met tol but no refit did: the last refit (sparse, its objective within rounding
         * of the optimum) goes back to the coordinate descent, V(eta) to the caller's fallback */
        gsl_matrix_memcpy(Vdense, Vbest);
        gsl_matrix_memcpy(V, Vs);
        converged = -1;
    } else {
        gsl_matrix_memcpy(V, Vbest);
        converged = sparse || rbest <= tol;
    }
    glasso_refresh_active(w, V);
done:
    gsl_matrix_free(Vbest);
    gsl_matrix_free(Vs);
    barrier_free(&b);
    return converged;
}
