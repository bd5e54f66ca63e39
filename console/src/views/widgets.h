// Small drawing helpers shared by the views: colours, the score bar, flag glyphs.
#pragma once

#include <imgui.h>

#include <string>

#include "model/i18n.h"
#include "model/types.h"

namespace wardwatch::console::widgets {

inline constexpr ImU32 kRed = IM_COL32(220, 60, 60, 255);
inline constexpr ImU32 kOrange = IM_COL32(235, 145, 40, 255);
inline constexpr ImU32 kYellow = IM_COL32(225, 200, 60, 255);
inline constexpr ImU32 kGreen = IM_COL32(80, 180, 90, 255);
inline constexpr ImU32 kBlue = IM_COL32(80, 150, 230, 255);
inline constexpr ImU32 kPurple = IM_COL32(175, 110, 225, 255);
inline constexpr ImU32 kGrey = IM_COL32(140, 140, 140, 255);

ImVec4 ToVec4(ImU32 c);

// Glyph (UTF-8) and colour of a flag.
const char* FlagGlyph(Flag flag);
ImU32 FlagColour(Flag flag);
ImU32 RecommendationColour(Recommendation r);
// Green → yellow → red over 0..100.
ImU32 ScoreColour(double score);
// Blue → yellow → red over utilisation 0..1.
ImU32 HeatColour(double ratio);

// A horizontal bar filled to score/100 with the number on it; `width` 0: available width.
void ScoreBar(double score, float width, float height);
// The flags as coloured glyphs on one line, with a tooltip naming them.
void FlagGlyphs(Lang lang, std::uint32_t flags);
// Text in a colour.
void ColouredText(ImU32 colour, const char* text);
// A labelled value pair: "label: value".
void LabelValue(const char* label, const std::string& value);
// A section heading.
void Heading(const char* text);

}  // namespace wardwatch::console::widgets
