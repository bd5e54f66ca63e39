// The /metrics body: per-machine serialized samples, merged per family on change.
#include "metrics_page.h"

#include <string_view>

#include "expose/expose.h"

namespace wardwatch::collector {
namespace {

// Splits TextSerializer output into per-family sample lines, recording each family's header.
void SplitFamilies(std::string_view text, MetricsPage::MachineBlocks& out,
                   std::unordered_map<std::string, std::string>& headers) {
  std::string header;
  std::string* lines = nullptr;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line =
        text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(line.size());
    if (line.rfind("# HELP ", 0) == 0) {
      header.assign(line);
    } else if (line.rfind("# TYPE ", 0) == 0) {
      header.append(line);
      const std::string_view rest = line.substr(7);
      std::string name(rest.substr(0, rest.find(' ')));
      headers.try_emplace(name, header);
      out.families.emplace_back(std::move(name), std::string());
      lines = &out.families.back().second;
    } else if (lines != nullptr) {
      lines->append(line);
    }
  }
}

}  // namespace

std::string MetricsPage::Render() {
  std::string body;
  {
    std::lock_guard lock(mu_);
    const std::uint64_t generation = fleet_.generation();
    if (generation != cached_generation_) {
      const auto machines = fleet_.Snapshot();
      std::unordered_map<std::string, MachineBlocks> next;
      next.reserve(machines.size());
      // Family order: first appearance, machines in id order.
      std::vector<std::pair<std::string, std::string>> merged;
      std::unordered_map<std::string, std::size_t> index;
      for (const auto& state : machines) {
        if (!state.latest) continue;
        auto cached = per_machine_.find(state.row.id);
        MachineBlocks blocks;
        if (cached != per_machine_.end() && cached->second.report == state.latest) {
          blocks = std::move(cached->second);
        } else {
          blocks.report = state.latest;
          SplitFamilies(expose::Serialize(expose::CollectFleet({state}, site_)), blocks, headers_);
          ++machine_renders_;
        }
        for (const auto& [name, lines] : blocks.families) {
          auto [it, inserted] = index.try_emplace(name, merged.size());
          if (inserted) merged.emplace_back(name, std::string());
          merged[it->second].second.append(lines);
        }
        next.emplace(state.row.id, std::move(blocks));
      }
      per_machine_ = std::move(next);
      cached_fleet_text_.clear();
      for (const auto& [name, lines] : merged) {
        cached_fleet_text_.append(headers_[name]).append(lines);
      }
      cached_generation_ = generation;
      ++renders_;
    }
    body = cached_fleet_text_;
  }
  body += expose::Serialize(self_.Collect(fleet_.active_machines(), site_));
  if (extra) body += extra();
  return body;
}

}  // namespace wardwatch::collector
