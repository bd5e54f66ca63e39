// Converts the traffic library's per-interval summary into the report's network.traffic,
// keeping the cumulative totals (by class, decode errors, packets, names) across intervals.
#pragma once

#include <string>

#include "wardwatch/report.h"
#include "wardwatch/traffic/summary.h"

namespace wardwatch::agent {

class TrafficAccumulator {
 public:
  // Adds this interval to the running totals and returns the report section.
  schema::Traffic Add(const traffic::TrafficSummary& s, const std::string& source);

 private:
  std::map<std::string, std::uint64_t> rx_, tx_, decode_errors_;
  std::uint64_t packets_ = 0, names_learned_ = 0;
};

}  // namespace wardwatch::agent
