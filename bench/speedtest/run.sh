#!/usr/bin/env bash
# LAN speed test benchmark, all on 127.0.0.1: how fast the collector's /api/v1/speedtest serves
# and takes BYTES, measured by the agent's own speed test, side by side in the same run with
#   - curl downloading and uploading the same bytes from the same route (a peer HTTP client),
#   - iperf3 sending the same bytes over bare TCP (the limit of this machine's loopback),
# and the collector's peak RSS and CPU seconds over the whole run. The point: the speed test
# must measure the office's LAN, not the collector, so its rate should be far above a gigabit
# link's 125 MB/s and the collector must not hold the test's bytes in memory.
#   BYTES=100000000 RUNS=5 bench/speedtest/run.sh
# Runs alternate (agent, curl, iperf3) RUNS times; medians are reported.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
BYTES=${BYTES:-100000000}
RUNS=${RUNS:-5}
TOKEN=enroll-secret-for-the-speedtest-bench
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ww-speedtest-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v iperf3 >/dev/null || { echo "iperf3 not found (apt-get install iperf3)" >&2; exit 1; }
[ -d "$BUILD" ] || cmake --preset release -S "$ROOT" >/dev/null
cmake --build "$BUILD" --target wardwatch-collector wardwatch-agent >/dev/null
COLLECTOR=$BUILD/collector/wardwatch-collector
AGENT=$BUILD/agent/wardwatch-agent

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
"$COLLECTOR" --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" --enroll-token "$TOKEN" \
  --threads 2 >"$WORK/collector.log" 2>&1 &
CPID=$!
PIDS+=("$CPID")
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
IPORT=$(free_port)
iperf3 -s -B 127.0.0.1 -p "$IPORT" >"$WORK/iperf3-server.log" 2>&1 &
PIDS+=("$!")
sleep 0.3

# Enrol the agent (a first run without a token runs no speed test), then read its token.
AGENT_ARGS=(--collector "$URL" --enroll-token "$TOKEN" --state-dir "$WORK/agent" --peak-hours ""
  --speedtest-bytes "$BYTES" --speedtest-per-day 24 --enable-collector speedtest)
"$AGENT" "${AGENT_ARGS[@]}" --once >/dev/null 2>"$WORK/agent-enrol.log" ||
  { cat "$WORK/agent-enrol.log" >&2; exit 1; }
MTOKEN=$(cat "$WORK/agent/machine-token")
head -c "$BYTES" /dev/zero >"$WORK/upload.bin"

cpu_seconds() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }
rss_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$WORK/agent_down"; : >"$WORK/agent_up"; : >"$WORK/curl_down"; : >"$WORK/curl_up"
: >"$WORK/iperf_down"; : >"$WORK/iperf_up"
RSS_BEFORE=$(rss_mib "$CPID")
CPU_BEFORE=$(cpu_seconds "$CPID")
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $BYTES bytes each way, $RUNS runs"
for i in $(seq "$RUNS"); do
  rm -f "$WORK/agent/speedtest-runs"
  "$AGENT" "${AGENT_ARGS[@]}" --once --print 2>"$WORK/agent-$i.log" >"$WORK/agent-$i.json" ||
    { cat "$WORK/agent-$i.log" >&2; exit 1; }
  python3 - "$WORK/agent-$i.json" "$WORK" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
st = (report.get("network") or {}).get("speedtest") or report.get("speedtest")
if not st or st.get("error"):
    sys.exit(f"agent speed test failed: {st}")
open(sys.argv[2] + "/agent_down", "a").write(f"{st['download_bytes_per_second'] / 1e6}\n")
open(sys.argv[2] + "/agent_up", "a").write(f"{st['upload_bytes_per_second'] / 1e6}\n")
PYEOF
  curl -sf -o /dev/null -H "Authorization: Bearer $MTOKEN" -w '%{speed_download}\n' \
    "$URL/api/v1/speedtest?bytes=$BYTES" | awk '{ print $1 / 1e6 }' >>"$WORK/curl_down"
  curl -sf -o /dev/null -H "Authorization: Bearer $MTOKEN" -H "Expect:" \
    -H "Content-Type: application/octet-stream" --data-binary "@$WORK/upload.bin" \
    -w '%{speed_upload}\n' "$URL/api/v1/speedtest" | awk '{ print $1 / 1e6 }' >>"$WORK/curl_up"
  for dir in up down; do
    flag=""; [ "$dir" = down ] && flag=-R
    iperf3 -c 127.0.0.1 -p "$IPORT" -n "$BYTES" $flag -J >"$WORK/iperf-$dir-$i.json"
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]; print(e["sum_received"]["bits_per_second"]/8e6)' \
      "$WORK/iperf-$dir-$i.json" >>"$WORK/iperf_$dir"
  done
done
CPU_AFTER=$(cpu_seconds "$CPID")
RSS_AFTER=$(rss_mib "$CPID")

echo
echo "MB/s per run (1 MB = 10^6 bytes):"
for f in agent_down curl_down iperf_down agent_up curl_up iperf_up; do
  printf '  %-11s %s\n' "$f" "$(tr '\n' ' ' <"$WORK/$f")"
done
AD=$(median <"$WORK/agent_down"); AU=$(median <"$WORK/agent_up")
CD=$(median <"$WORK/curl_down"); CU=$(median <"$WORK/curl_up")
ID=$(median <"$WORK/iperf_down"); IU=$(median <"$WORK/iperf_up")
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
echo
printf '%-34s %12s %12s\n' "median MB/s" download upload
printf '%-34s %12s %12s\n' "wardwatch-agent speed test" "$(calc "$AD")" "$(calc "$AU")"
printf '%-34s %12s %12s\n' "curl on the same route (peer)" "$(calc "$CD")" "$(calc "$CU")"
printf '%-34s %12s %12s\n' "iperf3, bare TCP (limit)" "$(calc "$ID")" "$(calc "$IU")"
printf '%-34s %12s %12s\n' "agent / curl" "$(calc "$AD / $CD")" "$(calc "$AU / $CU")"
printf '%-34s %12s %12s\n' "agent / iperf3" "$(calc "$AD / $ID")" "$(calc "$AU / $IU")"
printf '%-34s %12s %12s\n' "agent / 1 Gb/s line (125 MB/s)" "$(calc "$AD / 125")" "$(calc "$AU / 125")"
echo
TRANSFERRED=$(awk "BEGIN { print 2 * 2 * $RUNS * $BYTES / 1e6 }")
echo "collector: peak RSS $RSS_BEFORE MiB before, $RSS_AFTER MiB after moving $TRANSFERRED MB;" \
  "$(calc "$CPU_AFTER - $CPU_BEFORE") CPU s for it ($(calc "($CPU_AFTER - $CPU_BEFORE) * 1000 / $TRANSFERRED") ms per MB)"
