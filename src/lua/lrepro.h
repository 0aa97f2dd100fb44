/* lrepro: the Lua face of the engine, and the helpers every binding file shares.
 *
 * luaopen_repro() builds the `repro` table; each lrepro_*.c file contributes its part through an
 * lrepro_open_<module>(L) function that is called with the repro table on top of the stack and
 * must leave the stack as it found it.  The shared helpers below are in lhelpers.c (boxes of
 * resources: lbox.h).  GSL objects created for a call are boxed in userdata
 * ("repro.Vector", "repro.Matrix", see lbox.h) so that a Lua error anywhere frees them. */
#ifndef REPRO_LREPRO_H
#define REPRO_LREPRO_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <lauxlib.h>
#include <lua.h>

#include "engine/dataset.h"
#include "lua/lbox.h"

int luaopen_repro(lua_State *L);

/* Module parts, each in its own lrepro_<name>.c. */
void lrepro_open_helpers(lua_State *L);    /* the box types of lhelpers.c (Vector, Matrix) */
void lrepro_open_core(lua_State *L);       /* check, value, params, random */
void lrepro_open_dataset(lua_State *L);    /* repro.dataset */
void lrepro_open_univariate(lua_State *L); /* repro.univariate */
void lrepro_open_kernel(lua_State *L);     /* repro.kernel */
void lrepro_open_plot(lua_State *L);       /* repro.figure */
void lrepro_open_net(lua_State *L);        /* repro.net */
void lrepro_open_linalg(lua_State *L);     /* repro.linalg */
void lrepro_open_convex(lua_State *L);     /* repro.convex */
void lrepro_open_sweep(lua_State *L);      /* repro.sweep */


/* ---- GSL objects owned by the Lua stack ---------------------------------------------------- */
/* Push a new box owning a zeroed vector / matrix and return the GSL object. */
gsl_vector *lrepro_newvector(lua_State *L, size_t n);
gsl_matrix *lrepro_newmatrix(lua_State *L, size_t rows, size_t cols);
/* Read a Lua list of numbers at IDX into a new box (pushed).  WHAT names the argument. */
gsl_vector *lrepro_checkvector(lua_State *L, int idx, const char *what);
/* Read a Lua list of rows (lists of numbers) at IDX into a new box (pushed).  A plain list of
 * numbers is read as a one-column matrix when ALLOW_COLUMN is set. */
gsl_matrix *lrepro_checkmatrix(lua_State *L, int idx, const char *what, int allow_column);
/* Push a vector as a Lua list of numbers.  A matrix as a list of rows, except that a matrix of
 * one column is a list of plain numbers: the one shape rule of every result (ds.x, net:eval,
 * net:params, sp:eval, ...).  lrepro_pushrow pushes one row of such a result (a number when it
 * has one entry). */
void lrepro_pushvector(lua_State *L, const gsl_vector *v);
void lrepro_pushmatrix(lua_State *L, const gsl_matrix *m);
void lrepro_pushrow(lua_State *L, const gsl_vector *row);

/* ---- arguments -------------------------------------------------------------------------- */
/* The length of the table at IDX (its __len if any), checked to lie in 0..LREPRO_MAXLEN: a
 * hostile __len (huge or negative) never reaches an allocation.  WHAT names the argument. */
#define LREPRO_MAXLEN ((lua_Integer)1 << 31)
lua_Integer lrepro_len(lua_State *L, int idx, const char *what);
/* Optional integer field KEY of the option table at IDX, checked to lie in LO..HI (no silent
 * wrap-around: rows = 2^32 + 1 is an error, not 1).  FN names the call. */
lua_Integer lrepro_optcount(lua_State *L, int idx, const char *fn, const char *key,
                            lua_Integer def, lua_Integer lo, lua_Integer hi);
