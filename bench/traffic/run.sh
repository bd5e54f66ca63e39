#!/usr/bin/env bash
# Traffic analysis benchmark: builds the Release bench helper, generates a capture of PACKETS
# packets (mixed TCP/UDP, IPv4/IPv6, DNS, TLS ClientHellos, VLAN), and measures in the same run
# packets/s and peak RSS of (1) wardwatch's offline pipeline, (2) `tshark -q -z conv,ip -r`,
# (3) a bare libpcap pcap_next_ex loop (the ceiling). Prints the ratios against the goals
# (>= 10x tshark, >= 0.5x bare read).
#   PACKETS=1000000 RUNS=5 TSHARK_RUNS=1 bench/traffic/run.sh
# Needs tshark (scripts/bootstrap installs it); pipeline and bare read run alternately RUNS
# times and the medians are reported, since the machine may be shared.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/bench-traffic}
PACKETS=${PACKETS:-1000000}
RUNS=${RUNS:-5}
TSHARK_RUNS=${TSHARK_RUNS:-1}
WORKROOT=/dev/shm
[ -w "$WORKROOT" ] || WORKROOT=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$WORKROOT/ww-traffic-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FILE=$WORK/bench.pcap

command -v tshark >/dev/null || { echo "tshark not found (apt-get install tshark)" >&2; exit 1; }
cmake -S "$ROOT/bench/traffic" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target traffic_bench >/dev/null
BENCH=$BUILD/traffic_bench

echo "generating $PACKETS packets into $FILE ..."
"$BENCH" generate "$FILE" "$PACKETS"
echo "capture: $(du -h "$FILE" | cut -f1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$FILE" >/dev/null  # page cache warm for everyone

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$WORK/bare" ; : >"$WORK/pipe"; : >"$WORK/bare_rss"; : >"$WORK/pipe_rss"
for _ in $(seq "$RUNS"); do
  # Alternate the two so that load from other processes hits both alike.
  out=$("$BENCH" bare "$FILE" 2>/dev/null)
  echo "$out" | tee -a "$WORK/raw" | field cpu_pps >>"$WORK/bare"; echo "$out" | field peak_rss_kb >>"$WORK/bare_rss"
  out=$("$BENCH" pipeline "$FILE" 2>"$WORK/pipe_detail")
  echo "$out" | tee -a "$WORK/raw" | field cpu_pps >>"$WORK/pipe"; echo "$out" | field peak_rss_kb >>"$WORK/pipe_rss"
done
: >"$WORK/tshark"; : >"$WORK/tshark_rss"
for _ in $(seq "$TSHARK_RUNS"); do
  out=$("$BENCH" run "$WORK/tshark_out" "$PACKETS" -- tshark -q -z conv,ip -r "$FILE")
  echo "$out" | tee -a "$WORK/raw" | field cpu_pps >>"$WORK/tshark"; echo "$out" | field peak_rss_kb >>"$WORK/tshark_rss"
done
grep -q "IPv4 Conversations" "$WORK/tshark_out" || { echo "tshark produced no conversation table" >&2; exit 1; }

BARE=$(median <"$WORK/bare"); PIPE=$(median <"$WORK/pipe"); TSHARK=$(median <"$WORK/tshark")
BARE_RSS=$(median <"$WORK/bare_rss"); PIPE_RSS=$(median <"$WORK/pipe_rss"); TSHARK_RSS=$(median <"$WORK/tshark_rss")
echo
echo "raw runs (bare = pcap_next_ex loop, peer = tshark):"
sed 's/^/  /' "$WORK/raw"
echo "pipeline result: $(cat "$WORK/pipe_detail")"
echo
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
echo "packets/s below are per CPU-second (user + system) of each reader, medians of the runs;"
echo "wall-clock rates are in the raw lines above (noisy when other jobs share the cores)."
printf '%-32s %14s %14s %6s\n' "reader ($PACKETS packets)" "packets/s" "peak RSS MiB" "runs"
printf '%-32s %14.0f %14.1f %6s\n' "wardwatch offline pipeline" "$PIPE" "$(calc "$PIPE_RSS/1024")" "$RUNS"
printf '%-32s %14.0f %14.1f %6s\n' "tshark -q -z conv,ip" "$TSHARK" "$(calc "$TSHARK_RSS/1024")" "$TSHARK_RUNS"
printf '%-32s %14.0f %14.1f %6s\n' "bare libpcap pcap_next_ex" "$BARE" "$(calc "$BARE_RSS/1024")" "$RUNS"
echo
VS_TSHARK=$(calc "$PIPE / $TSHARK"); VS_BARE=$(calc "$PIPE / $BARE")
verdict() { awk "BEGIN { print ($1 >= $2) ? \"met\" : \"NOT MET\" }"; }
printf 'pipeline / tshark    = %6.1fx   (goal >= 10x)   %s\n' "$VS_TSHARK" "$(verdict "$VS_TSHARK" 10)"
printf 'pipeline / bare read = %6.2fx   (goal >= 0.5x)  %s\n' "$VS_BARE" "$(verdict "$VS_BARE" 0.5)"
