// The one table of exposition sections, and the fleet-wide rendering loop.
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "expose/expose.h"

namespace wardwatch::collector::expose {
namespace {

// Later work adds one line here (hardware, software, traffic, analytics).
constexpr ExposeSection kSections[] = {
    {"machine", ExposeMachine},
    {"collectors", ExposeCollectors},
    {"system", ExposeSystem},
    {"network", ExposeNetwork},
    {"agent_health", ExposeAgentHealth},
    {"software", ExposeSoftware},
    {"network_quality", ExposeNetworkQuality},
    {"hardware", ExposeHardware},
};

prometheus::ClientMetric Sample(const std::vector<prometheus::ClientMetric::Label>& base,
                                LabelList labels) {
  prometheus::ClientMetric metric;
  metric.label.reserve(base.size() + labels.size());
  for (const auto& [k, v] : labels) metric.label.push_back({std::string(k), std::string(v)});
  metric.label.insert(metric.label.end(), base.begin(), base.end());
  std::sort(metric.label.begin(), metric.label.end());
  return metric;
}

}  // namespace

std::span<const ExposeSection> Sections() { return kSections; }

prometheus::MetricFamily& FamilySet::Family(std::string_view name, std::string_view help,
                                            prometheus::MetricType type) {
  if (auto it = index_.find(name); it != index_.end()) return families_[it->second];
  index_.emplace(std::string(name), families_.size());
  auto& f = families_.emplace_back();
  f.name = std::string(name);
  f.help = std::string(help);
  f.type = type;
  return f;
}

std::vector<prometheus::MetricFamily> FamilySet::Take() {
  for (auto& f : families_) {
    const std::size_t n = f.metric.size();
    if (n < 2) continue;
    // Sorted by labels, stably: in each run of equal label sets the first is the earliest.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&f](std::size_t a, std::size_t b) {
      return f.metric[a].label < f.metric[b].label;
    });
    std::vector<bool> drop(n, false);
    std::size_t dropped = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (f.metric[order[i]].label == f.metric[order[i - 1]].label) {
        drop[order[i]] = true;
        ++dropped;
      }
    }
    if (dropped == 0) continue;
    std::vector<prometheus::ClientMetric> kept;
    kept.reserve(n - dropped);
    for (std::size_t i = 0; i < n; ++i) {
      if (!drop[i]) kept.push_back(std::move(f.metric[i]));
    }
    f.metric = std::move(kept);
    duplicates_dropped_ += dropped;
  }
  return std::move(families_);
}

void MachineContext::Gauge(FamilySet& out, std::string_view name, std::string_view help,
                           LabelList labels, double value) const {
  auto metric = Sample(base_labels, labels);
  metric.gauge.value = value;
  out.Family(name, help, prometheus::MetricType::Gauge).metric.push_back(std::move(metric));
}

void MachineContext::Counter(FamilySet& out, std::string_view name, std::string_view help,
                             LabelList labels, double value) const {
  auto metric = Sample(base_labels, labels);
  metric.counter.value = value;
  out.Family(name, help, prometheus::MetricType::Counter).metric.push_back(std::move(metric));
}

void MachineContext::GaugeDynamic(FamilySet& out, std::string_view name, std::string_view help,
                                  std::vector<prometheus::ClientMetric::Label> labels,
                                  double value) const {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.label.insert(metric.label.end(), base_labels.begin(), base_labels.end());
  std::sort(metric.label.begin(), metric.label.end());
  metric.gauge.value = value;
  out.Family(name, help, prometheus::MetricType::Gauge).metric.push_back(std::move(metric));
}

std::vector<prometheus::MetricFamily> CollectFleet(const std::vector<MachineState>& machines,
                                                   const std::string& site) {
  FamilySet out;
  for (const auto& section : Sections()) {
    for (const auto& state : machines) {
      if (!state.latest) continue;
      MachineContext m{state, *state.latest, {{"instance", state.latest->hostname}}};
      if (!site.empty()) m.base_labels.push_back({"site", site});
      section.fn(m, out);
    }
  }
  return out.Take();
}

std::string Serialize(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, families);
  return std::move(text).str();
}

}  // namespace wardwatch::collector::expose
