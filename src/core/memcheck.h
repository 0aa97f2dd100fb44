/* memcheck: refuse an allocation the machine cannot hold, before making it.
 *
 * Linux overcommits: a request for more memory than is free usually succeeds and the process is
 * killed later, when the pages are touched (by the OOM killer, with no message).  Big allocations
 * whose size a script chooses (networks, their optimizer state and work buffers, matrices built
 * from Lua tables) are checked first against the memory available now (MemAvailable in
 * /proc/meminfo) and refused with the numbers. */
#ifndef REPRO_MEMCHECK_H
#define REPRO_MEMCHECK_H

/* Bytes of memory available to a new allocation (MemAvailable; physical free pages when
 * /proc/meminfo is unreadable). */
double repro_mem_available(void);

/* Requests up to this many bytes pass unchecked: reading /proc/meminfo costs about 25 us, and
 * scripts make tens of thousands of small vectors (fig3: 40000 reads, 0.7 s of system time). */
#define REPRO_MEM_SMALL (16.0 * 1024 * 1024)

/* 0 when BYTES (a double: sizes computed as products never overflow) are at most REPRO_MEM_SMALL
 * or fit in the available memory, else -1 with repro_err(): "WHAT needs 32.0 GB of memory, only
 * 22.1 GB are available". */
int repro_mem_check(double bytes, const char *what);

#endif
