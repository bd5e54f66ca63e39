// packages collector for Windows: installed programs from the Uninstall registry keys, machine
// wide in both the 64- and 32-bit views and for the agent's user, the way "Apps & features"
// lists them; the OS install date from CurrentVersion\InstallDate. The full list is sent only
// when it changed, with the differences, as on Linux.
#include <chrono>

#include "collectors/packages.h"
#include "collectors/windows_convert.h"
#include "fsutil.h"
#include "options.h"
#include "win_registry.h"

namespace wardwatch::agent {
namespace {

constexpr wchar_t kUninstall[] = L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

std::vector<schema::Package> ReadUninstallKeys() {
  std::vector<schema::Package> out;
  struct View {
    HKEY root;
    REGSAM view;
    const char* arch;
  };
  const View views[] = {{HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, "x64"},
                        {HKEY_LOCAL_MACHINE, KEY_WOW64_32KEY, "x86"},
                        {HKEY_CURRENT_USER, 0, ""}};
  for (const auto& v : views) {
    auto key = win::OpenKey(v.root, kUninstall, v.view);
    for (const auto& sub : win::SubkeyNames(key.get())) {
      auto entry = win::OpenKey(v.root, std::wstring(kUninstall) + L"\\" + sub, v.view);
      if (auto p = winconv::PackageFromUninstallKey(win::ReadValues(entry.get()), v.arch)) {
        out.push_back(std::move(*p));
      }
    }
  }
  // The same program can be listed in both views (or twice by its installer): keep one.
  SortPackages(out);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const schema::Package& a, const schema::Package& b) {
                          return a.name == b.name && a.version == b.version;
                        }),
            out.end());
  return out;
}

class PackagesCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    std::string errors;
    if (!report.software) report.software.emplace();
    auto& out = *report.software;
    inventory_.Emit(ReadUninstallKeys(), ctx.options, out, errors);
    auto cv = win::OpenKey(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                           KEY_WOW64_64KEY);
    auto values = win::ReadValues(cv.get());
    if (auto t = ParseU64(values["InstallDate"]); t && *t > 0) out.os_install_time = *t;
    if (!errors.empty()) return MakeError(errors);
    return Status::Ok();
  }

 private:
  InventoryTracker inventory_;
};

}  // namespace

std::unique_ptr<Collector> NewPackagesCollector() { return std::make_unique<PackagesCollector>(); }

}  // namespace wardwatch::agent
