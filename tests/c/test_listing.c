/* Tests for build/listing.c: the LaTeX of a Lua source decodes back to the source (a decoder of
 * our own for the commands listing.h names, tabs expanded, trailing spaces and CR dropped), on
 * hand-made lines with every special character and on random bytes; which characters are inside
 * a comment, on the cases Lua's lexer decides (quotes, escapes, long brackets of any level, long
 * comments across lines); every pipeline script renders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/listing.h"
#include "check.h"
#include "core/err.h"
#include "core/fileio.h"

/* Decodes OUT (the whole rendering) into TEXT: lines joined by '\n', and into MASK one byte per
 * character, 'c' inside \reprolstcomment, '.' outside.  Returns the number of lines, -1 on
 * anything listing.h does not produce. */
static long decode(const char *out, repro_strbuf *text, repro_strbuf *mask)
{
    static const struct { const char *cmd; char c; } sym[] = {
        {"\\textbackslash{}", '\\'}, {"\\textasciicircum{}", '^'}, {"\\textasciitilde{}", '~'},
        {"\\textquotesingle{}", '\''}, {"\\textasciigrave{}", '`'}, {"\\textquotedbl{}", '"'},
        {"\\{", '{'}, {"\\}", '}'}, {"\\$", '$'}, {"\\&", '&'}, {"\\#", '#'}, {"\\_", '_'},
        {"\\%", '%'}, {"\\ ", ' '}};
    long lines = 0;
    const char *p = out;
    while (*p) {
        char head[64];
        int used = 0;
        if (sscanf(p, "\\reprolstline{%63[0-9]}{%n", head, &used) != 1 || used == 0) return -1;
        if (atol(head) != lines + 1) return -1;
        if (lines++) repro_sb_puts(text, "\n"), repro_sb_puts(mask, "\n");
        p += used;
        int comment = 0;
        for (;;) {
            size_t k, indent;
            if (strncmp(p, "}%\n", 3) == 0 && !comment) {
                p += 3;
                break;
            }
            if (*p == '}' && comment) {
                comment = 0, p++;
                continue;
            }
            if (strncmp(p, "\\reprolstcomment{", 17) == 0 && !comment) {
                comment = 1, p += 17;
                continue;
            }
            if (sscanf(p, "\\reprolstindent{%zu}%n", &indent, &used) == 1) {
                for (k = 0; k < indent; k++) repro_sb_puts(text, " "), repro_sb_puts(mask, ".");
                p += used;
                continue;
            }
            for (k = 0; k < sizeof sym / sizeof sym[0]; k++)
                if (strncmp(p, sym[k].cmd, strlen(sym[k].cmd)) == 0) break;
            char c;
            if (k < sizeof sym / sizeof sym[0]) {
                c = sym[k].c, p += strlen(sym[k].cmd);
            } else if (strchr("-<>,", *p) && p[0] && strncmp(p + 1, "{}", 2) == 0) {
                c = *p, p += 3;
            } else if (*p && !strchr("\\{}$&#^_%~'`\" \n-<>,", *p)) {
                c = *p++;
            } else {
                return -1;
            }
            repro_sb_putn(text, &c, 1);
            repro_sb_puts(mask, comment ? "c" : ".");
        }
    }
    return lines;
}

/* The source as the rendering must give it back: tabs to stops of 8, CR and trailing spaces
 * dropped, no final newline. */
static char *expected(const char *src)
{
    repro_strbuf b = {0}, line = {0};
    for (const char *p = src;; p++) {
        if (*p == '\n' || *p == '\0') {
            size_t n = line.len;
            while (n > 0 && line.buf[n - 1] == ' ') n--;
            if (line.buf) repro_sb_putn(&b, line.buf, n);
            line.len = 0;
            if (line.buf) line.buf[0] = '\0';
            if (*p == '\0' || p[1] == '\0') break;
            repro_sb_puts(&b, "\n");
        } else if (*p == '\t') {
            do repro_sb_puts(&line, " ");
            while (line.len % 8);
        } else if (*p != '\r') {
            repro_sb_putn(&line, p, 1);
        }
    }
    repro_sb_free(&line);
    return b.buf ? b.buf : calloc(1, 1);
}

