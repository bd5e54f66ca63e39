// Adds each stored report's per-interval application usage to per-machine counters, keeps
// the last full package list, and searches those lists across the fleet.
#include "software_state.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace wardwatch::collector {

void AccumulateSoftware(SoftwareState& state, const Report& report, bool count_usage) {
  if (!report.software) return;
  const auto& s = *report.software;
  if (count_usage) {
    for (const auto& a : s.apps) {
      auto it = state.apps.find(a.app);
      if (it == state.apps.end()) {
        const std::string& name = state.apps.size() < SoftwareState::kMaxApps ? a.app : "other";
        it = state.apps.try_emplace(name).first;
      }
      AppTotals& t = it->second;
      // Negative or non-finite deltas would break monotonicity; the decoder admits any double.
      auto add = [](double& total, double delta) {
        if (delta > 0 && delta < 1e12) total += delta;
      };
      add(t.cpu_seconds, a.cpu_seconds);
      add(t.office_cpu_seconds, a.office_cpu_seconds);
      add(t.running_seconds, a.running_seconds);
      add(t.office_running_seconds, a.office_running_seconds);
      add(t.foreground_seconds, a.foreground_seconds);
      add(t.office_foreground_seconds, a.office_foreground_seconds);
      t.starts += a.starts;
    }
  }
  if (s.packages && report.sequence >= state.packages_sequence) {
    state.packages = std::make_shared<const std::vector<schema::Package>>(*s.packages);
    state.packages_sequence = report.sequence;
    state.packages_hash = s.inventory_hash;
  }
}

void RestorePackageList(SoftwareState& state, std::vector<schema::Package> packages,
                        std::uint64_t sequence, std::string inventory_hash) {
  if (state.packages && state.packages_sequence > sequence) return;
  state.packages = std::make_shared<const std::vector<schema::Package>>(std::move(packages));
  state.packages_sequence = sequence;
  state.packages_hash = std::move(inventory_hash);
}

namespace {

char32_t FoldCodePoint(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;                      // À..Þ
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c | 1;  // Ā..ķ, Ŋ..ŷ
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {              // Ĺ..ň, Ź..ž
    return (c & 1) != 0 ? c + 1 : c;
  }
  if (c == 0x178) return 0xFF;                   // Ÿ
  if (c == 0x1A0 || c == 0x1AF) return c + 1;    // Ơ Ư
  if (c >= 0x1EA0 && c <= 0x1EF9) return c | 1;  // Ạ..ỹ (Vietnamese)
  if (c >= 0x410 && c <= 0x42F) return c + 32;   // А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;   // Ѐ..Џ
  return c;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string FoldCase(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out += static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
      ++i;
      continue;
    }
    // Only 2- and 3-byte sequences can hold a letter FoldCodePoint changes.
    const std::size_t len = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 0;
    bool valid = len != 0 && i + len <= in.size();
    char32_t c = len == 2 ? (b & 0x1F) : (b & 0x0F);
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto cont = static_cast<unsigned char>(in[i + k]);
      valid = (cont & 0xC0) == 0x80;
      c = (c << 6) | (cont & 0x3F);
    }
    if (!valid) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    AppendUtf8(out, FoldCodePoint(c));
    i += len;
  }
  return out;
}

InstalledIndex::InstalledIndex(std::vector<InstalledListRef> lists) {
  for (const auto& l : lists) built_from_.emplace_back(l.machine_id, l.packages.get());
  std::sort(lists.begin(), lists.end(), [](const InstalledListRef& a, const InstalledListRef& b) {
    return std::tie(a.hostname, a.machine_id) < std::tie(b.hostname, b.machine_id);
  });
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> by_key;
  for (std::size_t m = 0; m < lists.size(); ++m) {
    machines_.push_back({lists[m].machine_id, lists[m].hostname});
    if (!lists[m].packages) continue;
    ++with_list_;
    for (const schema::Package& p : *lists[m].packages) {
      auto [it, added] = by_key.try_emplace({p.name, p.version}, entries_.size());
      if (added) entries_.push_back({p.name, p.version, FoldCase(p.name), {}, {}});
      Entry& e = entries_[it->second];
      // The same name and version twice on one machine (two architectures, two sources).
      if (e.machines.empty() || e.machines.back() != m) {
        e.machines.push_back(static_cast<std::uint32_t>(m));
      }
      if (std::find(e.sources.begin(), e.sources.end(), p.source) == e.sources.end()) {
        e.sources.push_back(p.source);
      }
    }
  }
  // The keys of by_key view the lists' strings; entries_ hold their own copies.
  by_key.clear();
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.folded_name, a.name, a.version) < std::tie(b.folded_name, b.name, b.version);
  });
}

bool InstalledIndex::BuiltFrom(const std::vector<InstalledListRef>& lists) const {
  if (lists.size() != built_from_.size()) return false;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    if (lists[i].machine_id != built_from_[i].first ||
        lists[i].packages.get() != built_from_[i].second) {
      return false;
    }
  }
  return true;
}

InstalledSearchResult SearchInstalled(const InstalledIndex& index, std::string_view query,
                                      std::size_t limit) {
  const std::string needle = FoldCase(query);
  InstalledSearchResult out;
  std::vector<char> any(index.machines().size(), 0);
  std::vector<char> in_name(index.machines().size(), 0);
  std::vector<std::uint32_t> touched;
  const auto& entries = index.entries();
  // Entries of one name are adjacent (sorted by folded name, then name).
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i;
    while (j < entries.size() && entries[j].name == entries[i].name) ++j;
    if (entries[i].folded_name.find(needle) != std::string::npos) {
      std::size_t name_machines = 0;
      for (std::size_t k = i; k < j; ++k) {
        for (std::uint32_t m : entries[k].machines) {
          any[m] = 1;
          if (in_name[m] == 0) {
            in_name[m] = 1;
            touched.push_back(m);
            ++name_machines;
          }
        }
      }
      for (std::uint32_t m : touched) in_name[m] = 0;
      touched.clear();
      for (std::size_t k = i; k < j; ++k) out.packages.push_back({&entries[k], name_machines});
    }
    i = j;
  }
  out.matched_packages = out.packages.size();
  out.matched_machines = static_cast<std::size_t>(std::count(any.begin(), any.end(), 1));
  std::stable_sort(out.packages.begin(), out.packages.end(),
                   [](const InstalledMatch& a, const InstalledMatch& b) {
                     if (a.name_machines != b.name_machines)
                       return a.name_machines > b.name_machines;
                     if (a.entry->folded_name != b.entry->folded_name)
                       return a.entry->folded_name < b.entry->folded_name;
                     if (a.entry->name != b.entry->name) return a.entry->name < b.entry->name;
                     if (a.entry->machines.size() != b.entry->machines.size())
                       return a.entry->machines.size() > b.entry->machines.size();
                     return a.entry->version < b.entry->version;
                   });
  if (out.packages.size() > limit) {
    out.packages.resize(limit);
    out.truncated = true;
  }
  return out;
}

}  // namespace wardwatch::collector
