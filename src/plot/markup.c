/* markup: TeX-like math in figure text to pango markup (repro_math_markup, see plot.h).
 * Outside $...$ the text is pango markup and copied as is; inside, commands (\alpha, \le,
 * \hat{x}, ...), sub- and superscripts and braces become Unicode and <sub>/<sup>/<i> spans.
 * Text pango cannot parse comes back escaped, shown literally.  No cairo here. */
#include "plot/plot.h"

#include "core/err.h"
#include "core/strbuf.h"

#include <pango/pango.h>
#include <stdlib.h>
#include <string.h>

/* ---- math markup ------------------------------------------------------------------------- */
static const struct { const char *cmd, *out; int ital; } symbols[] = {
    {"alpha", "α", 1}, {"beta", "β", 1}, {"gamma", "γ", 1}, {"delta", "δ", 1},
    {"epsilon", "ϵ", 1}, {"varepsilon", "ε", 1}, {"zeta", "ζ", 1}, {"eta", "η", 1},
    {"theta", "θ", 1}, {"iota", "ι", 1}, {"kappa", "κ", 1}, {"lambda", "λ", 1}, {"mu", "μ", 1},
    {"nu", "ν", 1}, {"xi", "ξ", 1}, {"pi", "π", 1}, {"rho", "ρ", 1}, {"sigma", "σ", 1},
    {"tau", "τ", 1}, {"upsilon", "υ", 1}, {"phi", "ϕ", 1}, {"varphi", "φ", 1}, {"chi", "χ", 1},
    {"psi", "ψ", 1}, {"omega", "ω", 1}, {"Gamma", "Γ", 0}, {"Delta", "Δ", 0}, {"Theta", "Θ", 0},
    {"Lambda", "Λ", 0}, {"Xi", "Ξ", 0}, {"Pi", "Π", 0}, {"Sigma", "Σ", 0}, {"Phi", "Φ", 0},
    {"Psi", "Ψ", 0}, {"Omega", "Ω", 0}, {"|", "‖", 0}, {"cdot", "·", 0}, {"le", "≤", 0},
    {"leq", "≤", 0}, {"ge", "≥", 0}, {"geq", "≥", 0}, {"ne", "≠", 0}, {"neq", "≠", 0},
    {"to", "→", 0}, {"infty", "∞", 0}, {"sum", "∑", 0}, {"pm", "±", 0}, {"times", "×", 0},
    {"in", "∈", 0}, {"approx", "≈", 0}, {"partial", "∂", 0}, {"nabla", "∇", 0}, {"ell", "ℓ", 1},
    {"ldots", "…", 0}, {"dots", "…", 0}, {",", "\u2009", 0}, {";", "\u2005", 0}, {" ", " ", 0},
    {"!", "", 0}, {"quad", "\u2003", 0}, {"{", "{", 0}, {"}", "}", 0}, {"$", "$", 0},
    {"min", "min", 0}, {"max", "max", 0}, {"log", "log", 0}, {"exp", "exp", 0},
    {"sin", "sin", 0}, {"cos", "cos", 0}, {"mid", "|", 0}, {"lvert", "|", 0},
    {"rvert", "|", 0}, {"lVert", "‖", 0}, {"rVert", "‖", 0}, {"circ", "∘", 0}};
static const struct { const char *cmd, *mark; } accents[] = {
    {"tilde", "\u0303"}, {"hat", "\u0302"}, {"bar", "\u0304"}, {"dot", "\u0307"},
    {"vec", "\u20d7"}, {"widetilde", "\u0303"}, {"overline", "\u0305"}};


/* A symbol: non-ASCII glyphs from the math font (Latin Modern Roman has no Greek); lowercase
 * Greek as Mathematical Italic (U+1D6FC...), like TeX. */
static void put_symbol(repro_strbuf *b, const char *out, int ital)
{
    const unsigned char *u = (const unsigned char *)out;
    if (!*u || (u[0] < 0x80 && strcmp(out, " ") != 0)) { repro_sb_puts(b, out); return; }
    if (u[0] == ' ' || strncmp(out, "\u2009", 3) == 0 || strncmp(out, "\u2005", 3) == 0 ||
        strncmp(out, "\u2003", 3) == 0) {
        repro_sb_puts(b, out);
        return;
    }
    unsigned cp = 0;
    if ((u[0] & 0xE0) == 0xC0) cp = (unsigned)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    unsigned m = 0;
    if (ital && cp >= 0x3B1 && cp <= 0x3C9) m = 0x1D6FC + cp - 0x3B1;
    else if (ital && cp == 0x3F5) m = 0x1D716;
    else if (ital && cp == 0x3D5) m = 0x1D719;
    repro_sb_puts(b, "<span font_family=\"Latin Modern Math\">");
    if (m) {
        char e[5] = {(char)(0xF0 | m >> 18), (char)(0x80 | (m >> 12 & 0x3F)),
                     (char)(0x80 | (m >> 6 & 0x3F)), (char)(0x80 | (m & 0x3F)), 0};
        repro_sb_puts(b, e);
    } else {
        repro_sb_puts(b, out);
    }
    repro_sb_puts(b, "</span>");
}

