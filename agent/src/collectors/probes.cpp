// Probe target parsing and the per-interval summary of probe timings.
#include "collectors/probes.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "fsutil.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

bool ValidName(std::string_view n) {
  if (n.empty() || n.size() > 32) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// "HOST:PORT", "[V6]:PORT", or HOST alone when the port is optional (default_port != 0).
Result<std::pair<std::string, std::uint16_t>> SplitHostPort(std::string_view s,
                                                            std::uint16_t default_port) {
  std::string host;
  std::string_view port;
  if (s.starts_with("[")) {
    const auto close = s.find(']');
    if (close == std::string_view::npos)
      return MakeError("missing ']' in \"" + std::string(s) + "\"");
    host = std::string(s.substr(1, close - 1));
    std::string_view rest = s.substr(close + 1);
    if (rest.starts_with(":"))
      port = rest.substr(1);
    else if (!rest.empty())
      return MakeError("unexpected text after ']' in \"" + std::string(s) + "\"");
  } else {
    const auto colon = s.rfind(':');
    if (colon != std::string_view::npos && s.find(':') == colon) {
      host = std::string(s.substr(0, colon));
      port = s.substr(colon + 1);
    } else {
      host = std::string(s);
    }
  }
  std::uint16_t p = default_port;
  if (!port.empty()) {
    auto v = ParseU64(port);
    if (!v || *v == 0 || *v > 65535) return MakeError("bad port \"" + std::string(port) + "\"");
    p = static_cast<std::uint16_t>(*v);
  }
  if (p == 0) return MakeError("\"" + std::string(s) + "\" needs a port (HOST:PORT)");
  return std::make_pair(host, p);
}

bool IsIpLiteral(const std::string& h) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, h.c_str(), buf) == 1 || ::inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

}  // namespace

Result<ProbeSpec> ParseProbeUrl(std::string name, std::string_view url) {
  ProbeSpec spec;
  spec.name = std::move(name);
  spec.url = std::string(url);
  auto fail = [&](const std::string& why) {
    return MakeError("probe " + spec.name + " (" + spec.url + "): " + why);
  };
  if (!ValidName(spec.name)) {
    return MakeError("probe name \"" + spec.name +
                     "\" must be 1-32 characters of a-z, 0-9, '_' or '-'");
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return fail("expected a URL: http://, https://, tcp:// or dns://");
  }
  const std::string_view scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);
  if (scheme == "http" || scheme == "https") {
    spec.kind = "http";
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.empty()) return fail("no host");
    auto hp = SplitHostPort(authority, scheme == "https" ? 443 : 80);
    if (!hp) return fail(hp.error());
    spec.host = hp->first;
    spec.port = hp->second;
  } else if (scheme == "tcp") {
    spec.kind = "tcp";
    if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
    auto hp = SplitHostPort(rest, 0);
    if (!hp) return fail(hp.error());
    if (hp->first.empty()) return fail("no host");
    spec.host = hp->first;
    spec.port = hp->second;
  } else if (scheme == "dns") {
    spec.kind = "dns";
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash + 1 >= rest.size()) {
      return fail("expected dns://SERVER/NAME or dns:///NAME");
    }
    spec.query_name = std::string(rest.substr(slash + 1));
    if (spec.query_name.size() > 253) return fail("name longer than 253 characters");
    const std::string_view server = rest.substr(0, slash);
    if (!server.empty()) {
      auto hp = SplitHostPort(server, 53);
      if (!hp) return fail(hp.error());
      if (!IsIpLiteral(hp->first)) return fail("the DNS server must be an IP address");
      spec.host = hp->first;
      spec.port = hp->second;
    }
  } else {
    return fail("unknown scheme \"" + std::string(scheme) + "\" (http, https, tcp, dns)");
  }
  return spec;
}

Result<std::string> BuildDnsQuery(std::uint16_t id, std::string_view name) {
  std::string q;
  q += static_cast<char>(id >> 8);
  q += static_cast<char>(id & 0xff);
  q += std::string("\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);  // RD, one question
  const std::string full(name);
  if (name.ends_with(".")) name.remove_suffix(1);
  if (name.empty()) return MakeError("bad name " + full);
  while (!name.empty()) {
    const auto dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) return MakeError("bad name " + full);
    q += static_cast<char>(label.size());
    q += label;
    name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    if (dot != std::string_view::npos && name.empty()) return MakeError("bad name " + full);
  }
  q += std::string("\x00\x00\x01\x00\x01", 5);  // root, type A, class IN
  return q;
}

