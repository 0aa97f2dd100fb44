/* listing: a Lua source as LaTeX lines (see listing.h). */
#include "build/listing.h"

#include <string.h>

#include "core/err.h"

/* The level of a long bracket "[" "="* "[" at S (N bytes left), or -1 when there is none. */
static int long_open(const char *s, size_t n)
{
    if (n < 2 || s[0] != '[') return -1;
    size_t k = 1;
    while (k < n && s[k] == '=') k++;
    return k < n && s[k] == '[' ? (int)(k - 1) : -1;
}

/* Whether S (N bytes left) starts the closing bracket "]" "="^LEVEL "]". */
static int long_close(const char *s, size_t n, int level)
{
    if (n < (size_t)level + 2 || s[0] != ']') return 0;
    for (int k = 1; k <= level; k++)
        if (s[k] != '=') return 0;
    return s[level + 1] == ']';
}

static void put_char(repro_strbuf *b, char c)
{
    switch (c) {
    case '\\': repro_sb_puts(b, "\\textbackslash{}"); break;
    case '{': repro_sb_puts(b, "\\{"); break;
    case '}': repro_sb_puts(b, "\\}"); break;
    case '$': repro_sb_puts(b, "\\$"); break;
    case '&': repro_sb_puts(b, "\\&"); break;
    case '#': repro_sb_puts(b, "\\#"); break;
    case '_': repro_sb_puts(b, "\\_"); break;
    case '%': repro_sb_puts(b, "\\%"); break;
    case '^': repro_sb_puts(b, "\\textasciicircum{}"); break;
    case '~': repro_sb_puts(b, "\\textasciitilde{}"); break;
    case '\'': repro_sb_puts(b, "\\textquotesingle{}"); break;
    case '`': repro_sb_puts(b, "\\textasciigrave{}"); break;
    case '"': repro_sb_puts(b, "\\textquotedbl{}"); break;
    case ' ': repro_sb_puts(b, "\\ "); break;
    case '-': case '<': case '>': case ',': /* no ligature (--, <<, >>, ,,) */
        repro_sb_putn(b, &c, 1);
        repro_sb_puts(b, "{}");
        break;
    default: repro_sb_putn(b, &c, 1);
    }
}

enum { CODE, LINE_COMMENT, LONG_COMMENT, SHORT_STRING, LONG_STRING };

int repro_listing_tex(const char *src, size_t len, repro_strbuf *out)
{
    if (memchr(src, '\0', len)) return repro_err("listing: the source has a NUL byte");
    int state = CODE, level = 0;
    char quote = 0;
    size_t lineno = 0, i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && src[end] != '\n') end++;
        /* the line, tabs expanded and CR dropped */
        repro_strbuf line = {0};
        for (size_t k = i; k < end; k++) {
            if (src[k] == '\r') continue;
            if (src[k] == '\t')
                do repro_sb_putn(&line, " ", 1);
                while (line.len % 8);
            else
                repro_sb_putn(&line, src + k, 1);
        }
        if (line.oom) {
            repro_sb_free(&line);
            return repro_err("listing: out of memory");
        }
        const char *s = line.buf ? line.buf : "";
        size_t n = line.len, k, indent = 0;
        while (n > 0 && s[n - 1] == ' ') n--; /* trailing spaces show nothing */
        repro_sb_printf(out, "\\reprolstline{%zu}{", ++lineno);
        if (state == LINE_COMMENT || state == SHORT_STRING) state = CODE; /* they end with the line */
        int in_comment = 0;
        while (indent < n && s[indent] == ' ') indent++;
        if (indent) repro_sb_printf(out, "\\reprolstindent{%zu}", indent);
        for (k = indent; k < n;) {
            size_t step = 1;
            if (state == CODE) {
                int lv;
                if (s[k] == '-' && k + 1 < n && s[k + 1] == '-') {
                    lv = long_open(s + k + 2, n - k - 2);
                    if (lv >= 0) state = LONG_COMMENT, level = lv, step = 2 + (size_t)lv + 2;
                    else state = LINE_COMMENT, step = 2;
                } else if (s[k] == '"' || s[k] == '\'') {
                    state = SHORT_STRING, quote = s[k];
                } else if ((lv = long_open(s + k, n - k)) >= 0) {
                    state = LONG_STRING, level = lv, step = (size_t)lv + 2;
                }
            } else if (state == SHORT_STRING) {
                if (s[k] == '\\' && k + 1 < n) step = 2;
                else if (s[k] == quote) state = CODE, quote = 0;
            } else if ((state == LONG_COMMENT || state == LONG_STRING) && long_close(s + k, n - k, level)) {
                step = (size_t)level + 2;
                int was_comment = state == LONG_COMMENT;
                state = CODE;
                if (was_comment) { /* the closing bracket belongs to the comment */
                    if (!in_comment) repro_sb_puts(out, "\\reprolstcomment{"), in_comment = 1;
                    for (size_t q = 0; q < step; q++) put_char(out, s[k + q]);
                    k += step;
                    repro_sb_puts(out, "}"), in_comment = 0;
                    continue;
                }
            }
            int comment = state == LINE_COMMENT || state == LONG_COMMENT;
            if (comment && !in_comment) repro_sb_puts(out, "\\reprolstcomment{"), in_comment = 1;
            if (!comment && in_comment) repro_sb_puts(out, "}"), in_comment = 0;
            for (size_t q = 0; q < step && k < n; q++, k++) put_char(out, s[k]);
        }
        if (in_comment) repro_sb_puts(out, "}");
        repro_sb_puts(out, "}%\n");
        repro_sb_free(&line);
        i = end < len ? end + 1 : end;
    }
    return out->oom ? repro_err("listing: out of memory") : 0;
}
