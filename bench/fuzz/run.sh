#!/usr/bin/env bash
# Long fuzzing runs: builds every libFuzzer target with clang + ASan/UBSan and runs each for a
# set time (default 600 s) over a copy of its corpus. Prints executions and findings per target;
# a crash input is copied into tests/fuzz/corpus/<target>/ so the test suite replays it.
#   bench/fuzz/run.sh            # 10 minutes per target
#   SECONDS_PER_TARGET=60 bench/fuzz/run.sh report spool
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SECS=${SECONDS_PER_TARGET:-600}
BUILD=$ROOT/build/fuzz
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(report ingest config spool proc packet hour)

CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWARDWATCH_FUZZ=ON -DWARDWATCH_SANITIZE=ON -DWARDWATCH_BUILD_CONSOLE=OFF >/dev/null
cmake --build "$BUILD" --target $(printf 'fuzz_%s ' "${TARGETS[@]}")

printf '%-8s %12s %10s %s\n' target executions exec/s findings
for t in "${TARGETS[@]}"; do
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$t" "$work/corpus"
  log="$work/log"
  set +e
  (cd "$work" && "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECS" -max_len=65536 -timeout=30 \
      -print_final_stats=1 corpus >"$log" 2>&1)
  rc=$?
  set -e
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  findings=0
  for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
    [ -e "$crash" ] || continue
    findings=$((findings + 1))
    cp "$crash" "tests/fuzz/corpus/$t/regression-$(basename "$crash")"
  done
  printf '%-8s %12s %10s %s\n' "$t" "$execs" "$rate" "$findings (exit $rc)"
  rm -rf "$work"
done
