// The console window: view tabs, language, connection state, fleet totals, current view.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "model/format.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {
namespace {

void ViewTab(const ConsoleModel& model, View view, Str label, UiActions& actions) {
  const bool current = model.view == view;
  if (current)
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
  if (ImGui::Button(Tr(model.lang, label))) actions.go_to = view;
  if (current) ImGui::PopStyleColor();
  ImGui::SameLine();
}

}  // namespace

void DrawHeader(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const Lang lang = model.lang;
  ViewTab(model, View::kFleet, Str::kViewFleet, actions);
  ViewTab(model, View::kMachine, Str::kViewMachine, actions);
  ViewTab(model, View::kNetwork, Str::kViewNetwork, actions);
  ViewTab(model, View::kSoftware, Str::kViewSoftware, actions);
  ViewTab(model, View::kReports, Str::kViewReports, actions);

  // Right side: connection state, then language and refresh. The state is right-aligned
  // against the buttons by its measured width: "Collector unreachable - showing data from
  // 41 s ago" (longer still in Vietnamese) ran into the VI / EN buttons at a fixed offset.
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float tabs_end = ImGui::GetCursorPosX();
  const ConnectionInfo& c = model.connection;
  char status[256];
  ImU32 colour = widgets::kYellow;
  switch (c.state) {
    case ConnectionInfo::State::kConnecting:
      std::snprintf(status, sizeof status, "%s", Tr(lang, Str::kConnecting));
      break;
    case ConnectionInfo::State::kOnline:
      colour = widgets::kGreen;
      std::snprintf(status, sizeof status, "%s", Tr(lang, Str::kOnline));
      break;
    case ConnectionInfo::State::kOffline:
      colour = widgets::kRed;
      if (model.fleet_received_ms != 0) {
        std::snprintf(status, sizeof status, "%s %s", Tr(lang, Str::kOffline),
                      FormatAgo(lang, model.fleet_received_ms, state.now_ms).c_str());
      } else {
        std::snprintf(status, sizeof status, "%s", Tr(lang, Str::kNoDataYet));
      }
      break;
  }
  const float buttons_w = 130;
  const float status_w = ImGui::CalcTextSize("\xE2\x97\x8F").x + 4 + ImGui::CalcTextSize(status).x;
  ImGui::SameLine(std::max(tabs_end + 16, right - buttons_w - 16 - status_w));
  widgets::ColouredText(colour, "\xE2\x97\x8F");
  ImGui::SameLine(0, 4);
  ImGui::TextUnformatted(status);
  if (ImGui::IsItemHovered() && !c.error.empty()) {
    ImGui::SetTooltip("%s\n(%s)", c.error.c_str(), Tr(lang, Str::kRetrying));
  }
  const float status_end = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  ImGui::SameLine(std::max(status_end + 16, right - buttons_w + 10));
  if (ImGui::SmallButton("VI")) actions.language = Lang::kVi;
  ImGui::SameLine();
  if (ImGui::SmallButton("EN")) actions.language = Lang::kEn;
  ImGui::SameLine();
  if (ImGui::SmallButton("\xE2\x86\xBB")) actions.refresh = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr(lang, Str::kRefresh));

  // Fleet totals: the ten-second answer.
  const FleetTotals& t = model.fleet.totals();
  ImGui::Separator();
  ImGui::Text("%d %s", t.machines, Tr(lang, Str::kTotalMachines));
  ImGui::SameLine(0, 24);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%d %s", t.to_replace, Tr(lang, Str::kTotalReplace));
  widgets::ColouredText(t.to_replace > 0 ? widgets::kRed : widgets::kGreen, buf);
  ImGui::SameLine(0, 24);
  std::snprintf(buf, sizeof buf, "%d %s", t.to_upgrade, Tr(lang, Str::kTotalUpgrade));
  widgets::ColouredText(t.to_upgrade > 0 ? widgets::kOrange : widgets::kGreen, buf);
  ImGui::SameLine(0, 24);
  std::snprintf(buf, sizeof buf, "%d %s", t.offline, Tr(lang, Str::kTotalOffline));
  widgets::ColouredText(t.offline > 0 ? widgets::kGrey : widgets::kGreen, buf);
  ImGui::SameLine(0, 24);
  const double u = model.UtilisationNow();
  std::snprintf(buf, sizeof buf, "%s: %s", Tr(lang, Str::kUplinkNow), FormatPercent(u).c_str());
  // While the collector is away the figure is the last one received, not "now": greyed.
  const bool stale = c.state == ConnectionInfo::State::kOffline;
  widgets::ColouredText(std::isnan(u) || stale ? widgets::kGrey
                        : u >= 0.8             ? widgets::kRed
                        : u >= 0.6             ? widgets::kOrange
                                               : widgets::kGreen,
                        buf);
  if (!std::isnan(u)) {
    ImGui::SameLine();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = 140, h = ImGui::GetTextLineHeight() * 0.7f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float y = p.y + ImGui::GetTextLineHeight() * 0.15f;
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w, y + h), IM_COL32(60, 60, 66, 255), 2);
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w * static_cast<float>(std::min(u, 1.0)), y + h),
                      widgets::HeatColour(u), 2);
    ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
  }
  // When it usually is: the ten-second answer should not need the Network view.
  if (model.network) {
    const std::string busy = BusyHoursText(lang, *model.network);
    if (!busy.empty()) {
      ImGui::SameLine(0, 24);
      widgets::ColouredText(widgets::kOrange, busy.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr(lang, Str::kBottlenecks));
    }
  }
  ImGui::Separator();
}

void DrawMainWindow(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("##wardwatch", nullptr, kFlags);
  DrawHeader(model, state, actions);
  // Tables keep their column widths per ID; under an ID per language, switching language
  // sizes them afresh for the new headers ("Khuyến nghị" → "Recommenda..." otherwise).
  ImGui::PushID(LanguageName(model.lang));
  switch (model.view) {
    case View::kFleet:
      DrawFleet(model, state, actions);
      break;
    case View::kMachine:
      DrawMachine(model, state, actions);
      break;
    case View::kNetwork:
      DrawNetwork(model, state, actions);
      break;
    case View::kSoftware:
      DrawSoftware(model, state, actions);
      break;
    case View::kReports:
      DrawReports(model, state, actions);
      break;
  }
  ImGui::PopID();
  ImGui::End();
}

}  // namespace wardwatch::console
