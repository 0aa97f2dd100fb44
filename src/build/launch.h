/* launch: run a batch of commands, on this machine or as Slurm jobs, and report failures.
 *
 * Local: the commands run as child processes, as many at a time as make's job slots allow (the
 * calling process holds one slot; each further child takes a token from make's jobserver, named in
 * MAKEFLAGS; without a jobserver they run one at a time); a command waiting for a slot starts as
 * soon as a token comes or one of the batch's own children ends (one poll on both).  Slurm: each command runs as a job of its
 * own through `srun` (options from $SLURM_ARGS), its output in a log file, or, for a batch of
 * $SLURM_ARRAY or more commands (default 2), as the tasks of one job array (slurmarray.h); the
 * commands do not use this machine's CPUs, so all of them are submitted at once (Slurm queues them).  A command that
 * fails stops the launch of new ones; running ones finish (their results stay cached) and the
 * failure is reported: the job id, the label (stage or point) and the end of the job's log. */
#ifndef REPRO_LAUNCH_H
#define REPRO_LAUNCH_H

#include <stddef.h>

typedef enum { REPRO_LAUNCH_LOCAL = 0, REPRO_LAUNCH_SLURM = 1 } repro_launch_mode;

/* Set the launcher by name ("local", "slurm"; NULL or "" is local).  Returns 0 or -1 with
 * repro_err() set for an unknown name. */
int repro_launch_set(const char *name);
repro_launch_mode repro_launch_get(void);
const char *repro_launch_name(void);

typedef struct {
    char *const *argv; /* the command, NULL-terminated; argv[0] an absolute path or found on PATH */
    const char *label; /* what it computes, for messages ("thm41 point T=8 seed=3") */
    const char *log;   /* Slurm: the job's log file (its folder is created) */
    int quiet;         /* local: discard the command's standard output (errors still shown) */
    const char *args;  /* Slurm: options after $SLURM_ARGS (a sweep's own; NULL: none); the
                        * jobs of one batch have the same */
} repro_job;

/* Called as each job ends (OK = 1 when it succeeded), e.g. for a progress line. */
typedef void (*repro_job_done)(size_t i, int ok, void *arg);

/* Run JOBS[0..n-1] with the current launcher; FAILED (may be NULL) receives 1 for each job that
 * failed or never started.  Returns the number of jobs that did not succeed. */
size_t repro_launch_all(const repro_job *jobs, size_t n, int *failed, repro_job_done done,
                        void *arg);

/* The one line a job writes first into its log when it runs under Slurm ("slurm job 123 on
 * node1", "slurm job 123_4 on node1" for task 4 of job array 123), so that a failure report can
 * name the job; nothing outside Slurm. */
void repro_launch_job_banner(void);

/* Internal to launch.c and slurmarray.c (the Slurm side).  The words of S (split at blanks, e.g.
 * $SLURM_ARGS) as a NULL-terminated malloc'd list in *OUT (each word malloc'd); their count or
 * -1.  In a child about to run sbatch or srun: drop the SLURM_* variables of the job this process
 * may run in (but SLURM_CONF), so that the command submits a job of its own.  The last LINES lines
 * of file PATH on standard error, indented, under a heading naming it (nothing if it is empty). */
int repro_launch_words(const char *s, char ***out);
void repro_launch_slurm_env(void);
void repro_launch_tail(const char *path, int lines);

#endif
