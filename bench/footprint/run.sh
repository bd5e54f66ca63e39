#!/bin/sh
# Agent footprint beside its peers, same machine, same window (issue 11):
#   wardwatch-agent (Release, every collector but packet capture, a report every 15 s to a
#   collector on 127.0.0.1) and prometheus-node-exporter (on 127.0.0.1, scraped every 15 s),
#   plus, when installed, collectd (the same families, sent to 127.0.0.1 with its network
#   plugin) and the classic zabbix_agentd and zabbix_agent2 (passive checks on 127.0.0.1, asked
#   for 40 items of the "Linux by Zabbix agent" template every 15 s, one connection per item as
#   a Zabbix server does). Samples every second: RSS and PSS (smaps_rollup) summed over each
#   peer's process tree (zabbix_agentd runs a collector and three listeners), and the CPU time
#   used over the window (utime+stime of the tree and of its reaped children, so the agent's
#   smartctl runs count). The collector is not measured. scripts/bootstrap installs the peers.
# Usage: bench/footprint/run.sh [BUILD_DIR]   env: SECONDS_RUN (default 300); AGENT_ARGS, more
#   agent options (e.g. "--disable-collector apps" to see what the /proc sweep costs);
#   AGENT_BIN, another wardwatch-agent binary to measure (an older one copied aside) against
#   the build's collector
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
SECONDS_RUN=${SECONDS_RUN:-300}
if [ ! -f "$build/CMakeCache.txt" ]; then cmake --preset release -B "$build" >/dev/null; fi
cmake --build "$build" -j2 --target wardwatch-agent wardwatch-collector >/dev/null

