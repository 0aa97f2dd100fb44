/* progress: one self-overwriting status line on stderr for long work.
 *
 * Shown only when stderr is a terminal (and REPRO_PROGRESS is not "0"); silent otherwise, so
 * logs and CI output stay clean.  Updates are throttled to ten per second. */
#ifndef REPRO_PROGRESS_H
#define REPRO_PROGRESS_H

int repro_progress_enabled(void);
/* Show "LABEL  [####....]  done/total  TEXT"; TEXT may be NULL. */
void repro_progress(const char *label, double done, double total, const char *text);
/* Erase the line (call when the work ends). */
void repro_progress_end(void);

#endif
