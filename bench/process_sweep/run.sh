#!/usr/bin/env bash
# Process sweep benchmark: one sweep of /proc (stat + exe link per process) plus the usage
# meter, with 500 and 2,000 sleeping children on top of whatever already runs.
#   RUNS=20 bench/process_sweep/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/bench-process-sweep}
RUNS=${RUNS:-20}
cmake -S "$ROOT/bench/process_sweep" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target process_sweep_bench >/dev/null
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(ls /proc | grep -c '^[0-9]') processes before"
for n in 500 2000; do
  echo "== $n children"
  "$BUILD/process_sweep_bench" "$n" "$RUNS"
done
