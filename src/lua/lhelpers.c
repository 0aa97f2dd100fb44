/* lhelpers: what every binding file shares (declared in lrepro.h): GSL vectors and matrices
 * boxed on the Lua stack, Lua lists read into them and results pushed back by the one shape rule,
 * option tables checked strictly, module tables, the script position of a call. */
#include "lua/lrepro.h"

#include "core/err.h"
#include "core/memcheck.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- boxes ------------------------------------------------------------------------------- */

static void free_vector(void *v) { gsl_vector_free(v); }
static void free_matrix(void *m) { gsl_matrix_free(m); }
static const lrepro_type vector_type = {"repro.Vector", "vector", free_vector};
static const lrepro_type matrix_type = {"repro.Matrix", "matrix", free_matrix};

/* Refuse N doubles the machine cannot hold (before allocating, see core/memcheck.h). */
static void checkmem(lua_State *L, double n)
{
    if (repro_mem_check(8.0 * n, "this list of numbers") != 0) luaL_error(L, "%s", repro_errmsg());
}

gsl_vector *lrepro_newvector(lua_State *L, size_t n)
{
    lrepro_box *b = lrepro_newbox(L, &vector_type, 0, 0); /* box */
    checkmem(L, (double)n);
    gsl_vector *v = gsl_vector_calloc(n ? n : 1);
    if (!v) luaL_error(L, "out of memory for a vector of %I numbers", (lua_Integer)n);
    if (n == 0) v->size = 0;
    b->res = v;
    return v;
}

gsl_matrix *lrepro_newmatrix(lua_State *L, size_t rows, size_t cols)
{
    lrepro_box *b = lrepro_newbox(L, &matrix_type, 0, 0); /* box */
    if (rows == 0 || cols == 0)
        luaL_error(L, "matrix of %I x %I: empty", (lua_Integer)rows, (lua_Integer)cols);
    checkmem(L, (double)rows * (double)cols);
    gsl_matrix *m = gsl_matrix_calloc(rows, cols);
    if (!m) luaL_error(L, "out of memory for a %I x %I matrix", (lua_Integer)rows, (lua_Integer)cols);
    b->res = m;
    return m;
}

lua_Integer lrepro_len(lua_State *L, int idx, const char *what)
{
    lua_Integer n = luaL_len(L, idx);
    if (n < 0 || n > LREPRO_MAXLEN)
        luaL_error(L, "%s: length %I is out of range 0..%I", what, n, (lua_Integer)LREPRO_MAXLEN);
    return n;
}

lua_Integer lrepro_optcount(lua_State *L, int idx, const char *fn, const char *key,
                            lua_Integer def, lua_Integer lo, lua_Integer hi)
{
    lua_Integer v = lrepro_optinteger(L, idx, key, def);
    if (v < lo && hi == LUA_MAXINTEGER)
        luaL_error(L, "%s: %s must be an integer >= %I, got %I", fn, key, lo, v);
    if (v < lo || v > hi)
        luaL_error(L, "%s: %s must be an integer in %I..%I, got %I", fn, key, lo, hi, v);
    return v;
}

