/* clock: the one clock for durations (stage times, training seconds, progress lines, build
 * times of repro diff): seconds on CLOCK_MONOTONIC, unaffected by changes of the wall clock.
 * Only differences of two readings mean anything. */
#ifndef REPRO_CLOCK_H
#define REPRO_CLOCK_H

double repro_now(void);

/* CPU seconds (user + system) used so far by this process and by its children that have been
 * waited for (getrusage SELF + CHILDREN): a stage's own cost, sweep points run by make included. */
double repro_cpu_seconds(void);

#endif
