// Report section for software: per-application usage in the interval and the installed
// inventory (sent in full only when its hash changes). No command lines, window titles or
// file names are ever collected. Field lists are in Visit() for the JSON codec.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

// One application's use during the report interval (deltas, not cumulative).
struct AppUsage {
  std::string app;              // stable application name ("Google Chrome", "LibreOffice", "other")
  std::uint32_t instances = 0;  // processes seen at the last sample
  std::uint64_t starts = 0;     // processes started in the interval
  double cpu_seconds = 0;       // CPU time used in the interval
  double office_cpu_seconds = 0;      // ... within office hours (absent from older agents: 0)
  double running_seconds = 0;         // time with at least one process running
  double office_running_seconds = 0;  // ... within office hours
  double foreground_seconds = 0;      // time owning the focused window
  double office_foreground_seconds = 0;
  std::uint64_t rss_peak_bytes = 0, rss_avg_bytes = 0;
};

struct Package {
  std::string name, version, source, arch;    // source: dpkg, rpm, flatpak, snap, registry
  std::optional<std::uint64_t> install_time;  // Unix seconds, when known
};

struct PackageChange {
  std::string name, change, from_version, to_version;  // change: added, removed, upgraded
};

struct SoftwareSection {
  double interval_seconds = 0;
  std::vector<AppUsage> apps;  // top-N plus "other"
  std::uint64_t process_count = 0;
  bool foreground_available = false;
  std::string foreground_unavailable_reason;  // e.g. "no X11 display reachable"
  std::optional<double> user_idle_seconds;
  // How starts were counted: "exec-events" (the kernel's announcements plus processes the
  // sweeps saw appear, e.g. forks that did not exec) or "sweeps" (only what a sweep saw: a
  // program living less than a sweep interval is missed); why, in starts_note.
  std::string starts_source;
  std::string starts_note;
  // Inventory
  std::string inventory_hash;
  std::map<std::string, std::uint64_t> package_counts;  // by source
  std::optional<std::vector<Package>> packages;         // full list only when changed
  std::vector<PackageChange> changes;
  std::optional<std::uint64_t> os_install_time;  // Unix seconds, when known
};

nlohmann::json EncodeSoftware(const SoftwareSection& s);
void DecodeSoftware(json::Object& o, SoftwareSection& s);

template <class V>
void Visit(V& v, AppUsage& a) {
  v("app", a.app, true);
  v("instances", a.instances);
  v("starts", a.starts);
  v("cpu_seconds", a.cpu_seconds);
  v("office_cpu_seconds", a.office_cpu_seconds);
  v("running_seconds", a.running_seconds);
  v("office_running_seconds", a.office_running_seconds);
  v("foreground_seconds", a.foreground_seconds);
  v("office_foreground_seconds", a.office_foreground_seconds);
  v("rss_peak_bytes", a.rss_peak_bytes);
  v("rss_avg_bytes", a.rss_avg_bytes);
}

template <class V>
void Visit(V& v, Package& p) {
  v("name", p.name, true);
  v("version", p.version);
  v("source", p.source);
  v("arch", p.arch);
  v("install_time", p.install_time);
}

template <class V>
void Visit(V& v, PackageChange& c) {
  v("name", c.name, true);
  v("change", c.change, true);
  v("from_version", c.from_version);
  v("to_version", c.to_version);
}

template <class V>
void Visit(V& v, SoftwareSection& s) {
  v("interval_seconds", s.interval_seconds);
  v("apps", s.apps);
  v("process_count", s.process_count);
  v("foreground_available", s.foreground_available);
  v("foreground_unavailable_reason", s.foreground_unavailable_reason);
  v("user_idle_seconds", s.user_idle_seconds);
  v("starts_source", s.starts_source);
  v("starts_note", s.starts_note);
  v("inventory_hash", s.inventory_hash);
  v("package_counts", s.package_counts);
  v("packages", s.packages);
  v("changes", s.changes);
  v("os_install_time", s.os_install_time);
}

}  // namespace wardwatch::schema
