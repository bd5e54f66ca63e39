// os collector for Linux: /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname,arch}
// (the same facts as uname(2), but under --path.procfs so fixtures can supply them),
// /etc/os-release (or /usr/lib/os-release) and the boot time from /proc/stat.
#include <sys/utsname.h>

#include "collectors/cpu.h"
#include "collectors/os.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class OsCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    schema::OsInfo os;
    struct utsname u {};
    const bool have_uname = ::uname(&u) == 0;
    auto kernel = [&](const char* file, const char* fallback) -> std::string {
      if (auto v = ReadTrimmed(ctx.paths.Proc(std::string("sys/kernel/") + file))) return *v;
      return have_uname ? fallback : "";
    };
    os.sysname = kernel("ostype", u.sysname);
    os.release = kernel("osrelease", u.release);
    os.version = kernel("version", u.version);
    os.nodename = kernel("hostname", u.nodename);
    os.machine = kernel("arch", u.machine);
    auto text = ReadFile(ctx.paths.Root("etc/os-release"));
    if (!text) text = ReadFile(ctx.paths.Root("usr/lib/os-release"));
    if (text) {
      auto rel = ParseOsRelease(*text);
      if (!rel) return MakeError(rel.error());
      os.os_release = std::move(*rel);
    }
    if (auto stat = ReadFile(ctx.paths.Proc("stat"))) {
      if (auto bt = ParseBootTime(*stat)) os.boot_time_seconds = *bt;
    }
    report.system.os = std::move(os);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewOsCollector() { return std::make_unique<OsCollector>(); }

}  // namespace wardwatch::agent
