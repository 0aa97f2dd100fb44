/* repro.figure: the Lua face of the plot module (see plot.h).
 * Figures are userdata "repro.Figure" (freed by __gc/__close); fig:panel returns "repro.Axes",
 * which keeps its figure alive through a user value. */
#include "core/err.h"
#include "core/fileio.h"
#include "core/jsonfile.h"
#include "core/paths.h"
#include "lua/lrepro.h"
#include "plot/contour.h"
#include "plot/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AXES_T "repro.Axes"

/* box.res is the repro_fig. */
typedef struct { lrepro_box box; int saved, has_seed; lua_Integer seed; char name[256]; } figbox;
typedef struct { repro_panel *p; } axbox;

static void free_fig(void *f) { repro_fig_free(f); }
static const lrepro_type fig_type = {"repro.Figure", "figure", free_fig};

static figbox *checkfig(lua_State *L)
{
    lrepro_checkbox(L, 1, &fig_type);
    return lua_touserdata(L, 1);
}

static repro_panel *checkax(lua_State *L)
{
    axbox *a = luaL_checkudata(L, 1, AXES_T);
    lua_getiuservalue(L, 1, 1);
    lrepro_box *b = lrepro_tobox(L, -1, &fig_type);
    if (!b->res) luaL_error(L, "axes: the figure is closed");
    lua_pop(L, 1);
    return a->p;
}

/* Colour option KEY of the table at IDX (default DEF) into RGB; returns the string. */
static const char *optcolor(lua_State *L, int idx, const char *fn, const char *def, double rgb[3])
{
    const char *s = lrepro_optstring(L, idx, "color", def);
    if (repro_color_parse(s, rgb) < 0)
        luaL_error(L, "%s: color: expected \"C0\"..\"C9\", a colour name or \"#rrggbb\", got \"%s\"",
                   fn, s);
    return s;
}

/* Optional list of exactly N numbers at field KEY of IDX into OUT; returns 1 when present. */
static int optpair(lua_State *L, int idx, const char *fn, const char *key, double *out, int n)
{
    if (lua_isnoneornil(L, idx)) return 0;
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL) { lua_pop(L, 1); return 0; }
    if (t != LUA_TTABLE || (int)lua_rawlen(L, -1) != n)
        luaL_error(L, "%s: %s: expected a list of %d numbers", fn, key, n);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        int ok;
        out[i] = lua_tonumberx(L, -1, &ok);
        if (!ok) luaL_error(L, "%s: %s[%d]: expected a number", fn, key, i + 1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 1;
}

static const char *optanchor(lua_State *L, int idx, const char *fn, const char *key,
                             const char *def, const char *const allowed[])
{
    const char *s = lrepro_optstring(L, idx, key, def);
    for (int i = 0; allowed[i]; i++)
        if (strcmp(s, allowed[i]) == 0) return s;
    luaL_error(L, "%s: %s: unknown value \"%s\"", fn, key, s);
    return NULL;
}

