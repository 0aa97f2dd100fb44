#!/usr/bin/env bash
# End to end: every pipeline script runs with its default parameters, under the normal build and
# under AddressSanitizer/UBSan, passes all its checks, writes each figure it declares as PDF, PNG
# and JSON, and gives byte-identical outputs when run again.  One "ok - " / "not ok - " per assertion.
#
# The normal run of a stage is the one `make paper` made when it is up to date in $B/stages/
# (`repro stage --check`): a test that only reads a stage's outputs reuses them instead of running
# the stage once more.  A stage that is not up to date there runs here, in a temporary folder.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
B=${B:-build}
FIG=${FIG:-figures}
# The figures' fixed date, as the Makefile gives it to stages (FIGURE_EPOCH): fresh runs here
# and the stages `make paper` built must give the same bytes.
export REPRO_PROGRESS=0 REPRO_LUA=$src/lua SOURCE_DATE_EPOCH=${FIGURE_EPOCH:-1735689600}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/tests/lsan.supp:print_suppressions=0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fi; }
is_slow() { case "$1" in fig5|fig7|fig8|thm41|optima) return 0 ;; esac; return 1; }
# The files in $FIG that a run record lists among its outputs (its figures), one per line.
figures_of() {
  awk -v fig="$FIG/" '/^ "outputs": \{/ {o = 1; next} o && /^ \}/ {o = 0}
    o { split($0, q, "\""); if (index(q[2], fig) == 1) print q[2] }' "$1"
}
reused=0
for script in pipeline/*.lua; do
  name=$(basename "$script" .lua)
  for variant in normal asan; do
    bin=$B/repro; [ $variant = asan ] && bin=$B/asan/repro
    # The solver-heavy stages (fig5, fig7, fig8: K = 800 networks; thm41, optima: sweeps and
    # retraining; 13 to 110 s each) run once, normally:
    # under ASan they would take many minutes (their engine code runs under ASan in
    # tests/c/test_*.c), and `make verify` checks their byte-identity.
    if [ $variant = asan ] && is_slow "$name"; then echo "# skip $name under ASan (slow)"; continue; fi
    out=$tmp/$variant/$name
    mkdir -p "$out/fig"
    if [ $variant = normal ] && [ -s "$B/stages/$name/results.json" ] &&
       "$bin" stage "$script" --out "$B/stages/$name" --figures "$FIG" --check >/dev/null 2>&1; then
      # Up to date in the build: its record and its figures are this test's normal run.
      reused=$((reused + 1))
      mkdir -p "$out/stage"
      cp "$B/stages/$name/results.json" "$out/stage/"
      figures_of "$out/stage/results.json" | while read -r f; do cp "$f" "$out/fig/"; done
      echo "# $name: reusing the up-to-date stage in $B/stages/$name"
      rc=0
    else
      "$bin" run "$script" --out "$out/stage" --figures "$out/fig" >"$out.log" 2>&1
      rc=$?
    fi
    ok "$name ($variant) runs and passes its checks" "[ $rc -eq 0 ] || { tail -n 20 $out.log >&2; false; }"
    [ $rc -eq 0 ] || continue
    ok "$name ($variant) records no failed check" "! grep -q '\"pass\": false' $out/stage/results.json"
  done
  out=$tmp/normal/$name
  ls "$out"/fig/*.json >/dev/null 2>&1 || continue
  for json in "$out"/fig/*.json; do
    fig=$(basename "$json" .json)
    ok "$name: $fig has PDF, PNG and JSON" "[ -s $out/fig/$fig.pdf ] && [ -s $out/fig/$fig.png ] && [ -s $json ]"
    ok "$name: $fig.pdf is a PDF" "head -c 5 $out/fig/$fig.pdf | grep -q '%PDF-'"
  done
  # The same run again: byte-identical figures.
  is_slow "$name" && continue
  "$B/repro" run "$script" --out "$tmp/again/$name/stage" --figures "$tmp/again/$name/fig" >/dev/null 2>&1
  for f in "$out"/fig/*; do
    ok "$name: $(basename "$f") identical on a re-run" "cmp -s $f $tmp/again/$name/fig/$(basename "$f")"
  done
  # Normal and sanitized builds draw the same figures (same numbers, same pixels).
  for f in "$out"/fig/*.json; do
    [ -d "$tmp/asan/$name" ] || continue
    ok "$name: $(basename "$f") identical under ASan" "cmp -s $f $tmp/asan/$name/fig/$(basename "$f")"
  done
done
echo "# $reused stages reused from $B/stages"

# The README's runnable example stays runnable.
awk '/^A runnable example/{f=1} f&&/^```lua/{g=1;next} g&&/^```/{exit} g' README.md > "$tmp/example.lua"
ok "README example extracted" "[ -s $tmp/example.lua ]"
case "$B" in /*) bin=$B/repro ;; *) bin=$src/$B/repro ;; esac
(cd "$tmp" && "$bin" run example.lua --out "$tmp/ex" --figures "$tmp/exfig" >/dev/null 2>&1)
ok "README example runs and draws its figure" "[ -s $tmp/exfig/example.pdf ] && [ -s $tmp/exfig/example.png ]"

# OpenBLAS kernels: a user's OPENBLAS_CORETYPE wins; unset, a CPU with AVX2 or AVX-512 never
# runs the generic Prescott kernels (Debian 12's OpenBLAS falls back to them on new CPUs).
ok "OPENBLAS_CORETYPE set by the user is kept" \
   "OPENBLAS_CORETYPE=Prescott $bin --version | grep -q 'OpenBLAS Prescott kernels'"
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
  ok "no generic kernels on a CPU with AVX2 and FMA" \
     "env -u OPENBLAS_CORETYPE $bin --version | grep -v -q 'OpenBLAS Prescott kernels'"
fi

# An override the script does not declare: the error lists the declared names, sorted.
out=$("$bin" run pipeline/fig1.lua nosuch=1 --out "$tmp/ov" --figures "$tmp/ov/fig" 2>&1); rc=$?
ok "unknown override: non-zero exit" "[ $rc -ne 0 ]"
ok "unknown override: names it and lists the declared parameters in order" \
   'grep -q "pipeline/fig1.lua:[0-9]*: unknown parameter .nosuch. (this script declares: ncombos, scale, tau)" <<<"$out"'
