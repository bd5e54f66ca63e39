// traffic collector of a build without libpcap (WARDWATCH_WITH_PCAP=OFF): configuring capture
// is an error that says so; without configuration it stays silent.
#include "collectors/traffic.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

class DisabledTrafficCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report&) override {
    if (ctx.options &&
        (!ctx.options->capture_interfaces.empty() || !ctx.options->pcap_file.empty())) {
      return MakeError(
          "traffic analysis is not in this build (built with WARDWATCH_WITH_PCAP=OFF)");
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewTrafficCollector() {
  return std::make_unique<DisabledTrafficCollector>();
}

}  // namespace wardwatch::agent
