/* results: the record of one pipeline run, and the gathering of all runs for the paper.
 *
 * A run records named values (numbers or short LaTeX text), named checks (a number and its bounds,
 * with the verdict), its parameters, seeds, inputs and outputs.  repro_results_write() stores the
 * record as JSON (atomically).  repro_results_collect() reads every stage's record and writes the
 * project-wide build/results.json and the LaTeX macro file the paper reads (one macro per value).
 * Names are "<stage>.<local name>", local names made of letters, digits, '_', '-' and '.'. */
#ifndef REPRO_RESULTS_H
#define REPRO_RESULTS_H

#include <stddef.h>

void repro_results_begin(const char *script, const char *stage);
void repro_results_end(void); /* frees the record */

/* Each returns 0, or -1 with repro_err() set (bad or duplicate name). */
int repro_results_value(const char *name, double v, const char *fmt, const char *where);
int repro_results_text(const char *name, const char *text, const char *where);
/* LE / GE may be NULL (no bound on that side); *PASS receives the verdict. */
int repro_results_check(const char *name, double v, const double *le, const double *ge,
                        const char *fmt, const char *where, int *pass);
int repro_results_param(const char *name, const char *repr, int overridden);
void repro_results_seed(long long seed);
void repro_results_input(const char *path, const char *hash);
void repro_results_output(const char *path, const char *hash);
/* Whether S is a non-empty word of letters, digits, '_', '-' and the characters of EXTRA (may be
 * NULL): the names of values (EXTRA "."), sweeps and grid entries. */
int repro_results_word(const char *s, const char *extra);
/* A point record a sweep of the run read (the stage re-runs when it is gone or changed). */
void repro_results_point(const char *path, const char *hash);
/* A hash over the inputs recorded so far (path and content hash, sorted by path), leaving out
 * SKIP (the script itself): part of a sweep point's key.  Written into OUT. */
void repro_results_inputs_digest(const char *skip, char out[33]);
/* Set a top-level string field of the record (e.g. "engine", "overrides"). */
void repro_results_meta(const char *key, const char *value);
/* The seeds recorded so far, in order; returns how many (at most MAX are copied). */
size_t repro_results_seeds(long long *out, size_t max);
int repro_results_write(const char *path);

/* Gather the records RECORDS[0..n-1] into OUT_JSON and OUT_TEX (either may be NULL).  REV is the
 * source revision shown in captions, VERSIONS the engine's version line (title page),
 * SOURCE_URL (may be NULL or "") the web address that a script's project path is appended to for
 * the caption hyperlinks.  Returns 0, or -1 with repro_err() set. */
int repro_results_collect(const char *const *records, size_t n, const char *out_json,
                          const char *out_tex, const char *rev, const char *versions,
                          const char *source_url);

/* 1 when FMT is a printf format with exactly one floating conversion (%e, %f, %g: flags, a width
 * and a precision of at most two digits each) and no other '%': the only formats a record may
 * carry, checked where they enter (repro.value, repro.check) and where a record is read. */
int repro_results_fmt_valid(const char *fmt);

/* Format V with the printf format FMT (default "%.4g") as LaTeX math: 1.5e-07 -> 1.5\times
 * 10^{-7}.  Writes into BUF.  An invalid FMT (see repro_results_fmt_valid) is replaced by "%.4g". */
const char *repro_results_latex_number(double v, const char *fmt, char *buf, size_t n);

#endif
