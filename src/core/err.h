/* err: the engine's error channel.
 *
 * An engine function that can fail returns a non-zero status (or NULL) after calling repro_err()
 * with a message that names the offending argument and what was expected.  The caller (usually a
 * Lua binding) reads repro_errmsg() and raises it.  The message lives in one static buffer: the
 * engine is single-threaded per process (parallelism is across processes). */
#ifndef REPRO_ERR_H
#define REPRO_ERR_H

/* Record a printf-style message; always returns -1 so `return repro_err(...)` reads naturally. */
int repro_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last recorded message ("" when none). */
const char *repro_errmsg(void);

/* Turn GSL's abort-on-error handler off; GSL status codes are then checked by the caller. */
void repro_err_init(void);

#endif