/* Renders SRC and checks the round trip; the comment mask into MASK (caller frees). */
static int round_trip(const char *src, char **mask_out)
{
    repro_strbuf out = {0}, text = {0}, mask = {0};
    int ok = repro_listing_tex(src, strlen(src), &out) == 0;
    long lines = ok ? decode(out.buf ? out.buf : "", &text, &mask) : -1;
    char *want = expected(src);
    ok = ok && lines >= 0 && strcmp(text.buf ? text.buf : "", want) == 0;
    if (!ok) printf("# round trip of [%s]:\n# got  [%s]\n# want [%s]\n# tex %s\n", src,
                    text.buf ? text.buf : "", want, out.buf ? out.buf : "");
    free(want);
    if (mask_out) *mask_out = mask.buf ? mask.buf : calloc(1, 1);
    else repro_sb_free(&mask);
    repro_sb_free(&out);
    repro_sb_free(&text);
    return ok;
}

static void comment_case(const char *src, const char *want, const char *name)
{
    char *mask = NULL;
    int ok = round_trip(src, &mask);
    if (ok && strcmp(mask, want) != 0) {
        printf("# %s: comment mask\n#   %s\n# got %s\n# want %s\n", name, src, mask, want);
        ok = 0;
    }
    CHECK(ok, name);
    free(mask);
}

int main(void)
{
    repro_err_init();
    CHECK(round_trip("local s = \"a\\\\b{c}$d&e#f_g%h^i~j'k`l\"  -- x < y > z, w--v\n\tx = 1   \r\n", NULL),
          "every special character, a tab, trailing spaces and CR");
    CHECK(round_trip("", NULL) && round_trip("\n\n", NULL) && round_trip("   \n", NULL),
          "empty source, blank lines");
    CHECK(round_trip("x = \"caf\xc3\xa9\" -- \xce\xbb\n", NULL), "UTF-8 passes through");
    repro_strbuf out = {0};
    CHECK(repro_listing_tex("a\0b", 3, &out) != 0 && strstr(repro_errmsg(), "NUL"),
          "a NUL byte is an error naming it");
    repro_sb_free(&out);
    comment_case("x = 1 -- c", "......cccc", "a line comment");
    comment_case("s = \"--\" -- c", ".........cccc", "-- inside a double-quoted string");
    comment_case("s = '\\'--' -- c", "...........cccc", "an escaped quote does not end the string");
    comment_case("s = [[ -- ]] x", "..............", "-- inside a long string");
    comment_case("--[[ a\nb ]] x --y", "cccccc\ncccc...ccc", "a long comment across lines");
    comment_case("--[==[ ]] ]=] \n]==] x", "ccccccccccccc\ncccc..", "a long comment of level 2");
    comment_case("s = [=[\n-- ]] ]=] y", ".......\n...........", "a long string of level 1 across lines");
    comment_case("s = \"unterminated -- x\nx -- y", "......................\n..cccc",
                 "an unterminated string ends with its line");
    /* random bytes (printable ASCII, tabs, newlines, CR): the round trip */
    unsigned long seed = 12345;
    int all = 1;
    for (int rep = 0; rep < 2000 && all; rep++) {
        char src[200];
        size_t n = (size_t)(rep % 199);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(seed >> 33) % 100;
            src[k] = r < 3 ? '\n' : r < 5 ? '\t' : r < 6 ? '\r' : (char)(32 + r % 95);
        }
        src[n] = '\0';
        all = round_trip(src, NULL);
    }
    CHECK(all, "2000 random sources: the rendering decodes to the source");
    /* every pipeline script */
    const char *scripts[] = {"pipeline/fig1.lua", "pipeline/fig4.lua", "pipeline/fig5.lua",
                             "pipeline/fig8.lua", "pipeline/thm41.lua", "lua/fit.lua"};
    int good = 1; /* tests/run.sh runs the tests from the project root */
    for (size_t k = 0; k < sizeof scripts / sizeof scripts[0]; k++) {
        char *src = repro_read_file(scripts[k], NULL);
        good &= src && round_trip(src, NULL);
        free(src);
    }
    CHECK(good, "pipeline scripts: the rendering decodes to the source");
    return check_exit();
}