static double checkelem(lua_State *L, int t, lua_Integer i, const char *what)
{
    lua_geti(L, t, i); /* ... elem */
    int isnum;
    double v = lua_tonumberx(L, -1, &isnum);
    if (!isnum)
        luaL_error(L, "%s: entry %I must be a number, got %s", what, i, luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

gsl_vector *lrepro_checkvector(lua_State *L, int idx, const char *what)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s: expected a list of numbers, got %s", what, luaL_typename(L, idx));
    lua_Integer n = lrepro_len(L, idx, what);
    gsl_vector *v = lrepro_newvector(L, (size_t)n); /* ... box */
    for (lua_Integer i = 1; i <= n; i++) gsl_vector_set(v, (size_t)i - 1, checkelem(L, idx, i, what));
    return v;
}

gsl_matrix *lrepro_checkmatrix(lua_State *L, int idx, const char *what, int allow_column)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s: expected a list of rows, got %s", what, luaL_typename(L, idx));
    lua_Integer n = lrepro_len(L, idx, what);
    if (n == 0) luaL_error(L, "%s: expected a non-empty list of rows", what);
    lua_geti(L, idx, 1); /* ... row1 */
    int column = lua_type(L, -1) == LUA_TNUMBER;
    lua_Integer cols = 1;
    if (column) {
        if (!allow_column) luaL_error(L, "%s: expected a list of rows (lists of numbers)", what);
    } else if (lua_type(L, -1) == LUA_TTABLE) {
        cols = lrepro_len(L, -1, what);
    } else {
        luaL_error(L, "%s: row 1 must be a list of numbers, got %s", what, luaL_typename(L, -1));
    }
    lua_pop(L, 1); /* ... */
    if (cols == 0) luaL_error(L, "%s: row 1 is empty", what);
    gsl_matrix *m = lrepro_newmatrix(L, (size_t)n, (size_t)cols); /* ... box */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, idx, i); /* ... box row */
        if (column) {
            int isnum;
            double v = lua_tonumberx(L, -1, &isnum);
            if (!isnum)
                luaL_error(L, "%s: row %I must be a number like row 1, got %s", what, i,
                           luaL_typename(L, -1));
            gsl_matrix_set(m, (size_t)i - 1, 0, v);
        } else {
            if (lua_type(L, -1) != LUA_TTABLE)
                luaL_error(L, "%s: row %I must be a list of numbers, got %s", what, i,
                           luaL_typename(L, -1));
            lua_Integer k = lrepro_len(L, -1, what);
            if (k != cols)
                luaL_error(L, "%s: row %I has %I entries, row 1 has %I (ragged rows)", what, i, k,
                           cols);
            for (lua_Integer j = 1; j <= k; j++) {
                lua_geti(L, -1, j); /* ... box row elem */
                int isnum;
                double v = lua_tonumberx(L, -1, &isnum);
                if (!isnum)
                    luaL_error(L, "%s: row %I, column %I must be a number, got %s", what, i, j,
                               luaL_typename(L, -1));
                gsl_matrix_set(m, (size_t)i - 1, (size_t)j - 1, v);
                lua_pop(L, 1); /* ... box row */
            }
        }
        lua_pop(L, 1); /* ... box */
    }
    return m;
}

