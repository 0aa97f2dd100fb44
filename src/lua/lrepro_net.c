/* repro.net: shallow ReLU networks ("repro.Net" userdata), their training, polish and
 * certificate (net.h, train.h).
 *
 *   repro.net{d =, T =, K =, skip = true, seed = 1}     a new network (PyTorch-like init)
 *   repro.net.load(path)                                 a saved network
 *   net(x), net:eval(X), net:params(), net:set_params{W, b, V, A, c}, net:save(path)
 *   net:train(ds, opts) -> report, net:objective(ds, opts) -> objective, loss, penalty
 *   net:balance(), net:active([tol]), net:distinct([cos_min [, tol]]), net:knots([tol]),
 *   net:cost([tol]), net:certificate(ds, opts)
 *   fields d, T, K, skip, P
 * lambda defaults to 1e-5 (the paper's univariate setting) wherever it is an option. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "core/err.h"
#include "lua/lrepro.h"
#include "engine/net.h"
#include "engine/netfile.h"
#include "engine/train.h"

#define NET_T "repro.Net"
#define LAMBDA_DEFAULT 1e-5

static void free_net(void *net) { repro_net_free(net); }
static const lrepro_type net_type = {NET_T, "net", free_net};

static repro_net *checknet(lua_State *L, int idx) { return lrepro_checkbox(L, idx, &net_type); }
static lrepro_box *newnetbox(lua_State *L) { return lrepro_newbox(L, &net_type, 0, 0); }

void lrepro_pushnet(lua_State *L, void *net) { lrepro_pushbox(L, &net_type, net); }

void *lrepro_checknet(lua_State *L, int idx) { return checknet(L, idx); }

/* ---- option helpers ------------------------------------------------------------------------ */

/* A choice among NAMES (NULL-terminated); returns the index, DEF when absent. */
static int optchoice(lua_State *L, int idx, const char *fn, const char *key,
                     const char *const names[], int def)
{
    const char *s = lrepro_optstring(L, idx, key, NULL);
    if (!s) return def;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return luaL_error(L, "%s: unknown %s '%s' (valid: %s)", fn, key, s, lrepro_pushnames(L, names));
}

static double optfinite(lua_State *L, int idx, const char *fn, const char *key, double def,
                        double lo, int strict)
{
    double v = lrepro_optnumber(L, idx, key, def);
    if (!isfinite(v) || (strict ? !(v > lo) : !(v >= lo))) {
        char buf[96]; /* lua_pushfstring has no %g */
        snprintf(buf, sizeof buf, "%s %g, got %g", strict ? ">" : ">=", lo, v);
        luaL_error(L, "%s: %s must be a finite number %s", fn, key, buf);
    }
    return v;
}

static size_t optcount(lua_State *L, int idx, const char *fn, const char *key, size_t def,
                       lua_Integer lo)
{
    return (size_t)lrepro_optcount(L, idx, fn, key, (lua_Integer)def, lo, LUA_MAXINTEGER);
}

static double optlambda(lua_State *L, int idx, const char *fn)
{
    double v = lrepro_optnumber(L, idx, "lambda", LAMBDA_DEFAULT);
    if (!(v >= 0) || !isfinite(v))
        luaL_error(L, "%s: lambda must be a finite number >= 0, got %f", fn, v);
    return v;
}

static const char *const OBJECTIVES[] = {"weight_decay", "group", NULL};
static const char *const OPTIMIZERS[] = {"adam", "lbfgs", "polish", NULL};
static const char *const SCHEDULES[] = {"constant", "step", "cosine", NULL};

/* The dataset at IDX, checked against the net's d and T. */
static repro_dataset *checkds(lua_State *L, int idx, const repro_net *net, const char *fn)
{
    repro_dataset *ds = lrepro_checkdataset(L, idx, fn);
    if (ds->d != net->d)
        luaL_error(L, "%s: the dataset has d = %d inputs but the net has d = %d", fn, (int)ds->d,
                   (int)net->d);
    if (ds->T != net->T)
        luaL_error(L, "%s: the dataset has T = %d outputs but the net has T = %d", fn, (int)ds->T,
                   (int)net->T);
    return ds;
}

/* ---- construction ------------------------------------------------------------------------ */