work=$(mktemp -d /tmp/ww-footprint.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cport=$(port)
mkdir -p "$work/collector" "$work/agent"
"$build/collector/wardwatch-collector" --listen 127.0.0.1:$cport --data-dir "$work/collector" \
    --enroll-token bench --api-token bench-api 2>"$work/collector.log" &
collector=$!
pids="$pids $collector"
for _ in $(seq 100); do curl -fsS http://127.0.0.1:$cport/healthz >/dev/null 2>&1 && break; sleep 0.1; done

"${AGENT_BIN:-$build/agent/wardwatch-agent}" --collector http://127.0.0.1:$cport --enroll-token bench \
    --state-dir "$work/agent" --interval 15 --disable-collector traffic ${AGENT_ARGS:-} \
    2>"$work/agent.log" &
agent=$!
pids="$pids $agent"

nport=$(port)
prometheus-node-exporter --web.listen-address=127.0.0.1:$nport >"$work/node.log" 2>&1 &
node=$!
pids="$pids $node"
for _ in $(seq 100); do curl -fsS http://127.0.0.1:$nport/metrics >/dev/null 2>&1 && break; sleep 0.1; done
( while :; do curl -fsS http://127.0.0.1:$nport/metrics >/dev/null 2>&1 || true; sleep 15; done ) &
scraper=$!
pids="$pids $scraper"

collectd_pid=""
if command -v collectd >/dev/null 2>&1; then
  cat >"$work/collectd.conf" <<EOF
Interval 15
LoadPlugin cpu
LoadPlugin memory
LoadPlugin swap
LoadPlugin df
LoadPlugin interface
LoadPlugin disk
LoadPlugin load
LoadPlugin processes
LoadPlugin thermal
LoadPlugin uptime
LoadPlugin network
<Plugin network>
  Server "127.0.0.1" "$(port)"
</Plugin>
EOF
  collectd -f -C "$work/collectd.conf" >/dev/null 2>&1 &
  collectd_pid=$!
  pids="$pids $collectd_pid"
fi

# Zabbix's passive-check protocol: "ZBXD\1", a little-endian 64-bit length, the item key.
cat >"$work/zabbix_poll.py" <<'EOF'
import os, socket, struct, sys, time
port = int(sys.argv[1])
nic = next((n for n in sorted(os.listdir("/sys/class/net")) if n != "lo"), "lo")
keys = ["system.cpu.util[,%s]" % m for m in ("user", "system", "idle", "iowait", "steal")]
keys += ["system.cpu.load[all,%s]" % a for a in ("avg1", "avg5", "avg15")]
keys += ["system.cpu.num", "system.cpu.switches", "system.cpu.intr", "system.uptime",
         "system.boottime", "system.hostname", "system.uname", "system.users.num",
         "vm.memory.size[total]", "vm.memory.size[available]", "vm.memory.size[pavailable]",
         "system.swap.size[,free]", "system.swap.size[,pfree]", "proc.num[]", "proc.num[,,run]",
         "kernel.maxfiles", "kernel.maxproc", "vfs.fs.size[/,total]", "vfs.fs.size[/,used]",
         "vfs.fs.size[/,pused]", "vfs.fs.inode[/,pfree]", "vfs.dev.read[,operations]",
         "vfs.dev.write[,operations]", "vfs.dev.read[,sectors]", "vfs.dev.write[,sectors]",
         "agent.version"]
keys += ["net.if.%s[%s%s]" % (d, n, e) for n in ("lo", nic) for d in ("in", "out")
         for e in ("", ",errors")]
while True:
    for key in keys:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                k = key.encode()
                s.sendall(b"ZBXD\x01" + struct.pack("<Q", len(k)) + k)
                while s.recv(65536):
                    pass
        except OSError:
            pass
    time.sleep(15)
EOF
zport() { python3 -c 'import socket
for p in range(30000, 32767):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass'; }  # Zabbix refuses ListenPort above 32767
zabbix1_pid=""
if command -v zabbix_agentd >/dev/null 2>&1; then
  z1=$(zport)
  printf 'LogType=console\nPidFile=%s\nServer=127.0.0.1\nListenIP=127.0.0.1\nListenPort=%s\nStartAgents=3\nHostname=bench\nServerActive=\nAllowRoot=1\n' \
    "$work/zabbix_agentd.pid" "$z1" >"$work/zabbix_agentd.conf"
  zabbix_agentd -f -c "$work/zabbix_agentd.conf" >"$work/zabbix_agentd.log" 2>&1 &
  zabbix1_pid=$!
  pids="$pids $zabbix1_pid"
  sleep 1
  python3 "$work/zabbix_poll.py" "$z1" &
  pids="$pids $!"
fi
zabbix2_pid=""
if command -v zabbix_agent2 >/dev/null 2>&1; then
  z2=$(zport)
  printf 'LogType=file\nLogFile=%s\nServer=127.0.0.1\nListenIP=127.0.0.1\nListenPort=%s\nHostname=bench\nServerActive=\nControlSocket=%s\nPluginSocket=%s\n' \
    "$work/zabbix_agent2.log" "$z2" "$work/agent2.sock" "$work/agent2-plugins.sock" >"$work/zabbix_agent2.conf"
  zabbix_agent2 -c "$work/zabbix_agent2.conf" >/dev/null 2>&1 &
  zabbix2_pid=$!
  pids="$pids $zabbix2_pid"
  sleep 1
  python3 "$work/zabbix_poll.py" "$z2" &
  pids="$pids $!"
fi

sleep 20  # start-up and the first report are not the steady state
echo "measuring for ${SECONDS_RUN} s" >&2
python3 - "$SECONDS_RUN" "agent=$agent" "node_exporter=$node" ${collectd_pid:+"collectd=$collectd_pid"} \
    ${zabbix1_pid:+"zabbix_agentd=$zabbix1_pid"} ${zabbix2_pid:+"zabbix_agent2=$zabbix2_pid"} <<'EOF'
import os, sys, time
seconds = float(sys.argv[1])
procs = dict(a.split("=") for a in sys.argv[2:])
hz = os.sysconf("SC_CLK_TCK")

def tree(pid):
    """The process and its live descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir("/proc/%s/task" % p):
                todo += open("/proc/%s/task/%s/children" % (p, task)).read().split()
        except OSError:
            pass
    return out

def cpu_ticks(pid):
    total = 0
    for p in tree(pid):
        try:
            f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime stime cutime cstime: fields 14-17, here offset by the two before ")".
        total += sum(int(x) for x in f[11:15])
    return total

def mem_kib(pid):
    rss = pss = 0
    for p in tree(pid):
        try:
            for line in open("/proc/%s/smaps_rollup" % p):
                if line.startswith("Rss:"): rss += int(line.split()[1])
                if line.startswith("Pss:"): pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss

start = {n: cpu_ticks(p) for n, p in procs.items()}
t0 = time.time()
peak = {n: [0, 0] for n in procs}
sums = {n: [0, 0] for n in procs}
samples = 0
while time.time() - t0 < seconds:
    for n, p in procs.items():
        rss, pss = mem_kib(p)
        peak[n] = [max(peak[n][0], rss), max(peak[n][1], pss)]
        sums[n][0] += rss; sums[n][1] += pss
    samples += 1
    time.sleep(1)
elapsed = time.time() - t0
res = {}
for n, p in procs.items():
    cpu = (cpu_ticks(p) - start[n]) / hz / elapsed * 100
    res[n] = (sums[n][0] / samples / 1024, sums[n][1] / samples / 1024, peak[n][0] / 1024, cpu)
print("%-14s %10s %10s %10s %10s" % ("process", "RSS MiB", "PSS MiB", "peak RSS", "CPU % 1core"))
for n, (rss, pss, prss, cpu) in res.items():
    print("%-14s %10.1f %10.1f %10.1f %10.3f" % (n, rss, pss, prss, cpu))
peers = [n for n in res if n != "agent"]
light_rss = min(res[n][0] for n in peers); light_pss = min(res[n][1] for n in peers)
light_cpu = min(res[n][3] for n in peers)
a = res["agent"]
print()
if light_cpu <= 0:
    sys.exit("a peer used no CPU in the window: was it scraped? (see the scraper loop)")
print("agent / lightest peer: RSS %.2f, PSS %.2f, CPU %.2f  (goal: below 1.00 on both memory and CPU)"
      % (a[0] / light_rss, a[1] / light_pss, a[3] / light_cpu))
for n in peers:
    print("agent / %-13s RSS %.2f, PSS %.2f, CPU %.2f" % (n + ":", a[0] / res[n][0], a[1] / res[n][1],
                                                          a[3] / res[n][3] if res[n][3] > 0 else float("inf")))
print("window %.0f s, %d samples" % (elapsed, samples))
EOF
# The agent must have been delivering all along: otherwise its figures are an agent spooling.
stored=$(curl -fsS http://127.0.0.1:$cport/metrics 2>/dev/null |
  sed -n 's/^wardwatch_collector_reports_stored_total \([0-9.e+]*\)$/\1/p')
if ! kill -0 "$collector" 2>/dev/null || [ -z "$stored" ]; then
  echo "the collector is gone or did not answer: these figures are not valid" >&2
  tail -20 "$work/collector.log" >&2
  exit 1
fi
echo "reports stored by the collector during the run: $stored"
echo "agent log tail:" >&2; tail -3 "$work/agent.log" >&2
