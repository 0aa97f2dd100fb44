/* cachekey: what a stage's run is keyed by besides the files it reads and writes: the engine
 * (the running executable's content hash) and the parameter overrides as one canonical string.
 * run.c writes both into the run record, stage.c compares them with the present ones; neither
 * needs the other. */
#ifndef REPRO_CACHEKEY_H
#define REPRO_CACHEKEY_H

#include <stddef.h>

/* The hash of the running executable (the engine), computed once. */
const char *repro_engine_hash(void);

/* Overrides as one canonical string ("a=1 b=2", sorted), malloc'd. */
char *repro_overrides_string(const char *const *over, size_t n);

#endif
