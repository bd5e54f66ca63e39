// traffic collector of the Linux agent: without --capture-interface or --pcap-file it does
// nothing and loads nothing; with one, it loads libwardwatch-pcap.so (traffic_plugin.h) at
// the first Collect and hands every Collect to the libpcap collector the plugin makes. A
// plugin that cannot be loaded fails this collector only, in every report, naming the file.
#include "collectors/traffic.h"
#include "options.h"
#include "pcap/traffic_plugin.h"
#include "plugin/plugin_linux.h"

namespace wardwatch::agent {
namespace {

class TrafficCollectorLoader : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    if (!started_) {
      started_ = true;
      const AgentOptions* o = ctx.options;
      if (o == nullptr || (o->capture_interfaces.empty() && o->pcap_file.empty())) {
        return Status::Ok();
      }
      auto api = plugin::Load<pcap::Api>(pcap::kFile, pcap::kSymbol, "traffic capture");
      if (!api) {
        load_error_ = api.error();
      } else {
        plugin_ = std::move(*api);
        inner_ = plugin_->new_collector();
      }
    }
    if (inner_) return inner_->Collect(ctx, report);
    return load_error_.empty() ? Status::Ok() : MakeError(load_error_);
  }

 private:
  bool started_ = false;
  std::string load_error_;
  std::shared_ptr<const pcap::Api> plugin_;  // declared first: outlives inner_ (its code)
  std::unique_ptr<Collector> inner_;
};

}  // namespace

std::unique_ptr<Collector> NewTrafficCollector() {
  return std::make_unique<TrafficCollectorLoader>();
}

}  // namespace wardwatch::agent
