// routes collector for Linux: default gateways from /proc/net/route and /proc/net/ipv6_route,
// resolvers from <rootfs>/etc/resolv.conf. With systemd-resolved the file names only the local
// stub 127.0.0.53; the upstream servers are then read from /run/systemd/resolve/resolv.conf.
#include "collectors/routes.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class RoutesCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto& net = report.network;
    auto v4 = ReadFile(ctx.paths.Proc("net/route"));
    if (!v4) return MakeError(v4.error());
    auto gw4 = ParseIpv4DefaultGateways(*v4);
    if (!gw4) return MakeError(gw4.error());
    net.default_gateways = std::move(*gw4);
    if (auto v6 = ReadFile(ctx.paths.Proc("net/ipv6_route"))) {  // absent without IPv6
      auto gw6 = ParseIpv6DefaultGateways(*v6);
      if (!gw6) return MakeError(gw6.error());
      net.default_gateways.insert(net.default_gateways.end(), gw6->begin(), gw6->end());
    }
    // No resolv.conf (a PC without DNS configured) is a finding, not a collector failure.
    if (auto conf = ReadFile(ctx.paths.Root("etc/resolv.conf"), 256 << 10)) {
      net.dns_servers = ParseResolvConf(*conf);
      if (net.dns_servers.size() == 1 && net.dns_servers[0] == "127.0.0.53") {
        if (auto up = ReadFile(ctx.paths.Root("run/systemd/resolve/resolv.conf"), 256 << 10)) {
          for (auto& s : ParseResolvConf(*up)) net.dns_servers.push_back(std::move(s));
        }
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewRoutesCollector() { return std::make_unique<RoutesCollector>(); }

}  // namespace wardwatch::agent
