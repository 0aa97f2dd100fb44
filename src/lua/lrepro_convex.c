/* repro.convex: exact convex programs whose optima certify trained networks (issue 12).
 *   univariate(ds, {grid, lambda, tol, max_iter})  problems (3) / (9) over a knot grid (unigrid.h)
 *   relu2d(ds, {lambda, tol, max_iter, skip})       the convex reformulation in the plane (relu2d.h)
 *   range(res, z, {slack, gap, max_iter})           lo, hi of f(z) over the optimal set, resid, certified lo, hi
 *   certify(net, ds, {lambda, objective, tol, max_rounds})  column generation (colgen.h)
 *   patterns(X)                                     activation patterns in the plane (arrangement.h)
 * A solver that stops short of its tolerance returns nil and the reason. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "engine/arrangement.h"
#include "engine/colgen.h"
#include "engine/relu2d.h"
#include "engine/unigrid.h"
#include "lua/lbox.h"
#include "lua/lrepro.h"

typedef struct {
    repro_relu2d_sol *sol;
    gsl_matrix *X;
    gsl_vector *y;
} optset;

static void free_optset(void *p)
{
    optset *o = p;
    repro_relu2d_sol_free(o->sol);
    gsl_matrix_free(o->X);
    gsl_vector_free(o->y);
    free(o);
}
static const lrepro_type optset_type = {"repro.ConvexSolution", "convex solution", free_optset};

static double optpos(lua_State *L, int idx, const char *fn, const char *key, double def, int zero_ok)
{
    double v = lrepro_optnumber(L, idx, key, def);
    if (!isfinite(v) || v < 0 || (!zero_ok && v == 0))
        luaL_error(L, "%s: option '%s' must be a finite number %s 0, got %f", fn, key,
                   zero_ok ? ">=" : ">", v);
    return v;
}

static size_t optcount(lua_State *L, int idx, const char *fn, const char *key, lua_Integer def)
{
    lua_Integer v = lrepro_optinteger(L, idx, key, def);
    if (v < 1 || v > 100000000) luaL_error(L, "%s: option '%s' must be in 1..1e8, got %d", fn, key, (int)v);
    return (size_t)v;
}

static double opttol(lua_State *L, int idx, const char *fn)
{
    double tol = lrepro_optnumber(L, idx, "tol", 1e-6);
    if (!(tol > 0 && tol < 1)) luaL_error(L, "%s: option 'tol' must be in (0, 1), got %f", fn, tol);
    return tol;
}

static void setnum(lua_State *L, const char *k, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

/* A solve that stopped short of its tolerance: the results are nil and the reason (a format of
 * lua_pushfstring). */
static int stopped(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lua_pushnil(L);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return 2;
}

/* A new result table {KEY = the value on top} in place of that value (NREC: its size hint). */
static void newresult(lua_State *L, const char *key, int nrec)
{
    lua_createtable(L, 0, nrec); /* v res */
    lua_insert(L, -2);           /* res v */
    lua_setfield(L, -2, key);    /* res */
}

