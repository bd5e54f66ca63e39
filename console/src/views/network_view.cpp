// Network view: hour × weekday heatmap (ImDrawList), today's utilisation against capacity,
// bottleneck hours with their top contributors, portal latency, bandwidth verdict.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "model/format.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {
namespace {

const char* DayLabel(Lang lang, int d) {
  static constexpr Str kDays[] = {Str::kDay0, Str::kDay1, Str::kDay2, Str::kDay3,
                                  Str::kDay4, Str::kDay5, Str::kDay6};
  return d >= 0 && d < 7 ? Tr(lang, kDays[d]) : "?";
}

void DrawHeatmap(const Heatmap& h, Lang lang) {
  const float label_w = 36, top_h = ImGui::GetTextLineHeight() + 4;
  const float avail = ImGui::GetContentRegionAvail().x - label_w - 10;
  const float cell = std::clamp(avail / 24.0f, 14.0f, 40.0f);
  const float cell_h = std::min(cell * 0.8f, 28.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  char buf[16];
  for (int hour = 0; hour < 24; hour += 1) {
    if (cell < 22 && hour % 2 != 0) continue;
    std::snprintf(buf, sizeof buf, "%d", hour);
    dl->AddText(ImVec2(origin.x + label_w + hour * cell + 2, origin.y), dim, buf);
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hover_d = -1, hover_h = -1;
  for (int d = 0; d < 7; ++d) {
    const float y = origin.y + top_h + d * cell_h;
    dl->AddText(ImVec2(origin.x, y + (cell_h - ImGui::GetTextLineHeight()) * 0.5f), text,
                DayLabel(lang, d));
    for (int hour = 0; hour < 24; ++hour) {
      const ImVec2 a(origin.x + label_w + hour * cell, y);
      const ImVec2 b(a.x + cell - 2, a.y + cell_h - 2);
      const double v = h.cells[d][hour];
      dl->AddRectFilled(a, b, widgets::HeatColour(v), 2.0f);
      if (v >= 0.8) dl->AddRect(a, b, IM_COL32(255, 255, 255, 160), 2.0f);
      if (cell >= 30 && !std::isnan(v)) {
        std::snprintf(buf, sizeof buf, "%.0f", v * 100);
        dl->AddText(ImVec2(a.x + 3, a.y + (cell_h - ImGui::GetTextLineHeight()) * 0.5f - 1),
                    IM_COL32(255, 255, 255, 220), buf);
      }
      if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
        hover_d = d;
        hover_h = hour;
      }
    }
  }
  ImGui::Dummy(ImVec2(label_w + 24 * cell, top_h + 7 * cell_h + 4));
  if (hover_d >= 0 && ImGui::IsWindowHovered()) {
    ImGui::SetTooltip("%s %02d:00-%02d:59  p95 %s", DayLabel(lang, hover_d), hover_h, hover_h,
                      FormatPercent(h.cells[hover_d][hover_h]).c_str());
  }
  // Legend.
  const ImVec2 p = ImGui::GetCursorScreenPos();
  for (int i = 0; i < 100; ++i) {
    dl->AddRectFilled(ImVec2(p.x + label_w + i * 2.0f, p.y),
                      ImVec2(p.x + label_w + i * 2.0f + 2, p.y + 10),
                      widgets::HeatColour(i / 100.0));
  }
  dl->AddText(ImVec2(p.x + label_w + 206, p.y - 3), dim, "0% \xE2\x86\x92 100%");
  ImGui::Dummy(ImVec2(0, 14));
}

// The collector's top-N lists end with an "other" bucket, named in the chosen language.
std::string Join(Lang lang, const std::vector<Contributor>& list, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < list.size() && i < n; ++i) {
    if (!out.empty()) out += ", ";
    out += AppLabel(lang, list[i].name);
    if (!std::isnan(list[i].share))
      out += " (" + FormatPercent(list[i].share) + ")";
    else if (!std::isnan(list[i].bytes))
      out += " (" + FormatBytes(lang, list[i].bytes) + ")";
  }
  return out;
}

void Plot(const char* id, const std::vector<float>& v, float lo, float hi, const char* overlay,
          float height, float mark, ImU32 mark_colour) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PlotLines(id, v.data(), static_cast<int>(v.size()), 0, overlay, lo, hi, ImVec2(w, height));
  if (!std::isnan(mark) && hi > lo) {
    const float y = p.y + height - (mark - lo) / (hi - lo) * height;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, y), ImVec2(p.x + w, y), mark_colour, 1.5f);
  }
}

