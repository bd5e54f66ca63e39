#!/bin/sh
# Collector ingest under load, on loopback (issue 11): builds the Release collector and the load
# generator, then runs, each against a fresh collector and data folder:
#   max     closed loop, AGENTS_MAX connections for MAX_SECONDS: the most reports/s it takes;
#   steady  open loop, 1,000 agents x 1 report/s for STEADY_SECONDS (default 600): non-2xx,
#           latency p50/p99 from the scheduled send time, RSS and WAL size first vs last quarter;
#   burst   closed loop, 400 agents against a write queue of 50: 503 + Retry-After, retries,
#           and "acknowledged = rows in SQLite" (nothing acknowledged is lost).
# Prints one table; each figure is a ratio against the goal in issue 11 measured in the same run.
# Usage: bench/ingest/run.sh [BUILD_DIR]   env: STEADY_SECONDS, MAX_SECONDS, AGENTS_MAX,
#        RUNS (default "max steady burst"; e.g. RUNS=steady for the long run alone),
#        PEER=no skips the scrape comparison with prometheus-pushgateway after the steady run,
#        KEEP_WORK=yes keeps the data folders and collector logs,
#        COLLECTOR_ENV="VAR=value ..." runs the collector with extra environment (A/B runs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
STEADY_SECONDS=${STEADY_SECONDS:-600}
ulimit -n 8192 2>/dev/null || true  # 1,000 keep-alive connections on each side
MAX_SECONDS=${MAX_SECONDS:-20}
AGENTS_MAX=${AGENTS_MAX:-64}
RUNS=${RUNS:-max steady burst}
wants() { case " $RUNS " in *" $1 "*) return 0 ;; esac; return 1; }

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset release -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target wardwatch-collector wardwatch-ingest-load >/dev/null
collector_bin=$build/collector/wardwatch-collector
load_bin=$build/bench/ingest/wardwatch-ingest-load
work=$(mktemp -d /tmp/ww-ingest-bench.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null
  if [ "${KEEP_WORK:-no}" = no ]; then rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_collector() {  # $1 = run name, then extra collector flags
  name=$1; shift
  data=$work/$name; mkdir -p "$data"
  p=$(port)
  env ${COLLECTOR_ENV:-} "$collector_bin" --listen 127.0.0.1:$p --data-dir "$data" --enroll-token bench \
      --api-token bench-api "$@" 2>"$data/collector.log" &
  pid=$!
  url=http://127.0.0.1:$p
  for _ in $(seq 100); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "collector did not start: $(tail -5 "$data/collector.log")" >&2
  exit 1
}

run_load() {  # $1 = run name, then generator flags; result JSON in $work/$1.json; KEEP=yes
             # leaves the collector running
  name=$1; shift
  "$load_bin" --collector "$url" --enroll-token bench --collector-pid "$pid" \
      --data-dir "$data" "$@" >"$work/$name.json"
  rows=$(sqlite3 "$data/wardwatch.db" 'SELECT count(*) FROM reports')
  python3 - "$work/$name.json" "$rows" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); r["rows_in_sqlite"] = int(sys.argv[2])
json.dump(r, open(sys.argv[1], "w"))
EOF
  if [ "${KEEP:-no}" = no ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; fi
}

if wants max; then
echo "max: closed loop, $AGENTS_MAX connections, ${MAX_SECONDS} s" >&2
start_collector max
run_load max --agents "$AGENTS_MAX" --rate 0 --duration "$MAX_SECONDS" --warmup 2
fi

if wants steady; then
echo "steady: 1,000 agents x 1 report/s, ${STEADY_SECONDS} s" >&2
start_collector steady
KEEP=yes
# Scraped every 15 s while it ingests, as a Prometheus server would.
( while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    curl -s -o /dev/null -w '%{time_total}\n' --max-time 60 "$url/metrics" >>"$work/steady-scrapes.txt" || true
  done ) &
scraper=$!
run_load steady --agents 1000 --rate 1000 --duration "$STEADY_SECONDS" --warmup 10
kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null || true
python3 - "$work" <<'EOF'
import json, os, statistics, sys
w = sys.argv[1]
t = [float(x) for x in open(os.path.join(w, "steady-scrapes.txt")).read().split()] or [0.0]
r = json.load(open(os.path.join(w, "steady.json")))
r["scrapes_during_load"] = {"count": len(t), "median_seconds": statistics.median(t),
                            "max_seconds": max(t)}
json.dump(r, open(os.path.join(w, "steady.json"), "w"))
EOF
KEEP=no
echo "scrape: the collector's 1,000 machines, then the same series pushed to prometheus-pushgateway" >&2
if [ "${PEER:-yes}" = no ]; then
  echo '{}' >"$work/scrape.json"
elif command -v prometheus-pushgateway >/dev/null 2>&1; then
  python3 "$here/pushgateway_peer.py" "$url" "$pid" >"$work/scrape.json"
else
  echo '{}' >"$work/scrape.json"
fi
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
fi

if wants burst; then
echo "burst: 400 agents, closed loop, write queue of 50, 20 s" >&2
start_collector burst --ingest-queue 50
run_load burst --agents 400 --rate 0 --duration 20
fi

python3 - "$work" <<'EOF'
import json, os, sys
w = sys.argv[1]
def load(n):
    f = os.path.join(w, n + ".json")
    return json.load(open(f)) if os.path.exists(f) else {}
m, s, b, sc = (load(n) for n in ("max", "steady", "burst", "scrape"))
def row(what, value, goal, ratio, ok):
    print("%-52s %14s %12s %8s  %s" % (what, value, goal, ratio, "ok" if ok else "MISSED"))
print("%-52s %14s %12s %8s" % ("figure", "measured", "goal", "ratio"))
if m:
    r = m["acknowledged_per_second"]
    row("max ingest, reports/s (closed loop, %d conn)" % m["agents"], "%.0f" % r, ">= 2000",
        "%.2f" % (r / 2000), r >= 2000)
    row("max ingest p99 latency, ms", "%.1f" % m["latency_ms_p99"], "< 50",
        "%.2f" % (m["latency_ms_p99"] / 50), m["latency_ms_p99"] < 50)
if s:
    row("steady 1,000 agents: reports/s", "%.0f" % s["acknowledged_per_second"], "1000",
        "%.2f" % (s["acknowledged_per_second"] / 1000), s["acknowledged_per_second"] > 950)
    row("steady: non-2xx answers", s["non_2xx"], "0", "-", s["non_2xx"] == 0)
    row("steady: latency p50 / p99, ms", "%.1f / %.1f" % (s["latency_ms_p50"], s["latency_ms_p99"]),
        "p99 < 50", "%.2f" % (s["latency_ms_p99"] / 50), s["latency_ms_p99"] < 50)
    pm = s.get("latency_ms_p99_by_minute", [])
    if pm:
        # Not a goal of its own: a worst minute far above the median points at a stall (the
        # raw JSON has the worst latency of every second to find when).
        row("steady: p99 of each minute, first / median / worst, ms",
            "%.0f / %.0f / %.0f" % (pm[0], sorted(pm)[len(pm) // 2], max(pm)), "-", "-", True)
    rss = s["collector_rss_mib"]
    # Flat after the first quarter (enrolment and the first report of every machine fill it).
    growth = rss["last_quarter_avg"] / rss["second_quarter_avg"]
    row("steady: collector RSS 1st/2nd/last quarter, max, MiB",
        "%.0f/%.0f/%.0f, %.0f" % (rss["first_quarter_avg"], rss["second_quarter_avg"],
                                  rss["last_quarter_avg"], rss["max"]), "flat, < 150",
        "%.2f" % growth, growth < 1.1 and rss["max"] < 150)
    sl = s["scrapes_during_load"]
    row("steady: scrape every 15 s, median / max, s",
        "%.2f / %.2f" % (sl["median_seconds"], sl["max_seconds"]), "-", "-", sl["max_seconds"] < 10)
    wal = s["wal_mib"]
    row("steady: SQLite WAL max / last quarter, MiB", "%.1f / %.1f" % (wal["max"], wal["last_quarter_avg"]),
        "bounded", "-", wal["max"] < 64)
    row("steady: acknowledged = rows in SQLite",
        "%d / %d" % (s["acknowledged"] - s["acknowledged_as_duplicate"], s["rows_in_sqlite"]), "equal",
        "-", s["acknowledged"] - s["acknowledged_as_duplicate"] == s["rows_in_sqlite"])
if b:
    shed = b["status"].get("503", 0) + b["status"].get("429", 0)
    row("burst: shed answers (503/429), without Retry-After", "%d, %d" % (shed, b["429_503_without_retry_after"]),
        "> 0, 0", "-", shed > 0 and b["429_503_without_retry_after"] == 0)
    row("burst: acknowledged = rows in SQLite",
        "%d / %d" % (b["acknowledged"] - b["acknowledged_as_duplicate"], b["rows_in_sqlite"]), "equal",
        "-", b["acknowledged"] - b["acknowledged_as_duplicate"] == b["rows_in_sqlite"])
if sc:
    c, p = sc["collector"], sc.get("pushgateway", {})
    row("scrape of %d machines (%d samples), s" % (sc["machines"], c["samples"]),
        "%.3f" % c["scrape_seconds_median"], "<= 0.25", "%.2f" % (c["scrape_seconds_median"] / 0.25),
        c["scrape_seconds_median"] <= 0.25)
    row("collector RSS after the steady run, MiB", "%.0f" % c["rss_mib"], "< 150",
        "%.2f" % (c["rss_mib"] / 150), c["rss_mib"] < 150)
    if p:
        row("pushgateway: machines taken in %.0f s, pushes/s" % p["push_deadline_seconds"],
            "%d/%d, %.1f" % (p["pushes"], p["machines_offered"], p["pushes_per_second"]), "peer",
            "-", p["push_errors"] == 0)
        row("pushgateway scrape (%d machines), s / collector" % p["pushes"],
            "%.3f" % p["scrape_seconds_median"], "peer",
            "%.1fx" % (p["scrape_seconds_median"] / c["scrape_seconds_median"]), True)
        row("pushgateway RSS, MiB / collector RSS", "%.0f" % p["rss_mib"], "peer",
            "%.1fx" % (p["rss_mib"] / c["rss_mib"]), True)
print()
print("raw results:", w, "(removed on exit unless KEEP_WORK=yes)")
for n, r in (("max", m), ("steady", s), ("burst", b), ("scrape", sc)):
    print(n, json.dumps(r, sort_keys=True))
EOF
