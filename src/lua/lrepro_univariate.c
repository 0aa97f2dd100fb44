/* repro.univariate: slopes, f_D, Theorem 3.1, the family, Lemma 3.2 and CPWL splines
 * ("repro.Spline" userdata). */
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "core/err.h"
#include "lua/lrepro.h"
#include "engine/univariate.h"

static void free_spline(void *s) { repro_spline_free(s); }
static const lrepro_type spline_type = {"repro.Spline", "spline", free_spline};

static repro_spline *checkspline(lua_State *L, int idx) { return lrepro_checkbox(L, idx, &spline_type); }
/* An empty spline box (safe state), to be filled by the caller. */
static lrepro_box *newsplinebox(lua_State *L) { return lrepro_newbox(L, &spline_type, 0, 0); }

void lrepro_pushspline(lua_State *L, void *sp) { lrepro_pushbox(L, &spline_type, sp); }

/* A number (a row of one) or a list of numbers at IDX, boxed on the stack.  T > 0: required
 * length.  WHAT names the argument ("family: delta"). */
static gsl_vector *checkrow(lua_State *L, int idx, size_t T, const char *what)
{
    idx = lua_absindex(L, idx);
    gsl_vector *v;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        v = lrepro_newvector(L, 1);
        gsl_vector_set(v, 0, lua_tonumber(L, idx));
    } else if (lua_type(L, idx) == LUA_TTABLE) {
        v = lrepro_checkvector(L, idx, what);
        if (v->size == 0) luaL_error(L, "%s: expected a number or a non-empty list of numbers", what);
    } else {
        luaL_error(L, "%s: expected a number or a list of numbers, got %s", what,
                   luaL_typename(L, idx));
        return NULL;
    }
    if (T > 0 && v->size != T)
        luaL_error(L, "%s: expected %d number%s (one per output), got %d", what, (int)T,
                   T == 1 ? "" : "s", (int)v->size);
    for (size_t k = 0; k < v->size; k++)
        if (!isfinite(gsl_vector_get(v, k))) luaL_error(L, "%s: entry %d must be finite", what, (int)k + 1);
    return v;
}

static void at(const void *sp, double x, gsl_vector *out) { repro_spline_eval(sp, x, out); }
static int many(const void *sp, const gsl_vector *xs, gsl_matrix *F)
{
    for (size_t m = 0; m < xs->size; m++) {
        gsl_vector_view row = gsl_matrix_row(F, m);
        repro_spline_eval(sp, gsl_vector_get(xs, m), &row.vector);
    }
    return 0;
}

/* sp(x) -> list of T values; sp:eval(xs) -> list of rows (numbers when T = 1) */
static int spline_call(lua_State *L)
{
    repro_spline *sp = checkspline(L, 1);
    return lrepro_call1d(L, sp, sp->T, at, "spline(x): x");
}
static int spline_eval(lua_State *L)
{
    repro_spline *sp = checkspline(L, 1);
    return lrepro_eval1d(L, sp, sp->T, many, "spline:eval: xs");
}

