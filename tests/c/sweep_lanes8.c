/* sweep_lanes8: the fused step's sweep (src/engine/step_sweep.h) with step_avx512.c's parameters,
 * 8 lanes per vector and one vector per block, but no target: GCC lowers the 64-byte vectors to
 * the instructions this CPU has.  test_step.c runs it against the reference and the other paths,
 * so that the AVX-512 path's logic (its lanes, blocks and loops) is tested on CPUs that cannot
 * run AVX-512 code; the instruction selection of step_avx512.c is not.  The lowering is slow to
 * compile (about 30 s at -O2 with debug information), so the Makefile builds this file once, at
 * -O1 without debug information and without sanitizers, for both test builds. */
#include <math.h>
#include <string.h>

#include "engine/sweep.h"

void sweep_lanes8(const sweep_args *a);

#define VSQRT(x)                                                                                   \
    ((v8d){sqrt((x)[0]), sqrt((x)[1]), sqrt((x)[2]), sqrt((x)[3]), sqrt((x)[4]), sqrt((x)[5]),   \
           sqrt((x)[6]), sqrt((x)[7])})
#define SWEEP_NAME sweep_lanes8
#define SWEEP_TARGET
#define VEC v8d
#define VECL v8l
#define VW 8
#include "engine/step_sweep.h"
