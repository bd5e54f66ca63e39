// Prometheus exposition of the fleet's latest reports: one function per report section, all
// listed in one table (sections.cpp). Adding a section = one file + one table line.
#pragma once

#include <prometheus/metric_family.h>

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fleet.h"
#include "wardwatch/report.h"

namespace wardwatch::collector::expose {

using LabelList = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Lets unordered maps keyed by std::string be searched with a string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Families in order of first use; every sample of one family shares one HELP/TYPE block.
class FamilySet {
 public:
  prometheus::MetricFamily& Family(std::string_view name, std::string_view help,
                                   prometheus::MetricType type);
  // The families, each series once: an agent may report two things with the same labels (two
  // memory modules with one locator, say); a page with a repeated series is invalid, so the
  // first is kept and the others are counted in duplicates_dropped().
  std::vector<prometheus::MetricFamily> Take();
  std::size_t duplicates_dropped() const { return duplicates_dropped_; }
  const std::vector<prometheus::MetricFamily>& families() const { return families_; }

 private:
  std::vector<prometheus::MetricFamily> families_;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> index_;
  std::size_t duplicates_dropped_ = 0;
};

// What a section function sees for one machine.
struct MachineContext {
  const MachineState& state;
  const Report& report;
  // instance="<hostname>" and, when configured, site="<site>".
  std::vector<prometheus::ClientMetric::Label> base_labels;

  void Gauge(FamilySet& out, std::string_view name, std::string_view help, LabelList labels,
             double value) const;
  void Counter(FamilySet& out, std::string_view name, std::string_view help, LabelList labels,
               double value) const;
  // Like Gauge, but with a label list built at run time (labels that are present only).
  void GaugeDynamic(FamilySet& out, std::string_view name, std::string_view help,
                    std::vector<prometheus::ClientMetric::Label> labels, double value) const;
};

using ExposeFn = void (*)(const MachineContext&, FamilySet&);
struct ExposeSection {
  std::string_view name;
  ExposeFn fn;
};

// One function per section, each in its own file under expose/.
void ExposeMachine(const MachineContext& m, FamilySet& out);         // machine.cpp
void ExposeCollectors(const MachineContext& m, FamilySet& out);      // collectors.cpp
void ExposeSystem(const MachineContext& m, FamilySet& out);          // system.cpp
void ExposeNetwork(const MachineContext& m, FamilySet& out);         // network.cpp
void ExposeNetworkQuality(const MachineContext& m, FamilySet& out);  // network_quality.cpp
void ExposeAgentHealth(const MachineContext& m, FamilySet& out);     // agent_health.cpp
void ExposeSoftware(const MachineContext& m, FamilySet& out);        // software.cpp
void ExposeHardware(const MachineContext& m, FamilySet& out);        // hardware.cpp

// The registration table (sections.cpp).
std::span<const ExposeSection> Sections();

// Families for every machine that has a report, in section order.
std::vector<prometheus::MetricFamily> CollectFleet(const std::vector<MachineState>& machines,
                                                   const std::string& site);
// Text exposition format 0.0.4.
std::string Serialize(const std::vector<prometheus::MetricFamily>& families);

}  // namespace wardwatch::collector::expose