/* sp:knots() / sp:jumps(): the nodes where the slope changes, and the slope changes there. */
static int knots_or_jumps(lua_State *L, int want_jumps)
{
    repro_spline *sp = checkspline(L, 1);
    gsl_matrix *J = lrepro_newmatrix(L, sp->K, sp->T); /* sp J */
    repro_spline_jumps_to(sp, J);
    lua_createtable(L, 0, 0); /* sp J list */
    lua_Integer n = 0;
    for (size_t k = 0; k < sp->K; k++) {
        gsl_vector_const_view row = gsl_matrix_const_row(J, k);
        if (gsl_vector_isnull(&row.vector)) continue; /* no knot where the spline is straight */
        if (want_jumps)
            lrepro_pushrow(L, &row.vector);
        else
            lua_pushnumber(L, gsl_vector_get(sp->nodes, k));
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}
static int spline_knots(lua_State *L) { return knots_or_jumps(L, 0); }
static int spline_jumps(lua_State *L) { return knots_or_jumps(L, 1); }

static int spline_cost(lua_State *L)
{
    repro_spline *sp = checkspline(L, 1);
    double c = repro_spline_cost(sp);
    if (isnan(c)) return lrepro_engine_error(L);
    lua_pushnumber(L, c);
    return 1;
}

static int spline_slopes(lua_State *L)
{
    repro_spline *sp = checkspline(L, 1);
    gsl_matrix *S = lrepro_newmatrix(L, sp->K + 1, sp->T); /* sp S */
    repro_spline_slopes_to(sp, S);
    lrepro_pushmatrix(L, S);
    return 1;
}

static int spline_tostring(lua_State *L)
{
    repro_spline *sp = checkspline(L, 1);
    lua_pushfstring(L, "repro.Spline(%d nodes, T = %d)", (int)sp->K, (int)sp->T);
    return 1;
}

static int spline_index(lua_State *L)
{
    static const lrepro_field fields[] = {LREPRO_FIELD("T", repro_spline, T), LREPRO_FIELDS_END};
    return lrepro_index(L, &spline_type, fields, NULL);
}

static repro_dataset *check1d(lua_State *L, int idx, const char *fn)
{
    repro_dataset *ds = lrepro_checkdataset(L, idx, fn);
    if (ds->d != 1) luaL_error(L, "%s: ds must have one input (d = 1), got d = %d", fn, (int)ds->d);
    return ds;
}

/* U.slopes(ds) */
static int l_slopes(lua_State *L)
{
    repro_dataset *ds = check1d(L, 1, "slopes");
    gsl_matrix *S = lrepro_newmatrix(L, ds->N - 1, ds->T); /* ds S */
    repro_univariate_slopes_to(ds, S);
    lrepro_pushmatrix(L, S);
    return 1;
}

/* U.connect_the_dots(ds) */
static int l_connect(lua_State *L)
{
    repro_dataset *ds = check1d(L, 1, "connect_the_dots");
    lrepro_box *box = newsplinebox(L);
    if (!(box->res = repro_connect_the_dots(ds))) return lrepro_engine_error(L);
    return 1;
}

/* U.nonunique(ds [, tol]) */
static int l_nonunique(lua_State *L)
{
    repro_dataset *ds = check1d(L, 1, "nonunique");
    double tol = REPRO_ALIGN_TOL;
    if (!lua_isnoneornil(L, 2)) {
        tol = lrepro_checkfinite(L, 2, "nonunique: tol");
        if (tol < 0) return luaL_error(L, "nonunique: tol must be >= 0, got %f", tol);
    }
    size_t *idx = lua_newuserdatauv(L, ds->N * sizeof *idx, 0);
    int n = repro_univariate_nonunique(ds, tol, idx);
    if (n < 0) return lrepro_engine_error(L);
    lua_createtable(L, n, 0);
    for (int k = 0; k < n; k++) {
        lua_pushinteger(L, (lua_Integer)idx[k]);
        lua_rawseti(L, -2, k + 1);
    }
    return 1;
}

/* U.cost{knots = {...}, jumps = {...}} */
static int l_cost(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L, "cost: expected a table {knots = ..., jumps = ...}, got %s",
                          luaL_typename(L, 1));
    static const char *const keys[] = {"knots", "jumps", NULL};
    lrepro_checkoptions(L, 1, "cost", keys);
    lua_getfield(L, 1, "knots");
    lua_getfield(L, 1, "jumps"); /* spec knots jumps */
    if (lua_isnil(L, 2)) return luaL_error(L, "cost: missing field knots (a list of numbers)");
    if (lua_isnil(L, 3)) return luaL_error(L, "cost: missing field jumps (a list of rows)");
    gsl_vector *k = lrepro_checkvector(L, 2, "cost: knots");
    if (k->size == 0) {
        if (luaL_len(L, 3) != 0) return luaL_error(L, "cost: 0 knots but %d jumps", (int)luaL_len(L, 3));
        lua_pushnumber(L, 0);
        return 1;
    }
    gsl_matrix *J = lrepro_checkmatrix(L, 3, "cost: jumps", 1);
    if (J->size1 != k->size)
        return luaL_error(L, "cost: %d knots but %d jumps (one jump per knot)", (int)k->size,
                          (int)J->size1);
    for (size_t i = 0; i < k->size; i++) {
        if (!isfinite(gsl_vector_get(k, i)))
            return luaL_error(L, "cost: knot %d must be finite", (int)i + 1);
        if (i > 0 && !(gsl_vector_get(k, i) > gsl_vector_get(k, i - 1)))
            return luaL_error(L, "cost: knots must be strictly increasing (knot %d = %f after %f)",
                              (int)i + 1, gsl_vector_get(k, i), gsl_vector_get(k, i - 1));
        for (size_t t = 0; t < J->size2; t++)
            if (!isfinite(gsl_matrix_get(J, i, t)))
                return luaL_error(L, "cost: jump %d must be finite", (int)i + 1);
    }
    lua_pushnumber(L, repro_univariate_cost(J));
    return 1;
}

