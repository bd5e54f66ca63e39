// Fleet view: every machine in one sortable, filterable table (clipped: only visible rows are
// drawn, so 10,000 machines cost the same per frame as 40).
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "model/format.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {
namespace {

constexpr ImGuiTableFlags kTableFlags =
    ImGuiTableFlags_Sortable | ImGuiTableFlags_Resizable | ImGuiTableFlags_RowBg |
    ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersOuterH |
    ImGuiTableFlags_Hideable | ImGuiTableFlags_Reorderable | ImGuiTableFlags_SizingFixedFit;

void FlagFilterBar(const ConsoleModel& model, UiActions& actions) {
  const std::uint32_t mask = model.fleet.flag_filter();
  for (Flag f : kAllFlags) {
    const bool on = (mask & f) != 0;
    char label[128];
    std::snprintf(label, sizeof label, "%s %s", widgets::FlagGlyph(f), FlagLabel(model.lang, f));
    // A filter that is on is filled with its colour, dark text on it: a faint tint was hard
    // to tell from off (the blue "slow NIC" on the blue buttons hardly changed at all).
    if (on) {
      ImVec4 c = widgets::ToVec4(widgets::FlagColour(f));
      c.w = 0.90f;
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(20, 20, 24, 255));
      ImGui::PushStyleColor(ImGuiCol_Button, c);
      c.w = 1.0f;
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c);
    } else {
      ImGui::PushStyleColor(ImGuiCol_Text, widgets::FlagColour(f));
    }
    if (ImGui::Button(label)) actions.flag_filter = mask ^ f;
    ImGui::PopStyleColor(on ? 3 : 1);
    ImGui::SameLine();
  }
  ImGui::NewLine();
}

}  // namespace

