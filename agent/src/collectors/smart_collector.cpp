// The smart collector's schedule and verdicts, shared by the platforms: which disks to read
// now, the last result kept in between, absent and needs-privilege. The read itself is the
// platform's SmartReader (smart_linux.cpp, smart_windows.cpp).
#include <algorithm>
#include <chrono>
#include <map>

#include "collectors/hardware_common.h"
#include "collectors/smart.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

// A disk in standby is asked again after this long, not after the full interval.
constexpr std::chrono::minutes kStandbyRetry{15};

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

class SmartCollector : public Collector {
 public:
  explicit SmartCollector(SmartReader read) : read_(std::move(read)) {}

  Status Collect(const CollectContext& ctx, Report& report) override {
    AgentOptions defaults;
    const AgentOptions& o = ctx.options != nullptr ? *ctx.options : defaults;
    auto& hw = HardwareOf(report);
    if (hw.disks.empty()) {
      MarkAbsent(report, "smart");
      return Status::Ok();
    }
    const auto interval = std::chrono::seconds(o.smart_interval_seconds);
    bool any_data = false, denied = false;
    std::string first_error;
    for (schema::Disk& disk : hw.disks) {
      Cached& c = cache_[disk.name];
      const auto now = std::chrono::steady_clock::now();
      const bool asleep = c.error.empty() && c.result.standby;
      const bool fresh =
          c.tried && now - c.at < (asleep ? std::min<std::chrono::steady_clock::duration>(
                                                interval, kStandbyRetry)
                                          : interval);
      if (!fresh) {
        auto r = read_(o, disk.name);
        // A failed read waits for the next interval too: smartctl timing out on a dying disk
        // must not run again every report.
        c.at = now;
        c.tried = true;
        if (!r) {
          c.error = r.error();
        } else {
          c.error.clear();
          // Asleep: keep the last good reading, if any, and ask again later.
          if (!(r->standby && c.valid && c.result.unavailable.empty())) {
            c.result = std::move(*r);
            c.collected_at_ms = NowMs();
          } else {
            c.result.standby = true;
          }
          c.valid = true;
        }
      }
      if (!c.error.empty()) {
        // A failed read is this collector's failure, but other disks still count.
        if (first_error.empty()) first_error = c.error;
        disk.smart_unavailable = c.error;
        continue;
      }
      MergeSmart(c.result, c.collected_at_ms, disk);
      if (disk.smart_unavailable.empty()) any_data = true;
      if (c.result.permission_denied) denied = true;
    }
    if (denied) MarkNeedsPrivilege(report, "smart");
    if (!any_data && !denied) MarkAbsent(report, "smart");
    if (!first_error.empty()) return MakeError(first_error);
    return Status::Ok();
  }

 private:
  struct Cached {
    bool tried = false;  // read at least once; `at` is the last read
    bool valid = false;  // `result` holds a reading
    std::string error;   // the last read failed (kept until the next read)
    std::chrono::steady_clock::time_point at;
    std::uint64_t collected_at_ms = 0;
    SmartResult result;
  };

  SmartReader read_;
  std::map<std::string, Cached> cache_;
};

}  // namespace

std::unique_ptr<Collector> NewSmartCollectorWith(SmartReader read) {
  return std::make_unique<SmartCollector>(std::move(read));
}

}  // namespace wardwatch::agent
