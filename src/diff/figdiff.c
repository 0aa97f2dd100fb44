#include "diff/figdiff.h"

#include "core/err.h"
#include "core/strbuf.h"
#include "diff/jsonval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXLINES = 60, REPR = 96 };

const char *repro_diff_state_name(repro_diff_state s)
{
    switch (s) {
    case REPRO_DIFF_SAME: return "same";
    case REPRO_DIFF_CHANGED: return "changed";
    case REPRO_DIFF_ADDED: return "added";
    case REPRO_DIFF_REMOVED: return "removed";
    }
    return "?";
}

int repro_tol_differ(const repro_tol *tol, double a, double b)
{
    if (isnan(a) || isnan(b)) return !(isnan(a) && isnan(b));
    if (isinf(a) || isinf(b)) return a != b;
    return fabs(b - a) > tol->atol + tol->rtol * fabs(a);
}

const char *repro_diff_num(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "nan");
    else if (isinf(v))
        snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
    else
        snprintf(buf, n, "%.6g", v);
    return buf;
}

/* ---- one figure --------------------------------------------------------------------------- */

typedef struct {
    const repro_tol *tol;
    repro_figdiff *d;
    int oom;
} ctx;

static void addline(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addline(ctx *c, const char *fmt, ...)
{
    if (c->d->nlines >= MAXLINES) {
        c->d->nmore++;
        return;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nl = realloc(c->d->lines, (c->d->nlines + 1) * sizeof *nl);
    char *s = repro_strf("%s", buf);
    if (!nl || !s) {
        free(s);
        if (nl) c->d->lines = nl;
        c->oom = 1;
        return;
    }
    c->d->lines = nl;
    c->d->lines[c->d->nlines++] = s;
}

/* Signed change as a percentage of |a|: "+50%", or "from 0". */
static const char *pct(double a, double delta, char *buf, size_t n)
{
    if (a == 0)
        snprintf(buf, n, "from 0");
    else
        snprintf(buf, n, "%+.3g%%", 100.0 * delta / fabs(a));
    return buf;
}

static int all_scalars(const json_t *arr)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) if (json_is_object(e) || json_is_array(e)) return 0;
    return 1;
}

static int same_scalar(ctx *c, const json_t *a, const json_t *b)
{
    double x, y;
    if (repro_json_num(a, &x) && repro_json_num(b, &y)) return !repro_tol_differ(c->tol, x, y);
    return json_equal((json_t *)a, (json_t *)b);
}

/* Any difference between A and B under PATH, one line per differing leaf (lists of plain values
 * are one leaf). */
static void generic(ctx *c, const char *path, const json_t *a, const json_t *b)
{
    char ra[REPR], rb[REPR], sub[512];
    if (json_is_object(a) && json_is_object(b)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v)
        {
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
            json_t *w = json_object_get(b, k);
            if (w)
                generic(c, sub, v, w);
            else
                addline(c, "%s removed (was %s)", sub, repro_json_repr(v, ra, sizeof ra));
        }
        json_object_foreach((json_t *)b, k, v)
        {
            if (json_object_get(a, k)) continue;
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
            addline(c, "%s added: %s", sub, repro_json_repr(v, rb, sizeof rb));
        }
        return;
    }
    if (json_is_array(a) && json_is_array(b)) {
        size_t na = json_array_size(a), nb = json_array_size(b);
        if (na == nb && !(all_scalars(a) && all_scalars(b))) {
            for (size_t i = 0; i < na; i++) {
                snprintf(sub, sizeof sub, "%s[%zu]", path, i + 1);
                generic(c, sub, json_array_get(a, i), json_array_get(b, i));
            }
            return;
        }
        int same = na == nb;
        for (size_t i = 0; same && i < na; i++)
            same = same_scalar(c, json_array_get(a, i), json_array_get(b, i));
        if (!same) addline(c, "%s: %s -> %s", path, repro_json_repr(a, ra, sizeof ra), repro_json_repr(b, rb, sizeof rb));
        return;
    }
    if (!same_scalar(c, a, b))
        addline(c, "%s: %s -> %s", path, repro_json_repr(a, ra, sizeof ra), repro_json_repr(b, rb, sizeof rb));
}

