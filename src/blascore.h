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

/* The kernel family OpenBLAS is using ("SkylakeX", "Prescott", ...). */
const char *repro_blas_core(void);

#endif
