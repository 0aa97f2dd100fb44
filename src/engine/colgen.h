/* colgen: a certificate of global optimality for multi-task networks in the plane, by column
 * generation with the exact oracle of oracle2d.h.
 *
 * Problem (group form, any width): min 1/(N T) ||f(X) - Y||_F^2 + lambda sum_k ||w_k|| ||v_k||,
 * f(x) = sum_k v_k (w_k.x + b_k)_+ (+ A x when skip) + c, x in R^2, v_k in R^T.
 * Method: start from the given neurons (rows of W normalised to ||w|| = 1, b scaled alike;
 * neurons with w = 0, with output weights V0 = 0 (when V0 is given) or dead on all data
 * dropped, and so are start neurons within 1e-2 (l1 distance of (w, b)) of an earlier one); repeat: solve the group lasso in the output weights (glasso.h, relative tolerance
 * tol / 100), drop the neurons it switched off, compute the
 * residual R and the exact most violated neuron of Theta = 2/(NT) R (oracle2d.h); the dual
 * bound of repro_dual2d is a certified lower bound on the optimum over all networks; stop when
 * objective - bound <= tol * objective, else add that neuron and repeat (at most MAX_ROUNDS).
 * Errors through repro_err; return 0 (certified), 1 (rounds exhausted: the report holds the
 * last gap), -1. */
#ifndef REPRO_COLGEN_H
#define REPRO_COLGEN_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "engine/net.h"

typedef struct {
    double objective;   /* the group-lasso objective at the last neuron set (an upper bound) */
    double dual;        /* certified lower bound on the optimum over all networks */
    double gap;         /* objective - dual */
    double ratio;       /* omega / lambda at the end (<= 1: no neuron violates) */
    size_t rounds;      /* group-lasso solves */
    size_t added;       /* neurons added by the oracle */
    size_t K;           /* neurons of the final network */
} repro_colgen_report;

/* X (N x 2), Y (N x T), start neurons W0 (K0 x 2, K0 may be 0: NULL), b0 (K0), V0 (K0 x T or
 * NULL); SKIP: the free
 * part includes A x.  *NET (when not NULL) receives the final network (status 0 and 1). */
int repro_colgen_certify(const gsl_matrix *X, const gsl_matrix *Y, const gsl_matrix *W0,
                         const gsl_vector *b0, const gsl_matrix *V0, int skip, double lambda, double tol,
                         size_t max_rounds, repro_net **net, repro_colgen_report *rep);

#endif
