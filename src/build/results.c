#include "build/results.h"
#include "build/listing.h"

#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"
#include "core/jsonfile.h"
#include "core/strbuf.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *rec; /* the running record */

void repro_results_begin(const char *script, const char *stage)
{
    repro_results_end();
    rec = json_object();
    json_object_set_new(rec, "script", json_string(script));
    json_object_set_new(rec, "stage", json_string(stage));
    json_object_set_new(rec, "params", json_object());
    json_object_set_new(rec, "seeds", json_array());
    json_object_set_new(rec, "inputs", json_object());
    json_object_set_new(rec, "outputs", json_object());
    json_object_set_new(rec, "values", json_array());
}

void repro_results_end(void)
{
    if (rec) json_decref(rec);
    rec = NULL;
}

int repro_results_word(const char *s, const char *extra)
{
    if (!s || !*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || (extra && strchr(extra, *s))))
            return 0;
    return 1;
}

static int valid_name(const char *s) { return repro_results_word(s, "."); }

int repro_results_fmt_valid(const char *fmt)
{
    if (!fmt) return 0;
    const char *p = strchr(fmt, '%');
    if (!p || strchr(p + 1, '%') || strlen(fmt) > 64) return 0;
    p++;
    while (*p && strchr("+- #0", *p)) p++;
    for (int k = 0; k < 2 && *p >= '0' && *p <= '9'; k++) p++; /* width: at most 2 digits */
    if (*p == '.') {
        p++;
        for (int k = 0; k < 2 && *p >= '0' && *p <= '9'; k++) p++;
    }
    return *p && strchr("eEfgG", *p) != NULL;
}

/* A new entry named STAGE.NAME, or NULL with an error for a bad or repeated name. */
static json_t *new_entry(const char *name, const char *kind, const char *where)
{
    if (!rec) {
        repro_err("results: no run in progress");
        return NULL;
    }
    if (!valid_name(name)) {
        repro_err("name '%s' must be made of letters, digits, '_', '-' and '.'", name);
        return NULL;
    }
    const char *stage = json_string_value(json_object_get(rec, "stage"));
    size_t n = strlen(stage) + strlen(name) + 2;
    char *full = malloc(n);
    if (!full) {
        repro_err("out of memory");
        return NULL;
    }
    snprintf(full, n, "%s.%s", stage, name);
    json_t *vals = json_object_get(rec, "values");
    size_t i;
    json_t *e;
    json_array_foreach(vals, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "name")), full) == 0) {
            repro_err("'%s' was already recorded at %s", name,
                      json_string_value(json_object_get(e, "where")));
            free(full);
            return NULL;
        }
    }
    e = json_object();
    json_object_set_new(e, "name", json_string(full));
    json_object_set_new(e, "kind", json_string(kind));
    json_object_set_new(e, "where", json_string(where));
    json_array_append_new(vals, e);
    free(full);
    return e;
}

/* JSON has no NaN or infinity: store those as strings so the record stays valid JSON. */
static json_t *json_num(double v)
{
    if (isnan(v)) return json_string("nan");
    if (isinf(v)) return json_string(v > 0 ? "inf" : "-inf");
    return json_real(v);
}

int repro_results_value(const char *name, double v, const char *fmt, const char *where)
{
    if (fmt && !repro_results_fmt_valid(fmt))
        return repro_err("fmt '%s' must hold one %%e, %%f or %%g", fmt);
    json_t *e = new_entry(name, "value", where);
    if (!e) return -1;
    json_object_set_new(e, "value", json_num(v));
    json_object_set_new(e, "fmt", json_string(fmt ? fmt : "%.4g"));
    return 0;
}

int repro_results_text(const char *name, const char *text, const char *where)
{
    json_t *e = new_entry(name, "text", where);
    if (!e) return -1;
    json_object_set_new(e, "text", json_string(text));
    return 0;
}

int repro_results_check(const char *name, double v, const double *le, const double *ge,
                        const char *fmt, const char *where, int *pass)
{
    if (fmt && !repro_results_fmt_valid(fmt))
        return repro_err("fmt '%s' must hold one %%e, %%f or %%g", fmt);
    json_t *e = new_entry(name, "check", where);
    if (!e) return -1;
    int ok = !isnan(v);
    if (le) ok = ok && v <= *le;
    if (ge) ok = ok && v >= *ge;
    json_object_set_new(e, "value", json_num(v));
    if (le) json_object_set_new(e, "le", json_num(*le));
    if (ge) json_object_set_new(e, "ge", json_num(*ge));
    json_object_set_new(e, "pass", json_boolean(ok));
    json_object_set_new(e, "fmt", json_string(fmt ? fmt : "%.3g"));
    *pass = ok;
    return 0;
}

