/* netfile: a repro_net (net.h) to and from a versioned text file.
 *
 * Format: first line "repro-net 1", then "d T K skip", then theta one number per line in "%.17g".
 * Load checks the header, the counts and every number and names the file and line in its error
 * (wrong header, bad counts, a non-number, NaN/Inf, too few numbers, trailing content).  Save goes
 * through repro_write_atomic (fileio.h: PATH.tmp.<pid> in the same folder, then rename) and
 * refuses non-finite parameters.  Errors through repro_err; save returns 0 / -1, load NULL. */
#ifndef REPRO_NETFILE_H
#define REPRO_NETFILE_H

#include "engine/net.h"

int repro_net_save(const repro_net *net, const char *path);
repro_net *repro_net_load(const char *path);

#endif
