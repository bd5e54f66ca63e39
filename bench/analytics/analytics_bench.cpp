// Analytics benchmark: (1) the collector's per-report work (interval from two reports, hourly
// rollup, site buckets) on the simulator's real report stream, in reports/s; (2) the time to
// compute every finding for 60, 1,000 and 10,000 machines x 28 days of hourly rollups.
// The 60-machine history comes from the simulator; larger fleets repeat its machines' hours
// under new ids (the pure functions see the same shapes, at scale).
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "office.h"
#include "wardwatch/analytics/findings.h"
#include "wardwatch/analytics/local_time.h"

using namespace wardwatch;
namespace an = wardwatch::analytics;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main() {
  simulate::SimOptions o;
  o.seed = 7;
  o.machines = 60;
  o.days = 28;
  o.end = an::LocalMidnight(2026, 11, 28, 420);
  const auto t_plan = std::chrono::steady_clock::now();
  simulate::Office office(o);
  const an::SiteConfig site = office.SiteConfig();
  std::printf("office plan (60 machines, 28 days, uplink load per 5 min): %.2f s\n",
              Seconds(t_plan));

  // (1) Generate, encode, decode and roll up every report, as the collector's path does.
  an::FleetInput in;
  std::size_t reports = 0, bytes = 0;
  double gen_s = 0, codec_s = 0, rollup_s = 0;
  for (int i = 0; i < o.machines; ++i) {
    simulate::MachineStream s(office, i);
    std::map<std::int64_t, an::MachineHour> hours;
    Report r;
    std::optional<Report> prev;
    for (std::int64_t t = office.start() + office.step_seconds(); t <= o.end;
         t += office.step_seconds()) {
      auto t0 = std::chrono::steady_clock::now();
      if (!s.Next(t, r)) continue;
      gen_s += Seconds(t0);
      t0 = std::chrono::steady_clock::now();
      const std::string text = EncodeReport(r);
      auto decoded = DecodeReport(text);
      codec_s += Seconds(t0);
      bytes += text.size();
      t0 = std::chrono::steady_clock::now();
      const an::IntervalSample smp = an::MakeInterval(prev ? &*prev : nullptr, *decoded, site);
      const std::int64_t h =
          an::HourStart(smp.start + (smp.end - smp.start) / 2, site.utc_offset_minutes);
      an::MachineHour& mh = hours[h];
      mh.hour_start = h;
      an::AddToHour(mh, smp, site);
      an::AddToBuckets(in.buckets, smp);
      prev = std::move(*decoded);
      rollup_s += Seconds(t0);
      ++reports;
    }
    in.inventories.push_back(an::ExtractInventory(*prev));
    in.hours.hostnames[prev->machine_id] = prev->hostname;
    for (auto& [k, v] : hours) in.hours.hours[prev->machine_id].push_back(std::move(v));
  }
  std::printf("reports: %zu (%.1f KB average JSON)\n", reports,
              static_cast<double>(bytes) / reports / 1024);
  std::printf(
      "  generate: %.0f reports/s; encode+decode JSON: %.0f reports/s; interval+rollup: %.0f "
      "reports/s\n",
      reports / gen_s, reports / codec_s, reports / rollup_s);
  std::size_t hour_rows = 0, hour_bytes = 0;
  for (const auto& [id, hs] : in.hours.hours) {
    hour_rows += hs.size();
    for (const auto& h : hs) hour_bytes += an::MachineHourToJson(h).dump().size();
  }
  std::printf("rollups: %zu machine-hours, %.1f KB JSON per machine per day (+ %zu site buckets)\n",
              hour_rows, static_cast<double>(hour_bytes) / o.machines / o.days / 1024,
              in.buckets.size());

  // (1b) Reading the stored rollups back: the binary record against the JSON text it replaced
  // (older rows), the same hours, decoded the same way the engine and the report read them.
  {
    std::vector<std::string> as_json, as_record;
    for (const auto& [id, hs] : in.hours.hours) {
      for (const auto& h : hs) {
        as_json.push_back(an::MachineHourToJson(h).dump());
        as_record.push_back(an::EncodeMachineHour(h));
      }
    }
    std::size_t record_bytes = 0, decoded = 0;
    for (const auto& r : as_record) record_bytes += r.size();
    auto decode_all = [&decoded](const std::vector<std::string>& rows) {
      const auto t0 = std::chrono::steady_clock::now();
      for (const auto& row : rows) decoded += an::DecodeMachineHour(row).ok() ? 1 : 0;
      return Seconds(t0);
    };
    const double json_s = decode_all(as_json);
    const double record_s = decode_all(as_record);
    std::printf(
        "stored rollups: record %.1f KB per machine per day (JSON %.1f); decode %.0f hours/s "
        "(JSON %.0f hours/s): %.1fx faster, %zu of %zu decoded\n",
        static_cast<double>(record_bytes) / o.machines / o.days / 1024,
        static_cast<double>(hour_bytes) / o.machines / o.days / 1024,
        static_cast<double>(as_record.size()) / record_s,
        static_cast<double>(as_json.size()) / json_s, json_s / record_s, decoded,
        as_json.size() + as_record.size());
  }

  // (2) Findings for growing fleets.
  for (int n : {60, 1000, 10000}) {
    an::FleetInput big;
    big.buckets = in.buckets;
    for (int k = 0; k < n; ++k) {
      const an::MachineInventory& src = in.inventories[static_cast<std::size_t>(k % o.machines)];
      an::MachineInventory inv = src;
      char id[40];
      std::snprintf(id, sizeof id, "%s-%05d", src.machine_id.substr(0, 8).c_str(), k);
      inv.machine_id = id;
      inv.hostname = std::string(src.hostname) + "-" + std::to_string(k);
      big.hours.hostnames[inv.machine_id] = inv.hostname;
      big.hours.hours[inv.machine_id] = in.hours.hours[src.machine_id];
      big.inventories.push_back(std::move(inv));
    }
    const auto t0 = std::chrono::steady_clock::now();
    const an::Findings f = an::ComputeFindings(big, site, o.end);
    const double s = Seconds(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const std::string json = an::FindingsToJson(f).dump();
    std::printf(
        "findings for %5d machines x 28 days: %.3f s compute, %.3f s to JSON (%.1f MB); "
        "%zu to replace/upgrade, %zu bottleneck hours\n",
        n, s, Seconds(t1), static_cast<double>(json.size()) / 1e6, f.replace_first.size(),
        f.bottlenecks.size());
  }
  return 0;
}
