#!/usr/bin/env bash
# Builds the Windows agent (preset "windows", mingw-w64) and runs its tests under Wine:
# windows_agent_test.exe and the end-to-end run against a Linux collector on 127.0.0.1.
#   tests/windows/run_under_wine.sh                 # Linux collector from build/dev
#   LINUX_COLLECTOR=build/ci/collector/wardwatch-collector tests/windows/run_under_wine.sh
# Exits 0 without doing anything when the cross compiler or Wine is not installed
# (WARDWATCH_WINDOWS=1 scripts/bootstrap installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS=${JOBS:-2}
if ! command -v x86_64-w64-mingw32-g++-posix >/dev/null || ! command -v wine >/dev/null; then
  echo "run_under_wine: mingw-w64 or wine not installed; skipped (WARDWATCH_WINDOWS=1 scripts/bootstrap)"
  exit 0
fi
export WINEPREFIX=$PWD/build/windows/wineprefix WINEDEBUG=-all
scripts/build-windows-deps
cmake --preset windows -DWARDWATCH_LINUX_COLLECTOR="$(realpath -m "${LINUX_COLLECTOR:-build/dev/collector/wardwatch-collector}")" >/dev/null
cmake --build --preset windows -j "$JOBS"
if [ ! -d "$WINEPREFIX" ]; then
  echo "run_under_wine: creating the Wine prefix (once, about a minute)"
  wineboot -i >/dev/null 2>&1 || true
fi
ls -l build/windows/agent/wardwatch-agent.exe
ctest --preset windows "$@"
