/* stage: run a pipeline script only when something it depends on changed.
 *
 * A stage's previous run record (OUTDIR/results.json) lists the hashes of everything the run read
 * (the script, the lua/ files it loaded, data files) and wrote (figures, data), the engine binary's
 * hash and the parameter overrides.  repro_stage() compares them with the present state and either
 * prints "NAME: cached" or "NAME: re-run because <first difference>" and runs the script (the old
 * record is removed first, so an interrupted run is re-run next time). */
#ifndef REPRO_STAGE_H
#define REPRO_STAGE_H

#include "build/run.h"

/* Returns 0 (cached or ran successfully), 1 (the script failed), 2 (bad arguments). */
int repro_stage(const repro_run_opts *o, int force);

/* REPRO_STAGE_CHECK only says whether the stage is up to date ("NAME cached", 0) or why it would
 * run ("NAME would re-run because ...", 3) and runs nothing: tests reuse what `make paper` built. */
typedef enum { REPRO_STAGE_RUN, REPRO_STAGE_FORCE, REPRO_STAGE_CHECK } repro_stage_how;
int repro_stage_mode(const repro_run_opts *o, repro_stage_how how);

/* Why the stage at OUTDIR must run again, or NULL when it is up to date.  ENGINE is the engine's
 * hash, OVERRIDES the "a=1 b=2" string.  The reason is written into BUF. */
const char *repro_stage_reason(const char *outdir, const char *engine, const char *overrides,
                               char *buf, size_t n);

#endif
