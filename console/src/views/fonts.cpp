// Font atlas with every Vietnamese glyph (DejaVu Sans) and the symbols used as flag glyphs.
#include <imgui.h>

#include <cstdlib>
#include <filesystem>

#include "views/views.h"

namespace wardwatch::console {

bool LoadFonts(float size_pixels, std::string* error) {
  ImGuiIO& io = ImGui::GetIO();
  std::string path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (const char* env = std::getenv("WARDWATCH_CONSOLE_FONT"); env != nullptr && *env != '\0') {
    path = env;
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (error != nullptr) {
      *error = "font " + path +
               " not found (install fonts-dejavu-core); Vietnamese text will "
               "show as '?'";
    }
    io.Fonts->AddFontDefault();
    return false;
  }
  // The ranges must outlive the atlas build: keep them in static storage.
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesVietnamese());
    static const ImWchar kSymbols[] = {
        0x00A0, 0x00FF,  // Latin-1 (×, ·, °)
        0x2000, 0x206F,  // punctuation (—, …)
        0x20A0, 0x20CF,  // currency (₫)
        0x2190, 0x21FF,  // arrows (⇣)
        0x2200, 0x22FF,  // maths (⊘)
        0x25A0, 0x25FF,  // shapes (●, ◎, ▼)
        0x2600, 0x26FF,  // symbols (⚠)
        0x2713, 0x2717,  // ✓ ✗
        0,
    };
    builder.AddRanges(kSymbols);
    builder.BuildRanges(&ranges);
  }
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  ImFont* font = io.Fonts->AddFontFromFileTTF(path.c_str(), size_pixels, &config, ranges.Data);
  if (font == nullptr) {
    if (error != nullptr) *error = "cannot load font " + path;
    io.Fonts->AddFontDefault();
    return false;
  }
  return true;
}

void ApplyStyle() {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 3;
  s.CellPadding = ImVec2(6, 3);
  s.ItemSpacing = ImVec2(8, 5);
  s.Colors[ImGuiCol_WindowBg] = ImVec4(0.11f, 0.12f, 0.14f, 1.0f);
  s.Colors[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.035f);
}

}  // namespace wardwatch::console
