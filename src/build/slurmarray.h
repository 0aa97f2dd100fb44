/* slurmarray: a batch of commands as the tasks of Slurm job arrays (launch.h's Slurm launcher for
 * batches of $SLURM_ARRAY or more commands: a sweep's missing points).
 *
 * One `sbatch --array` per $SLURM_ARRAY_SIZE commands (default 1000) instead of one `srun` each:
 * the submitting process holds no client per command and the controller queues one job.  The
 * tasks' script, written beside the first command's log (build/slurm/STAGE/SWEEP.array.sh, one
 * `case` branch per command, readable and runnable by hand), sends each command's output to its
 * log, runs it and writes its exit status to LOG.rc; Slurm's own messages for task I (a
 * cancellation, a time limit) go to SWEEP.array-I.out.  The submitter watches the .rc files (so
 * build/ must be on a filesystem the nodes share, as for every Slurm job here) and, to see tasks
 * that ended without one, the arrays in squeue (given up after squeue has failed for 10 minutes).
 * A task that fails cancels the tasks that have not started (running ones finish); a task that
 * ended without a status (cancelled, killed, out of time) is a failure; a task that never started
 * is not reported.  SIGINT, SIGTERM or SIGHUP while waiting cancel the arrays before the process
 * dies of the signal.  Options: $SLURM_ARGS (as for srun) then the jobs' own (repro_job.args, the
 * first job's for the whole batch), $SLURM_ARRAY_LIMIT (at most that many tasks of an array
 * running at once: `%N`). */
#ifndef REPRO_SLURMARRAY_H
#define REPRO_SLURMARRAY_H

#include "build/launch.h"

#include <stddef.h>

/* *MIN: the smallest batch launched as job arrays, $SLURM_ARRAY (a count; 0 turns arrays off:
 * SIZE_MAX), 2 when unset.  Returns 0, or -1 with repro_err() set when it is not a count. */
int repro_slurm_array_min(size_t *min);

/* Run JOBS[0..n-1] as job arrays; FAILED, DONE and ARG and the result as repro_launch_all's. */
size_t repro_slurm_array_run(const repro_job *jobs, size_t n, int *failed, repro_job_done done,
                             void *arg);

#endif
