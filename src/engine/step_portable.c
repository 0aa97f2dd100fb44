/* step_portable: the fused step's sweep (sweep.h) in baseline code, 2 lanes per vector. */
#include "engine/sweep.h"

#include <math.h>
#include <string.h>

#if defined(__SSE2__)
#include <immintrin.h>
#define VSQRT(x) _mm_sqrt_pd(x)
#else
#define VSQRT(x) ((v2d){sqrt((x)[0]), sqrt((x)[1])})
#endif
#define SWEEP_NAME repro_sweep_portable
#define SWEEP_TARGET
#define VEC v2d
#define VECL v2l
#define VW 2
#include "engine/step_sweep.h"
