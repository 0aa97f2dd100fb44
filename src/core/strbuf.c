/* strbuf: the one growable string (see strbuf.h). */
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for N more bytes and the NUL; 0, or -1 with ->oom set. */
static int reserve(repro_strbuf *b, size_t n)
{
    if (b->oom) return -1;
    if (n > (size_t)-1 / 2 - b->len - 1) {
        b->oom = 1;
        return -1;
    }
    if (b->len + n + 1 <= b->cap) return 0;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + n + 1) nc *= 2;
    char *nb = realloc(b->buf, nc);
    if (!nb) {
        b->oom = 1;
        return -1;
    }
    b->buf = nb;
    b->cap = nc;
    return 0;
}

void repro_sb_putn(repro_strbuf *b, const char *s, size_t n)
{
    if (reserve(b, n) != 0) return;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void repro_sb_puts(repro_strbuf *b, const char *s)
{
    repro_sb_putn(b, s, strlen(s));
}

void repro_sb_vprintf(repro_strbuf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int k = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (k < 0) {
        b->oom = 1;
        return;
    }
    if (reserve(b, (size_t)k) != 0) return;
    vsnprintf(b->buf + b->len, (size_t)k + 1, fmt, ap);
    b->len += (size_t)k;
}

void repro_sb_printf(repro_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    repro_sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void repro_sb_putxml(repro_strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': repro_sb_puts(b, "&amp;"); break;
        case '<': repro_sb_puts(b, "&lt;"); break;
        case '>': repro_sb_puts(b, "&gt;"); break;
        case '"': repro_sb_puts(b, "&quot;"); break;
        case '\'': repro_sb_puts(b, "&#39;"); break;
        default: repro_sb_putn(b, s + i, 1);
        }
    }
}

void repro_sb_free(repro_strbuf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

char *repro_strf(const char *fmt, ...)
{
    repro_strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    repro_sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    return b.buf ? b.buf : calloc(1, 1);
}