void DrawFleet(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const Lang lang = model.lang;
  const FleetModel& fleet = model.fleet;
  if (!state.filter_synced) {
    state.filter = fleet.filter_text();
    state.filter_synced = true;
  }
  ImGui::SetNextItemWidth(360);
  if (ImGui::InputTextWithHint("##filter", Tr(lang, Str::kFilterHint), &state.filter)) {
    actions.filter_text = state.filter;
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s %zu / %zu", Tr(lang, Str::kShowing), fleet.visible().size(),
                      fleet.machines().size());
  FlagFilterBar(model, actions);

  if (fleet.machines().empty()) {
    ImGui::TextDisabled("%s", model.connection.state == ConnectionInfo::State::kConnecting
                                  ? Tr(lang, Str::kLoading)
                                  : Tr(lang, Str::kNoDataYet));
    return;
  }

  if (!ImGui::BeginTable("fleet", kColumnCount, kTableFlags, ImVec2(0, 0))) return;
  const SortSpec sort = fleet.sort();
  auto col = [&](Str label, Column c, ImGuiTableColumnFlags flags, float width) {
    if (c == sort.column) {
      flags |= ImGuiTableColumnFlags_DefaultSort;
      flags |= sort.descending ? ImGuiTableColumnFlags_PreferSortDescending
                               : ImGuiTableColumnFlags_PreferSortAscending;
    }
    // A fixed column is at least as wide as its header plus the sort arrow, so no header is
    // cut ("Recommenda..."): the Vietnamese and English headers differ in length.
    if ((flags & ImGuiTableColumnFlags_WidthStretch) == 0) {
      width = std::max(width, ImGui::CalcTextSize(Tr(lang, label)).x +
                                  ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetFontSize());
    }
    ImGui::TableSetupColumn(Tr(lang, label), flags, width, static_cast<ImGuiID>(c));
  };
  col(Str::kColName, Column::kName, ImGuiTableColumnFlags_NoHide, 130);
  col(Str::kColDepartment, Column::kDepartment, 0, 150);
  col(Str::kColAge, Column::kAge, ImGuiTableColumnFlags_PreferSortDescending, 60);
  col(Str::kColScore, Column::kScore, ImGuiTableColumnFlags_PreferSortDescending, 120);
  // Wide enough for "Upgrade: SSD, RAM, OS" / "Nâng cấp: SSD, RAM, HĐH" (the words in the
  // tooltip), and no wider: the flags column after it needs room for seven glyphs.
  col(Str::kColRecommendation, Column::kRecommendation, ImGuiTableColumnFlags_PreferSortDescending,
      std::max(ImGui::CalcTextSize(Tr(lang, Str::kRecUpgrade)).x +
                   ImGui::CalcTextSize(": SSD, RAM, ").x +
                   ImGui::CalcTextSize(Tr(lang, Str::kShortOs)).x,
               120.0f));
  col(Str::kColCpu, Column::kCpu, 0, 220);
  col(Str::kColRam, Column::kRam, 0, 70);
  col(Str::kColBootDisk, Column::kBootDisk, 0, 110);
  col(Str::kColLastSeen, Column::kLastSeen, ImGuiTableColumnFlags_PreferSortDescending, 110);
  col(Str::kColFlags, Column::kFlags,
      ImGuiTableColumnFlags_PreferSortDescending | ImGuiTableColumnFlags_WidthStretch, 0);
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableHeadersRow();

  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0) {
      const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
      SortSpec next{static_cast<Column>(s.ColumnUserID),
                    s.SortDirection == ImGuiSortDirection_Descending};
      if (!(next == sort)) actions.sort = next;
    }
    specs->SpecsDirty = false;
  }

  const auto& rows = fleet.visible();
  const auto& machines = fleet.machines();
  const float row_h = ImGui::GetTextLineHeightWithSpacing();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()), row_h);
  char buf[160];
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const MachineSummary& m = machines[rows[static_cast<std::size_t>(r)]];
      ImGui::TableNextRow(0, row_h);
      ImGui::PushID(r);
      ImGui::TableSetColumnIndex(0);
      const bool offline = (m.flags & kFlagOffline) != 0;
      if (offline) ImGui::PushStyleColor(ImGuiCol_Text, widgets::kGrey);
      if (ImGui::Selectable(
              m.name.c_str(), m.id == fleet.selected(),
              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
        actions.open_machine = m.id;
      }
      if (offline) ImGui::PopStyleColor();
      if (ImGui::IsItemHovered() && !Pick(lang, m.summary).empty()) {
        ImGui::SetTooltip("%s", Pick(lang, m.summary).c_str());
      }
      ImGui::TableSetColumnIndex(1);
      if (m.room.empty()) {
        ImGui::TextUnformatted(m.department.c_str());
      } else {
        ImGui::Text("%s / %s", m.department.c_str(), m.room.c_str());
      }
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(FormatYears(lang, m.age_years).c_str());
      ImGui::TableSetColumnIndex(3);
      widgets::ScoreBar(m.score, 0, ImGui::GetTextLineHeight());
      ImGui::TableSetColumnIndex(4);
      // What to upgrade, in the row: "Upgrade" alone did not say (a worn battery, score 5).
      const bool say_actions =
          m.recommendation == Recommendation::kUpgrade && !m.recommendation_detail.empty();
      if (say_actions) {
        std::snprintf(buf, sizeof buf, "%s: %s", RecommendationLabel(lang, m.recommendation),
                      ShortActionsLabel(lang, m.recommendation_detail).c_str());
      } else {
        std::snprintf(buf, sizeof buf, "%s", RecommendationLabel(lang, m.recommendation));
      }
      widgets::ColouredText(widgets::RecommendationColour(m.recommendation), buf);
      if (ImGui::IsItemHovered() && (!m.recommendation_detail.empty() || !std::isnan(m.cost_vnd))) {
        if (m.recommendation_detail.empty()) {
          ImGui::SetTooltip("%s: %s", Tr(lang, Str::kCost), FormatVnd(lang, m.cost_vnd).c_str());
        } else {
          ImGui::SetTooltip("%s\n%s: %s", ActionsLabel(lang, m.recommendation_detail).c_str(),
                            Tr(lang, Str::kCost), FormatVnd(lang, m.cost_vnd).c_str());
        }
      }
      ImGui::TableSetColumnIndex(5);
      const std::string& cpu = m.cpu_short.empty() ? m.cpu_model : m.cpu_short;
      if (m.cpu_cores > 0) {
        std::snprintf(buf, sizeof buf, "%s \xC2\xB7 %d %s", cpu.c_str(), m.cpu_cores,
                      Tr(lang, Str::kThreadsShort));
        ImGui::TextUnformatted(buf);
      } else {
        ImGui::TextUnformatted(cpu.c_str());
      }
      if (ImGui::IsItemHovered() && !m.cpu_model.empty())
        ImGui::SetTooltip("%s", m.cpu_model.c_str());
      ImGui::TableSetColumnIndex(6);
      const std::string ram = FormatBytes(lang, m.ram_bytes);
      if ((m.flags & kFlagLowRam) != 0) {
        widgets::ColouredText(widgets::FlagColour(kFlagLowRam), ram.c_str());
      } else {
        ImGui::TextUnformatted(ram.c_str());
      }
      ImGui::TableSetColumnIndex(7);
      std::snprintf(buf, sizeof buf, "%s %s", m.boot_disk_type.c_str(),
                    FormatBytes(lang, m.boot_disk_bytes).c_str());
      if ((m.flags & kFlagFailingDisk) != 0) {
        widgets::ColouredText(widgets::kRed, buf);
      } else if ((m.flags & kFlagHddBoot) != 0) {
        widgets::ColouredText(widgets::kOrange, buf);
      } else {
        ImGui::TextUnformatted(buf);
      }
      ImGui::TableSetColumnIndex(8);
      const std::string ago = FormatAgo(lang, m.last_seen_ms, state.now_ms);
      if (offline) {
        widgets::ColouredText(widgets::kGrey, ago.c_str());
      } else {
        ImGui::TextUnformatted(ago.c_str());
      }
      ImGui::TableSetColumnIndex(9);
      widgets::FlagGlyphs(lang, m.flags);
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

}  // namespace wardwatch::console