// Local weekday, 0 = Monday.
int TodayWeekday(std::int64_t now_ms) {
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return (tm.tm_wday + 6) % 7;
}

void DrawTodayAndPortal(const ConsoleModel& model, ViewState& state) {
  const Lang lang = model.lang;
  const NetworkStatus* n = model.network ? &*model.network : nullptr;
  const Heatmap* h = model.heatmap ? &*model.heatmap : nullptr;
  double capacity = n != nullptr ? n->capacity_down_mbps : kNaN;
  if (std::isnan(capacity) && h != nullptr) capacity = h->capacity_down_mbps;
  char overlay[200];
  widgets::Heading(Tr(lang, Str::kToday));
  if (!state.today_values.empty()) {
    std::snprintf(overlay, sizeof overlay, "%s %s  (%s %s)", Tr(lang, Str::kNow),
                  FormatPercent(model.UtilisationNow()).c_str(), Tr(lang, Str::kCapacity),
                  FormatMbps(lang, capacity).c_str());
    Plot("##today", state.today_values, 0.0f, 1.05f, overlay, 90, 0.8f, widgets::kRed);
  } else if (h != nullptr) {
    // No live series from this collector: show what today's weekday usually looks like.
    const int day = TodayWeekday(state.now_ms);
    float values[24];
    float peak = 0;
    for (int hour = 0; hour < 24; ++hour) {
      const double v = h->cells[day][hour];
      values[hour] = std::isnan(v) ? 0.0f : static_cast<float>(v);
      peak = std::max(peak, values[hour]);
    }
    std::snprintf(overlay, sizeof overlay, "%s %s: %s %s  (%s %s, %s %s)",
                  Tr(lang, Str::kTypicalDay), DayLabel(lang, day), Tr(lang, Str::kChartMax),
                  FormatPercent(peak).c_str(), Tr(lang, Str::kCapacity),
                  FormatMbps(lang, capacity).c_str(), Tr(lang, Str::kPeakDemand),
                  FormatMbps(lang, h->peak_demand_down_mbps).c_str());
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x, height = 90;
    ImGui::PlotHistogram("##typical", values, 24, 0, overlay, 0.0f, 1.05f, ImVec2(w, height));
    const float y = p.y + height - 0.8f / 1.05f * height;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, y), ImVec2(p.x + w, y), widgets::kRed, 1.5f);
    ImGui::TextDisabled("%s", Tr(lang, Str::kTypicalNote));
  } else {
    ImGui::TextDisabled("%s", Tr(lang, Str::kLoading));
  }

  widgets::Heading(Tr(lang, Str::kPortal));
  double baseline = n != nullptr ? n->portal_baseline_seconds : kNaN;
  if (std::isnan(baseline) && h != nullptr) baseline = h->baseline_latency_seconds;
  double now = n != nullptr ? n->portal_latency_seconds : kNaN;
  if (!state.portal_values.empty()) {
    const double ratio = now / baseline;
    std::snprintf(overlay, sizeof overlay, "%s %s, %s %s (x%s)", Tr(lang, Str::kNow),
                  FormatSeconds(lang, now).c_str(), Tr(lang, Str::kBaseline),
                  FormatSeconds(lang, baseline).c_str(),
                  FormatNumber(lang, "%.1f", std::isnan(ratio) ? 0.0 : ratio).c_str());
    const float hi =
        std::max(*std::max_element(state.portal_values.begin(), state.portal_values.end()),
                 static_cast<float>(std::isnan(baseline) ? 0.0 : baseline) * 2.2f);
    Plot("##portal", state.portal_values, 0.0f, hi * 1.05f, overlay, 70,
         static_cast<float>(baseline), widgets::kGreen);
  } else {
    // The bottleneck hours carry the latency measured while the line was full.
    widgets::LabelValue(Tr(lang, Str::kBaseline), FormatSeconds(lang, baseline));
    if (n != nullptr) {
      for (std::size_t i = 0; i < n->bottlenecks.size() && i < 4; ++i) {
        const BottleneckHour& b = n->bottlenecks[i];
        if (std::isnan(b.latency_seconds)) continue;
        std::snprintf(
            overlay, sizeof overlay, "%s %02d:00  %s %s (x%s)", DayLabel(lang, b.weekday), b.hour,
            Tr(lang, Str::kLatency), FormatSeconds(lang, b.latency_seconds).c_str(),
            FormatNumber(lang, "%.1f", std::isnan(b.latency_ratio) ? 0.0 : b.latency_ratio)
                .c_str());
        widgets::ColouredText(b.latency_ratio >= 2 ? widgets::kRed : widgets::kOrange, overlay);
      }
    }
  }
}

}  // namespace

