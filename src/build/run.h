/* run: execute one pipeline script in a fresh Lua state with the repro module loaded.
 *
 * The script runs with chunk name "@SCRIPT" under a traceback handler; errors are printed as
 * "script.lua:LINE: message" plus the traceback.  On success the run record (values, checks,
 * parameters, seeds, inputs and outputs with their hashes) is written to OUTDIR/results.json. */
#ifndef REPRO_RUN_H
#define REPRO_RUN_H

#include <stddef.h>

typedef struct {
    const char *script;
    const char *stage;   /* NULL: the script's base name without .lua */
    const char *figdir;  /* NULL: "figures" */
    const char *outdir;  /* NULL: "build/stages/<stage>" */
    const char *libdir;  /* folder of the shared Lua library (lua/); NULL: none */
    const char *const *overrides; /* "name=value" strings */
    size_t noverrides;
    const char *point_sweep; /* point mode (repro point): compute point POINT_INDEX of this sweep */
    long point_index;
} repro_run_opts;

/* Returns 0 on success, 1 when the script failed (the message is already printed). */
int repro_run_script(const repro_run_opts *o);

#endif
