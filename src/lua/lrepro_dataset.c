/* repro.dataset: datasets from Lua tables or CSV files. */
#include "core/err.h"
#include "core/hash.h"
#include "lua/lrepro.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

static void free_dataset(void *ds) { repro_dataset_free(ds); }
static const lrepro_type dataset_type = {"repro.Dataset", "dataset", free_dataset};

repro_dataset *lrepro_checkdataset(lua_State *L, int idx, const char *fn)
{
    if (fn && !luaL_testudata(L, idx, dataset_type.name))
        luaL_error(L, "%s: ds must be a dataset (repro.dataset{...}), got %s", fn,
                   luaL_typename(L, idx));
    return lrepro_checkbox(L, idx, &dataset_type);
}

lrepro_box *lrepro_newdataset(lua_State *L)
{
    return lrepro_newbox(L, &dataset_type, 0, 0);
}

/* Push column J of M as a list of numbers. */
static void pushcolumn(lua_State *L, const gsl_matrix *m, size_t j)
{
    gsl_vector_const_view c = gsl_matrix_const_column(m, j);
    lrepro_pushvector(L, &c.vector);
}

static int dataset_index(lua_State *L)
{
    static const lrepro_field fields[] = {LREPRO_FIELD("N", repro_dataset, N),
                                          LREPRO_FIELD("d", repro_dataset, d),
                                          LREPRO_FIELD("T", repro_dataset, T), LREPRO_FIELDS_END};
    repro_dataset *ds = lrepro_checkdataset(L, 1, NULL);
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
    if (strcmp(k, "x") == 0 || strcmp(k, "y") == 0) {
        lrepro_pushmatrix(L, k[0] == 'x' ? ds->X : ds->Y);
        return 1;
    }
    return lrepro_index(L, &dataset_type, fields, "x, y");
}

/* ds:labels(t) / ds:inputs(j): column t of Y (a task's labels) or j of X (an input coordinate),
 * 1-based, default 1, as a list. */
static int column(lua_State *L, int labels)
{
    repro_dataset *ds = lrepro_checkdataset(L, 1, NULL);
    const gsl_matrix *m = labels ? ds->Y : ds->X;
    lua_Integer j = luaL_optinteger(L, 2, 1);
    if (j < 1 || (size_t)j > m->size2)
        return luaL_error(L, "%s: %s %d out of range 1..%d", labels ? "labels" : "inputs",
                          labels ? "task" : "coordinate", (int)j, (int)m->size2);
    pushcolumn(L, m, (size_t)j - 1);
    return 1;
}
static int dataset_labels(lua_State *L) { return column(L, 1); }
static int dataset_inputs(lua_State *L) { return column(L, 0); }

static int dataset_tostring(lua_State *L)
{
    repro_dataset *ds = lrepro_checkdataset(L, 1, NULL);
    lua_pushfstring(L, "repro.Dataset(N = %d, d = %d, T = %d)", (int)ds->N, (int)ds->d,
                    (int)ds->T);
    return 1;
}

/* repro.dataset{x = ..., y = ...} */
static int l_dataset_new(lua_State *L)
{
    /* called through __call: arg 1 is the repro.dataset table itself */
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const keys[] = {"x", "y", NULL};
    lrepro_checkoptions(L, 2, "repro.dataset", keys);
    lua_getfield(L, 2, "x"); /* spec x */
    lua_getfield(L, 2, "y"); /* spec x y */
    if (lua_isnil(L, 3)) return luaL_error(L, "repro.dataset: missing field x");
    if (lua_isnil(L, 4)) return luaL_error(L, "repro.dataset: missing field y");
    gsl_matrix *X = lrepro_checkmatrix(L, 3, "dataset x", 1); /* spec x y Xbox */
    gsl_matrix *Y = lrepro_checkmatrix(L, 4, "dataset y", 1); /* spec x y Xbox Ybox */
    if (X->size1 != Y->size1)
        return luaL_error(L, "repro.dataset: x has %d rows but y has %d", (int)X->size1,
                          (int)Y->size1);
    lrepro_box *box = lrepro_newdataset(L); /* spec x y Xbox Ybox box */
    repro_dataset *ds = box->res = repro_dataset_alloc(X->size1, X->size2, Y->size2);
    if (!ds) return lrepro_engine_error(L);
    gsl_matrix_memcpy(ds->X, X);
    gsl_matrix_memcpy(ds->Y, Y);
    if (repro_dataset_validate(ds, 0, NULL, NULL) != 0)
        return luaL_error(L, "repro.dataset: %s", repro_errmsg());
    return 1;
}

/* Read an optional list of column names at field KEY of table IDX into a malloc'd array owned
 * by a userdata pushed on the stack (freed by GC). */
static const char **colnames(lua_State *L, int idx, const char *key, size_t *n)
{
    *n = 0;
    if (lua_type(L, idx) != LUA_TTABLE) return NULL;
    lua_getfield(L, idx, key); /* ... list */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) == LUA_TSTRING) { /* a single name */
        const char **v = lua_newuserdatauv(L, sizeof *v, 1); /* ... name ud */
        lua_pushvalue(L, -2);
        lua_setiuservalue(L, -2, 1);
        v[0] = lua_tostring(L, -2);
        lua_remove(L, -2);
        *n = 1;
        return v;
    }
    if (lua_type(L, -1) != LUA_TTABLE)
        luaL_error(L, "repro.dataset.load: option '%s' must be a list of column names", key);
    size_t len = (size_t)lrepro_len(L, -1, key);
    if (len == 0) luaL_error(L, "repro.dataset.load: option '%s' is empty", key);
    const char **v = lua_newuserdatauv(L, len * sizeof *v, 1); /* ... list ud */
    lua_pushvalue(L, -2);
    lua_setiuservalue(L, -2, 1); /* keep the strings alive */
    for (size_t i = 0; i < len; i++) {
        lua_geti(L, -2, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "repro.dataset.load: option '%s' entry %d must be a name", key,
                       (int)i + 1);
        v[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    lua_remove(L, -2); /* ... ud */
    *n = len;
    return v;
}

/* repro.dataset.load(path [, {x = {...}, y = {...}}]) */
static int l_dataset_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    static const char *const keys[] = {"x", "y", NULL};
    lrepro_checkoptions(L, 2, "repro.dataset.load", keys);
    size_t nx, ny;
    const char **xc = colnames(L, 2, "x", &nx);
    const char **yc = colnames(L, 2, "y", &ny);
    lrepro_box *box = lrepro_newdataset(L);
    if (!(box->res = repro_dataset_load_csv(path, xc, nx, yc, ny))) return lrepro_engine_error(L);
    lrepro_note_input(path);
    return 1;
}

void lrepro_open_dataset(lua_State *L)
{
    static const luaL_Reg meta[] = {{"__index", dataset_index},    {"__tostring", dataset_tostring},
                                    {"labels", dataset_labels},    {"inputs", dataset_inputs},
                                    {NULL, NULL}};
    lrepro_newtype(L, &dataset_type, meta, NULL);
    static const luaL_Reg fns[] = {{"load", l_dataset_load}, {NULL, NULL}};
    lrepro_newmodule(L, "dataset", fns, l_dataset_new);
}
