// netstat collector for Linux: /proc/net/snmp (required), /proc/net/netstat and
// /proc/net/snmp6 (absent without IPv6 or in some containers: left out, not an error).
#include "collectors/netstat.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class NetstatCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    NetstatMap all;
    auto snmp = ReadFile(ctx.paths.Proc("net/snmp"));
    if (!snmp) return MakeError(snmp.error());
    auto parsed = ParseNetstat(*snmp, ctx.paths.Proc("net/snmp"));
    if (!parsed) return MakeError(parsed.error());
    all.merge(*parsed);
    if (auto text = ReadFile(ctx.paths.Proc("net/netstat"))) {
      auto ext = ParseNetstat(*text, ctx.paths.Proc("net/netstat"));
      if (!ext) return MakeError(ext.error());
      all.merge(*ext);
    }
    if (auto text = ReadFile(ctx.paths.Proc("net/snmp6"))) {
      auto v6 = ParseSnmp6(*text);
      if (!v6) return MakeError(v6.error());
      all.merge(*v6);
    }
    for (auto& [key, value] : all) {
      if (NetstatFieldWanted(key)) report.network.netstat[key] = value;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewNetstatCollector() { return std::make_unique<NetstatCollector>(); }

}  // namespace wardwatch::agent
