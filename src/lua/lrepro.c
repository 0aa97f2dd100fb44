/* The repro Lua module: the run context and the core functions (check, value, params, input,
 * output, progress, seeded random numbers); the helpers every binding shares are in lhelpers.c. */
#include "lua/lrepro.h"

#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"
#include "core/paths.h"
#include "core/progress.h"
#include "build/results.h"

#include <gsl/gsl_randist.h>
#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- context ------------------------------------------------------------------------------ */

static lrepro_context ctx = {"?", "run", REPRO_FIGURES_DIR, REPRO_BUILD_DIR "/stages/run", 0};

const lrepro_context *lrepro_ctx(void) { return &ctx; }
void lrepro_set_ctx(const lrepro_context *c) { ctx = *c; }

/* ---- random numbers ------------------------------------------------------------------------ */

static gsl_rng *rng;

static gsl_rng *the_rng(void)
{
    if (!rng) {
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 1);
    }
    return rng;
}

/* Reseed the generator (repro.sweep, before each point). */
void lrepro_seed_rng(unsigned long seed);
void lrepro_seed_rng(unsigned long seed) { gsl_rng_set(the_rng(), seed); }

void lrepro_free_rng(void);
void lrepro_free_rng(void)
{
    if (rng) gsl_rng_free(rng);
    rng = NULL;
}

/* math.random with Lua's own semantics, drawn from a seeded GSL Mersenne twister. */
static int l_random(lua_State *L)
{
    gsl_rng *r = the_rng();
    lua_Integer lo, hi;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, gsl_rng_uniform(r));
        return 1;
    case 1:
        lo = 1;
        hi = luaL_checkinteger(L, 1);
        break;
    case 2:
        lo = luaL_checkinteger(L, 1);
        hi = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
    /* hi - lo in unsigned arithmetic: math.random(math.mininteger, math.maxinteger) must not
     * overflow (the full range wraps to a span of 0, "too large" like every span > 2^32 - 1). */
    lua_Unsigned span = (lua_Unsigned)hi - (lua_Unsigned)lo + 1u;
    luaL_argcheck(L, span > 0 && span <= gsl_rng_max(r) - gsl_rng_min(r), 1, "interval too large");
    lua_pushinteger(L, (lua_Integer)((lua_Unsigned)lo + gsl_rng_uniform_int(r, (unsigned long)span)));
    return 1;
}

static int l_randomseed(lua_State *L)
{
    lua_Integer s = luaL_checkinteger(L, 1);
    gsl_rng_set(the_rng(), (unsigned long)s);
    lrepro_note_seed(s);
    return 0;
}

/* repro.gaussian([sigma]): a normal draw from the same generator as math.random. */
static int l_gaussian(lua_State *L)
{
    double sigma = luaL_optnumber(L, 1, 1.0);
    luaL_argcheck(L, sigma >= 0, 1, "sigma must be >= 0");
    lua_pushnumber(L, gsl_ran_gaussian_ziggurat(the_rng(), sigma));
    return 1;
}

/* ---- results ------------------------------------------------------------------------------- */

void lrepro_note_seed(lua_Integer seed) { repro_results_seed((long long)seed); }

void lrepro_note_input(const char *file)
{
    char h[REPRO_HASH_HEX], rel[4096];
    if (repro_hash_file(file, h) != 0) snprintf(h, sizeof h, "unreadable");
    repro_results_input(repro_relpath(file, rel, sizeof rel), h);
}

void lrepro_note_output(const char *file)
{
    char h[REPRO_HASH_HEX], rel[4096];
    if (repro_hash_file(file, h) != 0) snprintf(h, sizeof h, "unreadable");
    repro_results_output(repro_relpath(file, rel, sizeof rel), h);
}

/* repro.input(path): declare a file the script reads by itself (io.open): it joins the stage's
 * cache key, so editing it re-runs the stage.  The file must exist. */
/* Declared files stay inside the project (the current folder), the stage folder or the figures
 * folder: repro diff copies outputs between worktrees, so '../x' would escape its worktree. */