/* repro.net{d =, T =, K =, skip = true, seed = 1} (called as the repro.net table) */
static int l_new(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TTABLE)
        return luaL_error(L, "repro.net: expected a table {d =, T =, K =, skip =, seed =}, got %s",
                          luaL_typename(L, 2));
    static const char *const keys[] = {"d", "T", "K", "skip", "seed", NULL};
    lrepro_checkoptions(L, 2, "repro.net", keys);
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, 2, keys[i]);
        if (lua_isnil(L, -1)) return luaL_error(L, "repro.net: missing field %s", keys[i]);
        lua_pop(L, 1);
    }
    size_t d = optcount(L, 2, "repro.net", "d", 1, 1);
    size_t T = optcount(L, 2, "repro.net", "T", 1, 1);
    size_t K = optcount(L, 2, "repro.net", "K", 1, 1);
    int skip = lrepro_optboolean(L, 2, "skip", 1);
    lua_Integer seed = lrepro_optinteger(L, 2, "seed", 1);
    if (seed < 0) return luaL_error(L, "repro.net: seed must be an integer >= 0, got %d", (int)seed);
    lrepro_note_seed(seed);
    lrepro_box *box = newnetbox(L);
    if (!(box->res = repro_net_alloc(d, T, K, skip, (unsigned long)seed))) return lrepro_engine_error(L);
    return 1;
}

/* repro.net.load(path) */
static int l_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lrepro_box *box = newnetbox(L);
    if (!(box->res = repro_net_load(path))) return lrepro_engine_error(L);
    lrepro_note_input(path);
    return 1;
}

static int net_save(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    const char *path = luaL_checkstring(L, 2);
    if (repro_net_save(net, path) != 0) return lrepro_engine_error(L);
    lrepro_note_output(path);
    return 0;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

static void checkfinite_matrix(lua_State *L, const gsl_matrix *m, const char *what)
{
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            if (!isfinite(gsl_matrix_get(m, i, j)))
                luaL_error(L, "%s: row %d, column %d must be finite", what, (int)i + 1, (int)j + 1);
}

/* net(x): x a number (d = 1) or a list of d numbers -> list of T numbers */
static int net_call(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    gsl_matrix *X = lrepro_newmatrix(L, 1, net->d);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        if (net->d != 1)
            return luaL_error(L, "net(x): x must be a list of d = %d numbers, got a number", (int)net->d);
        gsl_matrix_set(X, 0, 0, lua_tonumber(L, 2));
    } else if (lua_type(L, 2) == LUA_TTABLE) {
        gsl_vector *x = lrepro_checkvector(L, 2, "net(x): x");
        if (x->size != net->d)
            return luaL_error(L, "net(x): x must have d = %d numbers, got %d", (int)net->d, (int)x->size);
        gsl_vector_view r = gsl_matrix_row(X, 0);
        gsl_vector_memcpy(&r.vector, x);
    } else {
        return luaL_error(L, "net(x): x must be a number or a list of numbers, got %s",
                          luaL_typename(L, 2));
    }
    checkfinite_matrix(L, X, "net(x): x");
    gsl_matrix *F = lrepro_newmatrix(L, 1, net->T);
    if (repro_net_eval(net, X, F) != 0) return lrepro_engine_error(L);
    gsl_vector_view r = gsl_matrix_row(F, 0);
    lrepro_pushvector(L, &r.vector);
    return 1;
}

/* net:eval(X): a list of numbers (d = 1) or of rows -> list of rows (M x T; numbers when T = 1) */
static int net_eval(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    if (lua_type(L, 2) == LUA_TTABLE && luaL_len(L, 2) == 0) {
        lua_newtable(L);
        return 1;
    }
    gsl_matrix *X = lrepro_checkmatrix(L, 2, "net:eval: X", net->d == 1);
    if (X->size2 != net->d)
        return luaL_error(L, "net:eval: X must have rows of d = %d numbers, got %d", (int)net->d,
                          (int)X->size2);
    checkfinite_matrix(L, X, "net:eval: X");
    gsl_matrix *F = lrepro_newmatrix(L, X->size1, net->T);
    if (repro_net_eval(net, X, F) != 0) return lrepro_engine_error(L);
    lrepro_pushmatrix(L, F);
    return 1;
}

