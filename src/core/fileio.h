/* fileio: whole-file output that is never seen half-written.
 *
 * Every output of the engine goes through here: write to a temporary created exclusively in the
 * same folder (O_CREAT | O_EXCL | O_NOFOLLOW: never an existing file, never through a planted
 * symbolic link), flush, fsync and close, then rename() over the final name (atomic on POSIX).  Parent folders are created
 * as needed.  On any failure the temporary is removed and repro_err() says what went wrong. */
#ifndef REPRO_FILEIO_H
#define REPRO_FILEIO_H

#include <stddef.h>
#include <stdio.h>

/* Create DIR and its parents (like mkdir -p).  Returns 0 or -1. */
int repro_mkdirs(const char *dir);

/* Create the parent folders of PATH.  Returns 0 or -1. */
int repro_mkparents(const char *path);

/* A temporary name beside PATH ("PATH.tmp.<pid>.<serial>"), malloc'd; the caller frees it.  The name is
 * registered: if the process is interrupted (SIGINT, SIGTERM, SIGHUP) before repro_commit() or
 * repro_discard(), the file is removed (see repro_fileio_cleanup_on_signal). */
char *repro_tmpname(const char *path);

/* Create a new temporary beside PATH exclusively (parent folders made as needed) and open it for
 * writing; *TMP gets its name (malloc'd, registered like repro_tmpname's).  NULL on failure, with
 * repro_err set.  Finish with repro_tmpclose(), then repro_commit() or repro_discard(). */
FILE *repro_tmpopen(const char *path, char **tmp);

/* Flush, fsync and close F (opened by repro_tmpopen as TMP).  On failure TMP is removed and
 * repro_err set.  Returns 0 or -1. */
int repro_tmpclose(FILE *f, const char *tmp);

/* Rename TMP over PATH; on failure removes TMP.  When PATH already holds exactly the same bytes
 * the old file is kept (and its timestamp, so make sees nothing new).  Returns 0 or -1. */
int repro_commit(const char *tmp, const char *path);

/* Remove TMP (an abandoned temporary) and forget it. */
void repro_discard(const char *tmp);

/* Install handlers that delete registered temporaries and then die of the same signal. */
void repro_fileio_cleanup_on_signal(void);

/* Write N bytes to PATH atomically.  Returns 0 or -1. */
int repro_write_atomic(const char *path, const void *buf, size_t n);

/* Read a whole file into a malloc'd NUL-terminated buffer; *len gets its length (may be NULL).
 * Returns NULL (with repro_err set) when it cannot be read. */
char *repro_read_file(const char *path, size_t *len);

/* PATH as the run records it: relative to the current folder when it lies inside it (so records
 * stay valid in another checkout of the project), else unchanged.  Written into BUF. */
const char *repro_relpath(const char *path, char *buf, size_t n);

/* 1 when PATH (an existing file; symbolic links resolved) lies inside one of the folders
 * ROOTS[0..n-1] (NULL entries and missing folders are skipped), else 0. */
int repro_path_within(const char *path, const char *const *roots, size_t n);

#endif