static void checkinside(lua_State *L, const char *fn, const char *file)
{
    const char *roots[3] = {".", lrepro_ctx()->outdir, lrepro_ctx()->figdir};
    if (!repro_path_within(file, roots, 3))
        luaL_error(L, "%s: '%s' lies outside the project, the stage folder and the figures folder",
                   fn, file);
}

/* A declared file FILE of the call FN: it must exist (MISSING: the message otherwise, a format
 * with one %s for the file) and lie inside the project; NOTE records it. */
static int declare(lua_State *L, const char *fn, const char *missing, void (*note)(const char *))
{
    const char *file = luaL_checkstring(L, 1);
    FILE *f = fopen(file, "rb");
    if (!f) return luaL_error(L, "%s: %s", fn, lua_pushfstring(L, missing, file));
    fclose(f);
    checkinside(L, fn, file);
    note(file);
    return 0;
}

static int l_input(lua_State *L)
{
    return declare(L, "repro.input", "cannot read '%s'", lrepro_note_input);
}

/* repro.output(path): declare a file the script wrote by itself: it is checked (and carried over
 * by repro diff) like the engine's own outputs.  The file must exist. */
static int l_output(lua_State *L)
{
    return declare(L, "repro.output", "'%s' does not exist (write it first)", lrepro_note_output);
}

/* repro.progress(label, done, total [, text]): a status line on a terminal, nothing otherwise. */
static int l_progress(lua_State *L)
{
    const char *label = luaL_checkstring(L, 1);
    double done = luaL_checknumber(L, 2), total = luaL_checknumber(L, 3);
    const char *text = luaL_optstring(L, 4, NULL);
    if (done >= total)
        repro_progress_end();
    else
        repro_progress(label, done, total, text);
    return 0;
}

/* repro.value(name, number_or_text [, {fmt = "%.3g"}]) */
static int l_value(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    static const char *const keys[] = {"fmt", NULL};
    lrepro_checkoptions(L, 3, "repro.value", keys);
    const char *fmt = lrepro_optstring(L, 3, "fmt", NULL);
    char where[256];
    lrepro_where(L, where, sizeof where);
    int rc;
    if (lua_type(L, 2) == LUA_TSTRING) {
        rc = repro_results_text(name, lua_tostring(L, 2), where);
    } else if (lua_type(L, 2) == LUA_TNUMBER) {
        if (fmt && !repro_results_fmt_valid(fmt))
            return luaL_error(L, "repro.value: fmt '%s' must hold one %%e, %%f or %%g", fmt);
        rc = repro_results_value(name, lua_tonumber(L, 2), fmt, where);
    } else {
        return luaL_error(L, "repro.value: '%s' must be a number or a string, got %s", name,
                          luaL_typename(L, 2));
    }
    if (rc) return luaL_error(L, "repro.value: %s", repro_errmsg());
    lua_pushvalue(L, 2);
    return 1;
}