/* A numeric array (a list of numbers, or a list of equally long lists of numbers) flattened into
 * a malloc'd buffer; *ROWS and *COLS give its shape (COLS = 0 for a plain list).  Returns 1 when
 * J is such an array, 0 when it is not, -1 when out of memory. */
static int flatten(const json_t *j, double **out, size_t *rows, size_t *cols)
{
    *out = NULL;
    *rows = *cols = 0;
    if (!json_is_array(j)) return 0;
    size_t n = json_array_size(j), m = 0;
    int nested = n > 0 && json_is_array(json_array_get(j, 0));
    if (nested) m = json_array_size(json_array_get(j, 0));
    double *v = malloc((n * (nested ? m : 1) + 1) * sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(j, i);
        if (nested) {
            if (!json_is_array(e) || json_array_size(e) != m) goto no;
            for (size_t k = 0; k < m; k++)
                if (!repro_json_num(json_array_get(e, k), &v[i * m + k])) goto no;
        } else if (!repro_json_num(e, &v[i])) {
            goto no;
        }
    }
    *out = v;
    *rows = n;
    *cols = nested ? m : 0;
    return 1;
no:
    free(v);
    return 0;
}

static const char *shape(size_t rows, size_t cols, char *buf, size_t n)
{
    if (cols)
        snprintf(buf, n, "%zux%zu values", rows, cols);
    else
        snprintf(buf, n, "%zu values", rows);
    return buf;
}

/* The data array KEY of two matched series: how many values changed and the largest change. */
static void data_array(ctx *c, const char *name, const char *key, const json_t *sa,
                       const json_t *sb)
{
    const json_t *a = json_object_get(sa, key), *b = json_object_get(sb, key);
    char sub[600], sh1[64], sh2[64], p[32], na_[32], nb_[32];
    snprintf(sub, sizeof sub, "%s %s", name, key);
    double *va = NULL, *vb = NULL;
    size_t ra, ca, rb, cb;
    int fa = flatten(a, &va, &ra, &ca), fb = flatten(b, &vb, &rb, &cb);
    if (fa < 0 || fb < 0) {
        c->oom = 1;
    } else if (!fa || !fb) {
        generic(c, sub, a, b);
    } else if (ra != rb || ca != cb) {
        addline(c, "%s: %s -> %s", sub, shape(ra, ca, sh1, sizeof sh1),
                shape(rb, cb, sh2, sizeof sh2));
    } else {
        size_t n = ra * (ca ? ca : 1), changed = 0, at = 0;
        double big = -1;
        for (size_t i = 0; i < n; i++) {
            if (!repro_tol_differ(c->tol, va[i], vb[i])) continue;
            changed++;
            double dd = fabs(vb[i] - va[i]);
            if (isnan(dd)) dd = INFINITY;
            if (dd > big) {
                big = dd;
                at = i;
            }
        }
        if (changed) {
            char where[160];
            const json_t *xs = json_object_get(sa, "x");
            double xv;
            if (ca)
                snprintf(where, sizeof where, "row %zu, col %zu", at / ca + 1, at % ca + 1);
            else if (strcmp(key, "x") != 0 && json_array_size(xs) == n &&
                     repro_json_num(json_array_get(xs, at), &xv))
                snprintf(where, sizeof where, "x = %s", repro_diff_num(xv, na_, sizeof na_));
            else
                snprintf(where, sizeof where, "point %zu", at + 1);
            double delta = vb[at] - va[at];
            addline(c, "%s: %zu of %zu values changed, largest %s -> %s (%s) at %s", sub, changed,
                    n, repro_diff_num(va[at], na_, sizeof na_),
                    repro_diff_num(vb[at], nb_, sizeof nb_), pct(va[at], delta, p, sizeof p),
                    where);
            double mag = isnan(delta) ? INFINITY : fabs(delta);
            repro_figdiff *d = c->d;
            if (!d->has_max || mag > d->max_abs) {
                char *w = repro_strf("%s at %s", sub, where);
                if (!w) {
                    c->oom = 1;
                } else {
                    free(d->max_where);
                    d->max_where = w;
                    d->has_max = 1;
                    d->max_abs = mag;
                    d->max_delta = delta;
                    d->max_rel = va[at] == 0 ? INFINITY : mag / fabs(va[at]);
                }
            }
        }
    }
    free(va);
    free(vb);
}

