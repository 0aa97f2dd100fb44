#!/usr/bin/env bash
# make bench BENCH=ab [BASE=REV]: the fused Adam step of the working tree against that of revision
# REV (default HEAD), timed alternately in the same minutes (the machine drifts by 10-30 % within
# an hour, so only such runs can judge a change to the sweep), and their results compared bit
# for bit.  Both sides are built afresh in the same way: REV in $B/bench/ab/base-REV (kept for
# the next run), the working tree as it is (committed or not) in $B/bench/ab/new; bench/ab.c is
# linked against each one's engine objects, and the two run one after the other, round after
# round.  Prints a table and writes it to $B/bench/ab/ab.md.
#   BENCH_AB_ROUNDS    rounds (default 7; the minimum of each side counts)
#   BENCH_AB_PROBLEMS  comma-separated bench problems (default: all six)
#   BENCH_STEP_STEPS   steps per timing (500); BENCH_STEP_WARM: the second timing starts that many
#                      steps into the run (2000; 0: only the first steps)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
OUT=$B/bench/ab
BASE=${BASE:-HEAD}
ROUNDS=${BENCH_AB_ROUNDS:-7}
STEPS=${BENCH_STEP_STEPS:-500}
WARM=${BENCH_STEP_WARM:-2000}
PROBLEMS=${BENCH_AB_PROBLEMS:-fig4_T1,fig4_T2,squares_T1,squares_T101,teacher_T1,teacher_T25}
export REPRO_PROGRESS=0
say() { printf '[ab %4ds] %s\n' $(($(date +%s) - start)) "$*" >&2; }
start=$(date +%s)
[ -x "$B/repro" ] || { echo "bench/ab.sh: $B/repro not built (make B=$B)" >&2; exit 1; }
rev=$(git rev-parse --verify -q "$BASE^{commit}") ||
    { echo "bench/ab.sh: BASE=$BASE is not a revision of this repository" >&2; exit 1; }
short=${rev:0:12}
mkdir -p "$OUT"

# build DIR WHAT: the engine of the sources in DIR (DIR/build/repro), log in DIR.log
unset MAKEFLAGS MFLAGS MAKELEVEL FIG SET
build() {
    say "building $2 in $1"
    if ! make -C "$1" --no-print-directory -j"$(nproc)" B=build build/repro >"$1.log" 2>&1; then
        echo "bench/ab.sh: building $2 failed; last lines of $1.log:" >&2
        tail -n 20 "$1.log" >&2
        rm -rf "$1"
        exit 1
    fi
}
base=$OUT/base-$short
if [ ! -x "$base/build/repro" ]; then
    rm -rf "$base"
    mkdir -p "$base"
    git archive "$rev" | tar -x -C "$base"
    build "$base" "$BASE ($short)"
fi
# The working tree afresh too: objects in $B may have been compiled with other flags than the
# Makefile's present ones (a flag change does not rebuild them), and the two sides must differ
# only in their sources.
new=$OUT/new
rm -rf "$new"
mkdir -p "$new"
tar --exclude=./build --exclude="./${B#./}" --exclude=./figures --exclude=./.git -cf - . |
    tar -C "$new" -xf -
build "$new" "the working tree"

say "datasets"
"$B/repro" run bench/problems.lua dir="$OUT" --out "$OUT/stage" --figures "$OUT/stage/figures" >/dev/null

# The same driver against each side's engine objects, in the order of their paths (the same
# layout of the code where the two trees agree).
CFLAGS_BENCH="-std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc"
libs=$(sed -n 's/^DEP_LIBS = //p' "$B/config.mk")
new_objs=$(printf '%s\n' "$new"/build/obj/engine/*.o "$new"/build/obj/core/*.o | LC_ALL=C sort)
base_objs=$(printf '%s\n' "$base"/build/obj/engine/*.o "$base"/build/obj/core/*.o | LC_ALL=C sort)
# shellcheck disable=SC2086
cc $CFLAGS_BENCH bench/ab.c $new_objs -o "$OUT/ab_new" $libs
# shellcheck disable=SC2086
if ! cc $CFLAGS_BENCH bench/ab.c $base_objs -o "$OUT/ab_base" $libs 2>"$OUT/link-base.log"; then
    echo "bench/ab.sh: bench/ab.c does not link against $BASE's engine (it needs step.h's API," \
         "flush_subnormals in core/blascore.h); $OUT/link-base.log says why" >&2
    exit 1
fi

say "$ROUNDS rounds of $STEPS steps (and $STEPS after $WARM), $BASE and the working tree alternately"
: >"$OUT/runs.tsv"
for r in $(seq "$ROUNDS"); do
    for side in base new; do
        # shellcheck disable=SC2086
        OPENBLAS_NUM_THREADS=1 "$OUT/ab_$side" "$OUT" "$STEPS" "$WARM" ${PROBLEMS//,/ } |
            sed "s/^/$side\t$r\t/" >>"$OUT/runs.tsv"
    done
done

# Per problem and side, the minimum over rounds; the results of every round must agree with the
# first (the step is deterministic) and, for "identical", with the other side's.
awk -F'\t' -v base="$BASE ($short)" -v steps="$STEPS" -v warm="$WARM" -v rounds="$ROUNDS" '
function us(s) { return s == 0 ? "—" : sprintf("%.3g", s * 1e6) }
function ratio(a, b) { return (a == 0 || b == 0) ? "—" : sprintf("%.3f", a / b) }
function spread(key,    m, i, j, v, t) { # the median of the first-steps timings over the minimum
    m = cnt[key]
    for (i = 1; i <= m; i++) v[i] = all[key, i]
    for (i = 2; i <= m; i++)
        for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return sprintf("%.0f %%", 100 * ((m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2) / v[1] - 1))
}
{
    key = $1 SUBSEP $3
    all[key, ++cnt[key]] = $4
    if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 }
    if (!(key in f1) || $4 < f1[key]) f1[key] = $4
    if (!(key in a1) || $5 < a1[key]) a1[key] = $5
    res = $6 " " $7
    if (!(key in out)) out[key] = res
    else if (out[key] != res) bad[key] = 1
}
END {
    printf "# A/B: the working tree against %s\n\n", base
    printf "Fused Adam step, CPU µs per step, minimum of %d alternated rounds: the first %d steps, " \
           "and %d steps once %d in. new/base below 1: the working tree is faster. Spread: the " \
           "median of the first-steps timings above their minimum, base and new (the machine'"'"'s " \
           "noise: a difference well below it needs more rounds). Results: the objective and the " \
           "parameters after the run, bit for bit.\n\n", rounds, steps, steps, warm
    print "| problem | base: first, after | new: first, after | new/base: first, after | spread | results |"
    print "|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
        p = order[i]; kb = "base" SUBSEP p; kn = "new" SUBSEP p
        same = (kb in bad || kn in bad) ? "not deterministic" : \
               (out[kb] == out[kn] ? "identical" : "differ")
        printf "| %s | %s, %s | %s, %s | %s, %s | %s, %s | %s |\n", p, us(f1[kb]), us(a1[kb]),
               us(f1[kn]), us(a1[kn]), ratio(f1[kn], f1[kb]), ratio(a1[kn], a1[kb]), spread(kb),
               spread(kn), same
    }
}' "$OUT/runs.tsv" >"$OUT/ab.md.tmp"
mv "$OUT/ab.md.tmp" "$OUT/ab.md"
cat "$OUT/ab.md"
say "done; table written to $OUT/ab.md"
