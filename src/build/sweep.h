/* sweep: the build side of repro.sweep (the Lua binding is src/lua/lrepro_sweep.c).
 *
 * A sweep is a grid of points computed by one function of the script.  Each point is a cached unit
 * of its own: its record, OUTDIR/points/SWEEP/KEY.json, is named by the point's key (a hash of the
 * engine, the point function's code and everything it captures, the Lua library files loaded and
 * the point's coordinates), so it is found again whatever else in the script changed.  A missing
 * point is computed by a process of its own, `repro point SCRIPT --sweep NAME --index I`, which
 * runs the script up to the sweep, computes that one point, writes its record (atomically) and
 * stops; the stage's run launches those processes (src/build/launch.c: in make's job slots, or as
 * Slurm jobs) and then reads every record. */
#ifndef REPRO_SWEEP_H
#define REPRO_SWEEP_H

#include "build/run.h"

#include <jansson.h>
#include <stddef.h>

/* Remember how the running script was started (run.c calls it before the script runs); O is
 * copied shallowly and must outlive the run. */
void repro_sweep_begin(const repro_run_opts *o);
void repro_sweep_end(void);

/* In point mode: the sweep whose point this process computes (and *INDEX, 0-based); else NULL. */
const char *repro_sweep_point_target(long *index);

/* The record file of a point of SWEEP with key KEY, written into BUF. */
const char *repro_sweep_record_path(const char *sweep, const char *key, char *buf, size_t n);

/* Write a point record atomically.  Returns 0, or -1 with repro_err() set. */
int repro_sweep_write_record(const char *path, json_t *rec);

/* The record at PATH when it exists, is well formed (values, and the list of seeds the point's
 * process noted, which the gather notes for the stage) and carries KEY; else NULL (the point must
 * be computed; a record of an older engine without seeds is computed again).  The caller owns the
 * result. */
json_t *repro_sweep_read_record(const char *path, const char *key);

/* Compute the points INDEX[0..m-1] of SWEEP, one process each, with the current launcher;
 * LABELS[i] names point INDEX[i] in messages ("T=8 seed=3").  DONE of TOTAL points are finished
 * already (the progress line counts on from there).  SLURM_ARGS (may be NULL): the sweep's own
 * Slurm options, after $SLURM_ARGS.  Returns how many did not finish. */
size_t repro_sweep_run_points(const char *sweep, const long *index, char *const *labels, size_t m,
                              size_t done, size_t total, const char *slurm_args);

/* Remove from OUTDIR/points/ the point records that OUTDIR's run record does not list (records
 * of other grids, parameters, point functions or engines; empty sweep folders go too).  Nothing
 * is removed when OUTDIR has no run record (its last run failed or did not finish: its points
 * are the cache of the next one).  *REMOVED, *KEPT and *BYTES count what was removed and kept.
 * Returns 1 when there was a record, 0 when not, -1 with repro_err() set (nothing half done: a
 * file that cannot be removed stops the pruning with its name). */
int repro_sweep_prune(const char *outdir, size_t *removed, size_t *kept, unsigned long long *bytes);

#endif