static int is_data_key(const char *k)
{
    return strcmp(k, "x") == 0 || strcmp(k, "y") == 0 || strcmp(k, "z") == 0;
}

static void series_pair(ctx *c, const char *panel, size_t ia, const json_t *sa, const json_t *sb)
{
    char name[400], ra[REPR], rb[REPR];
    const json_t *la = json_object_get(sa, "label"), *lb = json_object_get(sb, "label");
    if (json_is_string(la))
        snprintf(name, sizeof name, "%s \"%s\"", panel, json_string_value(la));
    else
        snprintf(name, sizeof name, "%s %s #%zu", panel, repro_json_str(sa, "kind"), ia + 1);
    if (!json_equal((json_t *)la, (json_t *)lb) && (la || lb))
        addline(c, "%s: label %s -> %s", name, repro_json_repr(la, ra, sizeof ra), repro_json_repr(lb, rb, sizeof rb));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)sa, k, v)
    {
        if (strcmp(k, "label") == 0) continue;
        char sub[600];
        snprintf(sub, sizeof sub, "%s %s", name, k);
        json_t *w = json_object_get(sb, k);
        if (!w)
            addline(c, "%s removed (was %s)", sub, repro_json_repr(v, ra, sizeof ra));
        else if (is_data_key(k))
            data_array(c, name, k, sa, sb);
        else
            generic(c, sub, v, w);
    }
    json_object_foreach((json_t *)sb, k, v)
    {
        if (strcmp(k, "label") == 0 || json_object_get(sa, k)) continue;
        addline(c, "%s %s added: %s", name, k, repro_json_repr(v, rb, sizeof rb));
    }
}

static int same_kind(const json_t *a, const json_t *b)
{
    return strcmp(repro_json_str(a, "kind"), repro_json_str(b, "kind")) == 0;
}

static void series_desc(const json_t *s, size_t i, char *buf, size_t n)
{
    const char *label = json_string_value(json_object_get(s, "label"));
    if (label)
        snprintf(buf, n, "%s \"%s\"", repro_json_str(s, "kind"), label);
    else
        snprintf(buf, n, "%s #%zu", repro_json_str(s, "kind"), i + 1);
}

/* Match the series of two panels: by label, then same position and kind, then in order among
 * the remaining series of the same kind. */
static void series_lists(ctx *c, const char *panel, const json_t *la, const json_t *lb)
{
    size_t na = json_array_size(la), nb = json_array_size(lb);
    long *match = malloc((na + 1) * sizeof *match);
    char *used = calloc(nb + 1, 1);
    if (!match || !used) {
        free(match);
        free(used);
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < na; i++) match[i] = -1;
    for (size_t i = 0; i < na; i++) {
        const char *l = json_string_value(json_object_get(json_array_get(la, i), "label"));
        for (size_t j = 0; l && j < nb; j++) {
            const char *m = json_string_value(json_object_get(json_array_get(lb, j), "label"));
            if (!used[j] && m && strcmp(l, m) == 0) {
                match[i] = (long)j;
                used[j] = 1;
                break;
            }
        }
    }
    for (size_t i = 0; i < na && i < nb; i++)
        if (match[i] < 0 && !used[i] && same_kind(json_array_get(la, i), json_array_get(lb, i))) {
            match[i] = (long)i;
            used[i] = 1;
        }
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; match[i] < 0 && j < nb; j++)
            if (!used[j] && same_kind(json_array_get(la, i), json_array_get(lb, j))) {
                match[i] = (long)j;
                used[j] = 1;
            }
    char desc[300];
    for (size_t i = 0; i < na; i++) {
        if (match[i] >= 0) {
            series_pair(c, panel, i, json_array_get(la, i), json_array_get(lb, (size_t)match[i]));
        } else {
            series_desc(json_array_get(la, i), i, desc, sizeof desc);
            addline(c, "%s: series %s removed", panel, desc);
        }
    }
    for (size_t j = 0; j < nb; j++)
        if (!used[j]) {
            series_desc(json_array_get(lb, j), j, desc, sizeof desc);
            addline(c, "%s: series %s added", panel, desc);
        }
    free(match);
    free(used);
}

static void panel_name(const json_t *p, char *buf, size_t n)
{
    snprintf(buf, n, "(%lld,%lld)", (long long)json_integer_value(json_object_get(p, "row")),
             (long long)json_integer_value(json_object_get(p, "col")));
}