/* ---- parameters ------------------------------------------------------------------------------ */

static int net_params(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    lua_createtable(L, 0, 5);
    lrepro_pushmatrix(L, &net->W.matrix);
    lua_setfield(L, -2, "W");
    lrepro_pushvector(L, &net->b.vector);
    lua_setfield(L, -2, "b");
    lrepro_pushmatrix(L, &net->V.matrix);
    lua_setfield(L, -2, "V");
    if (net->skip) {
        lrepro_pushmatrix(L, &net->A.matrix);
        lua_setfield(L, -2, "A");
    }
    lrepro_pushvector(L, &net->c.vector);
    lua_setfield(L, -2, "c");
    return 1;
}

/* Field KEY of the table at 2 as a ROWS x COLS matrix, copied into DST. */
static void getblock(lua_State *L, const char *key, gsl_matrix *dst)
{
    char what[48];
    snprintf(what, sizeof what, "set_params: %s", key);
    lua_getfield(L, 2, key); /* ... field */
    if (lua_isnil(L, -1)) luaL_error(L, "set_params: missing field %s", key);
    gsl_matrix *m = lrepro_checkmatrix(L, -1, what, dst->size2 == 1); /* ... field box */
    if (m->size1 != dst->size1 || m->size2 != dst->size2)
        luaL_error(L, "set_params: %s must be %d x %d, got %d x %d", key, (int)dst->size1,
                   (int)dst->size2, (int)m->size1, (int)m->size2);
    checkfinite_matrix(L, m, what);
    gsl_matrix_memcpy(dst, m);
    lua_pop(L, 2);
}

static void getvec(lua_State *L, const char *key, gsl_vector *dst)
{
    char what[48];
    snprintf(what, sizeof what, "set_params: %s", key);
    lua_getfield(L, 2, key);
    if (lua_isnil(L, -1)) luaL_error(L, "set_params: missing field %s", key);
    gsl_vector *v = lrepro_checkvector(L, -1, what);
    if (v->size != dst->size)
        luaL_error(L, "set_params: %s must have %d numbers, got %d", key, (int)dst->size, (int)v->size);
    for (size_t i = 0; i < v->size; i++)
        if (!isfinite(gsl_vector_get(v, i)))
            luaL_error(L, "set_params: %s entry %d must be finite", key, (int)i + 1);
    gsl_vector_memcpy(dst, v);
    lua_pop(L, 2);
}

/* net:set_params{W =, b =, V =, A =, c =}: all or nothing (checked into a clone first) */
static int net_set_params(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    if (lua_type(L, 2) != LUA_TTABLE)
        return luaL_error(L, "set_params: expected a table {W, b, V, A, c}, got %s", luaL_typename(L, 2));
    static const char *const keys[] = {"W", "b", "V", "A", "c", NULL};
    lrepro_checkoptions(L, 2, "set_params", keys);
    lua_getfield(L, 2, "A");
    int hasA = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (hasA && !net->skip)
        return luaL_error(L, "set_params: A given but the net has no skip connection");
    lrepro_box *box = newnetbox(L); /* the staging copy, freed by the GC on any error */
    if (!(box->res = repro_net_clone(net))) return lrepro_engine_error(L);
    repro_net *tmp = box->res;
    getblock(L, "W", &tmp->W.matrix);
    getvec(L, "b", &tmp->b.vector);
    getblock(L, "V", &tmp->V.matrix);
    if (net->skip) getblock(L, "A", &tmp->A.matrix);
    getvec(L, "c", &tmp->c.vector);
    gsl_vector_memcpy(net->theta, tmp->theta);
    return 0;
}

/* ---- training -------------------------------------------------------------------------------- */

static void pushreport(lua_State *L, const repro_train_report *r, int polish)
{
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, (lua_Integer)r->steps);
    lua_setfield(L, -2, "steps");
    lua_pushnumber(L, r->objective);
    lua_setfield(L, -2, "objective");
    lua_pushnumber(L, r->loss);
    lua_setfield(L, -2, "loss");
    lua_pushnumber(L, r->penalty);
    lua_setfield(L, -2, "penalty");
    lua_pushnumber(L, r->seconds);
    lua_setfield(L, -2, "seconds");
    lua_pushstring(L, r->reason);
    lua_setfield(L, -2, "reason");
    if (polish) {
        lua_pushnumber(L, r->gap);
        lua_setfield(L, -2, "gap");
        lua_pushnumber(L, r->certificate);
        lua_setfield(L, -2, "certificate");
        lua_pushinteger(L, (lua_Integer)r->removed);
        lua_setfield(L, -2, "removed");
    }
}

