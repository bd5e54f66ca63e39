// Helpers shared by the hardware collectors: the hardware section of the report and the
// "absent" / "needs privilege" lists that say what this machine does not show.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/report.h"

namespace wardwatch::agent {

inline schema::HardwareSection& HardwareOf(Report& report) {
  if (!report.hardware) report.hardware.emplace();
  return *report.hardware;
}

inline void AddOnce(std::vector<std::string>& list, std::string_view name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.emplace_back(name);
}

// A signal this machine does not have (no battery, no hwmon): not an error.
inline void MarkAbsent(Report& report, std::string_view signal) {
  AddOnce(HardwareOf(report).absent, signal);
}

// A signal that exists but needs more privilege than the agent has.
inline void MarkNeedsPrivilege(Report& report, std::string_view signal) {
  AddOnce(HardwareOf(report).needs_privilege, signal);
}

}  // namespace wardwatch::agent
