// The collector interface: each collector reads one part of the machine into the report.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "wardwatch/report.h"
#include "wardwatch/result.h"

namespace wardwatch::agent {

// Filesystem roots, overridable like node_exporter so tests run on fixture trees.
struct Paths {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";

  std::string Proc(std::string_view rel) const;
  std::string Sys(std::string_view rel) const;
  std::string Root(std::string_view rel) const;
};

struct AgentOptions;

using SteadyTime = std::chrono::steady_clock::time_point;

struct CollectContext {
  Paths paths;
  const AgentOptions* options = nullptr;  // collectors with settings (probes, speedtest, traffic)
  // For collectors that keep facts between reports (collectors/fact_cache.h): tests set a fake
  // clock to step past the refresh period; unset, the steady clock.
  std::function<SteadyTime()> clock;

  SteadyTime Now() const { return clock ? clock() : std::chrono::steady_clock::now(); }
};

class Collector {
 public:
  virtual ~Collector() = default;
  // Adds what it reads to `report`. Missing hardware is not an error: collectors leave it out.
  virtual Status Collect(const CollectContext& ctx, Report& report) = 0;
};

using CollectorFactory = std::unique_ptr<Collector> (*)();

struct CollectorEntry {
  std::string_view name;
  bool enabled_by_default;
  CollectorFactory make;
  std::string_view help;
};

// The one registration table (collectors/registry.cpp).
std::span<const CollectorEntry> AllCollectors();

}  // namespace wardwatch::agent
