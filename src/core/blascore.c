/* blascore: pick OpenBLAS kernels for CPUs its detection does not know (see blascore.h). */
#include "core/blascore.h"

#include <stdlib.h>
#if defined(__SSE2__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif
#include <string.h>
#include <unistd.h>

char *openblas_get_corename(void); /* OpenBLAS's own API (openblas_config.h) */

const char *repro_blas_core(void) { return openblas_get_corename(); }

static const char *best_core(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return NULL;
}

void repro_blas_core_fix(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE")) return; /* the user's choice, or we already re-executed */
    const char *core = openblas_get_corename();
    if (!core || strcmp(core, "Prescott") != 0) return;
    const char *want = best_core();
    if (!want) return;
    if (setenv("OPENBLAS_CORETYPE", want, 1) != 0) return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* execv failed: carry on with the generic kernels */
}

void repro_flush_subnormals(void)
{
#if defined(__SSE2__)
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
}

unsigned repro_fpu_exact(void)
{
#if defined(__SSE2__)
    unsigned old = _mm_getcsr();
    _mm_setcsr(old & ~(unsigned)(_MM_FLUSH_ZERO_MASK | _MM_DENORMALS_ZERO_MASK));
    return old;
#else
    return 0;
#endif
}

void repro_fpu_restore(unsigned state)
{
#if defined(__SSE2__)
    _mm_setcsr(state);
#else
    (void)state;
#endif
}
