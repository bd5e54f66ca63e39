// Machine view: score and evidence, inventory, history charts, disks with SMART, top apps,
// probes, and the metadata the officer edits.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "model/api_parse.h"
#include "model/format.h"
#include "model/history.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {
namespace {

const char* SeriesLabel(Lang lang, const std::string& name) {
  if (name.find("cpu") != std::string::npos) return Tr(lang, Str::kSeries_cpu);
  if (name.find("mem") != std::string::npos) return Tr(lang, Str::kSeries_mem);
  if (name.find("io_pressure") != std::string::npos) return Tr(lang, Str::kSeries_io);
  if (name.find("disk") != std::string::npos || name.find("io") == 0) {
    return Tr(lang, Str::kSeries_disk);
  }
  if (name.find("wan") != std::string::npos) return Tr(lang, Str::kSeries_wan);
  if (name.find("lan") != std::string::npos) return Tr(lang, Str::kSeries_lan);
  if (name.find("portal") != std::string::npos || name.find("latency") != std::string::npos) {
    return Tr(lang, Str::kSeries_portal);
  }
  return name.c_str();
}

void RebuildPlots(const MachineDetail& d, const ConsoleModel& model, ViewState& state) {
  state.plot_values.clear();
  for (const Series& s : d.history) {
    std::int64_t last = 0;
    for (const Point& p : s.points) last = std::max(last, p.t_ms);
    std::vector<float> v;
    v.reserve(s.points.size());
    for (const Point& p : s.points) {
      if (InChartRange(p, last, model.history_hours)) {
        v.push_back(std::isnan(p.v) ? 0.0f : static_cast<float>(p.v));
      }
    }
    state.plot_values.push_back(std::move(v));
  }
  state.plots_generation = model.data_generation;
  state.plots_hours = model.history_hours;
}

void DrawHistory(const MachineDetail& d, const ConsoleModel& model, ViewState& state,
                 UiActions& actions) {
  const Lang lang = model.lang;
  widgets::Heading(Tr(lang, Str::kHistory));
  ImGui::TextUnformatted(Tr(lang, Str::kRange));
  const std::pair<int, Str> ranges[] = {
      {24, Str::kRange24h}, {168, Str::kRange7d}, {672, Str::kRange28d}};
  for (const auto& [hours, label] : ranges) {
    ImGui::SameLine();
    if (ImGui::RadioButton(Tr(lang, label), model.history_hours == hours)) {
      actions.history_hours = hours;
    }
  }
  if (state.plots_generation != model.data_generation || state.plots_hours != model.history_hours ||
      state.plots_lang != static_cast<int>(lang)) {
    RebuildPlots(d, model, state);
    state.history_span = HistorySpanText(lang, d.history, model.history_hours);
    state.plots_lang = static_cast<int>(lang);
  }
  if (d.history.empty() || state.history_span.empty()) {
    // A PC that was off (a weekend, a holiday) has no hours in a short range: say so, and
    // when it last reported, rather than "no data yet".
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", NoHistoryText(lang, model.history_hours, d.last_report_ms).c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  // Which hours the charts cover: they have no time axis, and nights are left out.
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s", state.history_span.c_str());
  ImGui::PopTextWrapPos();
  const float w = ImGui::GetContentRegionAvail().x;
  for (std::size_t i = 0; i < d.history.size() && i < state.plot_values.size(); ++i) {
    const Series& s = d.history[i];
    const auto& v = state.plot_values[i];
    if (v.empty()) continue;
    if (!SeriesMeasured(d.platform, s.name)) {
      // Windows has no pressure counters: a flat 0% would read as "no pressure".
      ImGui::TextUnformatted(SeriesLabel(lang, s.name));
      ImGui::PushTextWrapPos(0);
      // The whole reason once, under memory; I/O pressure just says it is not measured.
      const bool memory = s.name.find("memory") != std::string::npos;
      ImGui::TextDisabled(
          "%s", Tr(lang, memory ? Str::kNotMeasuredWindows : Str::kNotMeasuredWindowsShort));
      ImGui::PopTextWrapPos();
      continue;
    }
    float lo = *std::min_element(v.begin(), v.end());
    float hi = *std::max_element(v.begin(), v.end());
    const float vmax = hi;  // the overlay quotes the data, not the chart's 0..100 % range
    const bool ratio = s.name.find("ratio") != std::string::npos || s.unit == "ratio";
    if (ratio) {
      lo = 0;
      hi = std::max(hi, 1.0f);
    }
    char overlay[128];
    const char* max_word = Tr(lang, Str::kChartMax);
    const char* last_word = Tr(lang, Str::kChartLast);
    if (ratio) {
      std::snprintf(overlay, sizeof overlay, "%s %.0f%%  %s %.0f%%", max_word, vmax * 100,
                    last_word, v.back() * 100);
    } else if (s.name.find("bytes") != std::string::npos) {
      // Bytes in each hour ("16.9 GiB" alone read like a total).
      const char* per_hour = Tr(lang, Str::kPerHour);
      std::snprintf(overlay, sizeof overlay, "%s %s%s  %s %s%s", max_word,
                    FormatBytes(lang, hi).c_str(), per_hour, last_word,
                    FormatBytes(lang, v.back()).c_str(), per_hour);
    } else if (s.name.find("seconds") != std::string::npos) {
      std::snprintf(overlay, sizeof overlay, "%s %s  %s %s", max_word,
                    FormatSeconds(lang, hi).c_str(), last_word,
                    FormatSeconds(lang, v.back()).c_str());
    } else {
      std::snprintf(overlay, sizeof overlay, "%s %s  %s %s", max_word,
                    FormatNumber(lang, "%.3g", hi).c_str(), last_word,
                    FormatNumber(lang, "%.3g", v.back()).c_str());
    }
    ImGui::TextUnformatted(SeriesLabel(lang, s.name));
    ImGui::PushID(static_cast<int>(i));
    ImGui::PlotLines("##h", v.data(), static_cast<int>(v.size()), 0, overlay, lo,
                     hi > lo ? hi : lo + 1, ImVec2(w, 54));
    ImGui::PopID();
  }
}

void DrawMeta(const MachineDetail& d, const ConsoleModel& model, ViewState& state,
              UiActions& actions) {
  const Lang lang = model.lang;
  widgets::Heading(Tr(lang, Str::kMetadata));
  // The draft starts from the collector's values whenever another machine is shown.
  if (state.meta_for != d.summary.id) {
    state.meta_draft = d.meta;
    state.meta_for = d.summary.id;
  }
  MachineMeta& m = state.meta_draft;
  // Once saved, the draft shows what the collector keeps ("15/03/2018" was sent as
  // 2018-03-15), so the Save button is off again.
  if (model.meta_status.state == MetaEditStatus::State::kSaved &&
      model.meta_status.machine_id == d.summary.id && !(m == d.meta) &&
      NormaliseMeta(m) == d.meta) {
    m = d.meta;
  }
  ImGui::PushItemWidth(-1);
  auto field = [](const char* label, std::string* value) {
    ImGui::TextDisabled("%s", label);
    ImGui::PushID(label);
    ImGui::InputText("##v", value);
    ImGui::PopID();
  };
  field(Tr(lang, Str::kPurchaseDate), &m.purchase_date);
  field(Tr(lang, Str::kAssetTag), &m.asset_tag);
  field(Tr(lang, Str::kDepartment), &m.department);
  field(Tr(lang, Str::kRoom), &m.room);
  field(Tr(lang, Str::kUser), &m.user);
  ImGui::TextDisabled("%s", Tr(lang, Str::kNotes));
  ImGui::InputTextMultiline("##notes", &m.notes, ImVec2(-1, 60));
  ImGui::PopItemWidth();
  const bool saving = model.meta_status.state == MetaEditStatus::State::kSaving;
  const bool changed = !(m == d.meta);
  ImGui::BeginDisabled(saving || !changed);
  if (ImGui::Button(saving ? Tr(lang, Str::kSaving) : Tr(lang, Str::kSave))) {
    actions.save_meta = m;
  }
  ImGui::EndDisabled();
  if (model.meta_status.machine_id == d.summary.id) {
    ImGui::SameLine();
    if (model.meta_status.state == MetaEditStatus::State::kSaved) {
      widgets::ColouredText(widgets::kGreen, Tr(lang, Str::kSaved));
    } else if (model.meta_status.state == MetaEditStatus::State::kFailed) {
      ImGui::PushStyleColor(ImGuiCol_Text, widgets::kRed);
      ImGui::TextWrapped("%s: %s", Tr(lang, Str::kError), model.meta_status.error.c_str());
      ImGui::PopStyleColor();
    }
  }
}

void DrawEvidence(const MachineDetail& d, Lang lang) {
  widgets::Heading(Tr(lang, Str::kEvidence));
  if (d.evidence.empty()) {
    ImGui::TextDisabled("%s", Tr(lang, Str::kNoDataYet));
    return;
  }
  if (ImGui::BeginTable("evidence", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
    // Fixed columns as wide as their header or their widest usual value, whichever is wider
    // (the Vietnamese headers are longer than the English ones).
    auto fit = [](const char* header, const char* sample) {
      return std::max(ImGui::CalcTextSize(header).x, ImGui::CalcTextSize(sample).x) +
             ImGui::GetStyle().CellPadding.x * 2;
    };
    ImGui::TableSetupColumn(Tr(lang, Str::kMeasured), ImGuiTableColumnFlags_WidthFixed,
                            fit(Tr(lang, Str::kMeasured), "1245 sector"));
    ImGui::TableSetupColumn(Tr(lang, Str::kThreshold), ImGuiTableColumnFlags_WidthFixed,
                            fit(Tr(lang, Str::kThreshold), "1245 sector"));
    ImGui::TableSetupColumn(Tr(lang, Str::kWeight), ImGuiTableColumnFlags_WidthFixed,
                            fit(Tr(lang, Str::kWeight), "25"));
    ImGui::TableHeadersRow();
    for (const EvidenceItem& e : d.evidence) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      const std::string& text = Pick(lang, e.text);
      ImGui::TextWrapped("%s", text.empty() ? e.key.c_str() : text.c_str());
      ImGui::TableSetColumnIndex(1);
      if (!std::isnan(e.value))
        ImGui::TextUnformatted(FormatMeasure(lang, e.value, e.unit).c_str());
      ImGui::TableSetColumnIndex(2);
      if (!std::isnan(e.threshold) && e.unit != "bool") {
        ImGui::TextUnformatted(FormatMeasure(lang, e.threshold, e.unit).c_str());
      }
      ImGui::TableSetColumnIndex(3);
      if (!std::isnan(e.weight))
        ImGui::TextUnformatted(FormatNumber(lang, "%.3g", e.weight).c_str());
    }
    ImGui::EndTable();
  }
}

void DrawDisks(const MachineDetail& d, Lang lang) {
  widgets::Heading(Tr(lang, Str::kDisks));
  if (d.disks.empty()) ImGui::TextDisabled("%s", Tr(lang, Str::kNotAvailable));
  for (std::size_t i = 0; i < d.disks.size(); ++i) {
    const Disk& disk = d.disks[i];
    const bool bad = disk.health == "failing" || disk.health == "warning" ||
                     std::any_of(disk.smart.begin(), disk.smart.end(),
                                 [](const SmartAttribute& a) { return a.warning; });
    char label[256];
    std::snprintf(label, sizeof label, "%s %s  %s %s  %s%s%s###disk%zu", bad ? "\xE2\x9A\xA0" : "",
                  disk.name.c_str(), disk.model.c_str(), disk.type.c_str(),
                  FormatBytes(lang, disk.size_bytes).c_str(), disk.boot ? "  " : "",
                  disk.boot ? Tr(lang, Str::kBootDiskMark) : "", i);
    if (bad) ImGui::PushStyleColor(ImGuiCol_Text, widgets::kRed);
    const bool open = ImGui::TreeNodeEx(label, bad ? ImGuiTreeNodeFlags_DefaultOpen : 0);
    if (bad) ImGui::PopStyleColor();
    if (!open) continue;
    if (!disk.health.empty()) {
      widgets::LabelValue(Tr(lang, Str::kHealth), DiskHealthLabel(lang, disk.health));
    }
    if (!std::isnan(disk.power_on_hours)) {
      widgets::LabelValue(Tr(lang, Str::kPowerOn),
                          GroupedInteger(lang, disk.power_on_hours) + " h");
    }
    for (const SmartAttribute& a : disk.smart) {
      // "5 reallocated sectors" from the model; the name after the id in the chosen language.
      const std::string id = a.name.substr(0, a.name.find(' '));
      const char* local = SmartAttributeName(lang, id);
      char b[160];
      // Grouped as the language writes numbers: "9 power-on hours: 22,465" / "22.465".
      std::snprintf(b, sizeof b, "%s: %s",
                    local != nullptr ? (id + " " + local).c_str() : a.name.c_str(),
                    GroupedInteger(lang, a.value).c_str());
      if (a.warning || (a.value > 0 && (a.name.find("realloc") != std::string::npos ||
                                        a.name.find("pending") != std::string::npos ||
                                        a.name.find("uncorrect") != std::string::npos ||
                                        a.name.find("media_errors") != std::string::npos))) {
        widgets::ColouredText(widgets::kRed, b);
      } else {
        ImGui::TextUnformatted(b);
      }
    }
    ImGui::TreePop();
  }
}

void DrawApps(const MachineDetail& d, Lang lang) {
  widgets::Heading(Tr(lang, Str::kTopApps));
  if (d.top_apps.empty()) {
    ImGui::TextDisabled("%s", Tr(lang, Str::kNotAvailable));
    return;
  }
  if (ImGui::BeginTable("apps", 3, ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn(Tr(lang, Str::kApplication), ImGuiTableColumnFlags_WidthStretch);
    // As wide as the header or a long duration in the language ("888 giờ 58 phút").
    const float time_w = ImGui::CalcTextSize(FormatSeconds(lang, 888 * 3600 + 58 * 60).c_str()).x;
    ImGui::TableSetupColumn(Tr(lang, Str::kOfficeHours), ImGuiTableColumnFlags_WidthFixed,
                            std::max(time_w, ImGui::CalcTextSize(Tr(lang, Str::kOfficeHours)).x));
    ImGui::TableSetupColumn(Tr(lang, Str::kForeground), ImGuiTableColumnFlags_WidthFixed,
                            std::max(time_w, ImGui::CalcTextSize(Tr(lang, Str::kForeground)).x));
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < d.top_apps.size() && i < 15; ++i) {
      const AppUsage& a = d.top_apps[i];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(AppLabel(lang, a.name).c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(FormatUsageSeconds(lang, a.office_hours_seconds).c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(FormatUsageSeconds(lang, a.foreground_seconds).c_str());
    }
    ImGui::EndTable();
  }
}

void DrawProbes(const MachineDetail& d, Lang lang) {
  widgets::Heading(Tr(lang, Str::kProbes));
  if (d.probes.empty()) ImGui::TextDisabled("%s", Tr(lang, Str::kNotAvailable));
  for (const Probe& p : d.probes) {
    // The collector's baseline is the portal's off-peak latency; it says nothing about the
    // gateway or other targets, so it is shown and compared for the portal only.
    const bool portal = p.name == "portal";
    const bool slow =
        portal && !std::isnan(p.baseline_seconds) && p.latency_seconds > 2 * p.baseline_seconds;
    char b[320];
    if (portal) {
      std::snprintf(b, sizeof b, "%s (%s): %s %s, %s %s, %s %s", ProbeLabel(lang, p.name).c_str(),
                    p.target.c_str(), Tr(lang, Str::kLatency),
                    FormatSeconds(lang, p.latency_seconds).c_str(), Tr(lang, Str::kBaseline),
                    FormatSeconds(lang, p.baseline_seconds).c_str(), Tr(lang, Str::kFailures),
                    FormatPercent(p.failure_ratio).c_str());
    } else {
      std::snprintf(b, sizeof b, "%s (%s): %s %s, %s %s", ProbeLabel(lang, p.name).c_str(),
                    p.target.c_str(), Tr(lang, Str::kLatency),
                    FormatSeconds(lang, p.latency_seconds).c_str(), Tr(lang, Str::kFailures),
                    FormatPercent(p.failure_ratio).c_str());
    }
    if (slow) {
      widgets::ColouredText(widgets::kOrange, b);
    } else {
      ImGui::TextUnformatted(b);
    }
  }
}

}  // namespace

void DrawMachine(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const Lang lang = model.lang;
  const std::string& id = model.fleet.selected();
  if (id.empty()) {
    ImGui::TextDisabled("%s", Tr(lang, Str::kSelectMachine));
    return;
  }
  const MachineSummary* s = model.fleet.Find(id);
  const MachineDetail* d =
      model.detail && model.detail->summary.id == id ? &*model.detail : nullptr;
  const MachineSummary& sum = d != nullptr ? d->summary : *s;

  // Title line.
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
  ImGui::Text("%s", sum.name.c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("%s  %s %s", sum.id.c_str(), sum.department.c_str(), sum.room.c_str());
  ImGui::SameLine(0, 20);
  widgets::ScoreBar(sum.score, 160, ImGui::GetTextLineHeight());
  ImGui::SameLine(0, 12);
  widgets::ColouredText(widgets::RecommendationColour(sum.recommendation),
                        RecommendationLabel(lang, sum.recommendation));
  if (!sum.recommendation_detail.empty() || !std::isnan(sum.cost_vnd)) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%s%s%s: %s)", ActionsLabel(lang, sum.recommendation_detail).c_str(),
                        sum.recommendation_detail.empty() ? "" : ", ", Tr(lang, Str::kCost),
                        FormatVnd(lang, sum.cost_vnd).c_str());
  }
  ImGui::SameLine(0, 12);
  // "Offline" is the fleet model's judgement (last seen by the collector's clock); the
  // detail does not carry it, so the title showed an offline PC without its grey dot.
  widgets::FlagGlyphs(lang, sum.flags | (s != nullptr ? s->flags & kFlagOffline : 0u));

  if (d == nullptr) {
    const std::string& err = model.EndpointError("/api/v1/machines/{id}");
    if (!err.empty()) {
      ImGui::TextColored(widgets::ToVec4(widgets::kRed), "%s", err.c_str());
    } else {
      ImGui::TextDisabled("%s", Tr(lang, Str::kLoading));
    }
    return;
  }

  if (ImGui::BeginTable("machine_cols", 2, ImGuiTableFlags_Resizable, ImVec2(0, 0))) {
    ImGui::TableSetupColumn("left", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("right", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::BeginChild("left", ImVec2(0, ImGui::GetContentRegionAvail().y));
    DrawEvidence(*d, lang);
    widgets::Heading(Tr(lang, Str::kInventory));
    if (ImGui::BeginTable("inventory", 2, ImGuiTableFlags_RowBg)) {
      ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 190);
      ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
      auto row = [](const char* k, const std::string& v) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextDisabled("%s", k);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextWrapped("%s", v.c_str());
      };
      if (d->inventory.empty()) {
        row(Tr(lang, Str::kColCpu), sum.cpu_model);
        row(Tr(lang, Str::kColRam), FormatBytes(lang, sum.ram_bytes));
        row(Tr(lang, Str::kColBootDisk),
            sum.boot_disk_type + " " + FormatBytes(lang, sum.boot_disk_bytes));
        row(Tr(lang, Str::kOs), sum.os);
      }
      std::string label, shown;
      for (const auto& [k, v] : d->inventory) {
        if (InventoryEntry(lang, k, v, &label, &shown)) row(label.c_str(), shown);
      }
      row(Tr(lang, Str::kColAge),
          FormatYears(lang, sum.age_years) +
              (sum.age_source.empty() ? "" : " (" + AgeSourceLabel(lang, sum.age_source) + ")"));
      row(Tr(lang, Str::kColLastSeen), FormatTime(sum.last_seen_ms));
      ImGui::EndTable();
    }
    DrawDisks(*d, lang);
    DrawApps(*d, lang);
    DrawProbes(*d, lang);
    if (state.scroll_end) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::TableSetColumnIndex(1);
    ImGui::BeginChild("right", ImVec2(0, ImGui::GetContentRegionAvail().y));
    DrawHistory(*d, model, state, actions);
    DrawMeta(*d, model, state, actions);
    if (state.scroll_end) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::EndTable();
  }
}

}  // namespace wardwatch::console
