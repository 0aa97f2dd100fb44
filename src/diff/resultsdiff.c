/* resultsdiff: the recorded values of two versions compared (see resultsdiff.h). */
#include "diff/resultsdiff.h"

#include "core/err.h"
#include "core/strbuf.h"
#include "diff/jsonval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REPR = 96 };

static int cmpname(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The value of a results entry as text: a number with enough digits to tell it from the other
 * side's value. */
static char *value_text(const json_t *e, const json_t *other)
{
    const json_t *v = json_object_get(e, "value");
    double x, y;
    if (repro_json_num(v, &x) && !json_is_null(v)) {
        if (isnan(x)) return repro_strf("nan");
        if (isinf(x)) return repro_strf("%sinf", x < 0 ? "-" : "");
        int prec = 6;
        if (other && repro_json_num(json_object_get(other, "value"), &y) && x != y)
            for (char s1[64], s2[64]; prec < 17; prec++) {
                snprintf(s1, sizeof s1, "%.*g", prec, x);
                snprintf(s2, sizeof s2, "%.*g", prec, y);
                if (strcmp(s1, s2) != 0) break;
            }
        return repro_strf("%.*g", prec, x);
    }
    if (json_is_string(v)) return repro_strf("%s", json_string_value(v));
    char r[REPR];
    return repro_strf("%s", repro_json_repr(v, r, sizeof r));
}

static int bound_note(const repro_tol *tol, const char *key, const json_t *ea, const json_t *eb,
                      char *buf, size_t n)
{
    const json_t *a = json_object_get(ea, key), *b = json_object_get(eb, key);
    double x, y;
    if (!a && !b) return 0;
    if (a && b && repro_json_num(a, &x) && repro_json_num(b, &y) && !repro_tol_differ(tol, x, y)) return 0;
    char ra[REPR], rb[REPR];
    size_t k = strlen(buf);
    snprintf(buf + k, n - k, "%sbound %s %s -> %s", k ? "; " : "", key, repro_json_repr(a, ra, sizeof ra),
             repro_json_repr(b, rb, sizeof rb));
    return 1;
}

static int add_val(repro_resultsdiff *d, const char *name, repro_diff_state st, const json_t *ea,
                   const json_t *eb, const repro_tol *tol)
{
    repro_valdiff *nv = realloc(d->v, (d->n + 1) * sizeof *nv);
    if (!nv) return -1;
    d->v = nv;
    repro_valdiff *v = &d->v[d->n++];
    memset(v, 0, sizeof *v);
    v->state = st;
    v->name = repro_strf("%s", name);
    v->a = ea ? value_text(ea, eb) : NULL;
    v->b = eb ? value_text(eb, ea) : NULL;
    const char *w = repro_json_str(eb ? eb : ea, "where");
    v->where = repro_strf("%s", w);
    double x, y;
    if (ea && eb && repro_json_num(json_object_get(ea, "value"), &x) &&
        repro_json_num(json_object_get(eb, "value"), &y)) {
        v->numeric = 1;
        v->delta = y - x;
        v->rel = x == 0 ? (y == x ? 0 : INFINITY) : fabs(y - x) / fabs(x);
    }
    if (ea && eb) {
        char note[400] = "";
        const char *ka = repro_json_str(ea, "kind"), *kb = repro_json_str(eb, "kind");
        if (strcmp(ka, kb) != 0) snprintf(note, sizeof note, "kind %s -> %s", ka, kb);
        const json_t *pa = json_object_get(ea, "pass"), *pb = json_object_get(eb, "pass");
        if (pb && json_is_true(pa) != json_is_true(pb)) {
            size_t k = strlen(note);
            snprintf(note + k, sizeof note - k, "%s%s", k ? "; " : "",
                     json_is_true(pb) ? "check now passes" : "check now FAILS");
        }
        bound_note(tol, "le", ea, eb, note, sizeof note);
        bound_note(tol, "ge", ea, eb, note, sizeof note);
        if (*note) v->note = repro_strf("%s", note);
    }
    if (!v->name || (ea && !v->a) || (eb && !v->b) || !v->where) return -1;
    return 0;
}

/* 1 when the two entries of the same name differ (value, kind, verdict or bounds). */
static int entry_differs(const repro_tol *tol, const json_t *ea, const json_t *eb)
{
    if (strcmp(repro_json_str(ea, "kind"), repro_json_str(eb, "kind")) != 0) return 1;
    const json_t *va = json_object_get(ea, "value"), *vb = json_object_get(eb, "value");
    double x, y;
    if (repro_json_num(va, &x) && repro_json_num(vb, &y)) {
        if (repro_tol_differ(tol, x, y)) return 1;
    } else if (!json_equal((json_t *)va, (json_t *)vb)) {
        return 1;
    }
    if (json_is_true(json_object_get(ea, "pass")) != json_is_true(json_object_get(eb, "pass")))
        return 1;
    char note[8] = "";
    return bound_note(tol, "le", ea, eb, note, sizeof note) ||
           bound_note(tol, "ge", ea, eb, note, sizeof note);
}

void repro_resultsdiff_free(repro_resultsdiff *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].name);
        free(d->v[i].a);
        free(d->v[i].b);
        free(d->v[i].where);
        free(d->v[i].note);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

int repro_resultsdiff_json(const json_t *a, const json_t *b, const repro_tol *tol,
                           repro_resultsdiff *out)
{
    memset(out, 0, sizeof *out);
    if ((a && !json_is_object(a)) || (b && !json_is_object(b)))
        return repro_err("results: expected an object of named entries");
    size_t n = json_object_size(a) + json_object_size(b), k = 0;
    const char **names = malloc((n + 1) * sizeof *names);
    if (!names) return repro_err("out of memory");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)a, key, v) names[k++] = key;
    json_object_foreach((json_t *)b, key, v) if (!json_object_get(a, key)) names[k++] = key;
    qsort(names, k, sizeof *names, cmpname);
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        const json_t *ea = json_object_get(a, names[i]), *eb = json_object_get(b, names[i]);
        if ((ea && !json_is_object(ea)) || (eb && !json_is_object(eb))) {
            rc = repro_err("results: entry '%s' is not an object", names[i]);
        } else if (ea && eb && !entry_differs(tol, ea, eb)) {
            out->nsame++;
        } else {
            repro_diff_state st = !ea   ? REPRO_DIFF_ADDED
                                  : !eb ? REPRO_DIFF_REMOVED
                                        : REPRO_DIFF_CHANGED;
            if (add_val(out, names[i], st, ea, eb, tol) != 0)
                rc = repro_err("out of memory comparing results");
        }
    }
    free(names);
    if (rc) repro_resultsdiff_free(out);
    return rc;
}
