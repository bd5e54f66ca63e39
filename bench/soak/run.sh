#!/bin/sh
# Soak (issue 11): the Release collector, AGENTS real wardwatch-agent processes on this machine
# (default 1: agents on one PC share its identity, so a second one would re-enroll the same machine)
# and the load generator's simulated office (LOAD_AGENTS machines, LOAD_RATE reports/s in all),
# scraped every 15 s, for SECONDS_RUN (default 3600). Every 30 s it samples, for the collector
# and each agent: RSS, open file descriptors and threads; and the SQLite database and WAL size.
# At the end: first vs last 10 minutes (ratio), maxima, fds, and "acknowledged = rows" plus
# every agent's spool empty. Memory and fds must be flat: a ratio near 1.00, fds unchanged.
# Usage: bench/soak/run.sh [BUILD_DIR]   env: SECONDS_RUN, AGENTS, LOAD_AGENTS, LOAD_RATE, OUT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
SECONDS_RUN=${SECONDS_RUN:-3600}
AGENTS=${AGENTS:-1}
LOAD_AGENTS=${LOAD_AGENTS:-200}
LOAD_RATE=${LOAD_RATE:-100}
ulimit -n 8192 2>/dev/null || true

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset release -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target wardwatch-collector wardwatch-agent wardwatch-ingest-load >/dev/null
collector_bin=$build/collector/wardwatch-collector
agent_bin=$build/agent/wardwatch-agent
load_bin=$build/bench/ingest/wardwatch-ingest-load
work=$(mktemp -d /tmp/ww-soak.XXXXXX)
out=${OUT:-$work/samples.csv}
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
mkdir -p "$work/data"
"$collector_bin" --listen 127.0.0.1:$port --data-dir "$work/data" --enroll-token soak \
    --api-token soak-api 2>"$work/collector.log" &
cpid=$!
pids="$cpid"
for _ in $(seq 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

apids=""
i=1
while [ $i -le "$AGENTS" ]; do
  mkdir -p "$work/agent$i"
  "$agent_bin" --collector "$url" --enroll-token soak --state-dir "$work/agent$i" \
      --interval 10 2>"$work/agent$i.log" &
  apids="$apids $!"
  i=$((i + 1))
done
pids="$pids $apids"

"$load_bin" --collector "$url" --enroll-token soak --agents "$LOAD_AGENTS" --rate "$LOAD_RATE" \
    --duration "$SECONDS_RUN" >"$work/load.json" &
lpid=$!
pids="$pids $lpid"
( while kill -0 "$lpid" 2>/dev/null; do
    sleep 15
    curl -s -o /dev/null --max-time 60 -H "Authorization: Bearer soak-api" "$url/metrics" || true
  done ) &
pids="$pids $!"

echo "soak: collector + $AGENTS agents + $LOAD_AGENTS simulated machines at $LOAD_RATE/s for ${SECONDS_RUN} s" >&2
echo "t,process,rss_kib,fds,threads,db_kib,wal_kib" >"$out"
sample() {  # $1 = seconds since start
  db=$(du -k "$work/data/wardwatch.db" 2>/dev/null | cut -f1)
  wal=$(du -k "$work/data/wardwatch.db-wal" 2>/dev/null | cut -f1)
  n=0
  for p in $cpid $apids; do
    name=collector
    [ "$p" = "$cpid" ] || { n=$((n + 1)); name=agent$n; }
    [ -d /proc/$p ] || { echo "$1,$name,0,0,0,${db:-0},${wal:-0}" >>"$out"; continue; }
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$p/status)
    thr=$(awk '/^Threads/ {print $2}' /proc/$p/status)
    fds=$(ls /proc/$p/fd | wc -l)
    echo "$1,$name,$rss,$fds,$thr,${db:-0},${wal:-0}" >>"$out"
  done
}
start=$(date +%s)
while kill -0 "$lpid" 2>/dev/null; do
  sample $(( $(date +%s) - start ))
  sleep 30
