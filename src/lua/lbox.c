/* lbox: userdata that own one C resource (see lbox.h). */
#include "lua/lbox.h"

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

lrepro_box *lrepro_tobox(lua_State *L, int idx, const lrepro_type *t)
{
    return luaL_checkudata(L, idx, t->name);
}

void *lrepro_checkbox(lua_State *L, int idx, const lrepro_type *t)
{
    lrepro_box *b = luaL_checkudata(L, idx, t->name);
    if (!b->res) luaL_argerror(L, idx, lua_pushfstring(L, "%s already closed", t->what));
    return b->res;
}
