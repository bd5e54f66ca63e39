// Exposes the software section: per-application counters (accumulated from the reports'
// per-interval deltas in software_state.cpp), instances from the latest report, package counts
// by source and the OS install date. App names are bounded by the agent's top-N plus "other"
// and by SoftwareState::kMaxApps per machine. The package list itself stays in the API.
#include <string>

#include "expose/expose.h"

namespace wardwatch::collector::expose {

void ExposeSoftware(const MachineContext& m, FamilySet& out) {
  for (const auto& [app, t] : m.state.software.apps) {
    const LabelList labels = {{"app", app}};
    m.Counter(out, "wardwatch_app_cpu_seconds_total",
              "CPU seconds used by the application's processes.", labels, t.cpu_seconds);
    m.Counter(out, "wardwatch_app_office_cpu_seconds_total",
              "CPU seconds that fell within the configured office hours.", labels,
              t.office_cpu_seconds);
    m.Counter(out, "wardwatch_app_running_seconds_total",
              "Seconds with at least one process of the application running.", labels,
              t.running_seconds);
    m.Counter(out, "wardwatch_app_office_running_seconds_total",
              "Running seconds that fell within the configured office hours.", labels,
              t.office_running_seconds);
    m.Counter(out, "wardwatch_app_foreground_seconds_total",
              "Seconds the application owned the focused window while the user was active.", labels,
              t.foreground_seconds);
    m.Counter(out, "wardwatch_app_office_foreground_seconds_total",
              "Foreground seconds that fell within the configured office hours.", labels,
              t.office_foreground_seconds);
    m.Counter(out, "wardwatch_app_starts_total", "Processes of the application started.", labels,
              static_cast<double>(t.starts));
  }
  if (!m.report.software) return;
  const auto& s = *m.report.software;
  for (const auto& a : s.apps) {
    m.Gauge(out, "wardwatch_app_instances", "Processes of the application at the latest sample.",
            {{"app", a.app}}, a.instances);
  }
  for (const auto& [source, count] : s.package_counts) {
    m.Gauge(out, "wardwatch_software_packages", "Installed packages by package source.",
            {{"source", source}}, static_cast<double>(count));
  }
  m.Gauge(out, "wardwatch_software_processes", "Processes running (kernel threads excluded).", {},
          static_cast<double>(s.process_count));
  m.Gauge(out, "wardwatch_software_foreground_available",
          "1 when the agent can see the focused window (X11), else 0.", {},
          s.foreground_available ? 1 : 0);
  if (s.os_install_time) {
    m.Gauge(out, "wardwatch_os_install_timestamp_seconds",
            "When the operating system was installed, in Unix seconds (docs/software.md).", {},
            static_cast<double>(*s.os_install_time));
  }
  if (!s.inventory_hash.empty()) {
    m.Gauge(out, "wardwatch_software_inventory_info",
            "A metric with a constant '1' value labeled by the installed-software hash.",
            {{"hash", s.inventory_hash}}, 1);
  }
}

}  // namespace wardwatch::collector::expose
