// Reports view: generate the upgrade-justification report through the API, save it, say where.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "model/format.h"
#include "views/views.h"
#include "views/widgets.h"

namespace wardwatch::console {

void DrawReports(const ConsoleModel& model, ViewState& state, UiActions& actions) {
  const Lang lang = model.lang;
  widgets::Heading(Tr(lang, Str::kReportTitle));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x * 0.8f);
  ImGui::TextUnformatted(Tr(lang, Str::kReportHelp));
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (state.report_lang.empty()) state.report_lang = LanguageName(lang);
  auto choice = [](const char* label, std::string& value, std::initializer_list<const char*> opts) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", label);
    for (const char* o : opts) {
      ImGui::SameLine();
      ImGui::PushID(label);
      if (ImGui::RadioButton(o, value == o)) value = o;
      ImGui::PopID();
    }
  };
  choice(Tr(lang, Str::kFormat), state.report_format, {"html", "pdf", "csv"});
  choice(Tr(lang, Str::kLanguage), state.report_lang, {"vi", "en"});
  choice(Tr(lang, Str::kPeriod), state.report_period, {"7d", "28d", "90d", "365d"});
  const std::string suggested = model.DefaultReportPath(state.report_format, state.now_ms);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", Tr(lang, Str::kSaveTo));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(520);
  ImGui::InputTextWithHint("##path", suggested.c_str(), &state.report_path);
  ImGui::Spacing();
  ImGui::BeginDisabled(model.report_status.busy);
  if (ImGui::Button(
          model.report_status.busy ? Tr(lang, Str::kGenerating) : Tr(lang, Str::kGenerate),
          ImVec2(220, 0))) {
    actions.generate_report =
        ReportRequest{state.report_format, state.report_lang, state.report_period,
                      state.report_path.empty() ? suggested : state.report_path};
  }
  ImGui::EndDisabled();
  if (const auto& last = model.report_status.last) {
    ImGui::Spacing();
    if (last->ok) {
      widgets::ColouredText(widgets::kGreen, Tr(lang, Str::kReportSaved));
      ImGui::SameLine();
      ImGui::Text("%s (%s)", last->path.c_str(),
                  FormatBytes(lang, static_cast<double>(last->bytes)).c_str());
    } else {
      ImGui::PushStyleColor(ImGuiCol_Text, widgets::kRed);
      ImGui::TextWrapped("%s: %s", Tr(lang, Str::kError), last->error.c_str());
      ImGui::PopStyleColor();
    }
  }
}

}  // namespace wardwatch::console
