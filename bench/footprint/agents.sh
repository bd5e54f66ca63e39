#!/bin/sh
# Memory of agent binaries side by side, 60 s after start (issue 11): each AGENT in turn
# reports every 15 s to an http:// and then to an https:// collector on 127.0.0.1 (a CA and a
# certificate made here; --ca-file), with the footprint run's collectors (all but traffic).
# Prints RSS, PSS and anonymous memory (/proc/PID/smaps_rollup), threads, and the RSS of the
# largest mappings (per file; [heap], [stack] and anonymous ones apart).
# Usage: bench/footprint/agents.sh BUILD_DIR AGENT...   env: SECONDS_AFTER (default 60),
#   MALLOC_ARENA_MAX etc. are passed through to the agents.
# BUILD_DIR gives the collector; each AGENT is a wardwatch-agent binary (an older one copied
# aside, the build's own, ...).
set -eu
build=$1
shift
SECONDS_AFTER=${SECONDS_AFTER:-60}
work=$(mktemp -d /tmp/ww-agents.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
  -out ca.pem -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
  -out server.csr -subj "/CN=bench" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
  -days 2 -extfile ext.cnf 2>/dev/null

hport=$(port)
sport=$(port)
mkdir -p c-http c-https
"$build/collector/wardwatch-collector" --listen 127.0.0.1:$hport --data-dir c-http \
  --enroll-token bench 2>c-http.log &
pids="$pids $!"
"$build/collector/wardwatch-collector" --listen 127.0.0.1:$sport --data-dir c-https \
  --enroll-token bench --tls-cert server.pem --tls-key server.key 2>c-https.log &
pids="$pids $!"
for _ in $(seq 100); do curl -fsS http://127.0.0.1:$hport/healthz >/dev/null 2>&1 && break; sleep 0.1; done

cat >summary.py <<'EOF'
import collections, os, sys
pid = sys.argv[1]
roll = {}
for line in open(f"/proc/{pid}/smaps_rollup"):
    parts = line.split()
    if len(parts) >= 3 and parts[2] == "kB":
        roll[parts[0].rstrip(":")] = int(parts[1])
threads = [l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("Threads:")][0]
per = collections.Counter()
name = None
for line in open(f"/proc/{pid}/smaps"):
    parts = line.split()
    if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
        name = os.path.basename(parts[5]) if len(parts) >= 6 else "[anon]"
    elif parts[0] == "Rss:":
        per[name] += int(parts[1])
mib = lambda kb: f"{kb / 1024:.2f}"
print(f"  RSS {mib(roll['Rss'])} MiB  PSS {mib(roll['Pss'])} MiB  anonymous "
      f"{mib(roll['Anonymous'])} MiB  threads {threads}")
print("  " + ", ".join(f"{n} {mib(kb)}" for n, kb in per.most_common(14)))
EOF

run() {  # label binary url [args]
  label=$1 bin=$2 url=$3
  shift 3
  rm -rf state
  "$bin" --collector "$url" --enroll-token bench --state-dir state --interval 15 \
    --disable-collector traffic "$@" 2>agent.log &
  a=$!
  sleep "$SECONDS_AFTER"
  if kill -0 $a 2>/dev/null; then
    echo "$label"
    python3 summary.py $a
    kill $a
    wait $a 2>/dev/null || true
  else
    echo "$label: the agent exited: $(tail -3 agent.log)"
  fi
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for bin in "$@"; do
  run "$bin, http://" "$bin" http://127.0.0.1:$hport
  run "$bin, https:// + --ca-file" "$bin" https://127.0.0.1:$sport --ca-file "$work/ca.pem"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