static int l_figure(lua_State *L)
{
    static const char *const keys[] = {"name", "width", "height", "rows", "cols", "seed", "title", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    lrepro_checkoptions(L, 1, "repro.figure", keys);
    const char *name = lrepro_optstring(L, 1, "name", NULL);
    if (!name) luaL_error(L, "repro.figure: name: expected a string");
    figbox *b = (figbox *)lrepro_newbox(L, &fig_type, sizeof(figbox), 0);
    snprintf(b->name, sizeof b->name, "%s", name);
    int rows = (int)lrepro_optcount(L, 1, "repro.figure", "rows", 1, 1, 64);
    int cols = (int)lrepro_optcount(L, 1, "repro.figure", "cols", 1, 1, 64);
    b->box.res = repro_fig_new(name, lrepro_optnumber(L, 1, "width", 6.4),
                               lrepro_optnumber(L, 1, "height", 2.4), rows, cols);
    if (!b->box.res) return luaL_error(L, "repro.figure: %s", repro_errmsg());
    if (repro_fig_set(b->box.res, lrepro_optstring(L, 1, "title", NULL), lrepro_ctx()->script) != 0)
        return luaL_error(L, "repro.figure: %s", repro_errmsg());
    lua_getfield(L, 1, "seed");
    if (!lua_isnil(L, -1)) {
        if (!lua_isinteger(L, -1)) luaL_error(L, "repro.figure: seed: expected an integer");
        b->has_seed = 1;
        b->seed = lua_tointeger(L, -1);
        if (repro_fig_add_seed(b->box.res, (long long)b->seed) != 0)
            return luaL_error(L, "repro.figure: %s", repro_errmsg());
    }
    lua_pop(L, 1);
    return 1;
}

static int fig_panel(lua_State *L)
{
    static const char *const keys[] = {"title", "xlabel", "ylabel", "xlim", "ylim", "xticks",
                                       "yticks", "axes", "grid", NULL};
    lua_settop(L, 4);
    figbox *b = checkfig(L);
    lua_Integer ri = luaL_checkinteger(L, 2), ci = luaL_checkinteger(L, 3);
    luaL_argcheck(L, ri >= 1 && ri <= 64, 2, "row out of range");
    luaL_argcheck(L, ci >= 1 && ci <= 64, 3, "column out of range");
    int r = (int)ri, c = (int)ci;
    lrepro_checkoptions(L, 4, "panel", keys);
    repro_panel *p = repro_fig_panel(b->box.res, r, c);
    if (!p) return luaL_error(L, "%s", repro_errmsg());
    if (repro_panel_set_labels(p, lrepro_optstring(L, 4, "title", NULL),
                               lrepro_optstring(L, 4, "xlabel", NULL),
                               lrepro_optstring(L, 4, "ylabel", NULL)) != 0)
        return luaL_error(L, "panel: %s", repro_errmsg());
    double v[2];
    if (optpair(L, 4, "panel", "xlim", v, 2)) {
        if (!(v[1] != v[0])) luaL_error(L, "panel: xlim: expected two different numbers");
        repro_panel_set_xlim(p, v[0], v[1]);
    }
    if (optpair(L, 4, "panel", "ylim", v, 2)) {
        if (!(v[1] != v[0])) luaL_error(L, "panel: ylim: expected two different numbers");
        repro_panel_set_ylim(p, v[0], v[1]);
    }
    const char *tk[2] = {"xticks", "yticks"};
    for (int a = 0; a < 2; a++) {
        if (lua_isnoneornil(L, 4)) break;
        if (lua_getfield(L, 4, tk[a]) != LUA_TNIL) {
            gsl_vector *t = lrepro_checkvector(L, -1, tk[a]);
            if (repro_panel_set_ticks(p, a, t->data, t->size) != 0)
                return luaL_error(L, "panel: %s: %s", tk[a], repro_errmsg());
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    repro_panel_set_style(p, lrepro_optboolean(L, 4, "axes", 1), lrepro_optboolean(L, 4, "grid", 0));
    axbox *a = lua_newuserdatauv(L, sizeof *a, 1);
    a->p = p;
    luaL_setmetatable(L, AXES_T);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* xs, ys at 2, 3 (pushed as two boxes); their lengths must agree. */
static size_t xy(lua_State *L, const char *fn, const double **x, const double **y)
{
    gsl_vector *vx = lrepro_checkvector(L, 2, "xs"), *vy = lrepro_checkvector(L, 3, "ys");
    if (vx->size != vy->size)
        luaL_error(L, "%s: xs, ys: expected lists of the same length, got %I and %I", fn,
                   (lua_Integer)vx->size, (lua_Integer)vy->size);
    *x = vx->data;
    *y = vy->data;
    return vx->size;
}

static void add(lua_State *L, repro_panel *p, const repro_plot_item *it)
{
    if (repro_panel_add(p, it) < 0) luaL_error(L, "%s", repro_errmsg());
}

/* The common start of a data series ax:FN(xs, ys, opts) of KIND: the panel, the options checked
 * against KEYS, the data, colour and label into IT. */
static repro_panel *series(lua_State *L, const char *fn, const char *const keys[],
                           repro_item_kind kind, repro_plot_item *it)
{
    lua_settop(L, 4);
    repro_panel *p = checkax(L);
    lrepro_checkoptions(L, 4, fn, keys);
    *it = (repro_plot_item){.kind = kind};
    it->n = xy(L, fn, &it->x, &it->y);
    it->color = optcolor(L, 4, fn, "C0", it->rgb);
    it->label = lrepro_optstring(L, 4, "label", NULL);
    return p;
}

static void optdash(lua_State *L, int idx, const char *fn, repro_plot_item *it)
{
    if (optpair(L, idx, fn, "dash", it->dash, 2) && !(it->dash[0] > 0 && it->dash[1] >= 0))
        luaL_error(L, "%s: dash: expected {on > 0, off >= 0}", fn);
}

static int ax_line(lua_State *L)
{
    static const char *const keys[] = {"color", "width", "dash", "label", NULL};
    repro_plot_item it;
    repro_panel *p = series(L, "line", keys, REPRO_IT_LINE, &it);
    it.width = lrepro_optnumber(L, 4, "width", 1.2);
    optdash(L, 4, "line", &it);
    add(L, p, &it);
    return 0;
}

static int ax_points(lua_State *L)
{
    static const char *const keys[] = {"color", "size", "marker", "label", NULL};
    static const char *const marks[] = {"o", "s", "x", NULL};
    repro_plot_item it;
    repro_panel *p = series(L, "points", keys, REPRO_IT_POINTS, &it);
    it.size = lrepro_optnumber(L, 4, "size", 3.5);
    it.marker = optanchor(L, 4, "points", "marker", "o", marks)[0];
    add(L, p, &it);
    return 0;
}

static int ax_bar(lua_State *L)
{
    static const char *const keys[] = {"color", "width", "label", NULL};
    repro_plot_item it;
    repro_panel *p = series(L, "bar", keys, REPRO_IT_BAR, &it);
    it.width = lrepro_optnumber(L, 4, "width", 0.8);
    if (!(it.width > 0)) luaL_error(L, "bar: width: expected a positive number");
    add(L, p, &it);
    return 0;
}

static const char *const anchors[] = {"n", "s", "e", "w", "ne", "nw", "se", "sw", "c", NULL};

static int ax_text(lua_State *L)
{
    static const char *const keys[] = {"anchor", "size", "color", NULL};
    lua_settop(L, 5);
    repro_panel *p = checkax(L);
    repro_plot_item it = {.kind = REPRO_IT_TEXT};
    it.x1 = luaL_checknumber(L, 2);
    it.y1 = luaL_checknumber(L, 3);
    it.text = luaL_checkstring(L, 4);
    lrepro_checkoptions(L, 5, "text", keys);
    it.anchor = optanchor(L, 5, "text", "anchor", "c", anchors);
    it.size = lrepro_optnumber(L, 5, "size", 9);
    it.color = optcolor(L, 5, "text", "black", it.rgb);
    add(L, p, &it);
    return 0;
}

/* The common start of ax:FN(x1, y1, x2, y2, opts), an arrow or a brace of KIND: the panel, the
 * two end points into IT, the options checked against KEYS. */
static repro_panel *segment(lua_State *L, const char *fn, const char *const keys[],
                            repro_item_kind kind, repro_plot_item *it)
{
    lua_settop(L, 6);
    repro_panel *p = checkax(L);
    *it = (repro_plot_item){.kind = kind};
    it->x1 = luaL_checknumber(L, 2);
    it->y1 = luaL_checknumber(L, 3);
    it->x2 = luaL_checknumber(L, 4);
    it->y2 = luaL_checknumber(L, 5);
    lrepro_checkoptions(L, 6, fn, keys);
    return p;
}

static int ax_arrow(lua_State *L)
{
    static const char *const keys[] = {"color", "width", NULL};
    repro_plot_item it;
    repro_panel *p = segment(L, "arrow", keys, REPRO_IT_ARROW, &it);
    it.color = optcolor(L, 6, "arrow", "black", it.rgb);
    it.width = lrepro_optnumber(L, 6, "width", 0.9);
    add(L, p, &it);
    return 0;
}

static int ax_brace(lua_State *L)
{
    static const char *const keys[] = {"text", "side", "color", "size", NULL};
    static const char *const sides[] = {"below", "above", NULL};
    repro_plot_item it;
    repro_panel *p = segment(L, "brace", keys, REPRO_IT_BRACE, &it);
    it.text = lrepro_optstring(L, 6, "text", NULL);
    it.above = strcmp(optanchor(L, 6, "brace", "side", "below", sides), "above") == 0;
    it.color = optcolor(L, 6, "brace", "black", it.rgb);
    it.size = lrepro_optnumber(L, 6, "size", 9);
    add(L, p, &it);
    return 0;
}

static int refline(lua_State *L, repro_item_kind kind, const char *fn)
{
    static const char *const keys[] = {"color", "dash", "width", NULL};
    lua_settop(L, 3);
    repro_panel *p = checkax(L);
    repro_plot_item it = {.kind = kind};
    it.x1 = it.y1 = luaL_checknumber(L, 2);
    lrepro_checkoptions(L, 3, fn, keys);
    it.color = optcolor(L, 3, fn, "gray", it.rgb);
    it.width = lrepro_optnumber(L, 3, "width", 0.8);
    optdash(L, 3, fn, &it);
    add(L, p, &it);
    return 0;
}
static int ax_vline(lua_State *L) { return refline(L, REPRO_IT_VLINE, "vline"); }
static int ax_hline(lua_State *L) { return refline(L, REPRO_IT_HLINE, "hline"); }

static int ax_legend(lua_State *L)
{
    static const char *const keys[] = {"pos", NULL};
    static const char *const pos[] = {"ne", "nw", "se", "sw", NULL};
    lua_settop(L, 2);
    repro_panel *p = checkax(L);
    lrepro_checkoptions(L, 2, "legend", keys);
    repro_panel_legend(p, optanchor(L, 2, "legend", "pos", "ne", pos));
    return 0;
}

static int ax_image(lua_State *L)
{
    static const char *const keys[] = {"extent", "cmap", "vmin", "vmax", "colorbar", "label", NULL};
    static const char *const cmaps[] = {"viridis", "RdBu", NULL};
    lua_settop(L, 3);
    repro_panel *p = checkax(L);
    lrepro_checkoptions(L, 3, "image", keys);
    gsl_matrix *m = lrepro_checkmatrix(L, 2, "matrix_rows", 0);
    double *z = lua_newuserdatauv(L, m->size1 * m->size2 * sizeof *z, 0);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++) {
            double v = gsl_matrix_get(m, i, j);
            z[i * m->size2 + j] = v;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
    repro_plot_item it = {.kind = REPRO_IT_IMAGE, .rows = m->size1, .cols = m->size2, .z = z};
    it.extent[0] = 0;
    it.extent[1] = (double)m->size2;
    it.extent[2] = 0;
    it.extent[3] = (double)m->size1;
    if (optpair(L, 3, "image", "extent", it.extent, 4) &&
        (it.extent[0] == it.extent[1] || it.extent[2] == it.extent[3]))
        luaL_error(L, "image: extent: expected {x0, x1, y0, y1} with x0 ~= x1, y0 ~= y1");
    it.cmap = strcmp(optanchor(L, 3, "image", "cmap", "viridis", cmaps), "RdBu") == 0;
    it.vmin = lrepro_optnumber(L, 3, "vmin", lo);
    it.vmax = lrepro_optnumber(L, 3, "vmax", hi);
    if (!(it.vmax >= it.vmin)) luaL_error(L, "image: vmin, vmax: expected vmin <= vmax");
    it.colorbar = lrepro_optboolean(L, 3, "colorbar", 0);
    it.label = lrepro_optstring(L, 3, "label", NULL);
    it.color = "black";
    it.rgb[0] = it.rgb[1] = it.rgb[2] = 0;
    add(L, p, &it);
    return 0;
}

/* ax:contour(xs, ys, Z, {levels =, color, width, dash}): Z[i][j] at (xs[j], ys[i]); each level
 * set (plot/contour.h) is added as line items. */
static int ax_contour(lua_State *L)
{
    static const char *const keys[] = {"levels", "color", "width", "dash", NULL};
    lua_settop(L, 5);
    repro_panel *p = checkax(L);
    lrepro_checkoptions(L, 5, "contour", keys);
    gsl_vector *xs = lrepro_checkvector(L, 2, "xs"), *ys = lrepro_checkvector(L, 3, "ys");
    gsl_matrix *z = lrepro_checkmatrix(L, 4, "Z", 0);
    if (z->size1 != ys->size || z->size2 != xs->size)
        luaL_error(L, "contour: Z: expected %d rows of %d numbers (#ys by #xs), got %d by %d",
                   (int)ys->size, (int)xs->size, (int)z->size1, (int)z->size2);
    if (lua_getfield(L, 5, "levels") != LUA_TTABLE)
        luaL_error(L, "contour: levels: expected a list of numbers");
    gsl_vector *lv = lrepro_checkvector(L, lua_gettop(L), "levels");
    repro_plot_item it = {.kind = REPRO_IT_LINE};
    it.color = optcolor(L, 5, "contour", "black", it.rgb);
    it.width = lrepro_optnumber(L, 5, "width", 0.6);
    optdash(L, 5, "contour", &it);
    for (size_t l = 0; l < lv->size; l++) {
        repro_polyline *pl;
        size_t n;
        if (repro_contour(xs->data, xs->size, ys->data, ys->size, z->data, lv->data[l], &pl, &n))
            return luaL_error(L, "%s", repro_errmsg());
        int rc = 0;
        for (size_t k = 0; k < n && rc == 0; k++) {
            it.n = pl[k].n;
            it.x = pl[k].x;
            it.y = pl[k].y;
            rc = repro_panel_add(p, &it);
        }
        repro_contour_free(pl, n); /* before any error: it unwinds past this frame */
        if (rc < 0) return luaL_error(L, "%s", repro_errmsg());
    }
    return 0;
}

static int fig_save(lua_State *L)
{
    figbox *b = checkfig(L);
    if (b->saved) return luaL_error(L, "save: figure \"%s\" was already saved", b->name);
    const lrepro_context *ctx = lrepro_ctx();
    const char *dir = ctx->figdir ? ctx->figdir : REPRO_FIGURES_DIR;
    json_t *j = repro_fig_json(b->box.res);
    const char *name = json_string_value(json_object_get(j, "figure"));
    if (!name) {
        json_decref(j);
        return luaL_error(L, "save: figure \"%s\": %s", b->name,
                          j ? "no name in its description" : "out of memory");
    }
    char path[3][4096];
    snprintf(path[0], sizeof path[0], "%s/%s.pdf", dir, name);
    snprintf(path[1], sizeof path[1], "%s/%s.png", dir, name);
    snprintf(path[2], sizeof path[2], "%s/%s.json", dir, name);
    int rc = j ? 0 : repro_err("save: out of memory");
    if (rc == 0) rc = repro_fig_write_pdf(b->box.res, path[0], ctx->source_date);
    if (rc == 0) rc = repro_fig_write_png(b->box.res, path[1]);
    if (rc == 0) rc = repro_json_write(path[2], j);
    json_decref(j);
    if (rc < 0) return luaL_error(L, "save: %s", repro_errmsg());
    b->saved = 1;
    lua_createtable(L, 3, 0);
    for (int i = 0; i < 3; i++) {
        lrepro_note_output(path[i]);
        lua_pushstring(L, path[i]);
        lua_rawseti(L, -2, i + 1);
    }
    if (b->has_seed) lrepro_note_seed(b->seed);
    return 1;
}

void lrepro_open_plot(lua_State *L)
{
    static const luaL_Reg fig_m[] = {{"panel", fig_panel}, {"save", fig_save}, {NULL, NULL}};
    static const luaL_Reg ax_m[] = {{"line", ax_line},     {"points", ax_points}, {"text", ax_text},
                                    {"arrow", ax_arrow},   {"brace", ax_brace},   {"vline", ax_vline},
                                    {"hline", ax_hline},   {"legend", ax_legend}, {"bar", ax_bar},
                                    {"image", ax_image},   {"contour", ax_contour},
                                    {NULL, NULL}};
    lrepro_newtype(L, &fig_type, NULL, fig_m);
    luaL_newmetatable(L, AXES_T);
    luaL_newlib(L, ax_m);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_figure);
    lua_setfield(L, -2, "figure");
}

/* Figures are owned by Lua userdata and freed by __gc when the state closes; nothing is left
 * for run.c to free here. */
void lrepro_close_plot(void);
void lrepro_close_plot(void) {}
