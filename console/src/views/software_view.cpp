// Software view: fleet-wide usage ranking, installed software search, unsupported OS list.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "model/fleet_model.h"
#include "model/format.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {
namespace {

// The installed-software search: the box sends what is typed through UiActions (the model
// debounces it), the table shows the collector's answer for the query last sent.
void DrawInstalled(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const Lang lang = model.lang;
  widgets::Heading(Tr(lang, Str::kInstalled));
  if (!state.software_search_synced) {  // e.g. a query given on the command line
    state.software_search = model.installed_search.text;
    state.software_search_synced = true;
  }
  ImGui::SetNextItemWidth(360);
  ImGui::InputTextWithHint("##swsearch", Tr(lang, Str::kInstalledHint), &state.software_search);
  const ImVec2 box_min = ImGui::GetItemRectMin(), box_size = ImGui::GetItemRectSize();
  const ImVec2 origin = ImGui::GetMainViewport()->Pos;
  state.software_search_box[0] = box_min.x - origin.x;
  state.software_search_box[1] = box_min.y - origin.y;
  state.software_search_box[2] = box_size.x;
  state.software_search_box[3] = box_size.y;
  // Enter ends the edit; the model then searches without waiting for the pause.
  if (ImGui::IsItemDeactivated() &&
      (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter)))) {
    actions.installed_search_submit = true;
  }
  if (state.software_search != model.installed_search.text) {
    actions.installed_search = state.software_search;
  }
  ImGui::SameLine(0, 16);
  const std::string& err = model.EndpointError("/api/v1/software/installed");
  const InstalledSearch* r = model.installed ? &*model.installed : nullptr;
  if (model.installed_search.waiting ||
      model.installed_search.text != model.installed_search.sent) {
    ImGui::TextDisabled("%s", Tr(lang, Str::kSearching));
  } else if (!err.empty()) {
    widgets::ColouredText(widgets::kRed, err.c_str());
  } else if (r != nullptr) {
    ImGui::Text("%d %s %d/%d %s", r->matched_packages, Tr(lang, Str::kEntriesOn),
                r->matched_machines, r->machines_total, Tr(lang, Str::kTotalMachines));
    if (r->truncated) {
      ImGui::SameLine();
      widgets::ColouredText(widgets::kOrange, Tr(lang, Str::kFirstShown));
    }
  }
  if (r != nullptr && r->machines_with_list < r->machines_total) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%d %s", r->machines_total - r->machines_with_list,
                  Tr(lang, Str::kNoListYet));
    ImGui::TextDisabled("%s", buf);
  }
  if (r == nullptr) return;
  if (r->packages.empty()) {
    ImGui::TextDisabled("%s", Tr(lang, Str::kNoMatch));
    return;
  }
  if (!ImGui::BeginTable(
          "installed", 4,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV)) {
    return;
  }
  const float pad = ImGui::GetStyle().CellPadding.x * 2;
  ImGui::TableSetupColumn(Tr(lang, Str::kApplication), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn(Tr(lang, Str::kVersion), ImGuiTableColumnFlags_WidthFixed, 190);
  ImGui::TableSetupColumn(
      Tr(lang, Str::kMachinesCol), ImGuiTableColumnFlags_WidthFixed,
      std::max(ImGui::CalcTextSize(Tr(lang, Str::kMachinesCol)).x, ImGui::CalcTextSize("8888").x) +
          pad);
  ImGui::TableSetupColumn(Tr(lang, Str::kInstalledOn), ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < r->packages.size(); ++i) {
    const InstalledSoftware& p = r->packages[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    // The name once per group of versions; later versions of the same name are indented.
    const bool same_name = i > 0 && r->packages[i - 1].name == p.name;
    const bool open = ImGui::TreeNodeEx("##pkg", ImGuiTreeNodeFlags_SpanFullWidth, "%s",
                                        same_name ? "" : p.name.c_str());
    if (ImGui::IsItemHovered() && !p.sources.empty()) {
      std::string sources;
      for (const auto& src : p.sources) sources += (sources.empty() ? "" : ", ") + src;
      ImGui::SetTooltip("%s %s (%s)", p.name.c_str(), p.version.c_str(), sources.c_str());
    }
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(p.version.c_str());
    ImGui::TableSetColumnIndex(2);
    ImGui::Text("%d", p.machines);
    ImGui::TableSetColumnIndex(3);
    // As many names as fit on the line, then how many more; open the row for every machine,
    // each a link.
    const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(", +8888").x;
    std::string names;
    int shown = 0;
    for (const MachineRef& m : p.machine_list) {
      std::string longer = names + (names.empty() ? "" : ", ") + m.name;
      if (shown > 0 && ImGui::CalcTextSize(longer.c_str()).x > room) break;
      names = std::move(longer);
      ++shown;
    }
    if (p.machines > shown) names += (shown > 0 ? ", +" : "+") + std::to_string(p.machines - shown);
    ImGui::TextDisabled("%s", names.c_str());
    if (open) {
      for (std::size_t k = 0; k < p.machine_list.size(); ++k) {
        const MachineRef& m = p.machine_list[k];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(3);
        ImGui::PushID(static_cast<int>(k));
        if (ImGui::Selectable(m.name.c_str())) actions.open_machine = m.id;
        ImGui::PopID();
      }
      if (p.machine_list_truncated) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(3);
        ImGui::TextDisabled("+%d %s", p.machines - static_cast<int>(p.machine_list.size()),
                            Tr(lang, Str::kMoreMachines));
      }
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace

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
    // What the order means: the collector ranks by time in use, not by time running (Zalo,
    // running all day on every PC, came third with the longest bar beside it).
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", Tr(lang, Str::kRankingNote));
    ImGui::PopTextWrapPos();
    if (ImGui::BeginTable(
            "ranking", 5,
            ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV,
            ImVec2(0, half))) {
      ImGui::TableSetupColumn(Tr(lang, Str::kApplication), ImGuiTableColumnFlags_WidthStretch);
      // Time in use, the ranking's measure: the time as text, then a bar (its share of the
      // longest) beside it, not under it.
      const float time_w =
          ImGui::CalcTextSize(FormatSeconds(lang, 8888 * 3600 + 58 * 60).c_str()).x;
      const float bar_w = 56;
      const float pad = ImGui::GetStyle().ItemSpacing.x;
      ImGui::TableSetupColumn(Tr(lang, Str::kOfficeHours), ImGuiTableColumnFlags_WidthFixed,
                              std::max(time_w, ImGui::CalcTextSize(Tr(lang, Str::kOfficeHours)).x));
      ImGui::TableSetupColumn(
          Tr(lang, Str::kForeground), ImGuiTableColumnFlags_WidthFixed,
          std::max(time_w + pad + bar_w, ImGui::CalcTextSize(Tr(lang, Str::kForeground)).x));
      ImGui::TableSetupColumn(Tr(lang, Str::kMachinesCol), ImGuiTableColumnFlags_WidthFixed, 60);
      ImGui::TableSetupColumn("WAN", ImGuiTableColumnFlags_WidthFixed, 80);
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableHeadersRow();
      double top = 0;
      for (const AppUsage& a : s.ranking) {
        if (!std::isnan(a.foreground_seconds)) top = std::max(top, a.foreground_seconds);
      }
      ImGuiListClipper clip;
      clip.Begin(static_cast<int>(s.ranking.size()));
      while (clip.Step()) {
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
          const AppUsage& a = s.ranking[static_cast<std::size_t>(i)];
          ImGui::TableNextRow();
          ImGui::TableSetColumnIndex(0);
          ImGui::Text("%d. %s", i + 1, AppLabel(lang, a.name).c_str());
          ImGui::TableSetColumnIndex(1);
          ImGui::TextUnformatted(FormatUsageSeconds(lang, a.office_hours_seconds).c_str());
          ImGui::TableSetColumnIndex(2);
          const ImVec2 p = ImGui::GetCursorScreenPos();
          ImGui::TextUnformatted(FormatUsageSeconds(lang, a.foreground_seconds).c_str());
          if (top > 0 && a.foreground_seconds > 0) {
            const float h = ImGui::GetTextLineHeight();
            const float x = p.x + time_w + pad;
            const float w = std::max(1.0f, bar_w * static_cast<float>(a.foreground_seconds / top));
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->AddRectFilled(ImVec2(x, p.y + h * 0.2f), ImVec2(x + bar_w, p.y + h * 0.8f),
                              IM_COL32(80, 90, 110, 120));
            dl->AddRectFilled(ImVec2(x, p.y + h * 0.2f), ImVec2(x + w, p.y + h * 0.8f),
                              IM_COL32(80, 150, 230, 220));
          }
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

  DrawInstalled(model, state, actions);
}

}  // namespace wardwatch::console
