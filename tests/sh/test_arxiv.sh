#!/usr/bin/env bash
# make arxiv: the LaTeX source packed from the last make paper (paper/arxiv.sh) is flat, has
# names arXiv accepts and no auxiliary file, and compiles with a bare `latexmk -pdf` in an empty
# folder -- PATH without the engine, no shell escape, no network -- into the same PDF as
# build/paper.pdf. Needs the outputs of a preceding make paper (as .ci/run provides); without
# them, or when a source was saved after the last make paper, it reports a skip. Prints one "ok - " / "not ok - " line per assertion.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }
if [ ! -f "$B/paper.pdf" ] || [ ! -f "$B/latex/paper.fls" ]; then
  echo "ok - arxiv # SKIP no $B/paper.pdf: make paper first"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sh paper/arxiv.sh "$B" "$tmp/arxiv.tar.gz" >"$tmp/pack" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q 'run make paper' "$tmp/pack"; then   # sources newer than the PDF
  echo "ok - arxiv # SKIP $(head -n 1 "$tmp/pack")"
  exit 0
fi
ok "paper/arxiv.sh packs the last build" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || { sed 's/^/    /' "$tmp/pack"; exit 0; }
tar tzf "$tmp/arxiv.tar.gz" > "$tmp/list"
ok "flat, arXiv file names only ([A-Za-z0-9_.,+=-])" '! grep -Evq "^[A-Za-z0-9_.,+=-]+$" "$tmp/list"'
ok "no auxiliary or build files" \
  '! grep -Eq "\.(aux|log|out|fls|fdb_latexmk|toc|synctex\.gz|json|png|tmp.*)$|^latexmkrc$" "$tmp/list"'
ok "one .tex file, paper.tex" '[ "$(grep "\.tex$" "$tmp/list")" = paper.tex ]'
ok "repro.sty is packed" 'grep -qx repro.sty "$tmp/list"'
mkdir "$tmp/x"
tar xzf "$tmp/arxiv.tar.gz" -C "$tmp/x"
ok "every figure is there as PDF" \
  '(for g in $(grep -o "includegraphics\(\[[^]]*\]\)\?{[^}]*}" "$tmp/x/paper.tex" | sed "s/.*{//; s/}//"); do
     [ -f "$tmp/x/$g" ] && case $g in *.pdf) ;; *) exit 1 ;; esac || exit 1; done)'
ok "the values are inlined (no \\input left)" \
  'grep -q "^\\\\reprorevision{" "$tmp/x/paper.tex" && ! grep -q "^[^%]*\\\\input{" "$tmp/x/paper.tex"'
ok "every pipeline script's text is there (its listing inlined with the values)" \
  '(for f in pipeline/*.lua; do s=${f#pipeline/}; grep -q "^\\\\reprolisting{${s%.lua}}{" "$tmp/x/paper.tex" || exit 1; done)'

# Compile as arXiv would: a clean environment whose PATH holds TeX and no engine.
cleanpath=/usr/bin:/bin
ok "the clean PATH has no repro engine" '! PATH=$cleanpath command -v repro >/dev/null'
net=""; unshare -n true 2>/dev/null && net="unshare -n"
(cd "$tmp/x" && env -i HOME="$tmp" PATH="$cleanpath" $net \
   latexmk -pdf -no-shell-escape -interaction=nonstopmode -halt-on-error) >"$tmp/latex" 2>&1; rc=$?
ok "latexmk -pdf compiles it (no shell escape${net:+, no network})" '[ $rc -eq 0 ] && [ -f "$tmp/x/paper.pdf" ]'
[ $rc -eq 0 ] || { grep -A5 '^!' "$tmp/x/paper.log" | head -n 20 | sed 's/^/    /'; exit 0; }
ok "no undefined references or missing values" '! grep -Eq "undefined|There were undefined" "$tmp/x/paper.log"'
ok "the same number of pages as $B/paper.pdf" \
  '[ "$(pdfinfo "$tmp/x/paper.pdf" | grep ^Pages)" = "$(pdfinfo "$B/paper.pdf" | grep ^Pages)" ]'
pdftotext "$B/paper.pdf" "$tmp/a.txt"; pdftotext "$tmp/x/paper.pdf" "$tmp/b.txt"
ok "the same text as $B/paper.pdf (date, revision, every value)" 'cmp -s "$tmp/a.txt" "$tmp/b.txt"'
# The hyperlinks (values to their table rows, captions to the scripts): the same targets.
links() { pdftohtml -xml -stdout -i "$1" 2>/dev/null | grep -o '<a href="[^"]*"' | sort; }
links "$B/paper.pdf" > "$tmp/a.links"; links "$tmp/x/paper.pdf" > "$tmp/b.links"
ok "the same hyperlinks as $B/paper.pdf ($(wc -l < "$tmp/a.links") links)" \
  '[ -s "$tmp/a.links" ] && cmp -s "$tmp/a.links" "$tmp/b.links"'
