// The console's views: ImGui drawing only. Each reads a const ConsoleModel, keeps its own
// widget state in ViewState (edit buffers, caches) and reports what the officer did in
// UiActions, which the frame loop applies to the model afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/console_model.h"

namespace wardwatch::console {

// Widget state that belongs to the views, not to the data (like imgui_demo's buffers).
struct ViewState {
  std::string filter;  // fleet filter as typed
  bool filter_synced = false;
  std::string meta_for;  // machine id whose metadata is in the draft
  MachineMeta meta_draft;
  std::string software_search;  // installed-software search box as typed
  bool software_search_synced = false;
  // Where the search box was last drawn, in window pixels: x, y, width, height (w = 0 before
  // it is drawn). --wait-search prints it so a test can click the box like the officer does.
  float software_search_box[4] = {0, 0, 0, 0};
  std::string report_format = "html";
  std::string report_lang;  // empty: the console's language
  std::string report_period = "28d";
  std::string report_path;
  // Plot cache: history series converted to floats once per detail / range change.
  std::uint64_t plots_generation = ~0ull;
  int plots_hours = -1;
  std::vector<std::vector<float>> plot_values;
  std::string history_span;  // HistorySpanText for the cached plots, in plots_lang
  int plots_lang = -1;
  std::vector<float> today_values;
  std::vector<float> portal_values;
  std::uint64_t network_generation = ~0ull;
  std::int64_t now_ms = 0;  // wall clock for "x min ago", set once per frame
  bool scroll_end = false;  // panels kept scrolled to their end (--scroll-end screenshots)
};

// The whole window: tab bar, status line with fleet totals, then the current view.
void DrawMainWindow(const ConsoleModel& model, ViewState& state, UiActions& actions);

void DrawHeader(const ConsoleModel& model, ViewState& state, UiActions& actions);
void DrawFleet(const ConsoleModel& model, ViewState& state, UiActions& actions);
void DrawMachine(const ConsoleModel& model, ViewState& state, UiActions& actions);
void DrawNetwork(const ConsoleModel& model, ViewState& state, UiActions& actions);
void DrawSoftware(const ConsoleModel& model, ViewState& state, UiActions& actions);
void DrawReports(const ConsoleModel& model, ViewState& state, UiActions& actions);

// Loads DejaVu Sans with the Vietnamese ranges and the symbols used as flag glyphs; false
// (and `error` set) when the font file is missing, in which case ImGui's default font is used.
bool LoadFonts(float size_pixels, std::string* error);
// The console's colours and spacing.
void ApplyStyle();

}  // namespace wardwatch::console