/* repro.check(name, value, {le = ..., ge = ..., fmt = ...}): records; raises on failure. */
static int l_check(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (lua_type(L, 2) != LUA_TNUMBER)
        return luaL_error(L, "check '%s': the measured value must be a number, got %s", name,
                          luaL_typename(L, 2));
    double v = lua_tonumber(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"le", "ge", "fmt", NULL};
    lrepro_checkoptions(L, 3, "repro.check", keys);
    lua_getfield(L, 3, "le");
    lua_getfield(L, 3, "ge");
    if (lua_isnil(L, -1) && lua_isnil(L, -2))
        return luaL_error(L, "check '%s': give a bound, le = ... and/or ge = ...", name);
    double le = lrepro_optnumber(L, 3, "le", 0), ge = lrepro_optnumber(L, 3, "ge", 0);
    int has_le = !lua_isnil(L, -2), has_ge = !lua_isnil(L, -1);
    lua_pop(L, 2);
    char where[256];
    lrepro_where(L, where, sizeof where);
    int pass;
    const char *fmt = lrepro_optstring(L, 3, "fmt", NULL);
    if (fmt && !repro_results_fmt_valid(fmt))
        return luaL_error(L, "repro.check: fmt '%s' must hold one %%e, %%f or %%g", fmt);
    if (repro_results_check(name, v, has_le ? &le : NULL, has_ge ? &ge : NULL, fmt, where, &pass))
        return luaL_error(L, "repro.check: %s", repro_errmsg());
    if (!pass) {
        char bound[128] = "";
        if (has_ge) snprintf(bound, sizeof bound, ">= %.6g", ge);
        if (has_le) {
            size_t n = strlen(bound);
            snprintf(bound + n, sizeof bound - n, "%s<= %.6g", n ? " and " : "", le);
        }
        char val[64];
        snprintf(val, sizeof val, "%.6g", v);
        return luaL_error(L, "check '%s' failed: value %s, bound %s", name, val, bound);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- parameters ---------------------------------------------------------------------------- */
/* Command-line overrides live in the registry table "repro.overrides" (name -> string); the
 * table "repro.used" remembers which of them a script declared. */

static int cmp_names(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static int l_params(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, LUA_REGISTRYINDEX, "repro.declared"); /* decl */
    if (!lua_isnil(L, -1)) return luaL_error(L, "repro.params may be called only once per run");
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "repro.declared");
    lua_getfield(L, LUA_REGISTRYINDEX, "repro.overrides"); /* t over */
    int over = lua_gettop(L);
    /* Unknown overrides first, with the list of declared names. */
    lua_pushnil(L);
    while (lua_next(L, over)) { /* t over k v */
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_gettable(L, 1); /* t over k default */
        if (lua_isnil(L, -1)) {
            /* the declared names, sorted, so the message reads the same on every run */
            char names[64][64];
            size_t n = 0;
            lua_pushnil(L);
            while (lua_next(L, 1)) {
                lua_pop(L, 1);
                if (lua_type(L, -1) == LUA_TSTRING && n < 64)
                    snprintf(names[n++], sizeof names[0], "%s", lua_tostring(L, -1));
            }
            qsort(names, n, sizeof names[0], cmp_names);
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (size_t i = 0; i < n; i++) {
                if (i) luaL_addstring(&b, ", ");
                luaL_addstring(&b, names[i]);
            }
            luaL_pushresult(&b);
            return luaL_error(L, "unknown parameter '%s' (this script declares: %s)",
                              lua_tostring(L, -3), lua_tostring(L, -1));
        }
        lua_pop(L, 1); /* t over k */
    }
    /* Build the result in a deterministic (sorted) order of names. */
    lua_newtable(L); /* t over res */
    int res = lua_gettop(L);
    lua_newtable(L); /* t over res names */
    int names = lua_gettop(L);
    lua_Integer nn = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "repro.params: parameter names must be strings");
        lua_pushvalue(L, -1);
        lua_rawseti(L, names, ++nn);
    }
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, names);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= nn; i++) {
        lua_rawgeti(L, names, i); /* ... name */
        const char *name = lua_tostring(L, -1);
        lua_getfield(L, 1, name);    /* ... name default */
        lua_getfield(L, over, name); /* ... name default override */
        int overridden = !lua_isnil(L, -1);
        if (overridden) {
            const char *s = lua_tostring(L, -1);
            switch (lua_type(L, -2)) {
            case LUA_TNUMBER:
                if (lua_isinteger(L, -2)) {
                    char *end;
                    errno = 0;
                    long long iv = strtoll(s, &end, 10);
                    if (*s == '\0' || *end != '\0')
                        return luaL_error(L, "parameter '%s' must be an integer, got '%s'", name, s);
                    if (errno == ERANGE)
                        return luaL_error(L, "parameter '%s': %s is out of the integer range", name,
                                          s);
                    lua_pushinteger(L, (lua_Integer)iv);
                } else {
                    char *end;
                    errno = 0;
                    double dv = strtod(s, &end);
                    if (*s == '\0' || *end != '\0' || !isfinite(dv))
                        return luaL_error(L, "parameter '%s' must be a number, got '%s'", name, s);
                    if (errno == ERANGE && dv == 0)
                        return luaL_error(L, "parameter '%s': %s is too small for a double (it "
                                             "would be read as 0)", name, s);
                    lua_pushnumber(L, dv);
                }
                break;
            case LUA_TBOOLEAN:
                if (strcmp(s, "true") && strcmp(s, "false"))
                    return luaL_error(L, "parameter '%s' must be true or false, got '%s'", name, s);
                lua_pushboolean(L, strcmp(s, "true") == 0);
                break;
            case LUA_TSTRING:
                lua_pushstring(L, s);
                break;
            default:
                return luaL_error(L, "parameter '%s': only numbers, booleans and strings can be "
                                     "overridden", name);
            }
            lua_replace(L, -3); /* ... name value override */
        }
        lua_pop(L, 1); /* ... name value */
        int t = lua_type(L, -1);
        if (t != LUA_TNUMBER && t != LUA_TBOOLEAN && t != LUA_TSTRING)
            return luaL_error(L, "parameter '%s': default must be a number, boolean or string, "
                                 "got %s", name, luaL_typename(L, -1));
        char repr[128];
        if (lua_isinteger(L, -1))
            snprintf(repr, sizeof repr, "%lld", (long long)lua_tointeger(L, -1));
        else if (t == LUA_TNUMBER)
            snprintf(repr, sizeof repr, "%.17g", lua_tonumber(L, -1));
        else if (t == LUA_TBOOLEAN)
            snprintf(repr, sizeof repr, "%s", lua_toboolean(L, -1) ? "true" : "false");
        else
            snprintf(repr, sizeof repr, "%s", lua_tostring(L, -1));
        repro_results_param(name, repr, overridden);
        lua_setfield(L, res, name); /* ... name */
        lua_pop(L, 1);
    }
    lua_pushvalue(L, res);
    return 1;
}