/* The milestones list at field "milestones" of the table at 3, boxed (pushed) or NULL. */
static size_t *optmilestones(lua_State *L, size_t *n)
{
    *n = 0;
    if (lua_type(L, 3) != LUA_TTABLE) return NULL;
    lua_getfield(L, 3, "milestones");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    gsl_vector *v = lrepro_checkvector(L, -1, "train: milestones"); /* ... list box */
    size_t *m = lua_newuserdatauv(L, (v->size ? v->size : 1) * sizeof *m, 0);
    for (size_t i = 0; i < v->size; i++) {
        double x = gsl_vector_get(v, i);
        if (!(x >= 1) || x != floor(x) || x > 1e15)
            luaL_error(L, "train: milestones entry %d must be an integer >= 1, got %f", (int)i + 1, x);
        m[i] = (size_t)x;
        if (i > 0 && m[i] <= m[i - 1])
            luaL_error(L, "train: milestones must be increasing (entry %d = %d after %d)", (int)i + 1,
                       (int)m[i], (int)m[i - 1]);
    }
    *n = v->size;
    return m;
}

/* net:train(ds, opts) -> report */
static int net_train(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    repro_dataset *ds = checkds(L, 2, net, "train");
    static const char *const keys[] = {"objective", "lambda", "optimizer", "steps", "tol", "lr",
                                       "schedule", "lr_min", "gamma", "step_size", "milestones",
                                       "progress", "ngrid", "polish_tol", "polish_iter",
                                       "target", "sparse", "keep", NULL};
    lrepro_checkoptions(L, 3, "train", keys);
    repro_train_opts o;
    repro_train_opts_default(&o);
    o.objective = (repro_objective)optchoice(L, 3, "train", "objective", OBJECTIVES, 0);
    o.optimizer = (repro_optimizer)optchoice(L, 3, "train", "optimizer", OPTIMIZERS, 0);
    o.schedule = (repro_lr_schedule)optchoice(L, 3, "train", "schedule", SCHEDULES, 0);
    o.lambda = optlambda(L, 3, "train");
    if (o.optimizer == REPRO_TRAIN_POLISH && !(o.lambda > 0))
        return luaL_error(L, "train: polish needs lambda > 0, got %f", o.lambda);
    o.steps = optcount(L, 3, "train", "steps", o.steps, 1);
    o.tol = optfinite(L, 3, "train", "tol", o.tol, 0, 0);
    if (lua_istable(L, 3)) {
        if (lua_getfield(L, 3, "target") != LUA_TNIL) {
            if (lua_type(L, -1) != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1)))
                return luaL_error(L, "train: target must be a finite number, got %s",
                                  luaL_tolstring(L, -1, NULL));
            o.target = lua_tonumber(L, -1);
        }
        lua_pop(L, 1);
    }
    o.lr = optfinite(L, 3, "train", "lr", o.lr, 0, 1);
    o.lr_min = optfinite(L, 3, "train", "lr_min", o.lr_min, 0, 0);
    if (o.schedule == REPRO_LR_COSINE && o.lr_min > o.lr)
        return luaL_error(L, "train: lr_min must be <= lr = %f, got %f", o.lr, o.lr_min);
    o.gamma = optfinite(L, 3, "train", "gamma", o.gamma, 0, 1);
    o.step_size = optcount(L, 3, "train", "step_size", o.step_size, 1);
    o.milestones = optmilestones(L, &o.nmilestones);
    o.progress = lrepro_optboolean(L, 3, "progress", 1);
    o.ngrid = optcount(L, 3, "train", "ngrid", o.ngrid, 1);
    o.polish_tol = optfinite(L, 3, "train", "polish_tol", o.polish_tol, 0, 1);
    o.polish_iter = optcount(L, 3, "train", "polish_iter", o.polish_iter, 1);
    o.polish_sparse = lrepro_optboolean(L, 3, "sparse", 0);
    o.polish_keep = lrepro_optboolean(L, 3, "keep", 0);
    repro_train_report r;
    if (repro_train(net, ds->X, ds->Y, &o, &r) != 0) return lrepro_engine_error(L);
    pushreport(L, &r, o.optimizer == REPRO_TRAIN_POLISH);
    return 1;
}

