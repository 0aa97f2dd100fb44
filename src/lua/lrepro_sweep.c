/* repro.sweep(name, grid, point [, opts]): a grid of points, each computed by POINT(p) and cached
 * by its own key (src/build/sweep.h).  The key covers the engine, the point function's source text
 * and every value it captures (upvalues, by value: numbers, strings, tables of those, other Lua
 * functions with their own upvalues; loaded modules by name), the Lua library files loaded so far
 * and the point's coordinates; not the rest of the script.  So editing the gather code, or adding a
 * seed to the grid, leaves the other points cached.  Before each point the generator is seeded from
 * the sweep's name and the point's coordinates, so a point's numbers do not depend on which
 * process computes it or in what order.  OPTS.slurm: the sweep's own options of its Slurm jobs
 * (after $SLURM_ARGS; not part of any key). */
#include "lua/lrepro.h"
#include "lua/lrepro_sweepkey.h"

#include "build/launch.h"
#include "build/results.h"
#include "build/cachekey.h"
#include "build/sweep.h"
#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lrepro_seed_rng(unsigned long seed);

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- values <-> JSON --------------------------------------------------------------------------- */

/* The Lua value at IDX as JSON.  With BUILD = 0 only checks it (raising on a bad value) and
 * returns NULL: callers check first, then build, so that no error escapes with JSON half built. */
static json_t *tojson(lua_State *L, int idx, const char *sweep, const char *what, int depth,
                      int build)
{
    if (depth > 32) luaL_error(L, "repro.sweep '%s': %s nests too deeply", sweep, what);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN: return build ? json_boolean(lua_toboolean(L, idx)) : NULL;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return build ? json_integer((json_int_t)lua_tointeger(L, idx)) : NULL;
        if (!isfinite(lua_tonumber(L, idx)))
            luaL_error(L, "repro.sweep '%s': %s is %f (a point's values must be finite)", sweep,
                       what, lua_tonumber(L, idx));
        return build ? json_real(lua_tonumber(L, idx)) : NULL;
    case LUA_TSTRING: {
        json_t *s = json_string(lua_tostring(L, idx));
        if (!s) luaL_error(L, "repro.sweep '%s': %s is not UTF-8 text", sweep, what);
        if (!build) json_decref(s);
        return build ? s : NULL;
    }
    case LUA_TTABLE: break;
    default:
        luaL_error(L, "repro.sweep '%s': %s is a %s (numbers, text, booleans and tables of "
                      "them only)", sweep, what, luaL_typename(L, idx));
    }
    lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
    size_t count = 0;
    int strkeys = 1;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        count++;
        if (lua_type(L, -2) != LUA_TSTRING) strkeys = 0;
        lua_pop(L, 1);
    }
    if ((lua_Integer)count == len) { /* a list (an empty table too) */
        json_t *a = build ? json_array() : NULL;
        for (lua_Integer i = 1; i <= len; i++) {
            lua_rawgeti(L, idx, i);
            json_t *e = tojson(L, lua_gettop(L), sweep, what, depth + 1, build);
            lua_pop(L, 1);
            if (build) json_array_append_new(a, e);
        }
        return a;
    }
    if (!strkeys)
        luaL_error(L, "repro.sweep '%s': %s mixes list entries and names", sweep, what);
    /* Names sorted, so that the record's bytes do not depend on the table's history. */
    const char **keys = lua_newuserdatauv(L, count * sizeof *keys, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        keys[k++] = lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    qsort(keys, k, sizeof *keys, cmp_str);
    json_t *o = build ? json_object() : NULL;
    for (size_t i = 0; i < k; i++) {
        lua_getfield(L, idx, keys[i]);
        json_t *e = tojson(L, lua_gettop(L), sweep, keys[i], depth + 1, build);
        if (build) json_object_set_new(o, keys[i], e);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return o;
}

/* Checked, then built: no error leaves JSON behind. */
static json_t *checked_json(lua_State *L, int idx, const char *sweep, const char *what)
{
    tojson(L, idx, sweep, what, 0, 0);
    return tojson(L, idx, sweep, what, 0, 1);
}

static void pushjson(lua_State *L, json_t *j)
{
    size_t i;
    const char *k;
    json_t *v;
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach(j, k, v)
        {
            pushjson(L, v);
            lua_setfield(L, -2, k);
        }
        break;
    case JSON_ARRAY:
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v)
        {
            pushjson(L, v);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case JSON_STRING: lua_pushstring(L, json_string_value(j)); break;
    case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(j)); break;
    case JSON_REAL: lua_pushnumber(L, json_real_value(j)); break;
    case JSON_TRUE: lua_pushboolean(L, 1); break;
    case JSON_FALSE: lua_pushboolean(L, 0); break;
    default: lua_pushnil(L);
    }
}

