// Reports view: generate the upgrade-justification report through the API, save it, say where.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

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
  // Each option: the value sent to the collector and the words shown ("28 ngày", not "28d").
  struct Option {
    const char* value;
    const char* shown;
  };
  auto choice = [](const char* label, std::string& value, std::initializer_list<Option> opts) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", label);
    ImGui::PushID(label);
    for (const Option& o : opts) {
      ImGui::SameLine();
      ImGui::PushID(o.value);
      if (ImGui::RadioButton(o.shown, value == o.value)) value = o.value;
      ImGui::PopID();
    }
    ImGui::PopID();
  };
  choice(Tr(lang, Str::kFormat), state.report_format,
         {{"html", "HTML"}, {"pdf", "PDF"}, {"csv", "CSV"}});
  choice(Tr(lang, Str::kLanguage), state.report_lang,
         {{"vi", "Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t"}, {"en", "English"}});
  choice(Tr(lang, Str::kPeriod), state.report_period,
         {{"7d", Tr(lang, Str::kRange7d)},
          {"28d", Tr(lang, Str::kRange28d)},
          {"90d", Tr(lang, Str::kRange90d)},
          {"365d", Tr(lang, Str::kRange365d)}});
  const std::string suggested = model.DefaultReportPath(state.report_format, state.now_ms);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", Tr(lang, Str::kSaveTo));
  ImGui::SameLine();
  // Wide enough for the whole default path (at 520 px the date and extension were cut).
  const float path_w = std::max(ImGui::CalcTextSize(suggested.c_str()).x,
                                ImGui::CalcTextSize(state.report_path.c_str()).x);
  ImGui::SetNextItemWidth(
      std::min(ImGui::GetContentRegionAvail().x, std::max(520.0f, path_w + 24)));
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