static int l_univariate(lua_State *L)
{
#define FN "convex.univariate"
    static const char *const keys[] = {"grid", "lambda", "tol", "max_iter", NULL};
    repro_dataset *ds = lrepro_checkdataset(L, 1, FN);
    lrepro_checkoptions(L, 2, "convex.univariate", keys);
    if (ds->d != 1) return luaL_error(L, "convex.univariate: ds must have d = 1, got d = %d", (int)ds->d);
    size_t grid = optcount(L, 2, "convex.univariate", "grid", 400);
    double lambda = optpos(L, 2, "convex.univariate", "lambda", 0, 1);
    double tol = opttol(L, 2, "convex.univariate");
    size_t max_iter = optcount(L, 2, "convex.univariate", "max_iter", 100000);
    gsl_vector *knots = NULL;
    gsl_matrix *jumps = NULL;
    repro_spline *sp = NULL;
    repro_unigrid_report r;
    int st = repro_unigrid_solve(ds, grid, lambda, tol, max_iter, &knots, &jumps, &sp, &r);
    if (st < 0) return lrepro_engine_error(L);
    if (st > 0) {
        gsl_vector_free(knots), gsl_matrix_free(jumps), repro_spline_free(sp);
        return stopped(L, "convex.univariate: %s (cost %f, gap %f)", r.reason, r.cost, r.gap);
    }
    static const lrepro_field fields[] = {
        LREPRO_FIELD("cost", repro_unigrid_report, cost), LREPRO_FIELD("gap", repro_unigrid_report, gap),
        LREPRO_FIELD("candidates", repro_unigrid_report, knots_total),
        LREPRO_FIELD("solves", repro_unigrid_report, solves),
        LREPRO_FIELD("iterations", repro_unigrid_report, iterations), LREPRO_FIELDS_END};
    lrepro_pushspline(L, sp); /* owned from here */
    newresult(L, "spline", 8);
    lrepro_setfields(L, &r, fields);
    lua_createtable(L, (int)r.nknots, 0);
    for (size_t k = 0; k < r.nknots; k++) {
        lua_pushnumber(L, gsl_vector_get(knots, k));
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "knots");
    lua_createtable(L, (int)r.nknots, 0);
    for (size_t k = 0; k < r.nknots; k++) {
        lua_createtable(L, (int)ds->T, 0);
        for (size_t t = 0; t < ds->T; t++) {
            lua_pushnumber(L, gsl_matrix_get(jumps, k, t));
            lua_rawseti(L, -2, (lua_Integer)t + 1);
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "jumps");
    gsl_vector_free(knots), gsl_matrix_free(jumps);
    return 1;
#undef FN
}

/* The single-task, d = 2 data of DS as (X, y) views. */
static gsl_vector_view check2d(lua_State *L, repro_dataset *ds, const char *fn)
{
    if (ds->d != 2) luaL_error(L, "%s: ds must have d = 2, got d = %d", fn, (int)ds->d);
    if (ds->T != 1) luaL_error(L, "%s: ds must have one task (T = 1), got T = %d", fn, (int)ds->T);
    return gsl_matrix_column(ds->Y, 0);
}

static int l_relu2d(lua_State *L)
{
#define FN "convex.relu2d"
    static const char *const keys[] = {"lambda", "tol", "max_iter", "skip", NULL};
    repro_dataset *ds = lrepro_checkdataset(L, 1, FN);
    lrepro_checkoptions(L, 2, "convex.relu2d", keys);
    int skip = lrepro_optboolean(L, 2, "skip", 1);
    gsl_vector_view y = check2d(L, ds, "convex.relu2d");
    double lambda = optpos(L, 2, "convex.relu2d", "lambda", 0, 1);
    double tol = opttol(L, 2, "convex.relu2d");
    size_t max_iter = optcount(L, 2, "convex.relu2d", "max_iter", 2000);
    lrepro_box *box = lrepro_newbox(L, &optset_type, 0, 0); /* index -1 */
    optset *os = calloc(1, sizeof *os);
    if (!os) return luaL_error(L, "convex.relu2d: out of memory");
    box->res = os;
    os->X = gsl_matrix_alloc(ds->N, 2), os->y = gsl_vector_alloc(ds->N);
    if (!os->X || !os->y) return luaL_error(L, "convex.relu2d: out of memory");
    gsl_matrix_memcpy(os->X, ds->X);
    gsl_vector_memcpy(os->y, &y.vector);
    repro_net *net = NULL;
    repro_relu2d_report r;
    int st = repro_relu2d_solve(os->X, os->y, lambda, skip, tol, max_iter, &net, &os->sol, &r);
    if (st < 0) return lrepro_engine_error(L);
    if (st > 0) {
        repro_net_free(net);
        return stopped(L, "convex.relu2d: %s (cost %f, gap %f)", r.reason, r.objective, r.gap);
    }
    static const lrepro_field fields[] = {
        LREPRO_FIELD("cost", repro_relu2d_report, objective), LREPRO_FIELD("dual", repro_relu2d_report, dual),
        LREPRO_FIELD("gap", repro_relu2d_report, gap), LREPRO_FIELD("interp", repro_relu2d_report, interp),
        LREPRO_FIELD("barrier", repro_relu2d_report, barrier),
        LREPRO_FIELD("patterns", repro_relu2d_report, patterns),
        LREPRO_FIELD("newton", repro_relu2d_report, newton), LREPRO_FIELDS_END};
    lrepro_pushnet(L, net);
    newresult(L, "net", 10);
    lua_insert(L, -2); /* result table below the solution box */
    lua_setfield(L, -2, "solution");
    lrepro_setfields(L, &r, fields);
    return 1;
#undef FN
}

static int l_range(lua_State *L)
{
    static const char *const keys[] = {"slack", "gap", "max_iter", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "solution");
    optset *os = lrepro_checkbox(L, -1, &optset_type);
    if (!os->sol) return luaL_error(L, "convex.range: the solution is of a lambda > 0 problem");
    lua_pop(L, 1); /* res (argument 1) keeps the solution alive */
    luaL_checktype(L, 2, LUA_TTABLE);
    double z[2];
    for (int j = 0; j < 2; j++) {
        lua_geti(L, 2, j + 1);
        int ok;
        z[j] = lua_tonumberx(L, -1, &ok);
        if (!ok || !isfinite(z[j])) return luaL_error(L, "convex.range: z must be {x1, x2} finite");
        lua_pop(L, 1);
    }
    lrepro_checkoptions(L, 3, "convex.range", keys);
    double slack = optpos(L, 3, "convex.range", "slack", 1e-6, 0);
    double gap = optpos(L, 3, "convex.range", "gap", 1e-9, 0);
    size_t max_iter = optcount(L, 3, "convex.range", "max_iter", 20000);
    double lo, hi, resid, cert[2];
    size_t newton;
    int st = repro_relu2d_range(os->X, os->y, os->sol, slack, z, gap, max_iter, &lo, &hi, &resid, cert, &newton);
    if (st < 0) return lrepro_engine_error(L);
    if (st > 0) return stopped(L, "convex.range: iteration budget exhausted");
    lua_pushnumber(L, lo);
    lua_pushnumber(L, hi);
    lua_pushnumber(L, resid);
    lua_pushnumber(L, cert[0]);
    lua_pushnumber(L, cert[1]);
    return 5;
}

static int l_certify(lua_State *L)
{
    static const char *const keys[] = {"lambda", "objective", "tol", "max_rounds", NULL};
    repro_net *net = lrepro_checknet(L, 1);
    repro_dataset *ds = lrepro_checkdataset(L, 2, "convex.certify");
    lrepro_checkoptions(L, 3, "convex.certify", keys);
    if (ds->d != 2 || net->d != 2) return luaL_error(L, "convex.certify: ds and net must have d = 2");
    if (ds->T != net->T)
        return luaL_error(L, "convex.certify: ds has T = %d, net T = %d", (int)ds->T, (int)net->T);
    double lambda = optpos(L, 3, "convex.certify", "lambda", 1e-5, 0);
    const char *obj = lrepro_optstring(L, 3, "objective", "weight_decay");
    int group = 0;
    if (strcmp(obj, "group") == 0) group = 1;
    else if (strcmp(obj, "weight_decay") != 0)
        return luaL_error(L, "convex.certify: objective must be 'weight_decay' or 'group', got '%s'", obj);
    double lg = group ? lambda : 2 * lambda;
    double tol = opttol(L, 3, "convex.certify");
    size_t rounds = optcount(L, 3, "convex.certify", "max_rounds", 1000);
    double mse, pen;
    double trained = repro_net_objective(net, REPRO_OBJ_GROUP, ds->X, ds->Y, lg, &mse, &pen);
    if (isnan(trained)) return lrepro_engine_error(L);
    repro_net *out = NULL;
    repro_colgen_report r;
    int st = repro_colgen_certify(ds->X, ds->Y, &net->W.matrix, &net->b.vector, &net->V.matrix, net->skip, lg, tol,
                                  rounds, &out, &r);
    if (st < 0) return lrepro_engine_error(L);
    if (st > 0) {
        repro_net_free(out);
        return stopped(L, "convex.certify: %d rounds did not reach tol (gap %f)", (int)r.rounds,
                       r.gap);
    }
    static const lrepro_field fields[] = {
        LREPRO_FIELD("objective", repro_colgen_report, objective),
        LREPRO_FIELD("dual", repro_colgen_report, dual),
        LREPRO_FIELD("gap", repro_colgen_report, gap), LREPRO_FIELD("ratio", repro_colgen_report, ratio),
        LREPRO_FIELD("rounds", repro_colgen_report, rounds), LREPRO_FIELD("added", repro_colgen_report, added),
        LREPRO_FIELD("K", repro_colgen_report, K), LREPRO_FIELDS_END};
    lrepro_pushnet(L, out);
    newresult(L, "net", 10);
    lrepro_setfields(L, &r, fields);
    setnum(L, "trained", trained);
    setnum(L, "lambda", lg);
    return 1;
}

static int l_patterns(lua_State *L)
{
    gsl_matrix *X = lrepro_checkmatrix(L, 1, "convex.patterns: X", 0);
    if (X->size2 != 2) return luaL_error(L, "convex.patterns: X must have rows of 2, got %d", (int)X->size2);
    repro_arrangement *A = repro_arrangement_2d(X);
    if (!A) return lrepro_engine_error(L);
    lua_pushinteger(L, (lua_Integer)A->P);
    repro_arrangement_free(A);
    return 1;
}

void lrepro_open_convex(lua_State *L)
{
    lrepro_newtype(L, &optset_type, NULL, NULL);
    static const luaL_Reg fns[] = {{"univariate", l_univariate}, {"relu2d", l_relu2d},
                                   {"range", l_range},           {"certify", l_certify},
                                   {"patterns", l_patterns},     {NULL, NULL}};
    luaL_newlib(L, fns);
    lua_setfield(L, -2, "convex");
}
