#!/usr/bin/env bash
# make bench: the engine's training against its three-term floor and against the paper's stack
# (PyTorch, float64, Adam) on the same problems; prints the tables and writes them to
# $B/bench/results.md.  About 7 minutes on 2 cores (BENCH_FULL=1 adds the time-to-objective and
# process-layout runs of the first version, about 7 minutes more).
#   B            build folder (default build): $B/repro is the engine, $B/bench the work folder
#   BENCH_STEPS  Adam steps per timing round (default 2000; 3 rounds, best counts)
#   BENCH_STUDENT_STEPS  Adam steps of each of the 25 students and of the T = 101 process (2000)
#   BENCH_BUDGET PyTorch's step budget for "time to the same objective" (default 20000; the
#                paper's 2-D runs took ~2e5 steps, scaled down here to fit the time)
#   BENCH_CAP    seconds the engine may spend per problem and method to reach PyTorch's objective (20)
#   BENCH_STEP_STEPS  steps per round of bench/step.c's timings (500: 5 rounds, best counts)
#   BENCH_STEP_WARM   steps a run has taken before its "trained" timings (2000; 0: none)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
OUT=$B/bench
PY=/usr/bin/python3
STEPS=${BENCH_STEPS:-2000}
BUDGET=${BENCH_BUDGET:-20000}
CAP=${BENCH_CAP:-20}
EVERY=100
ALL=fig4_T1,fig4_T2,squares_T1,squares_T101,teacher_T1,teacher_T25
export REPRO_PROGRESS=0
start=$(date +%s)
now() { date +%s.%N; }
say() { printf '[bench %4ds] %s\n' $(($(date +%s) - start)) "$*" >&2; }

# PyTorch is only needed here (Debian's python3-torch, about 200 MB): installed on first use as
# root, like the packages of .ci/deps; otherwise the exact command is printed.
if ! "$PY" -c 'import torch' 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        echo "bench: installing python3-torch (the paper's stack, for the baseline)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >&2 ||
            { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >&2; }
    fi
    if ! "$PY" -c 'import torch' 2>/dev/null; then
        echo "bench: PyTorch is missing: run as root  apt-get install -y python3-torch" >&2
        exit 1
    fi
fi
[ -x "$B/repro" ] || { echo "bench: $B/repro not built (make B=$B)" >&2; exit 1; }
mkdir -p "$OUT"
# Every side uses the same OpenBLAS kernels: the ones the engine picks for this CPU (blascore.h).
OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$("$B/repro" --version | sed -n 's/.*OpenBLAS \([A-Za-z0-9]*\) kernels.*/\1/p')}
export OPENBLAS_CORETYPE
repro() { "$B/repro" run "$@" --out "$OUT/stage" --figures "$OUT/stage/figures"; }

{
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
    echo "cores=$(nproc)"
    echo "torch=$("$PY" -c 'import torch; print(torch.__version__)')"
    echo "openblas=$(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo ?) ($OPENBLAS_CORETYPE kernels)"
    echo "steps=$STEPS budget=$BUDGET cap=$CAP every=$EVERY"
} >"$OUT/machine.txt"

say "datasets"
repro bench/problems.lua dir="$OUT" >/dev/null

