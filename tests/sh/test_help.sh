#!/usr/bin/env bash
# make help: every target users call (the Makefile's .PHONY list, less the per-stage targets)
# and the variables they set, one screen, from the Makefile's own "## name text" comments.
# Prints one "ok - " / "not ok - " line per assertion.
set -u
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }

out=$(make --no-print-directory -s help 2>&1); rc=$?
ok "make help succeeds" '[ $rc -eq 0 ]'
ok "make help fits one screen (at most 40 lines of at most 100 columns)" \
  '[ $(printf "%s\n" "$out" | wc -l) -le 40 ] && [ $(printf "%s\n" "$out" | wc -L) -le 100 ]'
vars="SET B SOURCE_URL BASE BENCH CC"
grep -q '^LAUNCH\b' Makefile && vars="$vars LAUNCH"
for v in $vars; do
  ok "make help explains $v" 'printf "%s\n" "$out" | grep -Eq "^  $v +[^ ]"'
done
# The public targets: .PHONY as make sees it, less stage-NAME and internal helpers.
targets=$(make --no-print-directory -pq help 2>/dev/null | sed -n 's/^\.PHONY: //p' | tr ' ' '\n' |
          grep -Ev '^(stage-.*|clean-tmp|)$' | sort -u)
for t in $targets; do
  ok "make help explains make $t" 'printf "%s\n" "$out" | grep -Eq "^  make $t +[^ ]"'
done
ok "at least ten targets are listed" '[ $(printf "%s\n" "$out" | grep -c "^  make ") -ge 10 ]'
