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

constexpr char kStateFile[] = "software-inventory.tsv";
constexpr std::size_t kMaxPackages = 50000;
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
    auto note = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
    std::vector<schema::Package> all = ReadUninstallKeys();
    if (all.size() > kMaxPackages) {
      note("more than " + std::to_string(kMaxPackages) + " packages; list cut");
      all.resize(kMaxPackages);
    }
    const std::string hash = InventoryHash(all);
    const AgentOptions* o = ctx.options;
    const bool persist = o && !o->print && !o->state_dir.empty();
    if (!baseline_loaded_) {
      baseline_loaded_ = true;
      if (persist) {
        if (auto text = ReadFile(o->state_dir + "/" + kStateFile, 64 << 20)) {
          if (auto prev = DecodeInventoryState(*text)) {
            last_sent_ = std::move(*prev);
            last_sent_hash_ = InventoryHash(*last_sent_);
          } else {
            note(prev.error());
          }
        }
      }
    }
    if (!report.software) report.software.emplace();
    auto& out = *report.software;
    out.inventory_hash = hash;
    for (const auto& p : all) ++out.package_counts[p.source];
    if (hash != last_sent_hash_) {
      if (last_sent_) out.changes = DiffPackages(*last_sent_, all);
      out.packages = all;
      if (persist) {
        if (auto s = WriteFileAtomic(o->state_dir + "/" + kStateFile, EncodeInventoryState(all));
            !s) {
          note(s.error());
        }
      }
      last_sent_ = std::move(all);
      last_sent_hash_ = hash;
    }
    auto cv = win::OpenKey(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                           KEY_WOW64_64KEY);
    auto values = win::ReadValues(cv.get());
    if (auto t = ParseU64(values["InstallDate"]); t && *t > 0) out.os_install_time = *t;
    if (!errors.empty()) return MakeError(errors);
    return Status::Ok();
  }

 private:
  bool baseline_loaded_ = false;
  std::optional<std::vector<schema::Package>> last_sent_;
  std::string last_sent_hash_;
};

}  // namespace

std::unique_ptr<Collector> NewPackagesCollector() { return std::make_unique<PackagesCollector>(); }

}  // namespace wardwatch::agent