std::optional<std::string> DnsAnswerError(std::uint16_t id, std::string_view d) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(d[i]); };
  if (d.size() < 12 || byte(0) != (id >> 8) || byte(1) != (id & 0xff) || !(byte(2) & 0x80)) {
    return std::nullopt;
  }
  static const char* const kRcodes[] = {"", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  const int rcode = byte(3) & 0x0f;
  return rcode < 6 ? std::string(kRcodes[rcode]) : "rcode " + std::to_string(rcode);
}

ProbeSample ExchangeDnsQuery(DatagramSocket& socket, std::uint16_t id, std::string_view query,
                             const ProbeSpec& spec, const std::string& where,
                             double timeout_seconds) {
  using Clock = DatagramSocket::Clock;
  ProbeSample s;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(timeout_seconds));
  if (auto sent = socket.Send(query); !sent) {
    s.error = where + ": " + sent.error();
    return s;
  }
  for (;;) {
    auto got = socket.Receive(deadline);
    if (!got) {
      s.error = where + ": " + got.error();
      return s;
    }
    if (!*got) {
      std::ostringstream seconds;
      seconds << timeout_seconds;
      s.error = where + ": no answer within " + seconds.str() + " s";
      return s;
    }
    auto verdict = DnsAnswerError(id, **got);
    if (!verdict) continue;  // not our answer
    if (!verdict->empty()) {
      s.error = where + " for " + spec.query_name + ": answered " + *verdict;
      return s;
    }
    break;
  }
  s.ok = true;
  s.phases["dns"] = std::chrono::duration<double>(Clock::now() - start).count();
  s.phases["total"] = s.phases["dns"];
  return s;
}

Result<ProbeSpec> ParseProbeSpec(std::string_view name_equals_url) {
  const auto eq = name_equals_url.find('=');
  if (eq == std::string_view::npos) {
    return MakeError("--probe \"" + std::string(name_equals_url) + "\": expected NAME=URL");
  }
  return ParseProbeUrl(std::string(Trim(name_equals_url.substr(0, eq))),
                       Trim(name_equals_url.substr(eq + 1)));
}

schema::ProbePhase SummarizePhase(std::string phase, std::vector<double> samples,
                                  std::uint64_t count, double sum, double max) {
  schema::ProbePhase p;
  p.phase = std::move(phase);
  p.count = count;
  p.sum = sum;
  p.max = max;
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  auto rank = [&](double q) {
    // Nearest rank: the smallest sample with at least q of the samples at or below it.
    auto idx = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(idx, 1, samples.size()) - 1];
  };
  p.p50 = rank(0.50);
  p.p95 = rank(0.95);
  return p;
}

Result<ProbeConfig> ProbeConfigFromOptions(const AgentOptions& o) {
  ProbeConfig c;
  c.interval_seconds = o.interval_seconds;
  c.per_interval = o.probe_count;
  c.run.timeout_seconds = o.probe_timeout_seconds;
  c.run.ca_file = o.ca_file;
  c.probe_on_first_collect = o.once;
  for (const auto& p : o.probes) {
    auto spec = ParseProbeSpec(p);
    if (!spec) return MakeError(spec.error());
    for (const auto& t : c.targets) {
      if (t.name == spec->name) return MakeError("probe name \"" + t.name + "\" used twice");
    }
    c.targets.push_back(std::move(*spec));
  }
  if (c.targets.size() > kMaxProbeTargets) {
    return MakeError("at most " + std::to_string(kMaxProbeTargets) + " --probe targets");
  }
  if (o.probes.empty() && !o.collector_url.empty()) {
    std::string url = o.collector_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    auto spec = ParseProbeUrl("collector", url + "/healthz");
    if (!spec) return MakeError(spec.error());
    c.targets.push_back(std::move(*spec));
  }
  return c;
}

}  // namespace wardwatch::agent
