/* cmd_diff: `repro diff`, which figures and values changed between two versions of the project.
 *
 *   repro diff [REV_A [REV_B]] [options]   (default: HEAD against the working tree, ".")
 *   repro diff --dirs A_DIR B_DIR [options]
 *
 * A revision is checked out into a temporary git worktree under the output folder and built there
 * with `make figures` (the engine is reused from the checkout's build folder when the engine
 * sources are the same); the working tree is built in place.  Then every figure is compared
 * (sidecar data with figdiff, PNG pixels with pixdiff), and the results files too; a summary
 * table goes to standard output and the report to OUT/index.html (diffreport).  The sides are
 * resolved, checked out and built by side.c (child processes: proc.c); figures compared by
 * figdiff.c and pixdiff.c, values by resultsdiff.c.
 * Returns 0 when nothing changed beyond tolerance, 1 when something changed, 2 on an error (an
 * unknown revision, a side that fails to build, an unreadable file, a bad option). */
#ifndef REPRO_CMD_DIFF_H
#define REPRO_CMD_DIFF_H

int repro_cmd_diff(int argc, char **argv);

#endif
