#!/bin/sh
# Builds and runs the analytics benchmark (Release). Usage: bench/analytics/run.sh [BUILD_DIR]
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/bench-analytics}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target analytics_bench
"$build/analytics_bench"