/* ---- the grid ----------------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    size_t n;
} axis;

/* Push point I as a table name -> value, then its label "T=8 seed=3". */
static void push_point(lua_State *L, int grid, const axis *ax, size_t na, size_t i)
{
    size_t coord[64];
    for (size_t j = na; j-- > 0;) {
        coord[j] = i % ax[j].n;
        i /= ax[j].n;
    }
    char label[4096];
    size_t at = 0;
    label[0] = '\0';
    lua_createtable(L, 0, (int)na); /* point */
    for (size_t j = 0; j < na; j++) {
        lua_getfield(L, grid, ax[j].name);
        lua_rawgeti(L, -1, (lua_Integer)coord[j] + 1);
        char num[64];
        const char *v;
        if (lua_isinteger(L, -1)) {
            snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -1));
            v = num;
        } else if (lua_type(L, -1) == LUA_TNUMBER) {
            snprintf(num, sizeof num, "%g", lua_tonumber(L, -1));
            v = num;
        } else if (lua_type(L, -1) == LUA_TBOOLEAN) {
            v = lua_toboolean(L, -1) ? "true" : "false";
        } else {
            v = lua_tostring(L, -1);
        }
        if (at < sizeof label)
            at += (size_t)snprintf(label + at, sizeof label - at, "%s%s=%s", j ? " " : "",
                                   ax[j].name, v);
        lua_setfield(L, -3, ax[j].name);
        lua_pop(L, 1);
    }
    lua_pushstring(L, label);
}

static int point_traceback(lua_State *L)
{
    luaL_traceback(L, L, lua_tostring(L, 1) ? lua_tostring(L, 1) : "(error object)", 1);
    return 1;
}

