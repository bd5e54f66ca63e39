// Startup checks of the network options.
#include "collectors/network_options.h"

#include <arpa/inet.h>

#include "collectors/probes.h"
#include "collectors/speedtest.h"
#include "fsutil.h"

namespace wardwatch::agent {

Status ValidateNetworkOptions(const AgentOptions& o) {
  auto probes = ProbeConfigFromOptions(o);
  if (!probes) return MakeError(probes.error());
  if (o.probe_count < 1 || o.probe_count > 60) {
    return MakeError("--probe-count must be between 1 and 60 per interval");
  }
  if (!(o.probe_timeout_seconds > 0 && o.probe_timeout_seconds <= 60)) {
    return MakeError("--probe-timeout must be more than 0 and at most 60 seconds");
  }
  if (auto peak = ParsePeakHours(o.peak_hours); !peak) return MakeError(peak.error());
  if (o.speedtest_bytes < 1'000'000 || o.speedtest_bytes > kMaxSpeedTestBytes) {
    return MakeError("--speedtest-bytes must be between 1000000 and " +
                     std::to_string(kMaxSpeedTestBytes));
  }
  if (o.speedtest_per_day > 24) return MakeError("--speedtest-per-day must be at most 24");
  for (const auto* list : {&o.office_subnets, &o.local_nets})
    for (const auto& cidr : *list) {
      const auto slash = cidr.find('/');
      const std::string addr = cidr.substr(0, slash);
      unsigned char buf[16];
      const bool v4 = ::inet_pton(AF_INET, addr.c_str(), buf) == 1;
      const bool v6 = !v4 && ::inet_pton(AF_INET6, addr.c_str(), buf) == 1;
      std::optional<std::uint64_t> len = slash == std::string::npos
                                             ? std::optional<std::uint64_t>(v4 ? 32 : 128)
                                             : ParseU64(std::string_view(cidr).substr(slash + 1));
      if ((!v4 && !v6) || !len || *len > (v4 ? 32u : 128u)) {
        return MakeError((list == &o.office_subnets ? "--office-subnet \"" : "--local-net \"") +
                         cidr + "\": expected a CIDR like 10.20.0.0/16");
      }
    }
  return Status::Ok();
}

}  // namespace wardwatch::agent
