// diskstats collector for Linux: reads /proc/diskstats.
#include "collectors/diskstats.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class DiskstatsCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string path = ctx.paths.Proc("diskstats");
    if (!Exists(path)) {
      MarkAbsent(report, "diskstats");
      return Status::Ok();
    }
    auto text = ReadFile(path);
    if (!text) return MakeError(text.error());
    auto stats = ParseDiskstats(*text);
    if (!stats) return MakeError(stats.error());
    HardwareOf(report).diskstats = std::move(*stats);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewDiskstatsCollector() {
  return std::make_unique<DiskstatsCollector>();
}

}  // namespace wardwatch::agent
