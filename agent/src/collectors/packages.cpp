// Parsers for package databases and tool output, the inventory hash and the package diff.
#include "collectors/packages.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "fsutil.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

constexpr std::uint64_t kYear2000 = 946684800;

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

auto SortKey(const schema::Package& p) { return std::tie(p.source, p.name, p.arch, p.version); }

}  // namespace

Result<std::vector<schema::Package>> ParseDpkgStatus(std::string_view text,
                                                     DpkgStatusStats* stats) {
  DpkgStatusStats local;
  DpkgStatusStats& st = stats ? *stats : local;
  std::vector<schema::Package> out;
  std::string package, version, arch, status;
  bool in_stanza = false;
  auto finish = [&] {
    if (!in_stanza) return;
    in_stanza = false;
    if (package.empty()) {
      ++st.unnamed;
    } else {
      // Status: want flag state, e.g. "install ok installed", "deinstall ok config-files".
      const auto words = SplitFields(status);
      const std::string_view state = words.size() == 3 ? words[2] : std::string_view();
      if (state == "installed" || state == "triggers-awaited" || state == "triggers-pending") {
        ++st.installed;
        schema::Package p;
        p.name = package;
        p.version = version;
        p.arch = arch;
        p.source = "dpkg";
        out.push_back(std::move(p));
      } else if (state == "half-installed" || state == "unpacked" || state == "half-configured") {
        ++st.broken;
      } else {
        ++st.not_installed;
      }
    }
    package.clear();
    version.clear();
    arch.clear();
    status.clear();
  };
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) {
      finish();
      if (nl == text.size()) break;
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (!in_stanza) {
        return MakeError("dpkg status line " + std::to_string(line_no) +
                         ": continuation line outside a package stanza");
      }
      continue;  // Description, Conffiles, ... continuation: not needed
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return MakeError("dpkg status line " + std::to_string(line_no) +
                       ": not \"Field: value\": \"" + std::string(line.substr(0, 60)) + "\"");
    }
    in_stanza = true;
    const std::string_view field = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (field == "Package") {
      package = value;
    } else if (field == "Version") {
      version = value;
    } else if (field == "Architecture") {
      arch = value;
    } else if (field == "Status") {
      status = value;
    }
    if (nl == text.size()) break;
  }
  finish();
  return out;
}

