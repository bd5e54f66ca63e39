// Command line and INI configuration of wardwatch-agent.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// Where the session helpers write by default: /run/wardwatch-agent (the unit's
// RuntimeDirectory), %ProgramData%\WardWatch\sessions on Windows (session_file_<platform>.cpp;
// collectors/session_file.h).
std::string DefaultSessionDir();

struct AgentOptions {
  std::string collector_url;  // e.g. http://127.0.0.1:9477
  std::string enroll_token;
  std::string state_dir = "/var/lib/wardwatch-agent";
  unsigned interval_seconds = 60;
  bool once = false;
  bool print = false;
  Paths paths;
  std::vector<std::string> disabled_collectors;
  std::vector<std::string> enabled_collectors;  // non-default collectors to turn on
  // Software usage (collector apps; see docs/software.md).
  unsigned apps_top_n = 15;            // applications per report; the rest is "other"
  std::vector<std::string> apps_deny;  // application names folded into "other"
  std::string office_hours = "Mon-Fri 07:30-11:30,13:00-17:00";
  std::string office_utc_offset = "+07:00";  // Asia/Ho_Chi_Minh: no DST
  unsigned apps_sample_seconds = 10;         // process sweeps between reports; 0: at report only
  // Where desktop sessions' wardwatch-session helpers write the focused pid and idle time,
  // read when the agent has no display of its own (docs/software.md): /run/wardwatch-agent,
  // Windows %ProgramData%\WardWatch\sessions; empty: none.
  std::string session_dir = DefaultSessionDir();
  double connect_timeout_seconds = 5;
  double request_timeout_seconds = 30;
  std::string ca_file;
  std::string client_cert;  // PEM; for collectors started with --tls-client-ca (mTLS)
  std::string client_key;
  std::string config_file;
  // Spool (see docs/delivery.md): bounded by bytes and age; oldest records go first.
  std::uint64_t spool_max_bytes = 50ull << 20;
  double spool_max_age_seconds = 7 * 24 * 3600.0;
  double backoff_base_seconds = 1;
  double backoff_cap_seconds = 300;
  // Network quality (collectors probes, speedtest, traffic; see docs/network.md).
  std::vector<std::string> probes;  // "NAME=URL"; none: probe the collector only
  unsigned probe_count = 4;         // attempts per target per interval, at random offsets
  double probe_timeout_seconds = 5;
  std::uint64_t speedtest_bytes = 20'000'000;
  unsigned speedtest_per_day = 3;
  std::string peak_hours = "07:30-11:30,13:30-17:00";  // local time; no speed test inside
  std::vector<std::string> capture_interfaces;
  std::vector<std::string> office_subnets;
  std::vector<std::string> local_nets;  // this PC's addresses for --pcap-file; default: its own
  std::string capture_filter;
  std::string pcap_file;
  // Disk health (collector smart; see docs/hardware.md). With smartctl_fixtures set, the
  // collector reads <dir>/<disk>.json (saved `smartctl --json -a` output) and runs nothing.
  std::string smartctl = "smartctl";
  std::string smartctl_fixtures;
  unsigned smart_interval_seconds = 6 * 3600;
};

// What ParseOptions decided: run with options, or exit now (after --help / an error).
struct ParsedOptions {
  AgentOptions options;
  bool exit_now = false;
  int exit_code = 0;
};

// Parses argv and, with --config FILE, an INI file with the same keys (command line wins).
// Writes --help text or the error to `out`.
ParsedOptions ParseOptions(int argc, const char* const* argv, std::ostream& out);

}  // namespace wardwatch::agent
