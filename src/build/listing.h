/* listing: a Lua source file as LaTeX for the report's appendix, which lists every pipeline script
 * verbatim.  build/repro collect writes the result into values.tex (\reprolisting, paper/repro.sty
 * typesets it), so LaTeX needs neither the scripts nor the listings package, whose per-character
 * processing took about 2 s of each pdflatex pass for the 12 scripts.
 *
 * One line of output per source line, "\reprolstline{N}{TEXT}%": TEXT is the line with LaTeX's
 * special characters as commands (\textbackslash{}, \{, \%, \textquotesingle{}, ...), the ligature
 * characters - < > , followed by {}, each space as "\ " (breakable: repro.sty wraps long lines with
 * a hanging indent), the leading indentation as \reprolstindent{K}, tabs expanded to stops of 8,
 * and the parts inside Lua comments (-- to the end of the line, and --[[ ]] / --[==[ ]==] across
 * lines, never inside a string "..." '...' or [[ ]]) wrapped in \reprolstcomment{...}, one wrap
 * per line.  Other bytes (UTF-8) pass through; CR is dropped; NUL is an error (-1, repro_err). */
#ifndef REPRO_LISTING_H
#define REPRO_LISTING_H

#include <stddef.h>

#include "core/strbuf.h"

int repro_listing_tex(const char *src, size_t len, repro_strbuf *out);

#endif