Result<std::vector<schema::Package>> ParseRpmQa(std::string_view text) {
  std::vector<schema::Package> out;
  std::size_t n = 0;
  for (auto line : SplitLines(text)) {
    ++n;
    if (Trim(line).empty()) continue;
    const auto f = SplitTabs(line);
    if (f.size() != 4 || f[0].empty()) {
      return MakeError("rpm -qa line " + std::to_string(n) + ": want 4 tab-separated fields " +
                       "(name, version, arch, install time), got " + std::to_string(f.size()));
    }
    schema::Package p;
    p.name = f[0];
    p.version = f[1];
    p.arch = f[2] == "(none)" ? "" : std::string(f[2]);
    p.source = "rpm";
    if (auto t = ParseU64(f[3]); t && *t > 0) p.install_time = *t;
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<schema::Package>> ParseFlatpakList(std::string_view text) {
  std::vector<schema::Package> out;
  std::size_t n = 0;
  for (auto line : SplitLines(text)) {
    ++n;
    if (Trim(line).empty()) continue;
    const auto f = SplitTabs(line);
    if (f[0] == "Application ID" || f[0] == "Application") continue;  // header on a terminal
    if (f.size() < 3 || Trim(f[0]).empty()) {
      return MakeError("flatpak list line " + std::to_string(n) +
                       ": want application, version and arch separated by tabs");
    }
    schema::Package p;
    p.name = Trim(f[0]);
    p.version = Trim(f[1]);
    p.arch = Trim(f[2]);
    p.source = "flatpak";
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<schema::Package>> ParseSnapList(std::string_view text) {
  std::vector<schema::Package> out;
  std::size_t n = 0;
  for (auto line : SplitLines(text)) {
    ++n;
    const auto f = SplitFields(line);
    if (f.empty()) continue;
    if (n == 1 && f[0] == "Name") continue;
    if (f.size() < 3) {
      return MakeError("snap list line " + std::to_string(n) + ": want Name Version Rev ...");
    }
    schema::Package p;
    p.name = f[0];
    p.version = f[1];
    p.source = "snap";
    out.push_back(std::move(p));
  }
  return out;
}

void SortPackages(std::vector<schema::Package>& packages) {
  std::sort(packages.begin(), packages.end(),
            [](const auto& a, const auto& b) { return SortKey(a) < SortKey(b); });
}

std::string InventoryHash(const std::vector<schema::Package>& sorted) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::string_view s, char end) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ static_cast<unsigned char>(end)) * 1099511628211ULL;
  };
  for (const auto& p : sorted) {
    mix(p.source, '\t');
    mix(p.name, '\t');
    mix(p.arch, '\t');
    mix(p.version, '\n');
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::vector<schema::PackageChange> DiffPackages(const std::vector<schema::Package>& before,
                                                const std::vector<schema::Package>& after) {
  using Id = std::tuple<std::string, std::string, std::string>;
  std::map<Id, const schema::Package*> old_by_id, new_by_id;
  for (const auto& p : before) old_by_id[Id(p.source, p.name, p.arch)] = &p;
  for (const auto& p : after) new_by_id[Id(p.source, p.name, p.arch)] = &p;
  std::vector<schema::PackageChange> out;
  for (const auto& [id, p] : new_by_id) {
    auto it = old_by_id.find(id);
    if (it == old_by_id.end()) {
      out.push_back({p->name, "added", "", p->version});
    } else if (it->second->version != p->version) {
      out.push_back({p->name, "upgraded", it->second->version, p->version});
    }
  }
  for (const auto& [id, p] : old_by_id) {
    if (!new_by_id.count(id)) out.push_back({p->name, "removed", p->version, ""});
  }
  return out;
}

std::string EncodeInventoryState(const std::vector<schema::Package>& sorted) {
  std::string out;
  for (const auto& p : sorted) {
    out += p.source + '\t' + p.name + '\t' + p.arch + '\t' + p.version + '\t' +
           (p.install_time ? std::to_string(*p.install_time) : std::string()) + '\n';
  }
  return out;
}

Result<std::vector<schema::Package>> DecodeInventoryState(std::string_view text) {
  std::vector<schema::Package> out;
  std::size_t n = 0;
  for (auto line : SplitLines(text)) {
    ++n;
    if (line.empty()) continue;
    const auto f = SplitTabs(line);
    if (f.size() != 5 || f[0].empty() || f[1].empty()) {
      return MakeError("inventory state line " + std::to_string(n) +
                       ": want 5 tab-separated fields");
    }
    schema::Package p;
    p.source = f[0];
    p.name = f[1];
    p.arch = f[2];
    p.version = f[3];
    if (!f[4].empty()) {
      auto t = ParseU64(f[4]);
      if (!t) return MakeError("inventory state line " + std::to_string(n) + ": bad install time");
      p.install_time = *t;
    }
    out.push_back(std::move(p));
  }
  SortPackages(out);
  return out;
}

std::optional<std::uint64_t> PickOsInstallTime(const std::vector<std::uint64_t>& candidates,
                                               std::uint64_t now) {
  std::optional<std::uint64_t> best;
  for (auto t : candidates) {
    if (t < kYear2000 || t > now + 86400) continue;  // unset clock, or set far ahead
    if (!best || t < *best) best = t;
  }
  return best;
}

std::optional<std::uint64_t> OldestPackageInstallTime(const std::vector<schema::Package>& packages,
                                                      std::uint64_t now) {
  std::vector<std::uint64_t> times;
  for (const auto& p : packages) {
    if (p.install_time) times.push_back(*p.install_time);
  }
  return PickOsInstallTime(times, now);
}

void InventoryTracker::Emit(std::vector<schema::Package> all, const AgentOptions* o,
                            schema::SoftwareSection& out, std::string& errors) {
  auto note = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
  last_note_.clear();
  if (all.size() > kMaxPackages) {
    last_note_ = "more than " + std::to_string(kMaxPackages) + " packages; list cut";
    note(last_note_);
    all.resize(kMaxPackages);
  }
  const std::string hash = InventoryHash(all);
  const bool persist = o && !o->print && !o->state_dir.empty();
  const std::string state_file = persist ? o->state_dir + "/" + kStateFile : std::string();
  if (!baseline_loaded_) {
    baseline_loaded_ = true;
    if (persist) {
      if (auto text = ReadFile(state_file, 64 << 20)) {
        if (auto prev = DecodeInventoryState(*text)) {
          last_sent_ = std::move(*prev);
          last_sent_hash_ = InventoryHash(*last_sent_);
        } else {
          note(prev.error());
        }
      }
    }
  }
  out.inventory_hash = hash;
  for (const auto& p : all) ++out.package_counts[p.source];
  emitted_ = true;
  last_counts_ = out.package_counts;
  if (hash == last_sent_hash_) return;
  if (last_sent_) out.changes = DiffPackages(*last_sent_, all);
  out.packages = all;
  if (persist) {
    if (auto s = WriteFileAtomic(state_file, EncodeInventoryState(all)); !s) note(s.error());
  }
  last_sent_ = std::move(all);
  last_sent_hash_ = hash;
}

bool InventoryTracker::EmitUnchanged(schema::SoftwareSection& out, std::string& errors) const {
  if (!emitted_) return false;
  if (!last_note_.empty()) errors += (errors.empty() ? "" : "; ") + last_note_;
  out.inventory_hash = last_sent_hash_;
  out.package_counts = last_counts_;
  return true;
}

}  // namespace wardwatch::agent
