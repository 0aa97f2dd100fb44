/* step_avx512: the fused step's sweep (sweep.h) in AVX-512F code, 8 lanes per vector (x86-64
 * only).  tests/c/test_step.c also runs this source's 8-lane logic compiled without AVX-512 (GCC
 * lowers the vectors), so that it is checked on CPUs that cannot run this file's code. */
#include "engine/sweep.h"

#include <string.h>

#ifdef REPRO_SWEEP_X86
#define SWEEP_NAME repro_sweep_avx512
#define SWEEP_TARGET __attribute__((target("avx512f")))
#define VEC v8d
#define VECL v8l
#define VW 8
/* _mm512_sqrt_pd without <immintrin.h> (0.4-0.65 s to parse): the builtin it wraps (4: the
 * current rounding mode); GCC's is masked, called as its header does (every lane selected, the
 * unused source left undefined: with a zero source one multiply's operands came out swapped). */
#ifdef __clang__
#define VSQRT(x) __builtin_ia32_sqrtpd512(x, 4)
#else
static inline __attribute__((always_inline, target("avx512f"))) v8d vsqrt8(v8d a) {
    v8d u = u;
    return __builtin_ia32_sqrtpd512_mask(a, u, (unsigned char)-1, 4);
}
#define VSQRT(x) vsqrt8(x)
#endif
#include "engine/step_sweep.h"
#endif
