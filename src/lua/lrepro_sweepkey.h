/* lrepro_sweepkey: the fingerprint of a sweep's point function, the part of a point's key that
 * stands for its code (lrepro_sweep.c adds the engine, the Lua library files and the point).  It
 * covers the function's source text and every value it captures, by value: numbers, strings,
 * booleans, tables of them (keys sorted), other Lua functions with their own upvalues, loaded
 * modules by name; a value that cannot be keyed (a userdata, a thread) raises an error naming the
 * captured variable.  Internal to the Lua binding. */
#ifndef REPRO_LREPRO_SWEEPKEY_H
#define REPRO_LREPRO_SWEEPKEY_H

#include <lua.h>

/* Push the fingerprint (hex) of the function at stack index FN; SWEEP names the sweep in errors. */
void lrepro_sweep_fingerprint(lua_State *L, int fn, const char *sweep);

#endif
