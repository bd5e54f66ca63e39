// Software view: fleet-wide usage ranking, installed software search, unsupported OS list.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "model/fleet_model.h"
#include "model/format.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {

void DrawSoftware(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const Lang lang = model.lang;
  if (!model.software) {
    const std::string& err = model.EndpointError("/api/v1/software");
    ImGui::TextDisabled("%s", err.empty() ? Tr(lang, Str::kLoading) : err.c_str());
    return;
  }
  const SoftwareData& s = *model.software;
  const float half = ImGui::GetContentRegionAvail().y * 0.5f;
  if (ImGui::BeginTable("sw_cols", 2, ImGuiTableFlags_Resizable)) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    widgets::Heading(Tr(lang, Str::kUsageRanking));
    if (ImGui::BeginTable(
            "ranking", 5,
            ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV,
            ImVec2(0, half))) {
      ImGui::TableSetupColumn(Tr(lang, Str::kApplication), ImGuiTableColumnFlags_WidthStretch);
      // Office hours: the time as text, then a bar (its share of the longest) beside it, not
      // under it.
      const float time_w = ImGui::CalcTextSize("8888 h 88 min").x;
      const float bar_w = 56;
      const float pad = ImGui::GetStyle().ItemSpacing.x;
      ImGui::TableSetupColumn(
          Tr(lang, Str::kOfficeHours), ImGuiTableColumnFlags_WidthFixed,
          std::max(time_w + pad + bar_w, ImGui::CalcTextSize(Tr(lang, Str::kOfficeHours)).x));
      ImGui::TableSetupColumn(Tr(lang, Str::kForeground), ImGuiTableColumnFlags_WidthFixed,
                              std::max(time_w, ImGui::CalcTextSize(Tr(lang, Str::kForeground)).x));
      ImGui::TableSetupColumn(Tr(lang, Str::kMachinesCol), ImGuiTableColumnFlags_WidthFixed, 60);
      ImGui::TableSetupColumn("WAN", ImGuiTableColumnFlags_WidthFixed, 80);
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableHeadersRow();
      double top = 0;
      for (const AppUsage& a : s.ranking) {
        if (!std::isnan(a.office_hours_seconds)) top = std::max(top, a.office_hours_seconds);
      }
      ImGuiListClipper clip;
      clip.Begin(static_cast<int>(s.ranking.size()));
      while (clip.Step()) {
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
          const AppUsage& a = s.ranking[static_cast<std::size_t>(i)];
          ImGui::TableNextRow();
          ImGui::TableSetColumnIndex(0);
          ImGui::Text("%d. %s", i + 1, a.name.c_str());
          ImGui::TableSetColumnIndex(1);
          const ImVec2 p = ImGui::GetCursorScreenPos();
          ImGui::TextUnformatted(FormatUsageSeconds(lang, a.office_hours_seconds).c_str());
          if (top > 0 && a.office_hours_seconds > 0) {
            const float h = ImGui::GetTextLineHeight();
            const float x = p.x + time_w + pad;
            const float w =
                std::max(1.0f, bar_w * static_cast<float>(a.office_hours_seconds / top));
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->AddRectFilled(ImVec2(x, p.y + h * 0.2f), ImVec2(x + bar_w, p.y + h * 0.8f),
                              IM_COL32(80, 90, 110, 120));
            dl->AddRectFilled(ImVec2(x, p.y + h * 0.2f), ImVec2(x + w, p.y + h * 0.8f),
                              IM_COL32(80, 150, 230, 220));
          }
          ImGui::TableSetColumnIndex(2);
          ImGui::TextUnformatted(FormatUsageSeconds(lang, a.foreground_seconds).c_str());
          ImGui::TableSetColumnIndex(3);
          if (a.machines > 0) ImGui::Text("%d", a.machines);
          ImGui::TableSetColumnIndex(4);
          ImGui::TextUnformatted(FormatBytes(lang, a.wan_bytes).c_str());
        }
      }
      ImGui::EndTable();
    }

    ImGui::TableSetColumnIndex(1);
    widgets::Heading(Tr(lang, Str::kUnsupportedOs));
    if (s.unsupported_os.empty()) {
      widgets::ColouredText(widgets::kGreen, "\xE2\x9C\x93");
    } else if (ImGui::BeginTable("unsupported", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY,
                                 ImVec2(0, half))) {
      ImGui::TableSetupColumn(Tr(lang, Str::kColName), ImGuiTableColumnFlags_WidthFixed, 140);
      ImGui::TableSetupColumn(Tr(lang, Str::kOs), ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableSetupColumn(Tr(lang, Str::kEndOfSupport), ImGuiTableColumnFlags_WidthFixed, 110);
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableHeadersRow();
      for (std::size_t i = 0; i < s.unsupported_os.size(); ++i) {
        const UnsupportedOs& u = s.unsupported_os[i];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::PushID(static_cast<int>(i));
        ImGui::PushStyleColor(ImGuiCol_Text, widgets::FlagColour(kFlagOsUnsupported));
        if (ImGui::Selectable(u.machine_name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
          actions.open_machine = u.machine_id;
        }
        ImGui::PopStyleColor();
        ImGui::PopID();
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(u.os.c_str());
        ImGui::TableSetColumnIndex(2);
        const char* eol = u.end_of_support == "os_eol"        ? Tr(lang, Str::kEolEnded)
                          : u.end_of_support == "os_eol_soon" ? Tr(lang, Str::kEolSoon)
                                                              : u.end_of_support.c_str();
        ImGui::TextUnformatted(eol);
      }
      ImGui::EndTable();
    }
    ImGui::EndTable();
  }

  widgets::Heading(Tr(lang, Str::kInstalled));
  ImGui::SetNextItemWidth(300);
  ImGui::InputTextWithHint("##swsearch", Tr(lang, Str::kSearch), &state.software_search);
  if (s.installed.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%s)", Tr(lang, Str::kNotAvailable));
  }
  const std::string needle = LowerAscii(state.software_search);
  if (ImGui::BeginTable(
          "installed", 3,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn(Tr(lang, Str::kApplication), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr(lang, Str::kVersion), ImGuiTableColumnFlags_WidthFixed, 160);
    ImGui::TableSetupColumn(Tr(lang, Str::kMachinesCol), ImGuiTableColumnFlags_WidthFixed, 70);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    for (const InstalledSoftware& i : s.installed) {
      if (!needle.empty() && LowerAscii(i.name).find(needle) == std::string::npos) continue;
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(i.name.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(i.version.c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::Text("%d", i.machines);
    }
    ImGui::EndTable();
  }
}

}  // namespace wardwatch::console
