// pressure: Linux PSI stall totals (/proc/pressure/cpu, memory, io).
#pragma once

#include <optional>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

struct PressureTotals {
  std::optional<double> some_seconds, full_seconds;
};

// Parses one /proc/pressure/<resource> file: "some avg10=.. avg60=.. avg300=.. total=<us>"
// and the optional "full ..." line. total= is microseconds.
Result<PressureTotals> ParsePressure(std::string_view text, std::string_view resource);

std::unique_ptr<Collector> NewPressureCollector();

}  // namespace wardwatch::agent