int repro_results_param(const char *name, const char *repr, int overridden)
{
    if (!rec) return repro_err("results: no run in progress");
    json_t *p = json_object();
    json_object_set_new(p, "value", json_string(repr));
    json_object_set_new(p, "overridden", json_boolean(overridden));
    json_object_set_new(json_object_get(rec, "params"), name, p);
    return 0;
}

void repro_results_seed(long long seed)
{
    if (!rec) return;
    json_t *seeds = json_object_get(rec, "seeds");
    size_t i;
    json_t *s;
    json_array_foreach(seeds, i, s) if (json_integer_value(s) == seed) return;
    json_array_append_new(seeds, json_integer(seed));
}

void repro_results_input(const char *path, const char *hash)
{
    if (rec) json_object_set_new(json_object_get(rec, "inputs"), path, json_string(hash));
}

void repro_results_output(const char *path, const char *hash)
{
    if (rec) json_object_set_new(json_object_get(rec, "outputs"), path, json_string(hash));
}

void repro_results_point(const char *path, const char *hash)
{
    if (!rec) return;
    json_t *pts = json_object_get(rec, "points");
    if (!pts) {
        pts = json_object();
        json_object_set_new(rec, "points", pts);
    }
    json_object_set_new(pts, path, json_string(hash));
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void repro_results_inputs_digest(const char *skip, char out[REPRO_HASH_HEX])
{
    json_t *in = rec ? json_object_get(rec, "inputs") : NULL;
    size_t n = json_object_size(in), k = 0, len = 1;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    const char *file;
    json_t *h;
    if (keys) {
        json_object_foreach(in, file, h)
        {
            if (skip && strcmp(file, skip) == 0) continue;
            keys[k++] = file;
            len += strlen(file) + strlen(json_string_value(h) ? json_string_value(h) : "") + 2;
        }
        qsort(keys, k, sizeof *keys, cmp_cstr);
    }
    char *buf = malloc(len);
    if (!keys || !buf) {
        snprintf(out, REPRO_HASH_HEX, "unknown");
        free(keys);
        free(buf);
        return;
    }
    size_t at = 0;
    for (size_t i = 0; i < k; i++) {
        const char *hv = json_string_value(json_object_get(in, keys[i]));
        at += (size_t)sprintf(buf + at, "%s %s\n", keys[i], hv ? hv : "");
    }
    repro_hash_bytes(buf, at, out);
    free(keys);
    free(buf);
}

void repro_results_meta(const char *key, const char *value)
{
    if (rec) json_object_set_new(rec, key, json_string(value));
}

size_t repro_results_seeds(long long *out, size_t max)
{
    if (!rec) return 0;
    json_t *seeds = json_object_get(rec, "seeds");
    size_t n = json_array_size(seeds);
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = (long long)json_integer_value(json_array_get(seeds, i));
    return n;
}

int repro_results_write(const char *path)
{
    if (!rec) return repro_err("results: no run in progress");
    return repro_json_write(path, rec);
}

/* ---- LaTeX ------------------------------------------------------------------------------ */

const char *repro_results_latex_number(double v, const char *fmt, char *buf, size_t n)
{
    char raw[128];
    if (isnan(v)) {
        snprintf(buf, n, "\\mathrm{NaN}");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, n, "%s\\infty", v < 0 ? "-" : "");
        return buf;
    }
    /* FMT may come from a file: anything but one floating conversion falls back to the default. */
    if (!repro_results_fmt_valid(fmt)) fmt = "%.4g";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(raw, sizeof raw, fmt, v);
#pragma GCC diagnostic pop
    char *e = strpbrk(raw, "eE");
    const char *minus = raw[0] == '-' ? "-" : "";
    const char *body = raw[0] == '-' ? raw + 1 : raw;
    if (!e) {
        snprintf(buf, n, "%s%s", minus, body);
        return buf;
    }
    *e = '\0';
    int ex = atoi(e + 1);
    if (v == 0) /* "0.0e+00" reads better as a plain zero */
        snprintf(buf, n, "0");
    else if (strcmp(body, "1") == 0)
        snprintf(buf, n, "%s10^{%d}", minus, ex);
    else
        snprintf(buf, n, "%s%s\\times 10^{%d}", minus, body, ex);
    return buf;
}

