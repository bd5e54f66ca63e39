// The /metrics body: the fleet's series + self-metrics. Each machine's samples are serialized
// once per new report and kept; a scrape only concatenates them under one HELP/TYPE per family.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fleet.h"
#include "self_metrics.h"

namespace wardwatch::collector {

class MetricsPage {
 public:
  MetricsPage(const Fleet& fleet, const SelfMetrics& self, std::string site)
      : fleet_(fleet), self_(self), site_(std::move(site)) {}

  std::string Render();
  // For tests and logs: how often the fleet part / a single machine was serialized.
  std::uint64_t renders() const { return renders_; }
  std::uint64_t machine_renders() const { return machine_renders_; }
  // Appended to every page (the analytics series, expose/analytics.cpp).
  std::function<std::string()> extra;

  // One machine's samples grouped by family: (family name, its sample lines).
  struct MachineBlocks {
    std::shared_ptr<const Report> report;  // what these lines were made from
    std::vector<std::pair<std::string, std::string>> families;
  };

 private:
  const Fleet& fleet_;
  const SelfMetrics& self_;
  std::string site_;
  std::mutex mu_;
  std::uint64_t cached_generation_ = 0;
  std::string cached_fleet_text_;
  std::unordered_map<std::string, MachineBlocks> per_machine_;
  std::unordered_map<std::string, std::string> headers_;  // family -> "# HELP ...\n# TYPE ...\n"
  std::uint64_t renders_ = 0;
  std::uint64_t machine_renders_ = 0;
};

}  // namespace wardwatch::collector
