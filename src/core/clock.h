/* clock: the one clock for durations (stage times, training seconds, progress lines, build
 * times of repro diff): seconds on CLOCK_MONOTONIC, unaffected by changes of the wall clock.
 * Only differences of two readings mean anything. */
#ifndef REPRO_CLOCK_H
#define REPRO_CLOCK_H

double repro_now(void);

#endif