/* The number at IDX, which must be finite; WHAT names the argument ("spline(x): x"). */
double lrepro_checkfinite(lua_State *L, int idx, const char *what);
/* Raise an error carrying the engine's last message (repro_errmsg). */
int lrepro_engine_error(lua_State *L);
/* Push NAMES (NULL-terminated) as one string "a, b, c" and return it (for messages). */
const char *lrepro_pushnames(lua_State *L, const char *const names[]);
/* Set repro[NAME] (the repro table on top) to a new table of FNS (may be NULL); with CALL, the
 * table is callable: repro.NAME{...} calls CALL with the table as its first argument. */
void lrepro_newmodule(lua_State *L, const char *name, const luaL_Reg *fns, lua_CFunction call);
/* Check that the table at IDX has only keys from KEYS (NULL-terminated); FN names the call. */
void lrepro_checkoptions(lua_State *L, int idx, const char *fn, const char *const keys[]);
/* Optional fields of an option table at IDX (which may be absent / nil). */
lua_Number lrepro_optnumber(lua_State *L, int idx, const char *key, lua_Number def);
lua_Integer lrepro_optinteger(lua_State *L, int idx, const char *key, lua_Integer def);
const char *lrepro_optstring(lua_State *L, int idx, const char *key, const char *def);
int lrepro_optboolean(lua_State *L, int idx, const char *key, int def);

/* The dataset userdata ("repro.Dataset") at IDX; raises when it is something else (with FN
 * given: "FN: ds must be a dataset (repro.dataset{...}), got table"). */
repro_dataset *lrepro_checkdataset(lua_State *L, int idx, const char *fn);
/* Push a new closed dataset box; store the dataset in ->res once it exists. */
lrepro_box *lrepro_newdataset(lua_State *L);

/* ---- engine objects shared between binding files ----------------------------------------- */
/* Push a spline userdata (repro.univariate's type) owning SP (freed with it; NULL raises). */
void lrepro_pushspline(lua_State *L, void *sp);
/* Push a network userdata (repro.net's type) owning NET; the network at IDX, or an error. */
void lrepro_pushnet(lua_State *L, void *net);
void *lrepro_checknet(lua_State *L, int idx);

/* ---- functions of one variable with T outputs (splines, kernel interpolants) ---------------- */
/* F at one point: F(x) into OUT (T entries).  At many: row m of OUT (M x T) = F(xs_m), M >= 1;
 * 0, or -1 through repro_err. */
typedef void (*lrepro_at1d)(const void *f, double x, gsl_vector *out);
typedef int (*lrepro_many1d)(const void *f, const gsl_vector *xs, gsl_matrix *out);
/* The __call f(x) of such an F (x at index 2, a finite number; WHAT names it in messages,
 * "spline(x): x"): pushes the list of the T values and returns 1. */
int lrepro_call1d(lua_State *L, const void *f, size_t T, lrepro_at1d at, const char *what);
/* f:eval(xs) (xs at index 2, a list of finite numbers; WHAT names it, "spline:eval: xs"):
 * pushes the list of rows F(xs_m) by the one shape rule and returns 1. */
int lrepro_eval1d(lua_State *L, const void *f, size_t T, lrepro_many1d many, const char *what);

/* ---- run context ------------------------------------------------------------------------- */
/* Where a run writes: figures (PDF, PNG, JSON) and its stage folder (results, data). */
typedef struct {
    const char *script;     /* path of the running script */
    const char *stage;      /* stage name (script basename without .lua) */
    const char *figdir;     /* default "figures" */
    const char *outdir;     /* default "build/stages/<stage>" */
    long long source_date;  /* SOURCE_DATE_EPOCH, or 0 */
} lrepro_context;

const lrepro_context *lrepro_ctx(void);
void lrepro_set_ctx(const lrepro_context *ctx);

/* Record that the run read FILE (a declared input: it becomes part of the stage's cache key). */
void lrepro_note_input(const char *file);
/* Record that the run wrote FILE (an output of the stage). */
void lrepro_note_output(const char *file);
/* Record a seed used by the run (shown in captions and figure sidecars). */
void lrepro_note_seed(lua_Integer seed);

/* The script position (chunk:line) of the Lua code that called the current C function, as
 * "pipeline/fig1.lua:12"; written into BUF. */
const char *lrepro_where(lua_State *L, char *buf, size_t n);

#endif
