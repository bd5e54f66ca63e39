// The machine table for spreadsheets: UTF-8 with a byte-order mark (Excel then shows
// Vietnamese correctly), RFC 4180 quoting, every machine in replace-first order.
#include <cstdio>

#include "report/report.h"

namespace wardwatch::collector::report {

namespace an = wardwatch::analytics;

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string RenderCsv(const Model& m) {
  const bool vi = m.vi;
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out.push_back(',');
      out += CsvField(fields[i]);
    }
    out += "\r\n";
  };
  line({std::string(T(vi, "c_rank")), std::string(T(vi, "c_machine_id")),
        std::string(T(vi, "c_machine")), std::string(T(vi, "c_rec")), std::string(T(vi, "c_score")),
        std::string(T(vi, "c_age")), std::string(T(vi, "c_cost")) + " (VND)",
        std::string(T(vi, "c_actions")), std::string(T(vi, "c_flags")),
        std::string(T(vi, "c_cpu_sat")), std::string(T(vi, "c_ram")), std::string(T(vi, "c_disk")),
        std::string(T(vi, "c_os")), std::string(T(vi, "c_evidence"))});
  auto num = [](double v, int d) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", d, v);
    return std::string(b);
  };
  int rank = 0;
  for (const an::AgingResult* a : an::RankReplaceFirst(m.findings.machines)) {
    const bool ranked = a->recommendation == an::Recommendation::kReplace ||
                        a->recommendation == an::Recommendation::kUpgrade;
    auto inv_it = m.inventory.find(a->machine_id);
    const an::MachineInventory inv =
        inv_it != m.inventory.end() ? inv_it->second : an::MachineInventory{};
    auto u = m.findings.usage.find(a->machine_id);
    std::string actions, flags, evidence;
    for (const auto& x : a->actions) actions += (actions.empty() ? "" : " ") + x;
    for (const auto& x : a->flags) flags += (flags.empty() ? "" : " ") + x;
    for (const auto& e : a->evidence) {
      if (e.points <= 0) continue;
      evidence += (evidence.empty() ? "" : "; ") + (vi ? e.text_vi : e.text_en);
    }
    line({ranked ? std::to_string(++rank) : "", a->machine_id, a->hostname,
          std::string(T(vi, std::string("rec_") + an::RecommendationName(a->recommendation))),
          std::to_string(a->score), a->age_years ? num(*a->age_years, 1) : "",
          std::to_string(a->cost_vnd), actions, flags,
          u != m.findings.usage.end() ? num(u->second.cpu_saturated_share, 3) : "",
          num(static_cast<double>(inv.ram_bytes) / (1024.0 * 1024 * 1024), 1),
          inv.has_boot_disk ? std::string(inv.disk_rotational ? "HDD " : "SSD ") + inv.disk_model
                            : "",
          inv.os_pretty, evidence});
  }
  return out;
}

}  // namespace wardwatch::collector::report
