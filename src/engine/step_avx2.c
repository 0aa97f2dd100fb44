/* step_avx2: the fused step's sweep (sweep.h) in AVX2 code, 4 lanes per vector (x86-64 only). */
#include "engine/sweep.h"

#include <string.h>

#ifdef REPRO_SWEEP_X86
#define SWEEP_NAME repro_sweep_avx2
#define SWEEP_TARGET __attribute__((target("avx2")))
#define VEC v4d
#define VECL v4l
#define VW 4
/* _mm256_sqrt_pd without <immintrin.h> (0.4-0.65 s to parse): the builtin it wraps (GCC, clang) */
#define VSQRT(x) __builtin_ia32_sqrtpd256(x)
#include "engine/step_sweep.h"
#endif
