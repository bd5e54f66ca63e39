// meminfo collector for Linux: reads /proc/meminfo.
#include "collectors/meminfo.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class MeminfoCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("meminfo"));
    if (!text) return MakeError(text.error());
    auto m = ParseMeminfo(*text);
    if (!m) return MakeError(m.error());
    report.system.meminfo = std::move(*m);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewMeminfoCollector() { return std::make_unique<MeminfoCollector>(); }

}  // namespace wardwatch::agent