/* net:objective(ds, {objective =, lambda =}) -> objective, loss, penalty */
static int net_objective(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    repro_dataset *ds = checkds(L, 2, net, "objective");
    static const char *const keys[] = {"objective", "lambda", NULL};
    lrepro_checkoptions(L, 3, "objective", keys);
    repro_objective obj = (repro_objective)optchoice(L, 3, "objective", "objective", OBJECTIVES, 0);
    double lambda = optlambda(L, 3, "objective");
    double mse = NAN, pen = NAN;
    double f = repro_net_objective(net, obj, ds->X, ds->Y, lambda, &mse, &pen);
    if (isnan(f)) return lrepro_engine_error(L);
    lua_pushnumber(L, f);
    lua_pushnumber(L, mse);
    lua_pushnumber(L, pen);
    return 3;
}

/* net:certificate(ds, {lambda =, objective =, ngrid =}) -> ratio */
static int net_certificate(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    repro_dataset *ds = checkds(L, 2, net, "certificate");
    static const char *const keys[] = {"objective", "lambda", "ngrid", NULL};
    lrepro_checkoptions(L, 3, "certificate", keys);
    repro_objective obj = (repro_objective)optchoice(L, 3, "certificate", "objective", OBJECTIVES, 0);
    double lambda = optlambda(L, 3, "certificate");
    if (!(lambda > 0)) return luaL_error(L, "certificate: lambda must be > 0, got %f", lambda);
    size_t ngrid = optcount(L, 3, "certificate", "ngrid", 2000, 1);
    double ratio;
    if (repro_train_certificate(net, ds->X, ds->Y, obj, lambda, ngrid, &ratio) != 0)
        return lrepro_engine_error(L);
    lua_pushnumber(L, ratio);
    return 1;
}

/* ---- structure ------------------------------------------------------------------------------- */

static double opttol(lua_State *L, int idx, const char *fn)
{
    if (lua_isnoneornil(L, idx)) return 1e-6;
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: tol must be a number, got %s", fn, luaL_typename(L, idx));
    double t = lua_tonumber(L, idx);
    if (!(t >= 0) || !isfinite(t)) luaL_error(L, "%s: tol must be a finite number >= 0, got %f", fn, t);
    return t;
}

static int net_balance(lua_State *L)
{
    repro_net_balance(checknet(L, 1));
    return 0;
}

