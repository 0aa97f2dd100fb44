/* dataset: N training points with inputs in R^d and labels in R^T (T tasks).
 *
 * X is N x d and Y is N x T, both owned by the dataset.  A dataset is only handed to the rest of
 * the engine after repro_dataset_validate() accepted it: every entry finite, N >= 2, and for d = 1
 * the rows sorted by x with no two x equal.  Errors name the row (1-based) and the column. */
#ifndef REPRO_DATASET_H
#define REPRO_DATASET_H

#include <gsl/gsl_matrix.h>
#include <stddef.h>

typedef struct {
    size_t N, d, T;
    gsl_matrix *X; /* N x d inputs */
    gsl_matrix *Y; /* N x T labels */
} repro_dataset;

/* Zero-filled dataset of the given shape, or NULL (repro_err says why: a zero dimension or OOM). */
repro_dataset *repro_dataset_alloc(size_t N, size_t d, size_t T);
void repro_dataset_free(repro_dataset *ds); /* NULL is fine */
repro_dataset *repro_dataset_copy(const repro_dataset *ds);

/* Check the dataset and, for d = 1, sort its rows by x.  ROWNAME(i) in messages is "row i+1" plus
 * LINE_OFFSET when nonzero (a CSV file reports its line numbers); XNAMES / YNAMES, when not NULL,
 * name the columns.  Returns 0, or -1 with repro_err() set. */
int repro_dataset_validate(repro_dataset *ds, size_t line_offset, const char *const *xnames,
                           const char *const *ynames);

/* Load a CSV file with a header line.  Columns are inputs when listed in XCOLS and labels when
 * listed in YCOLS; with XCOLS = NULL (YCOLS = NULL) the columns whose names start with 'x' ('y')
 * are used, in file order.  NX / NY give the lengths of XCOLS / YCOLS.  The result is validated.
 * Returns NULL with repro_err() naming the file, line and column on any problem. */
repro_dataset *repro_dataset_load_csv(const char *path, const char *const *xcols, size_t nx,
                                      const char *const *ycols, size_t ny);

#endif