/* compute_point(fn, point, key, pointjson, name, grid): call fn(point), write the record. */
static int compute_point(lua_State *L)
{
    const char *key = lua_tostring(L, 3), *pjson = lua_tostring(L, 4), *name = lua_tostring(L, 5);
    char seedhex[REPRO_HASH_HEX], buf[9];
    lua_pushfstring(L, "%s\n%s", name, pjson);
    repro_hash_bytes(lua_tostring(L, -1), lua_rawlen(L, -1), seedhex);
    lua_pop(L, 1);
    memcpy(buf, seedhex, 8);
    buf[8] = '\0';
    unsigned long seed = strtoul(buf, NULL, 16);
    lrepro_seed_rng(seed);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1); /* 7: values */
    if (!lua_istable(L, 7))
        return luaL_error(L, "repro.sweep '%s': the point function must return a table of "
                             "values (got %s)", name, luaL_typename(L, 7));
    lua_pushnil(L);
    while (lua_next(L, 6)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        if (lua_gettable(L, 7) != LUA_TNIL)
            return luaL_error(L, "repro.sweep '%s': the point function returned '%s', a name of "
                                 "the grid", name, lua_tostring(L, -2));
        lua_pop(L, 1);
    }
    json_t *vals = checked_json(L, 7, name, "the returned values");
    if (!json_is_object(vals)) {
        int empty = json_is_array(vals) && json_array_size(vals) == 0;
        json_decref(vals);
        if (!empty)
            return luaL_error(L, "repro.sweep '%s': the point function must return named values "
                                 "({name = value, ...})", name);
        vals = json_object();
    }
    /* The seeds this process noted (math.randomseed, networks, figures: the script up to the
     * sweep, then the point): the gather notes them in the stage's record, for its captions. */
    long long noted[1024];
    size_t nnoted = repro_results_seeds(noted, sizeof noted / sizeof noted[0]);
    json_t *seeds = json_array();
    for (size_t i = 0; i < nnoted && i < sizeof noted / sizeof noted[0]; i++)
        json_array_append_new(seeds, json_integer((json_int_t)noted[i]));
    json_t *rec = json_object();
    json_object_set_new(rec, "sweep", json_string(name));
    json_object_set_new(rec, "key", json_string(key));
    json_object_set_new(rec, "point", json_loads(pjson, 0, NULL));
    json_object_set_new(rec, "seed", json_integer((json_int_t)seed));
    json_object_set_new(rec, "seeds", seeds);
    json_object_set_new(rec, "values", vals);
    char path[4400];
    repro_sweep_record_path(name, key, path, sizeof path);
    int rc = repro_sweep_write_record(path, rec);
    json_decref(rec);
    if (rc != 0) return luaL_error(L, "repro.sweep '%s': %s", name, repro_errmsg());
    return 0;
}

static int valid_name(const char *s) { return repro_results_word(s, NULL); }

