// probes: active network probes — DNS lookup, TCP connect, TLS handshake and time to first
// byte per configured target, at random offsets within each interval, on a background thread
// the collector owns. Reports per target the attempts, failures and phase quantiles.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

struct ProbeSpec {
  std::string name;  // the label: [a-z0-9_-], at most 32 characters
  std::string kind;  // http (http and https URLs), tcp, dns
  std::string url;   // as configured
  std::string host;  // tcp: host to connect to; dns: server ("" = the system resolver)
  std::uint16_t port = 0;
  std::string query_name;  // dns: the name looked up
};

inline constexpr std::size_t kMaxProbeTargets = 16;

// "NAME=URL" as given to --probe. URLs: http://..., https://..., tcp://HOST:PORT,
// dns://SERVER[:PORT]/NAME (SERVER an IP address) or dns:///NAME (the system resolver).
Result<ProbeSpec> ParseProbeSpec(std::string_view name_equals_url);
Result<ProbeSpec> ParseProbeUrl(std::string name, std::string_view url);

// One probe attempt. Phases are durations in seconds, not cumulative times:
// dns, connect, tls (https only), first_byte (request sent to first response byte), total.
struct ProbeSample {
  bool ok = false;
  std::string error;  // why it failed, e.g. "connect to 127.0.0.1:1: Connection refused"
  std::map<std::string, double> phases;
};

// The A query a dns:// probe sends: `id`, recursion desired, one question for `name` (a
// trailing dot allowed). An error names the bad name (an empty or over-63-character label).
Result<std::string> BuildDnsQuery(std::uint16_t id, std::string_view name);

// What a datagram received after BuildDnsQuery(id, ...) means: std::nullopt when it is not
// the answer to that query (too short, another id, not a response: keep waiting); "" for
// NOERROR; else the rcode's name ("NXDOMAIN", "rcode 9").
std::optional<std::string> DnsAnswerError(std::uint16_t id, std::string_view datagram);

// A connected UDP socket as the platform opens it (probes_linux.cpp, probes_windows.cpp):
// all a dns:// probe's exchange needs from the system.
class DatagramSocket {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~DatagramSocket() = default;
  // Sends one datagram; the error is the system's reason ("Connection refused").
  virtual Status Send(std::string_view datagram) = 0;
  // The next datagram, or std::nullopt when none came before `deadline`; an error is the
  // system's reason (an ICMP port unreachable shows up here as "Connection refused").
  virtual Result<std::optional<std::string>> Receive(Clock::time_point deadline) = 0;
};

// Sends `query` (BuildDnsQuery(id, spec.query_name)) and waits up to `timeout_seconds` for
// its answer, skipping datagrams that are not it. OK with the dns and total phases, or the
// error prefixed by `where` ("DNS query to 127.0.0.1:53: no answer within 2 s").
ProbeSample ExchangeDnsQuery(DatagramSocket& socket, std::uint16_t id, std::string_view query,
                             const ProbeSpec& spec, const std::string& where,
                             double timeout_seconds);

struct ProbeRunOptions {
  double timeout_seconds = 5;
  std::string ca_file;  // PEM bundle for https probes; empty = the system store
};

// What a platform keeps from one probe to the next of a collector (Linux: the TLS context,
// whose trust store is then loaded once; every probe still opens its own connection). Made by
// NewProbeSession; used by one thread at a time.
class ProbeSession {
 public:
  virtual ~ProbeSession() = default;
};
std::unique_ptr<ProbeSession> NewProbeSession();

// One attempt. Without a session everything is made for this attempt alone.
ProbeSample RunProbe(const ProbeSpec& spec, const ProbeRunOptions& options,
                     ProbeSession* session = nullptr);

// Count, sum and max of all samples; p50/p95 (nearest rank) of `samples`, which may hold only
// the first of them when the buffer filled.
schema::ProbePhase SummarizePhase(std::string phase, std::vector<double> samples,
                                  std::uint64_t count, double sum, double max);

struct ProbeConfig {
  std::vector<ProbeSpec> targets;
  double interval_seconds = 60;
  unsigned per_interval = 4;
  ProbeRunOptions run;
  std::uint64_t seed = 0;  // 0: random
  // Run one attempt per target inside the first Collect (for --once), instead of only starting
  // the background thread.
  bool probe_on_first_collect = false;
};

// From --probe / --collector / --probe-count / --probe-timeout / --ca-file / --interval / --once.
// With no --probe the only target is the collector's /healthz; with neither, none.
Result<ProbeConfig> ProbeConfigFromOptions(const AgentOptions& options);

// Registered collector: reads its configuration from the options at the first Collect.
std::unique_ptr<Collector> NewProbesCollector();
// With an explicit configuration (tests).
std::unique_ptr<Collector> NewProbesCollector(ProbeConfig config);

}  // namespace wardwatch::agent
