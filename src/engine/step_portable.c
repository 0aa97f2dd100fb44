/* step_portable: the fused step's sweep (sweep.h) in baseline code, 2 lanes per vector. */
#include "engine/sweep.h"

#include <math.h>
#include <string.h>

#if defined(__SSE2__)
/* _mm_sqrt_pd without <immintrin.h> (0.4-0.65 s to parse): the builtin it wraps (GCC, clang) */
#define VSQRT(x) __builtin_ia32_sqrtpd(x)
#else
#define VSQRT(x) ((v2d){sqrt((x)[0]), sqrt((x)[1])})
#endif
#define SWEEP_NAME repro_sweep_portable
#define SWEEP_TARGET
#define VEC v2d
#define VECL v2l
#define VW 2
#include "engine/step_sweep.h"
