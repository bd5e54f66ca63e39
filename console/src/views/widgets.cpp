// Shared drawing helpers for the console's views.
#include "views/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wardwatch::console::widgets {

ImVec4 ToVec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

const char* FlagGlyph(Flag flag) {
  switch (flag) {
    case kFlagFailingDisk:
      return "\xE2\x9A\xA0";  // ⚠
    case kFlagHddBoot:
      return "\xE2\x97\x8E";  // ◎
    case kFlagLowRam:
      return "\xE2\x96\xBC";  // ▼
    case kFlagOsUnsupported:
      return "\xE2\x8A\x98";  // ⊘
    case kFlagSlowNic:
      return "\xE2\x87\xA3";  // ⇣
    case kFlagOffline:
      return "\xE2\x97\x8F";  // ●
  }
  return "?";
}

ImU32 FlagColour(Flag flag) {
  switch (flag) {
    case kFlagFailingDisk:
      return kRed;
    case kFlagHddBoot:
      return kOrange;
    case kFlagLowRam:
      return kYellow;
    case kFlagOsUnsupported:
      return kPurple;
    case kFlagSlowNic:
      return kBlue;
    case kFlagOffline:
      return kGrey;
  }
  return kGrey;
}

ImU32 RecommendationColour(Recommendation r) {
  switch (r) {
    case Recommendation::kReplace:
      return kRed;
    case Recommendation::kUpgrade:
      return kOrange;
    case Recommendation::kWatch:
      return kYellow;
    case Recommendation::kFine:
      return kGreen;
    case Recommendation::kUnknown:
      return kGrey;
  }
  return kGrey;
}

namespace {
ImU32 Lerp3(ImVec4 a, ImVec4 b, ImVec4 c, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  ImVec4 from = t < 0.5f ? a : b, to = t < 0.5f ? b : c;
  const float u = t < 0.5f ? t * 2 : (t - 0.5f) * 2;
  return ImGui::ColorConvertFloat4ToU32(ImVec4(from.x + (to.x - from.x) * u,
                                               from.y + (to.y - from.y) * u,
                                               from.z + (to.z - from.z) * u, 1.0f));
}
}  // namespace

ImU32 ScoreColour(double score) {
  if (std::isnan(score)) return kGrey;
  return Lerp3(ToVec4(kGreen), ToVec4(kYellow), ToVec4(kRed), static_cast<float>(score / 100.0));
}

ImU32 HeatColour(double ratio) {
  if (std::isnan(ratio)) return IM_COL32(50, 50, 55, 255);
  return Lerp3(ImVec4(0.16f, 0.30f, 0.55f, 1), ImVec4(0.90f, 0.78f, 0.25f, 1),
               ImVec4(0.86f, 0.20f, 0.20f, 1), static_cast<float>(ratio));
}

void ScoreBar(double score, float width, float height) {
  if (width <= 0) width = ImGui::GetContentRegionAvail().x;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + height), IM_COL32(60, 60, 66, 255), 2.0f);
  char buf[16];
  if (!std::isnan(score)) {
    const float fill = width * static_cast<float>(std::clamp(score, 0.0, 100.0) / 100.0);
    dl->AddRectFilled(p, ImVec2(p.x + fill, p.y + height), ScoreColour(score), 2.0f);
    std::snprintf(buf, sizeof buf, "%.0f", score);
  } else {
    std::snprintf(buf, sizeof buf, "\xE2\x80\x94");
  }
  const ImVec2 ts = ImGui::CalcTextSize(buf);
  dl->AddText(ImVec2(p.x + 4, p.y + (height - ts.y) * 0.5f), IM_COL32(255, 255, 255, 255), buf);
  ImGui::Dummy(ImVec2(width, height));
}

void FlagGlyphs(Lang lang, std::uint32_t flags) {
  bool first = true;
  for (Flag f : kAllFlags) {
    if ((flags & f) == 0) continue;
    if (!first) ImGui::SameLine(0, 4);
    first = false;
    ImGui::PushStyleColor(ImGuiCol_Text, FlagColour(f));
    ImGui::TextUnformatted(FlagGlyph(f));
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", FlagLabel(lang, f));
  }
  if (first) ImGui::TextUnformatted("");
}

void ColouredText(ImU32 colour, const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

void LabelValue(const char* label, const std::string& value) {
  ImGui::TextDisabled("%s:", label);
  ImGui::SameLine();
  ImGui::TextUnformatted(value.c_str());
}

void Heading(const char* text) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(140, 190, 255, 255));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

}  // namespace wardwatch::console::widgets