/* A bound or value as LaTeX, for the table of checks. */
static void latex_of(json_t *j, const char *fmt, char *buf, size_t n)
{
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        snprintf(buf, n, "%s", strcmp(s, "nan") == 0   ? "\\mathrm{NaN}"
                               : strcmp(s, "inf") == 0 ? "\\infty"
                                                       : "-\\infty");
        return;
    }
    repro_results_latex_number(json_number_value(j), fmt, buf, n);
}

/* Strip braces and backslashes from S so it can sit inside \detokenize{} safely. */
static const char *plain(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++)
        if (*s != '{' && *s != '}' && *s != '\\' && *s != '%' && *s != '#') buf[k++] = *s;
    buf[k] = '\0';
    return buf;
}

int repro_results_collect(const char *const *records, size_t n, const char *out_json,
                          const char *out_tex, const char *rev, const char *versions,
                          const char *source_url)
{
    json_t *all = json_object();
    repro_strbuf tex = {0};
    int rc = 0;
    char a[256], b[256], c[256], w[512];
    repro_sb_printf(&tex, "%% Generated by build/repro collect: every value the pipeline recorded.\n");
    repro_sb_printf(&tex, "\\reprorevision{%s}\n", plain(rev ? rev : "unknown", w, sizeof w));
    repro_sb_printf(&tex, "\\reproversions{%s}\n", plain(versions ? versions : "unknown", w, sizeof w));
    /* A URL goes to \href as it is, except the two characters TeX would take for itself. */
    repro_sb_printf(&tex, "\\reprosourceurl{");
    for (const char *u = source_url ? source_url : ""; *u; u++) {
        if (strchr("{}\\ \t\n", *u)) {
            rc = repro_err("--source-url: '%s' has a character a URL cannot hold here ('%c')",
                           source_url, *u);
            break;
        }
        repro_sb_printf(&tex, "%s%c", (*u == '%' || *u == '#') ? "\\" : "", *u);
    }
    repro_sb_printf(&tex, "}\n");
    for (size_t r = 0; r < n && rc == 0; r++) {
        json_error_t jerr;
        json_t *j = json_load_file(records[r], 0, &jerr);
        if (!j) {
            rc = repro_err("%s:%d: %s", records[r], jerr.line, jerr.text);
            break;
        }
        const char *stage = json_string_value(json_object_get(j, "stage"));
        const char *script = json_string_value(json_object_get(j, "script"));
        if (!stage || !script) {
            rc = repro_err("%s: not a run record (no stage or script)", records[r]);
            json_decref(j);
            break;
        }
        /* Stage line: script, seeds, overridden parameters, and a short hash of its outputs. */
        repro_strbuf seeds = {0}, over = {0};
        size_t i;
        json_t *s;
        /* in their order, a run of three or more consecutive seeds as a range (2511--2535); after
         * 12 items the count (a sweep can note hundreds: the run record keeps them all) */
        json_t *sa = json_object_get(j, "seeds");
        size_t items = 0;
        for (i = 0; i < json_array_size(sa);) {
            long long first = json_integer_value(json_array_get(sa, i)), last = first;
            size_t k = i + 1;
            while (k < json_array_size(sa) && json_integer_value(json_array_get(sa, k)) == last + 1) last++, k++;
            if (++items > 12) {
                repro_sb_printf(&seeds, ", \\dots{} (%zu seeds)", json_array_size(sa));
                break;
            }
            if (k - i >= 3) repro_sb_printf(&seeds, "%s%lld--%lld", i ? ", " : "", first, last);
            else k = i + 1, repro_sb_printf(&seeds, "%s%lld", i ? ", " : "", first);
            i = k;
        }
        const char *key;
        json_object_foreach(json_object_get(j, "params"), key, s)
        {
            if (json_is_true(json_object_get(s, "overridden")))
                repro_sb_printf(&over, "%s%s.%s=%s", over.len ? " " : "", stage, key,
                       json_string_value(json_object_get(s, "value")));
        }
        /* The outputs' digest: the project's one hash over their hashes, its first 8 digits. */
        repro_strbuf outs = {0};
        json_object_foreach(json_object_get(j, "outputs"), key, s)
        {
            const char *hs = json_string_value(s);
            if (hs) repro_sb_puts(&outs, hs);
        }
        char digest[REPRO_HASH_HEX];
        repro_hash_bytes(outs.buf ? outs.buf : "", outs.len, digest);
        repro_sb_printf(&tex, "\\reprostage{%s}{%s}{%s}{%.8s}{%s}\n", plain(stage, a, sizeof a),
               plain(script, w, sizeof w), seeds.buf ? seeds.buf : "", digest,
               over.buf ? plain(over.buf, b, sizeof b) : "");
        if (outs.oom || seeds.oom || over.oom) tex.oom = 1;
        /* The script's text for the appendix (a script gone since its run gets none: repro.sty
         * says so where the listing would be). */
        size_t slen;
        char *text = repro_read_file(script, &slen);
        if (text) {
            repro_sb_printf(&tex, "\\reprolisting{%s}{%%\n", plain(stage, a, sizeof a));
            if (repro_listing_tex(text, slen, &tex) != 0) rc = -1;
            repro_sb_puts(&tex, "}\n");
            free(text);
        }
        free(seeds.buf);
        free(over.buf);
        free(outs.buf);
        json_t *e;
        json_array_foreach(json_object_get(j, "values"), i, e)
        {
            const char *name = json_string_value(json_object_get(e, "name"));
            const char *kind = json_string_value(json_object_get(e, "kind"));
            const char *where = json_string_value(json_object_get(e, "where"));
            const char *fmt = json_string_value(json_object_get(e, "fmt"));
            if (!name || !kind || !where) {
                rc = repro_err("%s: malformed value entry %zu", records[r], i);
                break;
            }
            if (json_object_get(e, "fmt") && !repro_results_fmt_valid(fmt)) {
                rc = repro_err("%s: value '%s' has a bad fmt (one %%e, %%f or %%g expected)",
                               records[r], name);
                break;
            }
            if (strcmp(kind, "text") == 0 ? !json_is_string(json_object_get(e, "text"))
                                          : !json_is_number(json_object_get(e, "value")) &&
                                                !json_is_string(json_object_get(e, "value"))) {
                rc = repro_err("%s: value '%s' has no %s", records[r], name,
                               strcmp(kind, "text") == 0 ? "text" : "number");
                break;
            }
            if (json_object_get(all, name)) {
                rc = repro_err("%s: '%s' recorded twice", records[r], name);
                break;
            }
            json_t *o = json_object();
            json_object_set_new(o, "kind", json_string(kind));
            json_object_set(o, "where", json_object_get(e, "where"));
            if (strcmp(kind, "text") == 0) {
                json_object_set(o, "value", json_object_get(e, "text"));
                repro_sb_printf(&tex, "\\reprotext{%s}{%s}{%s}\n", plain(name, a, sizeof a),
                       json_string_value(json_object_get(e, "text")), plain(where, w, sizeof w));
            } else {
                json_t *v = json_object_get(e, "value");
                json_object_set(o, "value", v);
                latex_of(v, fmt, b, sizeof b);
                if (strcmp(kind, "check") == 0) {
                    json_t *le = json_object_get(e, "le"), *ge = json_object_get(e, "ge");
                    if (le) json_object_set(o, "le", le);
                    if (ge) json_object_set(o, "ge", ge);
                    json_object_set(o, "pass", json_object_get(e, "pass"));
                    char bound[600];
                    bound[0] = '\0';
                    if (ge) {
                        latex_of(ge, "%.15g", c, sizeof c);
                        snprintf(bound, sizeof bound, "\\geq %s", c);
                    }
                    if (le) {
                        latex_of(le, "%.15g", c, sizeof c);
                        size_t bl = strlen(bound);
                        snprintf(bound + bl, sizeof bound - bl, "%s\\leq %s", bl ? ",\\ " : "",
                                 c);
                    }
                    repro_sb_printf(&tex, "\\reprocheck{%s}{%s}{%s}{%s}{%s}\n", plain(name, a, sizeof a),
                           b, bound, json_is_true(json_object_get(e, "pass")) ? "pass" : "FAIL",
                           plain(where, w, sizeof w));
                } else {
                    repro_sb_printf(&tex, "\\reproval{%s}{%s}{%s}\n", plain(name, a, sizeof a), b,
                           plain(where, w, sizeof w));
                }
            }
            json_object_set_new(all, name, o);
        }
        json_decref(j);
    }
    if (rc == 0 && tex.oom) rc = repro_err("out of memory");
    if (rc == 0 && out_json) rc = repro_json_write(out_json, all);
    if (rc == 0 && out_tex) rc = repro_write_atomic(out_tex, tex.buf, tex.len);
    free(tex.buf);
    json_decref(all);
    return rc;
}
