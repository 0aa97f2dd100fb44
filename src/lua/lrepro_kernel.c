/* repro.kernel: the Sobolev kernel interpolant ("repro.Kernel" userdata). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/err.h"
#include "engine/kernel.h"
#include "lua/lrepro.h"

static void free_kernel(void *ki) { repro_kernel_free(ki); }
static const lrepro_type kernel_type = {"repro.Kernel", "kernel", free_kernel};

static repro_kernel *checkkernel(lua_State *L, int idx) { return lrepro_checkbox(L, idx, &kernel_type); }

static void at(const void *ki, double x, gsl_vector *out) { repro_kernel_eval(ki, x, out); }
static int many(const void *ki, const gsl_vector *xs, gsl_matrix *F)
{
    return repro_kernel_evalmany_to(ki, xs, F);
}

/* ki(x) -> list of T values; ki:eval(xs) -> list of rows (numbers when T = 1) */
static int kernel_call(lua_State *L)
{
    repro_kernel *ki = checkkernel(L, 1);
    return lrepro_call1d(L, ki, ki->T, at, "kernel(x): x");
}
static int kernel_eval(lua_State *L)
{
    repro_kernel *ki = checkkernel(L, 1);
    return lrepro_eval1d(L, ki, ki->T, many, "kernel:eval: xs");
}

static int kernel_alpha(lua_State *L)
{
    repro_kernel *ki = checkkernel(L, 1);
    lrepro_pushmatrix(L, ki->alpha);
    return 1;
}

static int kernel_tostring(lua_State *L)
{
    repro_kernel *ki = checkkernel(L, 1);
    lua_pushfstring(L, "repro.Kernel(sobolev, N = %d, T = %d)", (int)ki->N, (int)ki->T);
    return 1;
}

static int kernel_index(lua_State *L)
{
    static const lrepro_field fields[] = {LREPRO_FIELD("N", repro_kernel, N),
                                          LREPRO_FIELD("T", repro_kernel, T), LREPRO_FIELDS_END};
    return lrepro_index(L, &kernel_type, fields, NULL);
}

/* repro.kernel.sobolev(ds [, {ridge = 0}]) */
static int l_sobolev(lua_State *L)
{
    repro_dataset *ds = lrepro_checkdataset(L, 1, "sobolev");
    if (ds->d != 1)
        return luaL_error(L, "sobolev: ds must have one input (d = 1), got d = %d", (int)ds->d);
    static const char *const keys[] = {"ridge", NULL};
    lrepro_checkoptions(L, 2, "sobolev", keys);
    double ridge = 0;
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_getfield(L, 2, "ridge");
        int t = lua_type(L, -1);
        if (t != LUA_TNIL) {
            if (t != LUA_TNUMBER)
                return luaL_error(L, "sobolev: ridge must be a number >= 0, got %s", luaL_typename(L, -1));
            ridge = lua_tonumber(L, -1);
            if (!(ridge >= 0) || !isfinite(ridge))
                return luaL_error(L, "sobolev: ridge must be a finite number >= 0, got %f", ridge);
        }
        lua_pop(L, 1);
    }
    lrepro_box *box = lrepro_newbox(L, &kernel_type, 0, 0);
    if (!(box->res = repro_kernel_fit(ds, ridge))) return lrepro_engine_error(L);
    return 1;
}

void lrepro_open_kernel(lua_State *L)
{
    static const luaL_Reg meta[] = {{"__call", kernel_call},     {"__index", kernel_index},
                                    {"__tostring", kernel_tostring}, {"eval", kernel_eval},
                                    {"alpha", kernel_alpha},     {NULL, NULL}};
    lrepro_newtype(L, &kernel_type, meta, NULL);
    static const luaL_Reg fns[] = {{"sobolev", l_sobolev}, {NULL, NULL}};
    lrepro_newmodule(L, "kernel", fns, NULL);
}
