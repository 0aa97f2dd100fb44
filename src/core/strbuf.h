/* strbuf: the one growable string of the project (text of reports, TeX, markup) and a malloc'd
 * printf.
 *
 * A repro_strbuf starts as {0}; appends grow it and keep it NUL-terminated.  An allocation
 * failure is sticky: later appends do nothing and ->oom stays set, so a writer appends freely
 * and checks once at the end.  The caller owns ->buf (free it, or repro_sb_free). */
#ifndef REPRO_STRBUF_H
#define REPRO_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *buf;  /* NUL-terminated text, NULL while empty */
    size_t len; /* bytes in buf, without the NUL */
    size_t cap;
    int oom;    /* an allocation failed: the text is incomplete */
} repro_strbuf;

void repro_sb_putn(repro_strbuf *b, const char *s, size_t n);
void repro_sb_puts(repro_strbuf *b, const char *s);
void repro_sb_printf(repro_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void repro_sb_vprintf(repro_strbuf *b, const char *fmt, va_list ap);
/* The N bytes at S with XML's special characters escaped (&amp; &lt; &gt; &quot; &#39;): safe
 * in HTML text and quoted attributes, and in pango markup. */
void repro_sb_putxml(repro_strbuf *b, const char *s, size_t n);
void repro_sb_free(repro_strbuf *b);

/* A malloc'd printf; NULL when out of memory. */
char *repro_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