done
sample $(( $(date +%s) - start ))
sleep 15  # the agents' last reports
rows=$(sqlite3 "$work/data/wardwatch.db" 'SELECT count(*) FROM reports')
# The real agents' machines (this PC's hostname): reports stored, first and last sequence.
sqlite3 -separator , "$work/data/wardwatch.db" "SELECT r.machine_id, count(*), min(sequence), max(sequence) FROM reports r JOIN machines m ON m.id = r.machine_id WHERE m.hostname = '$(hostname)' GROUP BY r.machine_id" >"$work/agents.csv"
python3 - "$out" "$work/load.json" "$rows" "$work/agents.csv" "$SECONDS_RUN" "$AGENTS" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
load = json.load(open(sys.argv[2]))
stored = int(sys.argv[3])
agents = [l.split(",") for l in open(sys.argv[4]).read().split()]
span = int(sys.argv[5])
window = min(600, span // 4)
procs = sorted({r["process"] for r in rows}, key=lambda p: (p != "collector", p))
print("%-10s %22s %22s %8s %10s %12s" % ("process", "RSS first/last 10 min", "max RSS MiB", "ratio",
                                        "fds min-max", "threads"))
ok = True
for p in procs:
    rs = [r for r in rows if r["process"] == p and int(r["rss_kib"]) > 0]
    t_end = max(int(r["t"]) for r in rs)
    first = [int(r["rss_kib"]) / 1024 for r in rs if int(r["t"]) <= window + 60 and int(r["t"]) >= 60]
    last = [int(r["rss_kib"]) / 1024 for r in rs if int(r["t"]) >= t_end - window]
    f = sum(first) / len(first); l = sum(last) / len(last)
    # After the first minute (the load generator's connections open then) and before the load's
    # last second: a sample at or after its end sees its connections closing.
    fds = [int(r["fds"]) for r in rs if 60 <= int(r["t"]) < span]
    thr = [int(r["threads"]) for r in rs if 60 <= int(r["t"]) < span]
    ratio = l / f
    print("%-10s %22s %22.1f %8.2f %10s %12s" % (p, "%.1f / %.1f" % (f, l),
          max(int(r["rss_kib"]) for r in rs) / 1024, ratio, "%d-%d" % (min(fds), max(fds)),
          "%d-%d" % (min(thr), max(thr))))
    alive = len(rs) == len([r for r in rows if r["process"] == p])
    ok = ok and alive and ratio < 1.10 and max(fds) - min(fds) <= 4
wal = [int(r["wal_kib"]) / 1024 for r in rows if r["process"] == "collector"]
db = [int(r["db_kib"]) / 1024 for r in rows if r["process"] == "collector"]
print("SQLite WAL max %.1f MiB, last %.1f MiB; database %.0f -> %.0f MiB" % (max(wal), wal[-1], db[0], db[-1]))
acked = load["acknowledged"] - load["acknowledged_as_duplicate"]
print("load generator: %d acknowledged, %d non-2xx, p50/p99 %.1f/%.1f ms" % (
    acked, load["non_2xx"], load["latency_ms_p50"], load["latency_ms_p99"]))
agent_rows = sum(int(a[1]) for a in agents)
print("rows in SQLite %d = load %d + real agents %d" % (stored, acked, agent_rows))
for a in agents:
    # Nothing lost: every sequence from the first to the last is stored, once.
    complete = int(a[1]) == int(a[3]) - int(a[2]) + 1
    print("real agent %s: %s reports, sequences %s..%s, %s" % (
        a[0][:8], a[1], a[2], a[3], "none missing" if complete else "GAPS"))
    ok = ok and complete and int(a[1]) >= span // 10 - 3
ok = ok and load["non_2xx"] == 0 and stored == acked + agent_rows and len(agents) == int(sys.argv[6])
print("soak:", "flat" if ok else "NOT FLAT (see above)")
sys.exit(0 if ok else 1)
EOF
