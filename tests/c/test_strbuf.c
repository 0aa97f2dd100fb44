/* core/strbuf: appends against the texts they must make, growth across many appends (checked
 * against a second construction by snprintf), formats longer than any first guess, and the
 * malloc'd printf. */
#include "core/strbuf.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
    repro_strbuf b = {0};
    CHECK(b.buf == NULL && b.len == 0, "an empty builder holds nothing");
    repro_sb_puts(&b, "abc");
    repro_sb_putn(&b, "defgh", 2);
    repro_sb_printf(&b, "[%d|%s|%.3f]", 42, "x", 0.5);
    CHECK(b.buf && strcmp(b.buf, "abcde[42|x|0.500]") == 0 && b.len == strlen(b.buf),
          "puts, putn and printf append in order, NUL-terminated");
    repro_sb_putn(&b, "", 0);
    CHECK(b.len == 17, "an empty append changes nothing");
    repro_sb_free(&b);
    CHECK(b.buf == NULL && b.len == 0 && b.cap == 0, "free leaves an empty builder");

    /* 10,000 appends against one snprintf of each piece into a fixed buffer. */
    static char want[200000];
    size_t wn = 0;
    for (int i = 0; i < 10000; i++) {
        repro_sb_printf(&b, "%d,", i);
        wn += (size_t)snprintf(want + wn, sizeof want - wn, "%d,", i);
    }
    CHECK(!b.oom && b.len == wn && memcmp(b.buf, want, wn + 1) == 0 && b.cap > b.len,
          "10,000 appends grow the buffer and keep every byte");
    repro_sb_free(&b);

    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    repro_sb_printf(&b, "<%s>", big);
    CHECK(b.len == sizeof big + 1 && b.buf[0] == '<' && b.buf[b.len - 1] == '>' && b.buf[2500] == 'q',
          "one format longer than the first allocation");
    repro_sb_free(&b);

    repro_sb_putxml(&b, "a<b & \"c\" 'd'>", 14);
    CHECK(b.buf && strcmp(b.buf, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;") == 0,
          "putxml escapes the five XML characters, nothing else");
    CHECK(b.len == strlen(b.buf), "putxml writes no NUL into the text");
    repro_sb_free(&b);
    repro_sb_putxml(&b, "x<y", 2);
    CHECK(b.buf && strcmp(b.buf, "x&lt;") == 0, "putxml takes exactly N bytes");
    repro_sb_free(&b);

    char *s = repro_strf("%s=%.17g", "pi", 3.141592653589793);
    CHECK(s && strcmp(s, "pi=3.1415926535897931") == 0, "repro_strf formats into a new string");
    free(s);
    s = repro_strf("%s", "");
    CHECK(s && s[0] == '\0', "repro_strf of nothing is an empty string, not NULL");
    free(s);
    return check_exit();
}
