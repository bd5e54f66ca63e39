// The /metrics body: the fleet's series + self-metrics. Each machine's samples are serialized
// once per new report and kept; a scrape merges them under one HELP/TYPE per family into one
// page of pieces that point into those machines' lines (never joined into one 26 MB string),
// shared with every scrape sending it at the same time. Between scrapes the page is kept only
// while the fleet is quiet.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "expose/expose.h"
#include "fleet.h"
#include "http/text_body.h"
#include "self_metrics.h"

namespace wardwatch::collector {

class MetricsPage {
 public:
  MetricsPage(const Fleet& fleet, const SelfMetrics& self, std::string site)
      : fleet_(fleet), self_(self), site_(std::move(site)) {}

  struct Parts {
    std::shared_ptr<const http::SharedText> fleet;  // the machines' series, shared by scrapes
    std::string tail;                               // self-metrics and the analytics series
  };
  Parts Render();
  // The whole page as one string (tests, tools).
  std::string RenderText();

  // For tests and logs: how often the fleet changed between scrapes / a single machine was
  // serialized / the page was merged.
  std::uint64_t renders() const { return renders_; }
  std::uint64_t machine_renders() const { return machine_renders_; }
  std::uint64_t merges() const { return merges_; }
  // Appended to every page (the analytics series, expose/analytics.cpp).
  std::function<std::string()> extra;

  // One machine's samples, grouped by family: `text` holds the sample lines, and each segment
  // names a family (an index into families_) and where its lines end in `text`.
  struct MachineBlocks {
    std::shared_ptr<const Report> report;     // what these lines were made from
    std::shared_ptr<const std::string> text;  // shared with the pages that send it
    std::vector<std::pair<std::uint32_t, std::uint32_t>> segments;  // (family, end offset)
  };

 private:
  void Split(std::string_view serialized, MachineBlocks& out);
  std::shared_ptr<const http::SharedText> Merge(const std::vector<const MachineBlocks*>& machines);

  const Fleet& fleet_;
  const SelfMetrics& self_;
  std::string site_;
  std::mutex mu_;
  std::uint64_t cached_generation_ = 0;
  std::weak_ptr<const http::SharedText> cached_fleet_text_;  // while a scrape still sends it
  std::shared_ptr<const http::SharedText> kept_fleet_text_;  // between scrapes, when quiet
  std::map<std::string, MachineBlocks> per_machine_;         // by machine id, the page's order
  // Every family seen, in order of first appearance: its name and "# HELP ...\n# TYPE ...\n".
  std::vector<std::pair<std::string, std::string>> families_;
  std::unordered_map<std::string, std::uint32_t, expose::StringHash, std::equal_to<>> family_index_;
  std::uint64_t renders_ = 0;
  std::uint64_t machine_renders_ = 0;
  std::uint64_t merges_ = 0;
};

}  // namespace wardwatch::collector