/* U.cpwl{knots = {...}, values = {...}, left = s, right = s} */
static int l_cpwl(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L, "cpwl: expected a table {knots, values, left, right}, got %s",
                          luaL_typename(L, 1));
    static const char *const keys[] = {"knots", "values", "left", "right", NULL};
    lrepro_checkoptions(L, 1, "cpwl", keys);
    for (int i = 0; keys[i]; i++) {
        lua_getfield(L, 1, keys[i]); /* spec knots values left right */
        if (lua_isnil(L, -1)) return luaL_error(L, "cpwl: missing field %s", keys[i]);
    }
    gsl_vector *k = lrepro_checkvector(L, 2, "cpwl: knots");
    if (k->size == 0) return luaL_error(L, "cpwl: knots must be a non-empty list of numbers");
    gsl_matrix *V = lrepro_checkmatrix(L, 3, "cpwl: values", 1);
    gsl_vector *left = checkrow(L, 4, V->size2, "cpwl: left");
    gsl_vector *right = checkrow(L, 5, V->size2, "cpwl: right");
    lrepro_box *box = newsplinebox(L);
    if (!(box->res = repro_spline_new(k, V, left, right))) {
        const char *msg = repro_errmsg();
        if (strncmp(msg, "spline: ", 8) == 0) msg += 8;
        return luaL_error(L, "cpwl: %s", msg);
    }
    return 1;
}

/* U.family(ds, i, tau, delta) */
static int l_family(lua_State *L)
{
    repro_dataset *ds = check1d(L, 1, "family");
    if (!lua_isinteger(L, 2))
        return luaL_error(L, "family: i must be an integer interval index, got %s",
                          lua_type(L, 2) == LUA_TNUMBER ? "a non-integer number" : luaL_typename(L, 2));
    lua_Integer i = lua_tointeger(L, 2);
    if (i < 2 || (size_t)i + 2 > ds->N)
        return luaL_error(L, "family: i must be in 2..N-2 = 2..%d, got %d", (int)ds->N - 2, (int)i);
    double tau = lrepro_checkfinite(L, 3, "family: tau");
    gsl_vector *delta = checkrow(L, 4, ds->T, "family: delta");
    lrepro_box *box = newsplinebox(L);
    if (!(box->res = repro_univariate_family(ds, (size_t)i, tau, delta))) return lrepro_engine_error(L);
    return 1;
}

/* U.lemma32(a, b, c, delta, tau) -> lhs, rhs */
static int l_lemma32(lua_State *L)
{
    gsl_vector *a = checkrow(L, 1, 0, "lemma32: a");
    gsl_vector *b = checkrow(L, 2, a->size, "lemma32: b");
    gsl_vector *c = checkrow(L, 3, a->size, "lemma32: c");
    gsl_vector *d = checkrow(L, 4, a->size, "lemma32: delta");
    double tau = lrepro_checkfinite(L, 5, "lemma32: tau");
    double lhs, rhs;
    if (repro_lemma32(a, b, c, d, tau, &lhs, &rhs) != 0) return lrepro_engine_error(L);
    lua_pushnumber(L, lhs);
    lua_pushnumber(L, rhs);
    return 2;
}

void lrepro_open_univariate(lua_State *L)
{
    static const luaL_Reg meta[] = {
        {"__call", spline_call},
        {"__index", spline_index},   {"__tostring", spline_tostring},
        {"eval", spline_eval},       {"knots", spline_knots},   {"jumps", spline_jumps},
        {"cost", spline_cost},       {"slopes", spline_slopes}, {NULL, NULL}};
    lrepro_newtype(L, &spline_type, meta, NULL);
    static const luaL_Reg fns[] = {{"slopes", l_slopes},     {"connect_the_dots", l_connect},
                                   {"nonunique", l_nonunique}, {"cost", l_cost},
                                   {"cpwl", l_cpwl},         {"family", l_family},
                                   {"lemma32", l_lemma32},   {NULL, NULL}};
    lrepro_newmodule(L, "univariate", fns, NULL);
}
