/* blascore: make OpenBLAS use the kernels of the CPU it runs on.
 *
 * Debian 12's OpenBLAS (0.3.21) does not recognise recent Intel CPUs (Sapphire Rapids and later)
 * and falls back to its generic "Prescott" kernels, which run our training steps about 1.5x
 * slower than the AVX-512 kernels (measured with bench/).  OpenBLAS reads OPENBLAS_CORETYPE only
 * when it is loaded, so repro_blas_core_fix() re-executes the program once with
 * OPENBLAS_CORETYPE set to the newest kernel family the CPU supports (SkylakeX with AVX-512,
 * Haswell with AVX2 + FMA) when, and only when, OpenBLAS chose Prescott, the variable is unset
 * and the CPU has those instructions.  A user's OPENBLAS_CORETYPE always wins. */
#ifndef REPRO_BLASCORE_H
#define REPRO_BLASCORE_H

/* Call first thing in main(); returns only when no re-execution is needed (or it failed). */
void repro_blas_core_fix(char **argv);

/* Flush subnormal numbers to zero in this thread's floating-point unit (x86-64 FTZ and DAZ).
 * Weight decay drives the weights of unused neurons towards zero through the subnormal range,
 * where every operation is ~100x slower: without this a long training run slowed down 4x
 * (measured: 159 us/step over the first 2000 steps, 700 us/step averaged over 20000).  Values
 * below 2.2e-308 become 0; nothing we compute is meaningful at that scale.  Called by main(); the
 * C unit tests set it too (tests/c/check.h), so they run in the binary's mode.  Data are read and
 * validated with the mode off (repro_fpu_exact), where 0 and 4.9e-324 are different numbers. */
void repro_flush_subnormals(void);

/* Turn flush-to-zero and denormals-are-zero off until repro_fpu_restore(STATE), STATE being the
 * value returned: for reading and validating data (the CSV loader, repro.dataset). */
unsigned repro_fpu_exact(void);
void repro_fpu_restore(unsigned state);

/* The kernel family OpenBLAS is using ("SkylakeX", "Prescott", ...). */
const char *repro_blas_core(void);

#endif