void DrawNetwork(const ConsoleModel& model, ViewState& state, UiActions& /*actions*/) {
  const Lang lang = model.lang;
  if (state.network_generation != model.data_generation) {
    state.today_values.clear();
    state.portal_values.clear();
    if (model.network) {
      for (const Point& p : model.network->today) {
        state.today_values.push_back(std::isnan(p.v) ? 0.0f : static_cast<float>(p.v));
      }
      for (const Point& p : model.network->portal_latency) {
        state.portal_values.push_back(std::isnan(p.v) ? 0.0f : static_cast<float>(p.v));
      }
    }
    state.network_generation = model.data_generation;
  }

  ImGui::BeginChild("network", ImVec2(0, 0));
  // Verdict first: the leadership answer.
  widgets::Heading(Tr(lang, Str::kVerdict));
  if (model.network) {
    const Verdict& v = model.network->verdict;
    const std::string& text = Pick(lang, v.text);
    const ImU32 c =
        v.kind.find("upgrade") != std::string::npos ? widgets::kOrange
        : v.kind.find("lan") != std::string::npos || v.kind.find("nic") != std::string::npos
            ? widgets::kPurple
            : widgets::kGreen;
    ImGui::PushStyleColor(ImGuiCol_Text, c);
    ImGui::TextWrapped("%s", text.empty() ? v.kind.c_str() : text.c_str());
    ImGui::PopStyleColor();
    if (!v.lan_side_machines.empty()) {
      // The verdict says "1 PC is held back by its own network card"; name it, so the
      // officer knows which one to look at.
      std::string names;
      for (const std::string& n : v.lan_side_machines) names += (names.empty() ? "" : ", ") + n;
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("%s: %s", Tr(lang, Str::kLanSideMachines), names.c_str());
      ImGui::PopTextWrapPos();
    }
    double current = v.current_mbps;
    if (std::isnan(current)) current = model.network->capacity_down_mbps;
    if (std::isnan(current) && model.heatmap) current = model.heatmap->capacity_down_mbps;
    // The plan's name only when it says more than its speed ("150 Mb/s 150 Mb/s" otherwise).
    const std::string plan_mbps = FormatMbps(lang, v.recommended_plan_mbps);
    const std::string plan = v.plan_name.empty() || v.plan_name == plan_mbps ||
                                     v.plan_name == FormatMbps(Lang::kEn, v.recommended_plan_mbps)
                                 ? plan_mbps
                                 : plan_mbps + " (" + v.plan_name + ")";
    ImGui::TextDisabled("%s %s   %s %s   %s %s   %s %s", Tr(lang, Str::kCapacity),
                        FormatMbps(lang, current).c_str(), Tr(lang, Str::kPeakDemand),
                        FormatMbps(lang, v.peak_demand_mbps).c_str(), Tr(lang, Str::kRequired),
                        FormatMbps(lang, v.required_mbps).c_str(), Tr(lang, Str::kPlan),
                        plan.c_str());
  } else {
    const std::string& err = model.EndpointError("/api/v1/network/bottlenecks");
    ImGui::TextDisabled("%s", err.empty() ? Tr(lang, Str::kLoading) : err.c_str());
  }

  if (ImGui::BeginTable("net_cols", 2, ImGuiTableFlags_Resizable)) {
    ImGui::TableSetupColumn("a", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("b", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    char title[200];
    const int weeks = model.heatmap ? model.heatmap->weeks : 0;
    const int seen = model.heatmap ? HeatmapWeeksWithData(*model.heatmap) : 0;
    if (weeks > 0 && seen > 0 && seen < weeks) {
      // Say what the colours rest on: "(data for 1 of the last 4 weeks)".
      std::snprintf(title, sizeof title, "%s (%s %d / %d %s)", Tr(lang, Str::kHeatmap),
                    Tr(lang, Str::kDataFor), seen, weeks, Tr(lang, Str::kWeeks));
    } else if (weeks > 0) {
      std::snprintf(title, sizeof title, "%s (%d %s)", Tr(lang, Str::kHeatmap), weeks,
                    Tr(lang, Str::kWeeks));
    } else {
      std::snprintf(title, sizeof title, "%s", Tr(lang, Str::kHeatmap));
    }
    widgets::Heading(title);
    if (model.heatmap) {
      DrawHeatmap(*model.heatmap, lang);
    } else {
      const std::string& err = model.EndpointError("/api/v1/network/heatmap");
      ImGui::TextDisabled("%s", err.empty() ? Tr(lang, Str::kLoading) : err.c_str());
    }

    ImGui::TableSetColumnIndex(1);
    DrawTodayAndPortal(model, state);
    ImGui::EndTable();
  }

  widgets::Heading(Tr(lang, Str::kBottlenecks));
  if (model.network && model.network->bottlenecks.empty()) {
    ImGui::TextDisabled("%s", Tr(lang, Str::kNoBottlenecks));
  } else if (model.network &&
             ImGui::BeginTable("bottlenecks", 6,
                               ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                   ImGuiTableFlags_Resizable)) {
    ImGui::TableSetupColumn(Tr(lang, Str::kHour), ImGuiTableColumnFlags_WidthFixed, 90);
    ImGui::TableSetupColumn("p95", ImGuiTableColumnFlags_WidthFixed, 50);
    ImGui::TableSetupColumn(Tr(lang, Str::kLatency), ImGuiTableColumnFlags_WidthFixed, 60);
    ImGui::TableSetupColumn(Tr(lang, Str::kTopMachines), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr(lang, Str::kTopAppsShort), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr(lang, Str::kTopServices), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const BottleneckHour& b : model.network->bottlenecks) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::Text("%s %02d:00", DayLabel(lang, b.weekday), b.hour < 0 ? 0 : b.hour);
      if (ImGui::IsItemHovered() && !Pick(lang, b.text).empty()) {
        ImGui::SetTooltip("%s", Pick(lang, b.text).c_str());
      }
      ImGui::TableSetColumnIndex(1);
      widgets::ColouredText(b.p95_utilisation >= 0.8 ? widgets::kRed : widgets::kOrange,
                            FormatPercent(b.p95_utilisation).c_str());
      ImGui::TableSetColumnIndex(2);
      if (!std::isnan(b.latency_ratio)) {
        ImGui::Text("x%s", FormatNumber(lang, "%.1f", b.latency_ratio).c_str());
      }
      ImGui::TableSetColumnIndex(3);
      ImGui::TextWrapped("%s", Join(lang, b.machines, 4).c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::TextWrapped("%s", Join(lang, b.apps, 4).c_str());
      ImGui::TableSetColumnIndex(5);
      ImGui::TextWrapped("%s", Join(lang, b.services, 4).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

}  // namespace wardwatch::console
