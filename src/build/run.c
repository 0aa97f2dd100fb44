#include "build/run.h"

#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"
#include "lua/lrepro.h"
#include "core/progress.h"
#include "build/results.h"
#include "build/cachekey.h"
#include "core/paths.h"
#include "build/sweep.h"

#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lrepro_free_rng(void);
void lrepro_close_plot(void);

static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* A package searcher that finds Lua modules on package.path like the standard one and records
 * each file it loads as an input of the run (so the stage cache sees library edits). */
static int searcher(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_getglobal(L, "package");      /* name package */
    lua_getfield(L, -1, "searchpath"); /* name package searchpath */
    lua_pushstring(L, name);
    lua_getfield(L, -3, "path");
    lua_call(L, 2, 2); /* name package file|nil err */
    if (lua_isnil(L, -2)) return 1;
    const char *file = lua_tostring(L, -2);
    if (luaL_loadfile(L, file) != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file,
                          lua_tostring(L, -1));
    lrepro_note_input(file);
    lua_pushstring(L, file); /* ... loader file */
    return 2;
}

static int openrepro(lua_State *L)
{
    luaopen_repro(L);
    return 1;
}

int repro_run_script(const repro_run_opts *o)
{
    char stagebuf[256], outbuf[512];
    const char *stage = o->stage ? o->stage : repro_path_stage_name(o->script, stagebuf, sizeof stagebuf);
    const char *outdir = o->outdir;
    if (stage && !outdir) outdir = repro_path_stage_dir(NULL, stage, outbuf, sizeof outbuf);
    if (!stage || !outdir) {
        fprintf(stderr, "repro: %s: %s\n", o->script, repro_errmsg());
        return 1;
    }
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    lrepro_context ctx = {o->script, stage, o->figdir ? o->figdir : REPRO_FIGURES_DIR, outdir,
                          sde ? atoll(sde) : 0};
    lrepro_set_ctx(&ctx);
    repro_run_opts self = *o;
    self.stage = stage;
    self.outdir = outdir;
    repro_sweep_begin(&self);
    repro_err_init();
    repro_results_begin(o->script, stage);
    char *over = repro_overrides_string(o->overrides, o->noverrides);
    repro_results_meta("engine", repro_engine_hash());
    repro_results_meta("overrides", over ? over : "");
    free(over);
    repro_fileio_cleanup_on_signal();

    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "repro: cannot create a Lua state (out of memory)\n");
        return 1;
    }
    luaL_openlibs(L);
    int status = 1;
    /* Overrides: name=value strings into the registry table read by repro.params. */
    lua_newtable(L); /* over */
    for (size_t i = 0; i < o->noverrides; i++) {
        const char *eq = strchr(o->overrides[i], '=');
        if (!eq || eq == o->overrides[i]) {
            fprintf(stderr, "repro: parameter '%s' must be written name=value\n", o->overrides[i]);
            goto out;
        }
        lua_pushlstring(L, o->overrides[i], (size_t)(eq - o->overrides[i]));
        lua_pushstring(L, eq + 1);
        lua_settable(L, -3);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "repro.overrides");
    /* package.path: the project's Lua library only (plus the script's own folder). */
    lua_getglobal(L, "package"); /* package */
    lua_pushfstring(L, "%s/?.lua", o->libdir ? o->libdir : ".");
    lua_setfield(L, -2, "path");
    lua_pushstring(L, "");
    lua_setfield(L, -2, "cpath");
    lua_getfield(L, -1, "searchers"); /* package searchers */
    lua_pushcfunction(L, searcher);
    lua_rawseti(L, -2, 2); /* the Lua-file searcher, now recording */
    lua_pushnil(L);
    lua_rawseti(L, -2, 4); /* no all-in-one C loader */
    lua_pushnil(L);
    lua_rawseti(L, -2, 3); /* no C modules */
    lua_pop(L, 1);         /* package */
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, openrepro);
    lua_setfield(L, -2, "repro");
    lua_pop(L, 2); /* */
    luaL_requiref(L, "repro", openrepro, 1);
    lua_pop(L, 1);

    lrepro_note_input(o->script);
    lua_pushcfunction(L, msghandler); /* h */
    if (luaL_loadfile(L, o->script) != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        goto out;
    }
    if (lua_pcall(L, 0, 0, 1) != LUA_OK) {
        repro_progress_end();
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        goto out;
    }
    repro_progress_end();
    if (o->point_sweep) {
        fprintf(stderr, "%s: the script ended without reaching repro.sweep '%s'\n", o->script,
                o->point_sweep);
        goto out;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "repro.declared");
    int declared = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!declared && o->noverrides > 0) {
        fprintf(stderr, "%s: parameter '%s' given, but the script declares no parameters "
                        "(repro.params)\n", o->script, o->overrides[0]);
        goto out;
    }
    /* Close the state before writing the record: figures are finished by their __gc. */
    lua_close(L);
    L = NULL;
    char path[1024];
    if (!repro_path_record(outdir, path, sizeof path) || repro_results_write(path) != 0) {
        fprintf(stderr, "repro: %s\n", repro_errmsg());
        goto out;
    }
    status = 0;
out:
    if (L) lua_close(L);
    repro_sweep_end();
    repro_results_end();
    lrepro_free_rng();
    lrepro_close_plot();
    return status;
}
