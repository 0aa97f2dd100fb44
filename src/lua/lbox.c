/* lbox: userdata that own one C resource (see lbox.h). */
#include "lua/lbox.h"

#include <stdlib.h>
#include <string.h>

/* __gc and __close: upvalue 1 is the type (light userdata).  Idempotent: a closed box stays
 * closed, so a to-be-closed variable that is later collected is freed once. */
static int box_free(lua_State *L)
{
    const lrepro_type *t = lua_touserdata(L, lua_upvalueindex(1));
    lrepro_box *b = luaL_checkudata(L, 1, t->name);
    if (b->res) {
        void *res = b->res;
        b->res = NULL;
        t->free(res);
    }
    return 0;
}

void lrepro_newtype(lua_State *L, const lrepro_type *t, const luaL_Reg *meta, const luaL_Reg *methods)
{
    luaL_newmetatable(L, t->name); /* mt */
    lua_pushlightuserdata(L, (void *)t);
    lua_pushcclosure(L, box_free, 1); /* mt free */
    lua_pushvalue(L, -1);              /* mt free free */
    lua_setfield(L, -3, "__gc");       /* mt free */
    lua_setfield(L, -2, "__close");    /* mt */
    if (meta) luaL_setfuncs(L, meta, 0);
    if (methods) {
        lua_newtable(L); /* mt methods */
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

lrepro_box *lrepro_newbox(lua_State *L, const lrepro_type *t, size_t size, int nuv)
{
    if (size < sizeof(lrepro_box)) size = sizeof(lrepro_box);
    lrepro_box *b = lua_newuserdatauv(L, size, nuv); /* box */
    memset(b, 0, size);
    luaL_setmetatable(L, t->name);
    return b;
}

void lrepro_pushbox(lua_State *L, const lrepro_type *t, void *res)
{
    lrepro_box *b = lrepro_newbox(L, t, 0, 0); /* box */
    if (!res) luaL_error(L, "%s: out of memory", t->what);
    b->res = res;
}

lrepro_box *lrepro_tobox(lua_State *L, int idx, const lrepro_type *t)
{
    return luaL_checkudata(L, idx, t->name);
}

static int cmpname(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void pushfield(lua_State *L, const char *s, const lrepro_field *f)
{
    if (f->type == LREPRO_DOUBLE) {
        double v;
        memcpy(&v, s + f->offset, sizeof v);
        lua_pushnumber(L, v);
    } else {
        size_t v;
        memcpy(&v, s + f->offset, sizeof v);
        lua_pushinteger(L, (lua_Integer)v);
    }
}

void lrepro_setfields(lua_State *L, const void *s, const lrepro_field *fields)
{
    for (const lrepro_field *f = fields; f->name; f++) {
        pushfield(L, s, f);          /* t v */
        lua_setfield(L, -2, f->name); /* t */
    }
}

int lrepro_index(lua_State *L, const lrepro_type *t, const lrepro_field *fields, const char *others)
{
    const char *res = lrepro_checkbox(L, 1, t);
    const char *k = luaL_checkstring(L, 2);
    for (const lrepro_field *f = fields; f->name; f++)
        if (strcmp(k, f->name) == 0) {
            pushfield(L, res, f);
            return 1;
        }
    luaL_getmetatable(L, t->name); /* box k mt */
    if (k[0] != '_' && lua_getfield(L, -1, k) == LUA_TFUNCTION) return 1; /* box k mt method */
    lua_settop(L, 0);
    luaL_getmetatable(L, t->name); /* mt */
    const char *names[64];
    size_t n = 0;
    lua_pushnil(L); /* mt nil */
    while (lua_next(L, 1)) { /* mt key value */
        if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1) && n < 64) {
            const char *name = lua_tostring(L, -2); /* kept alive by the metatable */
            if (name[0] != '_') names[n++] = name;
        }
        lua_pop(L, 1); /* mt key */
    }
    qsort(names, n, sizeof *names, cmpname);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *sep = "";
    for (const lrepro_field *f = fields; f->name; f++, sep = ", ") {
        luaL_addstring(&b, sep);
        luaL_addstring(&b, f->name);
    }
    if (others) {
        luaL_addstring(&b, sep);
        luaL_addstring(&b, others);
        sep = ", ";
    }
    for (size_t i = 0; i < n; i++, sep = ", ") {
        luaL_addstring(&b, sep);
        luaL_addstring(&b, names[i]);
    }
    luaL_pushresult(&b); /* mt list */
    return luaL_error(L, "%s has no field '%s' (fields: %s)", t->what, k, lua_tostring(L, -1));
}

void *lrepro_checkbox(lua_State *L, int idx, const lrepro_type *t)
{
    lrepro_box *b = luaL_checkudata(L, idx, t->name);
    if (!b->res) luaL_argerror(L, idx, lua_pushfstring(L, "%s already closed", t->what));
    return b->res;
}