static const json_t *find_panel(const json_t *panels, const json_t *p)
{
    json_int_t r = json_integer_value(json_object_get(p, "row"));
    json_int_t k = json_integer_value(json_object_get(p, "col"));
    size_t i;
    const json_t *q;
    json_array_foreach(panels, i, q)
    {
        if (json_integer_value(json_object_get(q, "row")) == r &&
            json_integer_value(json_object_get(q, "col")) == k)
            return q;
    }
    return NULL;
}

static void panel_pair(ctx *c, const json_t *pa, const json_t *pb)
{
    char name[64], sub[600], ra[REPR];
    panel_name(pa, name, sizeof name);
    json_t *none = json_array(); /* the series of a side that has none (NULL: out of memory) */
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)pa, k, v)
    {
        if (strcmp(k, "row") == 0 || strcmp(k, "col") == 0) continue;
        json_t *w = json_object_get(pb, k);
        snprintf(sub, sizeof sub, "%s %s", name, k);
        if (strcmp(k, "series") == 0)
            series_lists(c, name, v, w ? w : none);
        else if (!w)
            addline(c, "%s removed (was %s)", sub, repro_json_repr(v, ra, sizeof ra));
        else
            generic(c, sub, v, w);
    }
    json_object_foreach((json_t *)pb, k, v)
    {
        if (json_object_get(pa, k)) continue;
        snprintf(sub, sizeof sub, "%s %s", name, k);
        if (strcmp(k, "series") == 0)
            series_lists(c, name, none, v);
        else
            addline(c, "%s added: %s", sub, repro_json_repr(v, ra, sizeof ra));
    }
    json_decref(none);
}

void repro_figdiff_free(repro_figdiff *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nlines; i++) free(d->lines[i]);
    free(d->lines);
    free(d->max_where);
    memset(d, 0, sizeof *d);
}

int repro_figdiff_json(const json_t *a, const json_t *b, const repro_tol *tol, repro_figdiff *out)
{
    memset(out, 0, sizeof *out);
    if (!a || !b) {
        out->state = a ? REPRO_DIFF_REMOVED : b ? REPRO_DIFF_ADDED : REPRO_DIFF_SAME;
        return 0;
    }
    ctx c = {tol, out, 0};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)a, k, v)
    {
        if (strcmp(k, "panels") == 0) continue;
        json_t *w = json_object_get(b, k);
        char ra[REPR];
        if (w)
            generic(&c, k, v, w);
        else
            addline(&c, "%s removed (was %s)", k, repro_json_repr(v, ra, sizeof ra));
    }
    json_object_foreach((json_t *)b, k, v)
    {
        char rb[REPR];
        if (strcmp(k, "panels") != 0 && !json_object_get(a, k))
            addline(&c, "%s added: %s", k, repro_json_repr(v, rb, sizeof rb));
    }
    const json_t *pa = json_object_get(a, "panels"), *pb = json_object_get(b, "panels");
    size_t i;
    const json_t *p;
    char name[64];
    json_array_foreach(pa, i, p)
    {
        const json_t *q = find_panel(pb, p);
        panel_name(p, name, sizeof name);
        if (q)
            panel_pair(&c, p, q);
        else
            addline(&c, "%s: panel \"%s\" removed", name, repro_json_str(p, "title"));
    }
    json_array_foreach(pb, i, p)
    {
        panel_name(p, name, sizeof name);
        if (!find_panel(pa, p)) addline(&c, "%s: panel \"%s\" added", name, repro_json_str(p, "title"));
    }
    if (c.oom) {
        repro_figdiff_free(out);
        return repro_err("out of memory comparing figures");
    }
    out->state = out->nlines + out->nmore ? REPRO_DIFF_CHANGED : REPRO_DIFF_SAME;
    return 0;
}

json_t *repro_figdiff_load(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j) {
        repro_err("%s:%d: %s", path, e.line, e.text);
        return NULL;
    }
    if (!json_is_object(j) || !json_is_array(json_object_get(j, "panels"))) {
        json_decref(j);
        repro_err("%s: not a figure sidecar (expected an object with a \"panels\" list)", path);
        return NULL;
    }
    return j;
}
