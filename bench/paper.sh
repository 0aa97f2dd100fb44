#!/usr/bin/env bash
# make bench (part 1): how long `make paper` takes, in a fresh copy of the working tree.
#   clean    rm -rf build figures, then make paper (engine compiled, every stage run, LaTeX)
#   no-op    make paper again with nothing changed (every stage "cached")
#   edit     a comment appended to one pipeline script, then make paper (that stage + LaTeX)
# Targets (issue 13): clean <= 40 s (moonshot 25 s), no-op < 3 s on the 2-core machine.  Prints a
# table and writes it to $B/bench/paper.tsv, and each stage's wall and CPU seconds in the clean
# build to $B/bench/paper-stages.tsv.  BENCH_EDIT names the script to touch (default: the first one).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
case "$B" in /*) out="$B/bench" ;; *) out="$PWD/$B/bench" ;; esac
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The working tree as it is (committed or not), without build products.
tar --exclude=./build --exclude=./figures --exclude=./.git -cf - . | tar -C "$tmp" -xf -
export REPRO_PROGRESS=0
unset MAKEFLAGS MFLAGS MAKELEVEL B FIG SET
now() { date +%s.%N; }
timed() { # timed LABEL LOG: run make paper in the copy, print the seconds
    local t0 t1
    t0=$(now)
    if ! make -C "$tmp" --no-print-directory paper >"$2" 2>&1; then
        echo "bench/paper.sh: make paper ($1) failed; last lines of its log:" >&2
        tail -n 20 "$2" >&2
        exit 1
    fi
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
script=${BENCH_EDIT:-$(cd "$tmp" && ls pipeline/*.lua 2>/dev/null | head -n 1)}
[ -n "$script" ] || { echo "bench/paper.sh: no pipeline/*.lua to run" >&2; exit 1; }
clean=$(timed clean "$out/paper-clean.log")
# Each stage's own cost in the clean build (build/stages/NAME/timing.tsv, written by repro stage:
# wall and CPU seconds, sweep points included), most expensive first, then the stages' total.
for f in "$tmp"/build/stages/*/timing.tsv; do
    [ -f "$f" ] || continue
    printf '%s\t%s\n' "$(basename "$(dirname "$f")")" "$(sed -n 2p "$f" | cut -f1,2)"
done | sort -t $'\t' -k3,3 -gr | awk -F'\t' 'BEGIN { print "stage\twall s\tCPU s" }
    { print; w += $2; c += $3 } END { printf "all stages\t%.1f (sum)\t%.1f\n", w, c }' \
    >"$out/paper-stages.tsv.tmp"
mv "$out/paper-stages.tsv.tmp" "$out/paper-stages.tsv"
noop=$(timed no-op "$out/paper-noop.log")
printf '\n-- bench edit\n' >>"$tmp/$script"
edit=$(timed edit "$out/paper-edit.log")
stage=$(basename "$script" .lua)
own=$(sed -n "s/^$stage  *done in \([0-9.]*\) s$/\1/p" "$out/paper-edit.log" | head -n 1)
reran=$(grep -c "re-run because" "$out/paper-edit.log" || true)
nstages=$(ls "$tmp"/pipeline/*.lua 2>/dev/null | wc -l)
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "met" : "MISSED" }'; }
{
    printf 'build\tseconds\ttarget\tverdict\n'
    printf 'clean make paper (%d stages, engine compiled)\t%s\t<= 40\t%s\n' "$nstages" "$clean" "$(verdict "$clean" 40.001)"
    printf 'make paper, nothing changed\t%s\t< 3\t%s\n' "$noop" "$(verdict "$noop" 3)"
    printf 'make paper after editing %s (%s stage re-run; its own run %s s)\t%s\t-\t-\n' \
        "$script" "$reran" "${own:-?}" "$edit"
} >"$out/paper.tsv.tmp"
mv "$out/paper.tsv.tmp" "$out/paper.tsv"
column -t -s $'\t' "$out/paper.tsv"
echo
column -t -s $'\t' "$out/paper-stages.tsv"