static void conv_math(repro_strbuf *b, const char *s, const char *e, int depth);

/* The extent of the atom at S: a {group} (contents), a \command, or one UTF-8 character. */
static const char *atom(const char *s, const char *e, const char **as, const char **ae)
{
    while (s < e && *s == ' ') s++;
    if (s >= e) { *as = *ae = s; return s; }
    if (*s == '{') {
        int lv = 0;
        const char *p = s;
        for (; p < e; p++) {
            if (*p == '\\' && p + 1 < e) { p++; continue; }
            if (*p == '{') lv++;
            else if (*p == '}' && --lv == 0) break;
        }
        *as = s + 1;
        *ae = p < e ? p : e;
        return p < e ? p + 1 : e;
    }
    const char *p = s + 1;
    if (*s == '\\') {
        if (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) p++;
        else if (p < e)
            p++;
    } else {
        while (p < e && (*p & 0xC0) == 0x80) p++;
    }
    *as = s;
    *ae = p;
    return p;
}

static void conv_math(repro_strbuf *b, const char *s, const char *e, int depth)
{
    if (depth > 20) { repro_sb_putxml(b, s, (size_t)(e - s)); return; }
    while (s < e) {
        char c = *s;
        if (c == '{') {
            const char *as, *ae;
            s = atom(s, e, &as, &ae);
            conv_math(b, as, ae, depth + 1);
        } else if (c == '_' || c == '^') {
            const char *as, *ae;
            s = atom(s + 1, e, &as, &ae);
            repro_sb_puts(b, c == '_' ? "<span size=\"70%\" rise=\"-2000\">" : "<span size=\"70%\" rise=\"3500\">");
            conv_math(b, as, ae, depth + 1);
            repro_sb_puts(b, "</span>");
        } else if (c == '\\') {
            const char *as, *ae;
            s = atom(s, e, &as, &ae);
            size_t n = (size_t)(ae - as - 1);
            const char *name = as + 1;
            int done = 0;
            for (size_t i = 0; !done && i < sizeof symbols / sizeof symbols[0]; i++)
                if (strlen(symbols[i].cmd) == n && strncmp(symbols[i].cmd, name, n) == 0) {
                    put_symbol(b, symbols[i].out, symbols[i].ital);
                    done = 1;
                }
            for (size_t i = 0; !done && i < sizeof accents / sizeof accents[0]; i++)
                if (strlen(accents[i].cmd) == n && strncmp(accents[i].cmd, name, n) == 0) {
                    const char *gs, *ge;
                    s = atom(s, e, &gs, &ge);
                    conv_math(b, gs, ge, depth + 1);
                    repro_sb_puts(b, accents[i].mark);
                    done = 1;
                }
            if (!done && ((n == 6 && strncmp(name, "mathrm", 6) == 0) ||
                          (n == 4 && strncmp(name, "text", 4) == 0) ||
                          (n == 8 && strncmp(name, "operatorname", 8) == 0))) {
                const char *gs, *ge;
                s = atom(s, e, &gs, &ge);
                repro_sb_putxml(b, gs, (size_t)(ge - gs));
                done = 1;
            }
            if (!done) repro_sb_putxml(b, as, (size_t)(ae - as));
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            repro_sb_puts(b, "<i>");
            repro_sb_putn(b, s, 1);
            repro_sb_puts(b, "</i>");
            s++;
        } else if (c == '-') {
            repro_sb_puts(b, "\u2212");
            s++;
        } else if (c == ' ') {
            s++;
        } else {
            repro_sb_putxml(b, s, 1);
            s++;
        }
    }
}

char *repro_math_markup(const char *s)
{
    repro_strbuf b = {0};
    repro_sb_puts(&b, "");
    for (const char *p = s ? s : ""; *p;) {
        if (p[0] == '\\' && p[1] == '$') {
            repro_sb_puts(&b, "$");
            p += 2;
        } else if (*p == '$') {
            const char *q = p + 1;
            while (*q && !(*q == '$' && q[-1] != '\\')) q++;
            if (!*q) { repro_sb_putxml(&b, p, strlen(p)); break; }
            conv_math(&b, p + 1, q, 0);
            p = q + 1;
        } else {
            repro_sb_putn(&b, p, 1);
            p++;
        }
    }
    if (b.oom) {
        free(b.buf);
        repro_err("plot: out of memory");
        return NULL;
    }
    /* Text pango cannot parse is shown literally. */
    if (!pango_parse_markup(b.buf, -1, 0, NULL, NULL, NULL, NULL)) {
        free(b.buf);
        char *t = g_markup_escape_text(s ? s : "", -1);
        char *r = strdup(t);
        g_free(t);
        if (!r) repro_err("plot: out of memory");
        return r;
    }
    return b.buf;
}