void lrepro_pushvector(lua_State *L, const gsl_vector *v)
{
    lua_createtable(L, (int)v->size, 0);
    for (size_t i = 0; i < v->size; i++) {
        lua_pushnumber(L, gsl_vector_get(v, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

void lrepro_pushrow(lua_State *L, const gsl_vector *row)
{
    if (row->size == 1)
        lua_pushnumber(L, gsl_vector_get(row, 0));
    else
        lrepro_pushvector(L, row);
}

void lrepro_pushmatrix(lua_State *L, const gsl_matrix *m)
{
    lua_createtable(L, (int)m->size1, 0);
    for (size_t i = 0; i < m->size1; i++) {
        gsl_vector_const_view r = gsl_matrix_const_row(m, i);
        lrepro_pushrow(L, &r.vector);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* ---- arguments ---------------------------------------------------------------------------- */

const char *lrepro_pushnames(lua_State *L, const char *const names[])
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 0; names[i]; i++) {
        if (i) luaL_addstring(&b, ", ");
        luaL_addstring(&b, names[i]);
    }
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

void lrepro_newmodule(lua_State *L, const char *name, const luaL_Reg *fns, lua_CFunction call)
{
    lua_newtable(L); /* repro module */
    if (fns) luaL_setfuncs(L, fns, 0);
    if (call) {
        lua_newtable(L); /* repro module mt */
        lua_pushcfunction(L, call);
        lua_setfield(L, -2, "__call");
        lua_setmetatable(L, -2);
    }
    lua_setfield(L, -2, name); /* repro */
}

int lrepro_engine_error(lua_State *L) { return luaL_error(L, "%s", repro_errmsg()); }

void lrepro_checkoptions(lua_State *L, int idx, const char *fn, const char *const keys[])
{
    if (lua_isnoneornil(L, idx)) return;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s: options must be a table, got %s", fn, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) { /* ... key value */
        lua_pop(L, 1);         /* ... key */
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: option keys must be names, got a %s", fn, luaL_typename(L, -1));
        const char *k = lua_tostring(L, -1);
        int known = 0;
        for (int i = 0; keys[i]; i++)
            if (strcmp(keys[i], k) == 0) known = 1;
        if (!known) luaL_error(L, "%s: unknown option '%s' (known: %s)", fn, k, lrepro_pushnames(L, keys));
    }
}

typedef enum { OPT_NUMBER, OPT_INTEGER, OPT_STRING, OPT_BOOLEAN } optkind;
typedef union {
    lua_Number n;
    lua_Integer i;
    const char *s; /* stays alive: the option table refers to it */
    int b;
} optval;

/* Option KEY of the option table at IDX, read as KIND into *V: 1 when it is set, 0 when it is nil
 * or there is no option table; raises "option 'KEY' must be a number, got string" when it is not
 * of KIND (an integer: also a float with an integral value; a number: also a numeric string). */
static int getopt(lua_State *L, int idx, const char *key, optkind kind, optval *v)
{
    static const char *const what[] = {"a number", "an integer", "a string", "true or false"};
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    int t = lua_getfield(L, idx, key); /* ... v */
    int ok = 1;
    if (t != LUA_TNIL) switch (kind) {
        case OPT_NUMBER: v->n = lua_tonumberx(L, -1, &ok); break;
        case OPT_INTEGER: v->i = lua_tointegerx(L, -1, &ok); break;
        case OPT_STRING: if ((ok = t == LUA_TSTRING)) v->s = lua_tostring(L, -1); break;
        case OPT_BOOLEAN: if ((ok = t == LUA_TBOOLEAN)) v->b = lua_toboolean(L, -1); break;
        }
    if (!ok) luaL_error(L, "option '%s' must be %s, got %s", key, what[kind], luaL_typename(L, -1));
    lua_pop(L, 1);
    return t != LUA_TNIL;
}

lua_Number lrepro_optnumber(lua_State *L, int idx, const char *key, lua_Number def)
{
    optval v;
    return getopt(L, idx, key, OPT_NUMBER, &v) ? v.n : def;
}

lua_Integer lrepro_optinteger(lua_State *L, int idx, const char *key, lua_Integer def)
{
    optval v;
    return getopt(L, idx, key, OPT_INTEGER, &v) ? v.i : def;
}

const char *lrepro_optstring(lua_State *L, int idx, const char *key, const char *def)
{
    optval v;
    return getopt(L, idx, key, OPT_STRING, &v) ? v.s : def;
}

int lrepro_optboolean(lua_State *L, int idx, const char *key, int def)
{
    optval v;
    return getopt(L, idx, key, OPT_BOOLEAN, &v) ? v.b : def;
}

const char *lrepro_where(lua_State *L, char *buf, size_t n)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            snprintf(buf, n, "%s:%d", ar.short_src, ar.currentline);
            return buf;
        }
    }
    snprintf(buf, n, "?");
    return buf;
}

double lrepro_checkfinite(lua_State *L, int idx, const char *what)
{
    int isnum;
    double v = lua_tonumberx(L, idx, &isnum);
    if (!isnum || lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: expected a number, got %s", what, luaL_typename(L, idx));
    if (!isfinite(v)) luaL_error(L, "%s: expected a finite number, got %f", what, v);
    return v;
}

int lrepro_call1d(lua_State *L, const void *f, size_t T, lrepro_at1d at, const char *what)
{
    double x = lrepro_checkfinite(L, 2, what);
    gsl_vector *out = lrepro_newvector(L, T); /* f x out */
    at(f, x, out);
    lrepro_pushvector(L, out);
    return 1;
}

int lrepro_eval1d(lua_State *L, const void *f, size_t T, lrepro_many1d many, const char *what)
{
    gsl_vector *xs = lrepro_checkvector(L, 2, what); /* f xs xsbox */
    if (xs->size == 0) {
        lua_newtable(L);
        return 1;
    }
    for (size_t m = 0; m < xs->size; m++)
        if (!isfinite(gsl_vector_get(xs, m))) luaL_error(L, "%s entry %d must be finite", what, (int)m + 1);
    gsl_matrix *F = lrepro_newmatrix(L, xs->size, T); /* f xs xsbox F */
    if (many(f, xs, F) != 0) return lrepro_engine_error(L);
    lrepro_pushmatrix(L, F);
    return 1;
}

void lrepro_open_helpers(lua_State *L)
{
    lrepro_newtype(L, &vector_type, NULL, NULL);
    lrepro_newtype(L, &matrix_type, NULL, NULL);
}
