// The /metrics body: per-machine serialized samples, merged per family on change.
#include "metrics_page.h"

#include <string_view>

#include "expose/expose.h"
#include "memory.h"

namespace wardwatch::collector {

// Splits TextSerializer output into per-family segments, recording each family's header.
void MetricsPage::Split(std::string_view text, MachineBlocks& out) {
  out.text.clear();
  out.text.reserve(text.size());
  out.segments.clear();
  std::string_view help;  // the "# HELP" line before the current "# TYPE" line
  bool in_family = false;
  auto close_segment = [&out, &in_family] {
    if (in_family) out.segments.back().second = static_cast<std::uint32_t>(out.text.size());
  };
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line =
        text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(line.size());
    if (line.starts_with("# HELP ")) {
      help = line;
    } else if (line.starts_with("# TYPE ")) {
      const std::string_view rest = line.substr(7);
      const std::string_view name = rest.substr(0, rest.find(' '));
      auto it = family_index_.find(name);
      if (it == family_index_.end()) {
        it = family_index_.emplace(std::string(name), static_cast<std::uint32_t>(families_.size()))
                 .first;
        families_.emplace_back(std::string(name), std::string(help).append(line));
      }
      close_segment();
      out.segments.emplace_back(it->second, static_cast<std::uint32_t>(out.text.size()));
      in_family = true;
    } else if (in_family) {
      out.text.append(line);
    }
  }
  close_segment();
}

// One allocation of exactly the page's size: every family's header, then its lines from each
// machine in turn.
std::shared_ptr<const std::string> MetricsPage::Merge(
    const std::vector<const MachineBlocks*>& machines) {
  std::vector<std::vector<std::string_view>> lines(families_.size());
  std::vector<std::size_t> bytes(families_.size(), 0);
  for (const MachineBlocks* blocks : machines) {
    std::uint32_t begin = 0;
    for (const auto& [family, end] : blocks->segments) {
      const std::string_view part(blocks->text.data() + begin, end - begin);
      begin = end;
      if (part.empty()) continue;
      lines[family].push_back(part);
      bytes[family] += part.size();
    }
  }
  std::size_t total = 0;
  for (std::size_t f = 0; f < families_.size(); ++f) {
    if (bytes[f] > 0) total += families_[f].second.size() + bytes[f];
  }
  auto page = std::make_shared<std::string>();
  page->reserve(total);
  for (std::size_t f = 0; f < families_.size(); ++f) {
    if (bytes[f] == 0) continue;
    page->append(families_[f].second);
    for (const std::string_view part : lines[f]) page->append(part);
  }
  return page;
}

MetricsPage::Parts MetricsPage::Render() {
  Parts parts;
  bool rerendered = false;
  {
    std::lock_guard lock(mu_);
    const std::uint64_t generation = fleet_.generation();
    const bool changed = generation != cached_generation_;
    if (changed) {
      kept_fleet_text_.reset();
      const auto machines = fleet_.Snapshot();
      const std::uint64_t machines_before = machine_renders_;
      std::map<std::string, MachineBlocks> next;
      for (const auto& state : machines) {
        if (!state.latest) continue;
        auto cached = per_machine_.find(state.row.id);
        MachineBlocks blocks;
        if (cached != per_machine_.end() && cached->second.report == state.latest) {
          blocks = std::move(cached->second);
        } else {
          // The old lines go before the new ones are made: at 1,000 machines that all changed,
          // the old and new serializations together were 50 MB more at the peak.
          if (cached != per_machine_.end()) per_machine_.erase(cached);
          blocks.report = state.latest;
          Split(expose::Serialize(expose::CollectFleet({state}, site_)), blocks);
          ++machine_renders_;
        }
        next.emplace(state.row.id, std::move(blocks));
      }
      per_machine_ = std::move(next);
      cached_generation_ = generation;
      ++renders_;
      rerendered = machines_before != machine_renders_;
    } else {
      parts.fleet = cached_fleet_text_.lock();
    }
    if (!parts.fleet) {
      std::vector<const MachineBlocks*> ordered;  // machines in id order
      ordered.reserve(per_machine_.size());
      for (const auto& [id, blocks] : per_machine_) ordered.push_back(&blocks);
      parts.fleet = Merge(ordered);
      cached_fleet_text_ = parts.fleet;
      ++merges_;
    }
    // Kept between scrapes only while the fleet is quiet. When it changed since the last scrape
    // it will most likely change again before the next one, and the page (26 MB at 1,000
    // machines) would be kept for nothing; merging it again costs about 0.2 s.
    kept_fleet_text_ = changed ? nullptr : parts.fleet;
  }
  // A re-render freed the previous serializations of the machines that changed.
  if (rerendered) ReleaseFreeMemory();
  parts.tail = expose::Serialize(self_.Collect(fleet_.active_machines(), site_));
  if (extra) parts.tail += extra();
  return parts;
}

std::string MetricsPage::RenderText() {
  Parts parts = Render();
  return std::string(*parts.fleet).append(parts.tail);
}

}  // namespace wardwatch::collector
