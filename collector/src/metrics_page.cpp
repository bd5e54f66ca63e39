// The /metrics body: per-machine serialized samples, merged per family on change.
#include "metrics_page.h"

#include <string_view>

#include "expose/expose.h"
#include "memory.h"

namespace wardwatch::collector {

// Splits TextSerializer output into per-family segments, recording each family's header.
void MetricsPage::Split(std::string_view text, MachineBlocks& out) {
  std::string lines;
  lines.reserve(text.size());
  out.segments.clear();
  std::string_view help;  // the "# HELP" line before the current "# TYPE" line
  bool in_family = false;
  auto close_segment = [&out, &lines, &in_family] {
    if (in_family) out.segments.back().second = static_cast<std::uint32_t>(lines.size());
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
      out.segments.emplace_back(it->second, static_cast<std::uint32_t>(lines.size()));
      in_family = true;
    } else if (in_family) {
      lines.append(line);
    }
  }
  close_segment();
  out.text = std::make_shared<const std::string>(std::move(lines));
}

// Every family's header, then its lines from each machine in turn: pieces that point into the
// machines' lines (which the page keeps alive) and into one string of the headers it uses.
std::shared_ptr<const http::SharedText> MetricsPage::Merge(
    const std::vector<const MachineBlocks*>& machines) {
  std::vector<std::vector<std::string_view>> lines(families_.size());
  for (const MachineBlocks* blocks : machines) {
    std::uint32_t begin = 0;
    for (const auto& [family, end] : blocks->segments) {
      const std::string_view part(blocks->text->data() + begin, end - begin);
      begin = end;
      if (!part.empty()) lines[family].push_back(part);
    }
  }
  std::size_t header_bytes = 0, piece_count = 0;
  for (std::size_t f = 0; f < families_.size(); ++f) {
    if (lines[f].empty()) continue;
    header_bytes += families_[f].second.size();
    piece_count += 1 + lines[f].size();
  }
  auto headers = std::make_shared<std::string>();
  headers->reserve(header_bytes);  // no reallocation: the pieces point into it
  auto page = std::make_shared<http::SharedText>();
  page->pieces.reserve(piece_count);
  for (std::size_t f = 0; f < families_.size(); ++f) {
    if (lines[f].empty()) continue;
    const std::size_t at = headers->size();
    headers->append(families_[f].second);
    page->Append(std::string_view(*headers).substr(at));
    for (const std::string_view part : lines[f]) page->Append(part);
  }
  page->owners.reserve(machines.size() + 1);
  page->owners.push_back(std::move(headers));
  for (const MachineBlocks* blocks : machines) page->owners.push_back(blocks->text);
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
          // The old lines go before the new ones are made (unless a page being sent still holds
          // them): at 1,000 machines that all changed, the old and new serializations together
          // were 50 MB more at the peak.
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
    // machines) would be kept for nothing.
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
  return parts.fleet->str().append(parts.tail);
}

}  // namespace wardwatch::collector
