/* net: shallow multi-output ReLU networks, equation (1) of the paper, and their objectives.
 *
 *   f(x) = sum_k v_k (w_k . x + b_k)_+ + A x + c,   w_k in R^d, b_k in R, v_k in R^T,
 *                                                   A in R^{T x d} (only with skip), c in R^T.
 * Parameters live in one flat gsl_vector theta, in this order (row-major blocks):
 *   W (K x d) | b (K) | V (K x T) | A (T x d, only when skip) | c (T).
 * Loss normalisation (PyTorch MSELoss): mse = 1/(N T) sum_i ||f(x_i) - y_i||^2.
 *   REPRO_OBJ_WEIGHT_DECAY: mse + lambda (||W||_F^2 + ||V||_F^2)        (biases, A, c free)
 *   REPRO_OBJ_GROUP:        mse + lambda sum_k ||v_k||_2 with each w_k rescaled to unit norm
 *                           (evaluated on the network with rows of W normalised; used for
 *                           reporting and by the polish, not differentiated).
 * Balance: for each neuron with w_k != 0 and v_k != 0, scale (w_k, b_k) by s and v_k by 1/s,
 * s = sqrt(||v_k|| / ||w_k||), so ||w_k|| = ||v_k||; f is unchanged.
 * Dead neurons (balance and normalize): when ||w_k|| ||v_k|| underflows to 0 (both nonzero), or
 * the rescaled w_k, b_k or v_k would not be finite and nonzero (e.g. ||w_k|| = 1e-316, whose
 * inverse overflows), the neuron is dead: its constant part v_k (b_k)_+ is added to c and
 * w_k, b_k, v_k are set to 0.  f changes by at most ||v_k|| ||w_k|| ||x|| (below 1e-300 for
 * balanced weights), and nothing overflows.
 * Initialisation from a seed (gsl_rng mt19937): like PyTorch nn.Linear, W, b ~ U(-1/sqrt(d), 1/sqrt(d)),
 * V ~ U(-1/sqrt(K), 1/sqrt(K)), A = 0, c ~ U(-1/sqrt(K), 1/sqrt(K)), drawn in the order W (row-major),
 * b, V, c with gsl_rng_set(r, seed) (GSL maps seed 0 to its default seed 4357).
 * Errors go through repro_err (err.h) and name the argument; functions return 0 / -1 or NULL. */
#ifndef REPRO_NET_H
#define REPRO_NET_H

#include <stdio.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "engine/dataset.h"

typedef struct {
    size_t d, T, K;
    int skip;            /* 1: the linear term A x is present */
    size_t P;            /* number of parameters */
    gsl_vector *theta;   /* owned; length P */
    /* views into theta (valid while theta lives) */
    gsl_matrix_view W;   /* K x d */
    gsl_vector_view b;   /* K */
    gsl_matrix_view V;   /* K x T */
    gsl_matrix_view A;   /* T x d (a 0 x 0 placeholder without skip: test skip first) */
    gsl_vector_view c;   /* T */
} repro_net;

typedef enum { REPRO_OBJ_WEIGHT_DECAY = 0, REPRO_OBJ_GROUP = 1 } repro_objective;

size_t repro_net_nparams(size_t d, size_t T, size_t K, int skip);
/* A new network initialised from SEED as documented above.  d, T, K >= 1. */
repro_net *repro_net_alloc(size_t d, size_t T, size_t K, int skip, unsigned long seed);
/* A network of the given shape with every parameter zero, or NULL (repro_err) when a size is 0
 * or above 1e8. */
repro_net *repro_net_zeros(size_t d, size_t T, size_t K, int skip);
repro_net *repro_net_clone(const repro_net *net);
void repro_net_free(repro_net *net); /* NULL is fine */

/* F (M x T) = f(X) for X (M x d). -1 on a size mismatch. */
int repro_net_eval(const repro_net *net, const gsl_matrix *X, gsl_matrix *F);

/* Scratch buffers for repeated objective/gradient evaluation on one dataset (N x K etc.),
 * so the training loop allocates nothing per step. */
typedef struct repro_net_work repro_net_work;
repro_net_work *repro_net_work_alloc(const repro_net *net, size_t N);
void repro_net_work_free(repro_net_work *w);