say "the floor (peak FLOP/s, Adam's square root and division, state bandwidth) and the engine's code paths"
# bench/step.c links the engine's own objects (the fused step, optim, net, dataset): the list the
# Makefile builds (BENCH_OBJS), not a glob, which would pick up objects of removed sources.
objs=${BENCH_OBJS:-$(ls "$B"/obj/engine/*.o "$B"/obj/core/*.o)}
CFLAGS_BENCH="-std=c11 -O2 -fno-math-errno -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc"
# Where the fused step's time goes: its sweep compiled again with parts left out (SWEEP_DROP,
# src/engine/sweep.h), each variant renamed bench_sweep_PATH_DROP; bench/step.c lists the masks.
# x86-64: the AVX-512 and AVX2 paths' variants, two compilers at a time; elsewhere the portable's.
mkdir -p "$OUT/drops"
rm -f "$OUT"/drops/*.o
if [ "$(uname -m)" = x86_64 ]; then fpaths="avx512 avx2"; else fpaths=portable; fi
for p in $fpaths; do
    for drop in 16 17 18 20 24 31; do
        # shellcheck disable=SC2086
        cc $CFLAGS_BENCH -DSWEEP_DROP=$drop -Drepro_sweep_$p=bench_sweep_${p}_$drop \
            -c src/engine/step_$p.c -o "$OUT/drops/${p}_$drop.o" &
        [ "$(jobs -rp | wc -l)" -lt 2 ] || wait -n
    done
done
wait
for p in $fpaths; do
    for drop in 16 17 18 20 24 31; do
        [ -s "$OUT/drops/${p}_$drop.o" ] ||
            { echo "bench: compiling src/engine/step_$p.c with SWEEP_DROP=$drop failed" >&2; exit 1; }
    done
done
# shellcheck disable=SC2046,SC2086
cc $CFLAGS_BENCH bench/step.c "$OUT"/drops/*.o $objs \
    -o "$OUT/step" $(sed -n 's/^DEP_LIBS = //p' "$B/config.mk")
OPENBLAS_NUM_THREADS=1 "$OUT/step" "$OUT" "${BENCH_STEP_STEPS:-500}" 5 --warm "${BENCH_STEP_WARM:-2000}" ${ALL//,/ } >"$OUT/step.tsv.tmp"
mv "$OUT/step.tsv.tmp" "$OUT/step.tsv"

for th in 1 2; do
    say "time per step, $STEPS Adam steps x 3 rounds: PyTorch, $th thread(s)"
    OPENBLAS_NUM_THREADS=$th "$PY" bench/torch_baseline.py --problems "$OUT/problems.tsv" \
        --names "$ALL" --mode steps --threads "$th" --steps "$STEPS" --every "$EVERY" \
        --out "$OUT/torch_steps_$th.json"
    say "time per step, $STEPS Adam steps x 3 rounds: engine, $th thread(s)"
    OPENBLAS_NUM_THREADS=$th repro bench/train.lua dir="$OUT" names="$ALL" mode=steps \
        steps="$STEPS" every="$EVERY" out="$OUT/ours_steps_$th.json"
done

# Whole processes (start-up and imports included), interleaved, best of 3 rounds.
wall() { # wall LABEL CMD...: append "LABEL<TAB>wall seconds<TAB>CPU seconds (user + sys)" to whole.tsv.tmp
    local label=$1 times
    shift
    times=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 ) ||
        { echo "bench: $label failed: $*" >&2; exit 1; }
    awk -v l="$label" -v t="$times" 'BEGIN { split(t, a, " "); printf "%s\t%s\t%.3f\n", l, a[1], a[2] + a[3] }' \
        >>"$OUT/whole.tsv.tmp"
}
say "whole processes: 25 single-task students (engine, PyTorch sequential, PyTorch bmm), two squares T = 101"
: >"$OUT/whole.tsv.tmp"
SSTEPS=${BENCH_STUDENT_STEPS:-2000}
for round in 1 2 3; do
    OPENBLAS_NUM_THREADS=1 wall students_engine "$B/repro" run bench/students.lua dir="$OUT" \
        steps="$SSTEPS" --out "$OUT/stage" --figures "$OUT/stage/figures"
    OPENBLAS_NUM_THREADS=1 wall students_torch_seq "$PY" bench/students.py "$OUT/problems.tsv" teacher_T25 seq "$SSTEPS"
    OPENBLAS_NUM_THREADS=1 wall students_torch_bmm "$PY" bench/students.py "$OUT/problems.tsv" teacher_T25 bmm "$SSTEPS"
    OPENBLAS_NUM_THREADS=1 wall squares_T101_engine "$B/repro" run bench/train.lua dir="$OUT" \
        names=squares_T101 mode=steps steps="$SSTEPS" warmup=0 repeats=1 out="$OUT/whole_ours.json" \
        --out "$OUT/stage" --figures "$OUT/stage/figures"
    OPENBLAS_NUM_THREADS=1 wall squares_T101_torch "$PY" bench/torch_baseline.py --problems "$OUT/problems.tsv" \
        --names squares_T101 --mode steps --threads 1 --steps "$SSTEPS" --warmup 0 --repeats 1 \
        --every "$EVERY" --out "$OUT/whole_torch.json"
done
mv "$OUT/whole.tsv.tmp" "$OUT/whole.tsv"
echo "student_steps=$SSTEPS" >>"$OUT/machine.txt"

if [ -n "${BENCH_FULL:-}" ]; then
# Each side's faster thread count per problem, and step counts for ~3 s layout runs.
eval "$("$PY" bench/report.py plan "$OUT")"

say "time to the same objective: PyTorch, $BUDGET steps, rate 1e-2 -> 1e-3 -> 1e-4"
for th in 1 2; do
    names=TORCH_BUDGET_$th
    [ -n "${!names}" ] || continue
    OPENBLAS_NUM_THREADS=$th "$PY" bench/torch_baseline.py --problems "$OUT/problems.tsv" \
        --names "${!names}" --mode budget --threads "$th" --steps "$BUDGET" --every "$EVERY" \
        --out "$OUT/torch_budget_$th.json"
done

say "time to the same objective: engine (same Adam schedule; Adam + polish)"
targets=$("$PY" bench/report.py targets "$OUT")
for th in 1 2; do
    names=OURS_TARGET_$th
    [ -n "${!names}" ] || continue
    OPENBLAS_NUM_THREADS=$th repro bench/train.lua dir="$OUT" names="${!names}" mode=target \
        steps="$BUDGET" every="$EVERY" cap="$CAP" targets="$targets" \
        out="$OUT/ours_target_$th.json"
done

say "parallel layout: 2 processes x 1 thread against 1 process x 2 threads"
: >"$OUT/layout.tsv.tmp"
for p in $LAYOUT; do
    name=${p%%:*}
    n=${p##*:}
    t0=$(now)
    OPENBLAS_NUM_THREADS=1 repro bench/train.lua dir="$OUT" names="$name" mode=steps steps="$n" \
        warmup=0 repeats=1 seed=1 out="$OUT/layout_a.json" 2>/dev/null &
    a=$!
    OPENBLAS_NUM_THREADS=1 repro bench/train.lua dir="$OUT" names="$name" mode=steps steps="$n" \
        warmup=0 repeats=1 seed=2 out="$OUT/layout_b.json" 2>/dev/null &
    b=$!
    wait "$a" "$b"
    t1=$(now)
    OPENBLAS_NUM_THREADS=2 repro bench/train.lua dir="$OUT" names="$name" mode=steps steps="$n" \
        warmup=0 repeats=1 seed=1 out="$OUT/layout_c.json" 2>/dev/null
    t2=$(now)
    awk -v n="$name" -v s="$n" -v a="$t0" -v b="$t1" -v c="$t2" \
        'BEGIN { printf "%s\t%d\t%.6f\t%.6f\n", n, s, b - a, c - b }' >>"$OUT/layout.tsv.tmp"
done
mv "$OUT/layout.tsv.tmp" "$OUT/layout.tsv"

fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
echo "seconds=$(($(date +%s) - start))" >>"$OUT/machine.txt"
"$PY" bench/report.py table "$OUT" "$OUT/results.md"
say "done; table written to $OUT/results.md"
