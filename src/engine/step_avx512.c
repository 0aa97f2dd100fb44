/* step_avx512: the fused step's sweep (sweep.h) in AVX-512F code, 8 lanes per vector (x86-64
 * only).  tests/c/test_step.c also runs this source's 8-lane logic compiled without AVX-512 (GCC
 * lowers the vectors), so that it is checked on CPUs that cannot run this file's code. */
#include "engine/sweep.h"

#include <string.h>

#ifdef REPRO_SWEEP_X86
#include <immintrin.h>
#define SWEEP_NAME repro_sweep_avx512
#define SWEEP_TARGET __attribute__((target("avx512f")))
#define VEC v8d
#define VECL v8l
#define VW 8
#define VSQRT(x) _mm512_sqrt_pd(x)
#include "engine/step_sweep.h"
#endif
