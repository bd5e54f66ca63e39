#!/bin/sh
# Upgrade-justification report generation time (issue 9): a real collector on a free loopback
# port is filled by wardwatch-simulate, stopped, and `wardwatch-collector report` is timed for
# pdf/html/csv x vi/en: wall and CPU time of the subcommand (/usr/bin/time) and its own split
# between loading + analysis and drawing.
#
#   bench/report/run.sh                                  # MACHINES=60 DAYS=28 STEP=30
#   MACHINES=1000 DAYS=2 STEP=30 bench/report/run.sh
#   DATA=/tmp/ww-report-60 bench/report/run.sh           # reuse (or keep) a filled data folder
#
# BUILD (default build/dev) holds the binaries; nothing is built here. REPEAT (default 3) runs
# per format/language; the run with the median wall time is printed.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/dev}
MACHINES=${MACHINES:-60}
DAYS=${DAYS:-28}
STEP=${STEP:-30}
SEED=${SEED:-7}
REPEAT=${REPEAT:-3}
COLLECTOR=$BUILD/collector/wardwatch-collector
SIM=$BUILD/simulate/wardwatch-simulate
[ -x "$COLLECTOR" ] && [ -x "$SIM" ] || { echo "build $COLLECTOR and $SIM first" >&2; exit 1; }
DATA=${DATA:-$(mktemp -d /tmp/ww-report-bench-XXXXXX)}
OUT=$(mktemp -d /tmp/ww-report-out-XXXXXX)
mkdir -p "$DATA"

if [ ! -f "$DATA/wardwatch.db" ]; then
  "$SIM" --dry-run --machines 1 --days 1 --seed "$SEED" --site-config "$DATA/site.json" >/dev/null
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$COLLECTOR" --listen 127.0.0.1:$PORT --data-dir "$DATA" --enroll-token bench-enroll \
      --api-token bench-api >"$DATA/collector.log" 2>&1 &
  CPID=$!
  trap 'kill $CPID 2>/dev/null || true' EXIT
  i=0
  until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "collector did not start" >&2; exit 1; }; sleep 0.1
  done
  t0=$(date +%s)
  "$SIM" --collector "http://127.0.0.1:$PORT" --enroll-token bench-enroll --machines "$MACHINES" \
      --days "$DAYS" --step-minutes "$STEP" --seed "$SEED" --concurrency 4 --gzip \
      --truth "$DATA/truth.json" >/dev/null
  t1=$(date +%s)
  echo "backfill: $MACHINES machines x $DAYS days, one report per $STEP min: $((t1 - t0)) s"
  kill $CPID; wait $CPID || true
  trap - EXIT
else
  echo "reusing $DATA"
fi
echo "data: $DATA ($(du -sh "$DATA" | cut -f1)); binaries: $BUILD ($(grep -m1 CMAKE_BUILD_TYPE: $BUILD/CMakeCache.txt | cut -d= -f2))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Per run: wall, user, sys (from time) and the subcommand's own split (load+analysis, render).
printf '%-4s %-4s %8s %8s %8s %10s %8s %10s %6s\n' lang fmt wall_s user_s sys_s analysis_s render_s bytes pages
for lang in vi en; do
  for fmt in pdf html csv; do
    : >"$OUT/runs"
    r=0
    while [ $r -lt "$REPEAT" ]; do
      /usr/bin/time -f '%e %U %S' -o "$OUT/time" \
        "$COLLECTOR" report --data-dir "$DATA" --format $fmt --lang $lang -o "$OUT/report-$lang.$fmt" \
        2>"$OUT/log"
      split=$(sed -n 's/.*load+analysis \([0-9.]*\) s, render \([0-9.]*\) s.*/\1 \2/p' "$OUT/log")
      echo "$(cat "$OUT/time") ${split:-? ?}" >>"$OUT/runs"
      r=$((r + 1))
    done
    pages=-
    [ $fmt = pdf ] && command -v pdfinfo >/dev/null &&
      pages=$(pdfinfo "$OUT/report-$lang.$fmt" | awk '/^Pages:/ { print $2 }')
    sort -n "$OUT/runs" | awk -v n="$REPEAT" -v l=$lang -v f=$fmt -v p="$pages" \
      -v b="$(stat -c %s "$OUT/report-$lang.$fmt")" \
      'NR == int((n + 1) / 2) { printf "%-4s %-4s %8s %8s %8s %10.2f %8.2f %10s %6s\n", l, f, $1, $2, $3, $4, $5, b, p }'
  done
done
echo "reports in $OUT"