/* repro.sweep(name, grid, point [, opts]) */
static int l_sweep(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (!valid_name(name))
        return luaL_error(L, "repro.sweep: name '%s' must be made of letters, digits, '_' "
                             "and '-'", name);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    /* Options (a table or nil): slurm, the sweep's own options of its Slurm jobs; kept in the
     * registry while the sweep runs (the stack below is laid out from index 4 on). */
    static const char *const okeys[] = {"slurm", NULL};
    const char *slurm = NULL;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        lrepro_checkoptions(L, 4, "repro.sweep", okeys);
        if (lua_getfield(L, 4, "slurm") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "repro.sweep '%s': option slurm must be a string of Slurm "
                                 "options, not a %s", name, luaL_typename(L, -1));
        lua_pop(L, 1);
        slurm = lrepro_optstring(L, 4, "slurm", NULL);
        if (slurm) {
            lua_pushstring(L, slurm);
            slurm = lua_tostring(L, -1);
            lua_setfield(L, LUA_REGISTRYINDEX, "repro.sweep.slurm"); /* keeps the string alive */
        }
    }
    lua_settop(L, 3);
    /* One sweep per name and script: a point process finds its sweep by name. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, "repro.sweeps");
    if (lua_getfield(L, -1, name) != LUA_TNIL)
        return luaL_error(L, "repro.sweep: a sweep '%s' is already in this script (at %s)", name,
                          lua_tostring(L, -1));
    lua_pop(L, 1);
    char at[256];
    lua_pushstring(L, lrepro_where(L, at, sizeof at));
    lua_setfield(L, -2, name);
    lua_settop(L, 3);
    /* The axes, sorted by name; the first varies slowest. */
    size_t na = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (lua_type(L, -2) != LUA_TSTRING || !valid_name(lua_tostring(L, -2)))
            return luaL_error(L, "repro.sweep '%s': grid names must be words", name);
        if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0)
            return luaL_error(L, "repro.sweep '%s': grid entry '%s' must be a non-empty list",
                              name, lua_tostring(L, -2));
        size_t len = lua_rawlen(L, -1);
        for (size_t i = 1; i <= len; i++) {
            int t = lua_rawgeti(L, -1, (lua_Integer)i);
            if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
                return luaL_error(L, "repro.sweep '%s': grid entry %s[%d] is a %s (numbers, "
                                     "text or booleans only)", name, lua_tostring(L, -3),
                                  (int)i, luaL_typename(L, -1));
            if (t == LUA_TNUMBER && !isfinite(lua_tonumber(L, -1)))
                return luaL_error(L, "repro.sweep '%s': grid entry %s[%d] is not finite",
                                  name, lua_tostring(L, -3), (int)i);
            lua_pop(L, 1);
        }
        na++;
        lua_pop(L, 1);
    }
    if (na == 0) return luaL_error(L, "repro.sweep '%s': the grid is empty", name);
    if (na > 64) return luaL_error(L, "repro.sweep '%s': more than 64 grid names", name);
    axis *ax = lua_newuserdatauv(L, na * sizeof *ax, 0); /* 4 */
    lua_newtable(L);                                       /* 5: keeps the names alive */
    size_t k = 0, total = 1;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        ax[k].name = lua_tostring(L, -2);
        ax[k].n = lua_rawlen(L, -1);
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, 5, (lua_Integer)k + 1);
        if (total > 10000000 / ax[k].n)
            return luaL_error(L, "repro.sweep '%s': more than 10^7 points", name);
        total *= ax[k].n;
        k++;
    }
    for (size_t i = 1; i < na; i++) /* insertion sort by name */
        for (size_t j = i; j > 0 && strcmp(ax[j - 1].name, ax[j].name) > 0; j--) {
            axis t = ax[j];
            ax[j] = ax[j - 1];
            ax[j - 1] = t;
        }
    /* What every key shares: engine, function, library files. */
    lrepro_sweep_fingerprint(L, 3, name); /* 6 */
    char script_rel[4096], inputs[REPRO_HASH_HEX];
    repro_relpath(lrepro_ctx()->script, script_rel, sizeof script_rel);
    repro_results_inputs_digest(script_rel, inputs);
    lua_pushfstring(L, "repro-point-1\n%s\n%s\n%s\n%s\n", repro_engine_hash(), name,
                    lua_tostring(L, 6), inputs); /* 7 */

    long target_index = -1;
    const char *target = repro_sweep_point_target(&target_index);
    int is_target = target && strcmp(target, name) == 0;
    if (is_target && (target_index < 0 || (size_t)target_index >= total))
        return luaL_error(L, "repro point: sweep '%s' has %d points, no index %d", name,
                          (int)total, (int)target_index);

    lua_createtable(L, (int)total, 0); /* 8: keys */
    lua_createtable(L, (int)total, 0); /* 9: labels */
    lua_createtable(L, (int)total, 0); /* 10: points */
    lua_createtable(L, (int)total, 0); /* 11: point json texts */
    for (size_t i = 0; i < total; i++) {
        if (is_target && (long)i != target_index) continue;
        push_point(L, 2, ax, na, i); /* point label */
        lua_rawseti(L, 9, (lua_Integer)i + 1);
        json_t *pj = checked_json(L, lua_gettop(L), name, "the point");
        char *txt = json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        json_decref(pj);
        if (!txt) return luaL_error(L, "repro.sweep '%s': out of memory", name);
        lua_pushstring(L, txt);
        free(txt);
        lua_rawseti(L, 11, (lua_Integer)i + 1);
        lua_rawseti(L, 10, (lua_Integer)i + 1);
        lua_rawgeti(L, 11, (lua_Integer)i + 1);
        lua_pushvalue(L, 7);
        lua_rotate(L, -2, 1);
        lua_concat(L, 2);
        size_t klen;
        const char *kt = lua_tolstring(L, -1, &klen);
        char key[REPRO_HASH_HEX];
        repro_hash_bytes(kt, klen, key);
        lua_pop(L, 1);
        lua_pushstring(L, key);
        lua_rawseti(L, 8, (lua_Integer)i + 1);
    }

    char path[4400];
    if (is_target) {
        /* Point mode: compute this one point, store it, end the process (a pcall in the script
         * must not catch the end of a point run, nor its failure). */
        lua_pushcfunction(L, point_traceback);
        lua_pushcfunction(L, compute_point);
        lua_pushvalue(L, 3);                          /* fn */
        lua_rawgeti(L, 10, (lua_Integer)target_index + 1); /* point */
        lua_rawgeti(L, 8, (lua_Integer)target_index + 1);  /* key */
        lua_rawgeti(L, 11, (lua_Integer)target_index + 1); /* point json */
        lua_pushstring(L, name);
        lua_pushvalue(L, 2); /* grid, for its names */
        int rc = lua_pcall(L, 6, 0, -8);
        if (rc != LUA_OK) fprintf(stderr, "%s\n", lua_tostring(L, -1));
        fflush(stdout);
        fflush(stderr);
        exit(rc == LUA_OK ? 0 : 1);
    }

    /* Gather: which points are cached, run the others, read them all. */
    long *missing = lua_newuserdatauv(L, total * sizeof *missing, 0); /* 12 */
    char **mlabels = lua_newuserdatauv(L, total * sizeof *mlabels, 0); /* 13 */
    size_t m = 0;
    for (size_t i = 0; i < total; i++) {
        lua_rawgeti(L, 8, (lua_Integer)i + 1);
        repro_sweep_record_path(name, lua_tostring(L, -1), path, sizeof path);
        json_t *rec = repro_sweep_read_record(path, lua_tostring(L, -1));
        lua_pop(L, 1);
        if (rec) {
            json_decref(rec);
            continue;
        }
        missing[m] = (long)i;
        lua_rawgeti(L, 9, (lua_Integer)i + 1);
        mlabels[m++] = (char *)lua_tostring(L, -1); /* alive in table 9 */
        lua_pop(L, 1);
    }
    if (m > 0 && target)
        return luaL_error(L, "repro point: sweep '%s' (before '%s') has %d points not computed",
                          name, target, (int)m);
    if (m == 0)
        printf("%-12s sweep %s: %zu points, all cached\n", lrepro_ctx()->stage, name, total);
    else
        printf("%-12s sweep %s: %zu points, %zu cached, %zu to run (%s)\n", lrepro_ctx()->stage,
               name, total, total - m, m, repro_launch_name());
    fflush(stdout);
    size_t bad = repro_sweep_run_points(name, missing, mlabels, m, total - m, total, slurm);
    if (bad > 0)
        return luaL_error(L, "repro.sweep '%s': %d of the %d points to run failed; the other "
                             "%d points are cached", name, (int)bad, (int)m,
                          (int)(total - bad));
    lua_createtable(L, (int)total, 0); /* result */
    for (size_t i = 0; i < total; i++) {
        lua_rawgeti(L, 8, (lua_Integer)i + 1);
        const char *key = lua_tostring(L, -1);
        repro_sweep_record_path(name, key, path, sizeof path);
        json_t *rec = repro_sweep_read_record(path, key);
        lua_pop(L, 1);
        if (!rec) {
            lua_rawgeti(L, 9, (lua_Integer)i + 1);
            return luaL_error(L, "repro.sweep '%s': point %s finished but left no record %s "
                                 "(is build/ shared with the machine that ran it?)", name,
                              lua_tostring(L, -1), path);
        }
        char h[REPRO_HASH_HEX], rel[4400];
        if (repro_hash_file(path, h) == 0)
            repro_results_point(repro_relpath(path, rel, sizeof rel), h);
        size_t si;
        json_t *sv;
        json_array_foreach(json_object_get(rec, "seeds"), si, sv)
            repro_results_seed((long long)json_integer_value(sv));
        pushjson(L, json_object_get(rec, "values"));
        lua_rawgeti(L, 10, (lua_Integer)i + 1);
        lua_pushnil(L);
        while (lua_next(L, -2)) { /* values point k v */
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -5);
        }
        lua_pop(L, 1);
        json_decref(rec);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void lrepro_open_sweep(lua_State *L)
{
    lua_pushcfunction(L, l_sweep);
    lua_setfield(L, -2, "sweep");
}