/* Weight-decay objective at THETA (a vector of length net->P; net gives the shapes only) on
 * data X (N x d), Y (N x T).  Returns the objective and stores mse and penalty when non-NULL;
 * GRAD (length P, or NULL) receives the gradient.  Written with BLAS (dgemm) so that one call
 * costs O(N K (d + T)).  *PENALTY is the regularisation term itself (lambda times the norms), so
 * objective = mse + penalty.  On bad arguments (shapes, lambda < 0, a work space for another N)
 * returns NAN with repro_err set. */
double repro_net_wd_objective(const repro_net *net, const gsl_vector *theta, const gsl_matrix *X,
                              const gsl_matrix *Y, double lambda, gsl_vector *grad, double *mse,
                              double *penalty, repro_net_work *w);
/* The weight-decay objective as an optimizer's fdf (optim.h): PROBLEM is a repro_net_wd. */
typedef struct {
    const repro_net *net;     /* shapes */
    const gsl_matrix *X, *Y;  /* data */
    double lambda;
    repro_net_work *w;        /* for X's N */
} repro_net_wd;
double repro_net_wd_fdf(const gsl_vector *theta, void *problem, gsl_vector *grad);

/* The objective named by OBJ at the network's own parameters; *PENALTY = objective - mse.
 * REPRO_OBJ_GROUP computes lambda sum_k ||w_k|| ||v_k|| (the group penalty after normalisation;
 * a neuron with w_k = 0 contributes 0).  NAN with repro_err set on bad arguments. */
double repro_net_objective(const repro_net *net, repro_objective obj, const gsl_matrix *X,
                           const gsl_matrix *Y, double lambda, double *mse, double *penalty);

/* Balance every neuron (see the top; dead neurons are zeroed). */
void repro_net_balance(repro_net *net);
/* Rescale each neuron with w_k != 0 so ||w_k|| = 1 (v_k absorbs the scale); f is unchanged.
 * Dead neurons (see the top) are zeroed instead. */
void repro_net_normalize(repro_net *net);
/* Representational cost of the network's parameters: sum_k ||w_k|| ||v_k|| (= the group penalty
 * after normalisation). */
double repro_net_pathnorm(const repro_net *net);
/* Indices (0-based) of neurons with ||w_k|| ||v_k|| > tol * max_k ||w_k|| ||v_k||; returns the
 * count, writing at most CAP indices into IDX. */
size_t repro_net_active(const repro_net *net, double tol, size_t *idx, size_t cap);
/* Distinct neurons: the active neurons (repro_net_active with TOL) taken by decreasing
 * ||w_k|| ||v_k||, each joining the first earlier representative whose (w, b) has cosine >= COS_MIN
 * with its own (w_k, b_k) (near-parallel neurons: the same ReLU ridge up to scale), else becoming
 * a representative.  Returns the number of representatives; REP (length K, or NULL) receives for
 * each active neuron k the index of its representative (other entries untouched), HEADS (length
 * K, or NULL) the representatives by decreasing ||w_k|| ||v_k||.  (size_t)-1 when out of
 * memory. */
size_t repro_net_distinct(const repro_net *net, double cos_min, double tol, size_t *rep,
                          size_t *heads);

/* d = 1 only.  The knots of f: neurons with w_k != 0 and ||w_k v_k|| > tol sit at -b_k / w_k;
 * neurons at the same location (|difference| <= tol * (1 + |location|)) are merged: the slope
 * change there is sum of |w_k| v_k over the merged neurons (the sign of w does not matter for the
 * change of slope).  Returns a new M-vector of sorted locations in *LOC and an M x T matrix of
 * slope changes in *JUMP (caller frees), M >= 0 (NULL pointers when M = 0).  A merged location
 * is the mean of its neurons' locations; a merged group whose slope change has norm <= tol (neurons
 * that cancel) is no knot and is dropped.  Returns 0 (M = (*LOC)->size, 0 when *LOC is NULL), or
 * -1 when d != 1 or tol < 0. */
int repro_net_knots(const repro_net *net, double tol, gsl_vector **loc, gsl_matrix **jump);
/* d = 1: R(f) = sum over merged knots of ||slope change||_2 (compare with connect-the-dots);
 * NAN when d != 1. */
double repro_net_cost(const repro_net *net, double tol);

#endif
