// Collectors whose signal Windows does not expose through the APIs this build reads (or that
// the Windows agent does not read yet): the signal is reported absent, never as an error.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "collector.h"
#include "collectors/hardware_common.h"

namespace wardwatch::agent {

class AbsentOnWindows : public Collector {
 public:
  // `hardware_signal`: the name listed in hardware.absent ("" for non-hardware collectors).
  explicit AbsentOnWindows(std::string_view hardware_signal) : signal_(hardware_signal) {}
  Status Collect(const CollectContext&, Report& report) override {
    if (!signal_.empty()) MarkAbsent(report, signal_);
    return Status::Ok();
  }

 private:
  std::string signal_;
};

inline std::unique_ptr<Collector> NewAbsentOnWindows(std::string_view hardware_signal) {
  return std::make_unique<AbsentOnWindows>(hardware_signal);
}

}  // namespace wardwatch::agent
