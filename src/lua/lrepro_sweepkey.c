#include "lua/lrepro_sweepkey.h"

#include "lua/lrepro.h"

#include "core/fileio.h"
#include "core/hash.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a growable string (freed by its box on the Lua stack) ----------------------------------- */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static int sbuf_gc(lua_State *L)
{
    sbuf *b = lua_touserdata(L, 1);
    free(b->s);
    b->s = NULL;
    return 0;
}

static sbuf *sbuf_new(lua_State *L)
{
    sbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    if (luaL_newmetatable(L, "repro.SweepBuffer")) {
        lua_pushcfunction(L, sbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return b;
}

static void sbuf_add(lua_State *L, sbuf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024);
        while (cap < b->n + n + 1) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) luaL_error(L, "repro.sweep: out of memory");
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sbuf_printf(lua_State *L, sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void sbuf_printf(lua_State *L, sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sbuf_add(L, b, tmp, k < 0 ? 0 : (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* ---- the point function's fingerprint -------------------------------------------------------- */

typedef struct {
    const char *sweep;
    int modules; /* absolute index: table -> module name, for package.loaded */
    int visited; /* absolute index: table/function -> true */
} fpctx;

static void fp_value(lua_State *L, int idx, sbuf *b, const fpctx *c, const char *what, int depth);

/* Lines FIRST..LAST of the file SRC ("@path"), or the chunk text itself. */
static void fp_source(lua_State *L, const lua_Debug *ar, sbuf *b)
{
    if (ar->source[0] != '@') {
        sbuf_printf(L, b, "chunk%zu:", strlen(ar->source));
        sbuf_add(L, b, ar->source, strlen(ar->source));
        return;
    }
    size_t len = 0;
    char *text = repro_read_file(ar->source + 1, &len);
    if (!text) luaL_error(L, "repro.sweep: cannot read %s (the point function's source)", ar->source + 1);
    int line = 1;
    size_t start = 0, end = len;
    int first = ar->linedefined > 0 ? ar->linedefined : 1;
    for (size_t i = 0; i < len; i++) {
        if (line == first && start == 0 && (i == 0 || text[i - 1] == '\n')) start = i;
        if (text[i] == '\n') {
            if (ar->lastlinedefined > 0 && line == ar->lastlinedefined) {
                end = i + 1;
                break;
            }
            line++;
        }
    }
    if (first == 1) start = 0;
    sbuf_printf(L, b, "src%zu:", end - start);
    sbuf_add(L, b, text + start, end - start);
    free(text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void fp_table(lua_State *L, int idx, sbuf *b, const fpctx *c, const char *what, int depth)
{
    /* Keys as tagged strings, sorted (iteration order differs between processes). */
    lua_newtable(L); /* bykey */
    int bykey = lua_gettop(L);
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int kt = lua_type(L, -2);
        if (kt == LUA_TSTRING) {
            lua_pushfstring(L, "s%s", lua_tostring(L, -2));
        } else if (kt == LUA_TNUMBER && lua_isinteger(L, -2)) {
            lua_pushfstring(L, "i%I", lua_tointeger(L, -2));
        } else if (kt == LUA_TNUMBER) {
            char num[64];
            snprintf(num, sizeof num, "f%a", lua_tonumber(L, -2));
            lua_pushstring(L, num);
        } else if (kt == LUA_TBOOLEAN) {
            lua_pushstring(L, lua_toboolean(L, -2) ? "btrue" : "bfalse");
        } else {
            luaL_error(L, "repro.sweep '%s': %s has a key of type %s (the point's key cannot "
                          "cover it)", c->sweep, what, luaL_typename(L, -2));
        }
        lua_pushvalue(L, -2);   /* k v tk v */
        lua_settable(L, bykey); /* k v */
        lua_pop(L, 1);
        n++;
    }
    const char **keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, bykey)) {
        keys[k++] = lua_tostring(L, -2); /* alive: the strings are keys of bykey */
        lua_pop(L, 1);
    }
    qsort(keys, k, sizeof *keys, cmp_str);
    sbuf_printf(L, b, "{%zu:", k);
    for (size_t i = 0; i < k; i++) {
        sbuf_printf(L, b, "%zu:%s=", strlen(keys[i]), keys[i]);
        lua_getfield(L, bykey, keys[i]);
        fp_value(L, lua_gettop(L), b, c, what, depth + 1);
        lua_pop(L, 1);
    }
    sbuf_add(L, b, "}", 1);
    lua_pop(L, 2); /* keys bykey */
}

static void fp_value(lua_State *L, int idx, sbuf *b, const fpctx *c, const char *what, int depth)
{
    if (depth > 64) luaL_error(L, "repro.sweep '%s': %s nests too deeply", c->sweep, what);
    int t = lua_type(L, idx);
    switch (t) {
    case LUA_TNIL: sbuf_add(L, b, "n;", 2); return;
    case LUA_TBOOLEAN: sbuf_add(L, b, lua_toboolean(L, idx) ? "T;" : "F;", 2); return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) sbuf_printf(L, b, "i%lld;", (long long)lua_tointeger(L, idx));
        else sbuf_printf(L, b, "f%a;", lua_tonumber(L, idx));
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        sbuf_printf(L, b, "s%zu:", len);
        sbuf_add(L, b, s, len);
        return;
    }
    case LUA_TTABLE:
    case LUA_TFUNCTION:
        break;
    default:
        luaL_error(L, "repro.sweep '%s': %s is a %s, which the point's key cannot cover (build it "
                      "inside the point function, or pass plain numbers and tables)",
                   c->sweep, what, luaL_typename(L, idx));
    }
    /* A loaded module: by name (its file is one of the run's inputs, hashed separately). */
    lua_pushvalue(L, idx);
    if (lua_rawget(L, c->modules) == LUA_TSTRING) {
        sbuf_printf(L, b, "m%s;", lua_tostring(L, -1));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, c->visited) != LUA_TNIL) {
        lua_pop(L, 1);
        sbuf_add(L, b, "r;", 2);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, c->visited);
    if (t == LUA_TTABLE) {
        fp_table(L, idx, b, c, what, depth);
        return;
    }
    lua_Debug ar;
    lua_pushvalue(L, idx);
    lua_getinfo(L, ">S", &ar);
    if (strcmp(ar.what, "C") == 0) {
        sbuf_add(L, b, "C;", 2); /* engine functions: covered by the engine's hash */
        return;
    }
    fp_source(L, &ar, b);
    const char *up;
    for (int i = 1; (up = lua_getupvalue(L, idx, i)) != NULL; i++) {
        if (strcmp(up, "_ENV") == 0) {
            lua_pop(L, 1);
            continue;
        }
        char w[256];
        snprintf(w, sizeof w, "the captured variable '%s'", up);
        sbuf_printf(L, b, "u%s=", up);
        fp_value(L, lua_gettop(L), b, c, w, depth + 1);
        lua_pop(L, 1);
    }
}

void lrepro_sweep_fingerprint(lua_State *L, int fn, const char *sweep)
{
    lua_newtable(L); /* modules */
    int modules = lua_gettop(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && (lua_istable(L, -1) || lua_isfunction(L, -1))) {
            lua_pushvalue(L, -2);
            lua_rawset(L, modules);
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lua_newtable(L); /* visited */
    fpctx c = {sweep, modules, lua_gettop(L)};
    sbuf *b = sbuf_new(L);
    fp_value(L, fn, b, &c, "the point function", 0);
    char h[REPRO_HASH_HEX];
    repro_hash_bytes(b->s, b->n, h);
    lua_pop(L, 3);
    lua_pushstring(L, h);
}
