#!/bin/sh
# arxiv.sh B OUT: pack the report last built in B (make paper) as a LaTeX source arXiv accepts.
#   The files are exactly those the last LaTeX run read outside the TeX installation
#   (B/latex/paper.fls): paper.tex with every \input (values.tex, the sections) inlined, so that
#   a bare `latexmk -pdf` finds one document; repro.sty; the figures as PDF (the pipeline scripts
#   the appendix lists travel inside values.tex, rendered by build/repro collect). The build's
#   date (from the LaTeX log: SOURCE_DATE_EPOCH) is set in the preamble so \today prints the
#   same day. No engine, shell escape or network is needed to
#   compile it; no auxiliary file is packed. Flat layout, names of [A-Za-z0-9_.,+=-] only.
set -eu
[ $# -eq 2 ] || { echo "usage: arxiv.sh BUILD_DIR OUT.tar.gz" >&2; exit 2; }
B=$1 out=$2
fls=$B/latex/paper.fls log=$B/latex/paper.log
[ -f "$fls" ] && [ -f "$log" ] || { echo "arxiv: no $fls: run make paper first" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/arxiv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
mkdir "$src"

# The files LaTeX read, as absolute paths; relative ones are relative to its working directory.
# LaTeX's own outputs (aux, out, toc) live in B/latex or the B/latex.run.* it was renamed from.
absb=$(cd "$B" && pwd)
cwd=$(sed -n 's/^PWD //p' "$fls" | head -n 1)
sed -n 's/^INPUT //p' "$fls" | while IFS= read -r f; do
  case $f in /*) ;; *) f=$cwd/${f#./} ;; esac
  case $f in
    /usr/*|/etc/*|/var/lib/texmf/*|"$absb"/latex*) ;;   # TeX itself; LaTeX's own files
    *) printf '%s\n' "$f" ;;
  esac
done | sort -u > "$tmp/files"
[ -s "$tmp/files" ] || { echo "arxiv: $fls lists no project file" >&2; exit 1; }
grep -q '/paper\.tex$' "$tmp/files" || { echo "arxiv: $fls has no paper.tex" >&2; exit 1; }
top=$(grep '/paper\.tex$' "$tmp/files" | head -n 1)

# The sources must be those of the PDF: a .tex, .sty or script saved after the last make paper
# would pack text the report does not show. (Figures are rewritten by cached re-runs; their data
# hashes are in the values file, which is checked.)
pdf=$B/paper.pdf
[ -f "$pdf" ] || { echo "arxiv: no $pdf: run make paper first" >&2; exit 1; }
while IFS= read -r f; do
  case $f in *.tex|*.sty|*.cls|*.lua)
    [ ! "$f" -nt "$pdf" ] || { echo "arxiv: $f changed after $pdf was made: run make paper" >&2; exit 1; } ;;
  esac
done < "$tmp/files"

# Copy flat; .tex files other than the top one are inlined below instead.
while IFS= read -r f; do
  name=${f##*/}
  printf '%s\n' "$name" | grep -Eq '^[A-Za-z0-9_.,+=-]+$' ||
    { echo "arxiv: '$name' is not a file name arXiv accepts" >&2; exit 1; }
  [ ! -e "$src/$name" ] || { echo "arxiv: two files named $name" >&2; exit 1; }
  case $name in
    *.tex) ;;
    *.pdf|*.sty|*.cls|*.lua|*.bbl|*.png|*.jpg) cp "$f" "$src/$name" ;;
    *) echo "arxiv: unexpected input $f" >&2; exit 1 ;;
  esac
done < "$tmp/files"

# The date: "... 29 NOV 2026 02:43" on the log's first line.
set -- $(sed -n '1s/.*  *\([0-9][0-9]*\) \([A-Z][A-Z][A-Z]\) \([0-9][0-9][0-9][0-9]\) [0-9:]*$/\1 \2 \3/p' "$log")
[ $# -eq 3 ] || { echo "arxiv: no date on the first line of $log" >&2; exit 1; }
month=$(echo JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC | awk -v m="$2" '{print (index($0, m) + 2) / 3}')

# paper.tex with each "\input{name}" line replaced by the file LaTeX read for it.
awk -v files="$tmp/files" -v day="$1" -v month="$month" -v year="$3" '
  BEGIN { while ((getline f < files) > 0) { n = f; sub(/.*\//, "", n); path[n] = f } }
  function emit(file,   line, name) {
    while ((getline line < file) > 0) {
      if (line ~ /^[ \t]*\\input\{[^}]+\}[ \t]*$/) {
        name = line; sub(/^[ \t]*\\input\{/, "", name); sub(/\}[ \t]*$/, "", name)
        if (!(name in path)) name = name ".tex"
        if (!(name in path)) { print "arxiv: \\input{" name "} was not read by LaTeX" > "/dev/stderr"; exit 1 }
        print "% ---- " name " (inlined by make arxiv)"
        emit(path[name])
        print "% ---- end of " name
        continue
      }
      print line
      if (line ~ /^\\documentclass/)
        printf "%% The date of the build (SOURCE_DATE_EPOCH), for \\today.\n\\day=%d \\month=%d \\year=%d\n", day, month, year
    }
    close(file)
  }
  END { emit(top) }' top="$top" /dev/null > "$src/paper.tex"

# A reproducible archive: sorted names, fixed owner and times, no gzip time stamp.
epoch=${SOURCE_DATE_EPOCH:-0}
(cd "$src" && ls) > "$tmp/list"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --mode='a+r,u+w,go-w' \
    -C "$src" -cf - -T "$tmp/list" | gzip -9n > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "wrote $out ($(wc -l < "$tmp/list") files)"