static int l_where(lua_State *L)
{
    char buf[256];
    lua_pushstring(L, lrepro_where(L, buf, sizeof buf));
    return 1;
}

void lrepro_open_core(lua_State *L)
{
    static const luaL_Reg fns[] = {{"check", l_check},       {"value", l_value},
                                   {"params", l_params},     {"gaussian", l_gaussian},
                                   {"where", l_where},       {"progress", l_progress},
                                   {"input", l_input},       {"output", l_output},
                                   {NULL, NULL}};
    luaL_setfuncs(L, fns, 0); /* repro */
    lua_pushstring(L, lrepro_ctx()->stage);
    lua_setfield(L, -2, "stage");
    lua_pushstring(L, lrepro_ctx()->figdir);
    lua_setfield(L, -2, "figdir");
    lua_pushstring(L, lrepro_ctx()->outdir);
    lua_setfield(L, -2, "outdir");
    /* Replace math.random / math.randomseed by the seeded GSL generator. */
    lua_getglobal(L, "math"); /* repro math */
    if (lua_istable(L, -1)) {
        lua_pushcfunction(L, l_random);
        lua_setfield(L, -2, "random");
        lua_pushcfunction(L, l_randomseed);
        lua_setfield(L, -2, "randomseed");
    }
    lua_pop(L, 1); /* repro */
}

int luaopen_repro(lua_State *L)
{
    lrepro_open_helpers(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "repro.overrides");
    if (lua_isnil(L, -1)) {
        lua_newtable(L);
        lua_setfield(L, LUA_REGISTRYINDEX, "repro.overrides");
    }
    lua_pop(L, 1);

    lua_newtable(L); /* repro */
    lrepro_open_core(L);
    lrepro_open_dataset(L);
    lrepro_open_univariate(L);
    lrepro_open_kernel(L);
    lrepro_open_plot(L);
    lrepro_open_net(L);
    lrepro_open_linalg(L);
    lrepro_open_convex(L);
    lrepro_open_sweep(L);
    return 1;
}