static int net_active(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    double tol = opttol(L, 2, "active");
    size_t *idx = lua_newuserdatauv(L, net->K * sizeof *idx, 0);
    size_t n = repro_net_active(net, tol, idx, net->K);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n && i < net->K; i++) {
        lua_pushinteger(L, (lua_Integer)idx[i] + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* net:distinct([cos_min [, tol]]) -> count, groups: near-parallel active neurons merged
 * (repro_net_distinct; cos_min default 0.999, tol as net:active); groups[i] lists the neuron
 * indices (1-based) of the i-th group: its representative first (groups by decreasing
 * ||w_k|| ||v_k|| of the representative), then the merged neurons by index. */
static int net_distinct(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    double cmin = 0.999;
    if (!lua_isnoneornil(L, 2)) {
        if (lua_type(L, 2) != LUA_TNUMBER)
            return luaL_error(L, "distinct: cos_min must be a number, got %s", luaL_typename(L, 2));
        cmin = lua_tonumber(L, 2);
        if (!(cmin >= -1 && cmin <= 1))
            return luaL_error(L, "distinct: cos_min must be in [-1, 1], got %f", cmin);
    }
    double tol = opttol(L, 3, "distinct");
    size_t K = net->K;
    size_t *buf = lua_newuserdatauv(L, 3 * K * sizeof *buf, 0);
    size_t *rep = buf, *heads = buf + K, *idx = buf + 2 * K;
    size_t n = repro_net_distinct(net, cmin, tol, rep, heads);
    if (n == (size_t)-1) return luaL_error(L, "distinct: out of memory");
    size_t na = repro_net_active(net, tol, idx, K);
    lua_pushinteger(L, (lua_Integer)n);
    lua_createtable(L, (int)n, 0);
    for (size_t h = 0; h < n; h++) {
        lua_createtable(L, 1, 0);
        lua_pushinteger(L, (lua_Integer)heads[h] + 1);
        lua_rawseti(L, -2, 1);
        lua_Integer m = 1;
        for (size_t i = 0; i < na; i++) {
            if (idx[i] == heads[h] || rep[idx[i]] != heads[h]) continue;
            lua_pushinteger(L, (lua_Integer)idx[i] + 1);
            lua_rawseti(L, -2, ++m);
        }
        lua_rawseti(L, -2, (lua_Integer)h + 1);
    }
    return 2;
}

static void check1d(lua_State *L, const repro_net *net, const char *fn)
{
    if (net->d != 1) luaL_error(L, "%s: needs a net with one input (d = 1), got d = %d", fn, (int)net->d);
}

/* net:knots([tol]) -> locations, jumps (rows of T; numbers when T = 1) */
static int net_knots(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    check1d(L, net, "knots");
    double tol = opttol(L, 2, "knots");
    gsl_vector *loc = NULL;
    gsl_matrix *jump = NULL;
    if (repro_net_knots(net, tol, &loc, &jump) < 0) return lrepro_engine_error(L);
    if (!loc) {
        lua_newtable(L);
        lua_newtable(L);
        if (jump) gsl_matrix_free(jump);
        return 2;
    }
    /* box both before pushing tables so an allocation error cannot leak them */
    gsl_vector *lb = lrepro_newvector(L, loc->size);
    gsl_vector_memcpy(lb, loc);
    gsl_vector_free(loc);
    gsl_matrix *jb = jump ? lrepro_newmatrix(L, jump->size1, jump->size2) : NULL;
    if (jump) {
        gsl_matrix_memcpy(jb, jump);
        gsl_matrix_free(jump);
    }
    lrepro_pushvector(L, lb);
    if (jb)
        lrepro_pushmatrix(L, jb);
    else
        lua_newtable(L);
    return 2;
}

static int net_cost(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    check1d(L, net, "cost");
    double c = repro_net_cost(net, opttol(L, 2, "cost"));
    if (isnan(c)) return lrepro_engine_error(L);
    lua_pushnumber(L, c);
    return 1;
}

static int net_tostring(lua_State *L)
{
    repro_net *net = checknet(L, 1);
    lua_pushfstring(L, "repro.Net(d = %d, T = %d, K = %d, skip = %s)", (int)net->d, (int)net->T,
                    (int)net->K, net->skip ? "true" : "false");
    return 1;
}

static int net_index(lua_State *L)
{
    static const lrepro_field fields[] = {LREPRO_FIELD("d", repro_net, d), LREPRO_FIELD("T", repro_net, T),
                                          LREPRO_FIELD("K", repro_net, K), LREPRO_FIELD("P", repro_net, P),
                                          LREPRO_FIELDS_END};
    repro_net *net = checknet(L, 1);
    if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "skip") == 0) {
        lua_pushboolean(L, net->skip);
        return 1;
    }
    return lrepro_index(L, &net_type, fields, "skip");
}

void lrepro_open_net(lua_State *L)
{
    static const luaL_Reg meta[] = {
        {"__call", net_call},       {"__index", net_index},
        {"__tostring", net_tostring}, {"eval", net_eval},
        {"params", net_params},     {"set_params", net_set_params},
        {"save", net_save},         {"train", net_train},
        {"objective", net_objective}, {"certificate", net_certificate},
        {"balance", net_balance},   {"active", net_active},     {"distinct", net_distinct},
        {"knots", net_knots},       {"cost", net_cost},
        {NULL, NULL}};
    lrepro_newtype(L, &net_type, meta, NULL);
    static const luaL_Reg fns[] = {{"load", l_load}, {NULL, NULL}};
    lrepro_newmodule(L, "net", fns, l_new);
}
