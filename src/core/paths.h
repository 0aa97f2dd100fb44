/* paths: the layout of a build, defined here once for the C side.
 *
 *   <build>/                  REPRO_BUILD_DIR ("build"), make's B
 *   <build>/stages/<stage>/   one folder per pipeline stage (the script's base name without
 *                             .lua): its run record results.json and the data it writes
 *   <build>/stages/<stage>/points/<sweep>/<key>.json
 *                             the record of one point of a sweep (build/sweep.h)
 *   <build>/slurm/            LAUNCH=slurm: the jobs' logs, <stage>.log and
 *                             <stage>/<sweep>-<index>.log (REPRO_SLURM_LOGS overrides)
 *   <build>/results.json      every stage's values collected (repro collect)
 *   <figures>/                REPRO_FIGURES_DIR ("figures"), make's FIG: NAME.{pdf,png,json}
 *
 * The Makefile keeps its own variables (B, FIG, RECORDS) for the same layout and says so.
 * Functions that build a path write it into BUF and return it, or return NULL with repro_err
 * set when it does not fit (a path is never silently cut). */
#ifndef REPRO_PATHS_H
#define REPRO_PATHS_H

#include <stddef.h>

#define REPRO_BUILD_DIR "build"
#define REPRO_FIGURES_DIR "figures"
#define REPRO_RECORD_FILE "results.json"

/* The stage name of SCRIPT: its base name without ".lua" ("pipeline/fig1.lua" -> "fig1"). */
const char *repro_path_stage_name(const char *script, char *buf, size_t n);
/* BDIR/stages (BDIR NULL: REPRO_BUILD_DIR), and BDIR/stages/STAGE. */
const char *repro_path_stages(const char *bdir, char *buf, size_t n);
const char *repro_path_stage_dir(const char *bdir, const char *stage, char *buf, size_t n);
/* The run record of the stage folder OUTDIR: OUTDIR/results.json. */
const char *repro_path_record(const char *outdir, char *buf, size_t n);
/* The record of the point with key KEY of sweep SWEEP of the stage folder OUTDIR. */
const char *repro_path_point(const char *outdir, const char *sweep, const char *key, char *buf,
                             size_t n);
/* The Slurm log of a stage's job (SWEEP NULL) or of point INDEX of SWEEP: in $REPRO_SLURM_LOGS,
 * else REPRO_BUILD_DIR/slurm. */
const char *repro_path_slurm_log(const char *stage, const char *sweep, long index, char *buf,
                                 size_t n);
/* The collected results of the build folder BDIR: BDIR/results.json. */
const char *repro_path_results(const char *bdir, char *buf, size_t n);
/* The build and figures folders of the project at PROJ: PROJ/build, PROJ/figures. */
const char *repro_path_build_of(const char *proj, char *buf, size_t n);
const char *repro_path_figures_of(const char *proj, char *buf, size_t n);

#endif
