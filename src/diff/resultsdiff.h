/* resultsdiff: what changed in the recorded values between two versions of the project.
 *
 * The results file (name -> {kind, value, where, fmt, le, ge, ...}) is compared entry by entry:
 * numbers with the tolerance of figdiff.h (|b - a| > atol + rtol |a|), text exactly; a value
 * shows with enough digits to tell the two sides apart, and a note says what else changed (a
 * check that now fails, a bound).  Nothing is printed here. */
#ifndef REPRO_RESULTSDIFF_H
#define REPRO_RESULTSDIFF_H

#include "diff/figdiff.h"

/* One entry of the results file that is not the same on both sides. */
typedef struct {
    char *name;
    repro_diff_state state; /* CHANGED, ADDED or REMOVED */
    char *a, *b;            /* the value on each side as text; NULL when absent */
    int numeric;            /* both values are numbers: delta and rel are set */
    double delta, rel;      /* b - a, and |b - a| / |a| (infinity when a = 0) */
    char *where;            /* script position (side B's, or A's when removed) */
    char *note;             /* what else changed: "check now FAILS", "bound le 1 -> 2", or NULL */
} repro_valdiff;

typedef struct {
    repro_valdiff *v; /* only the entries that differ, in name order */
    size_t n;
    size_t nsame; /* entries present on both sides and the same */
} repro_resultsdiff;

/* Compare two results objects (either may be NULL: no results on that side).  Returns 0, or -1
 * with repro_err() when one is not an object of entries. */
int repro_resultsdiff_json(const json_t *a, const json_t *b, const repro_tol *tol,
                           repro_resultsdiff *out);
void repro_resultsdiff_free(repro_resultsdiff *d);

#endif
