/* proc: child processes and small file questions for `repro diff` (no shell anywhere: argument
 * vectors go to execvp as they are).
 *
 * repro_run runs a program with standard input from /dev/null, capturing its standard output or
 * appending it to a log; while it runs, Ctrl-C stops the child only, so the caller can clean up.
 * The rest answer questions about files: is it a folder, a regular file, the absolute form of a
 * path, the last lines of a log, whether a Makefile has a rule for a target. */
#ifndef REPRO_PROC_H
#define REPRO_PROC_H

#include <stddef.h>

enum { PATHN = 4096 };

/* snprintf for paths and messages whose parts are bounded elsewhere (cut silently if not). */
void repro_fmt(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Run ARGV in folder DIR (NULL: here) with standard input from /dev/null.  Standard output goes
 * into CAP (trailing white space trimmed) when CAP is given, else to LOG; standard error goes to
 * LOG (appended), or is discarded when LOG is NULL.  MAKE_ENV: drop the variables through which a
 * calling make would pass its own command-line settings to this one.  Returns the exit status,
 * 128 + signal, or 127 when the program could not be started. */
int repro_run(const char *const argv[], const char *dir, const char *log, char *cap, size_t ncap,
              int make_env);
/* The signal (SIGINT, SIGTERM or SIGHUP) that reached this process while a child of repro_run
 * was running, or 0: the interrupt a failed child's status may not show. */
int repro_run_signal(void);
/* git with ARGV (argv[0] = "git") here; as repro_run. */
int repro_git(const char *const argv[], char *cap, size_t ncap, const char *log);

int repro_is_dir(const char *p);
int repro_is_file(const char *p);
/* PATH made absolute against the current folder. */
void repro_absolute(const char *path, char *out, size_t n);
/* Print the last LINES lines of FILE to stderr, indented. */
void repro_tail(const char *file, int lines);
/* 1 when the Makefile at PATH has a rule for TARGET. */
int repro_has_target(const char *path, const char *target);

#endif
