// Every view drawn headless (an ImGui context with a display size and a built font atlas, no
// window), in both languages, with sample API data and with 10,000 synthetic machines.
#include <doctest/doctest.h>
#include <imgui.h>

#include "model/api_parse.h"
#include "model/synthetic.h"
#include "samples.h"
#include "views/views.h"

using namespace wardwatch::console;

namespace {

struct Headless {
  Headless() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1440, 900);
    io.DeltaTime = 1.0f / 60.0f;
    font_ok = LoadFonts(16.0f, &font_error);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ApplyStyle();
  }
  ~Headless() { ImGui::DestroyContext(); }
  bool font_ok = false;
  std::string font_error;
};

// Draws a few frames; returns the vertex count of the last one and the actions of all.
int DrawFrames(const ConsoleModel& model, ViewState& state, UiActions& actions, int frames = 3) {
  int vertices = 0;
  for (int i = 0; i < frames; ++i) {
    ImGui::NewFrame();
    state.now_ms = 1764325200000;
    DrawMainWindow(model, state, actions);
    ImGui::Render();
    vertices = ImGui::GetDrawData()->TotalVtxCount;
  }
  return vertices;
}

ConsoleModel SampleModel() {
  ConsoleModel m;
  Updates u;
  u.fleet = *ParseMachines(ReadSample("machines.json"));
  u.heatmap = *ParseHeatmap(ReadSample("heatmap.json"));
  u.network = *ParseBottlenecks(ReadSample("bottlenecks.json"));
  u.software = *ParseSoftware(ReadSample("software.json"));
  ConnectionInfo c;
  c.state = ConnectionInfo::State::kOnline;
  u.connection = c;
  m.Apply(std::move(u));
  m.fleet.Select("m-001");
  Updates d;
  d.detail = *ParseMachineDetail(ReadSample("machine_detail.json"));
  m.Apply(std::move(d));
  return m;
}

}  // namespace

TEST_CASE("font has every Vietnamese glyph and the flag glyphs") {
  Headless h;
  REQUIRE_MESSAGE(h.font_ok, h.font_error);
  ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
  // ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ đ Đ ơ
  // ư
  for (ImWchar c = 0x1EA0; c <= 0x1EF9; ++c) {
    CAPTURE(c);
    CHECK(font->FindGlyphNoFallback(c) != nullptr);
  }
  for (ImWchar c : {0x0110, 0x0111, 0x01A0, 0x01A1, 0x01AF, 0x01B0, 0x26A0, 0x25CE, 0x25BC, 0x2298,
                    0x21E3, 0x25CF, 0x20AB}) {
    CAPTURE(c);
    CHECK(font->FindGlyphNoFallback(c) != nullptr);
  }
}

TEST_CASE("every view draws with sample data in both languages") {
  Headless h;
  ConsoleModel model = SampleModel();
  for (Lang lang : {Lang::kEn, Lang::kVi}) {
    for (View v : {View::kFleet, View::kMachine, View::kNetwork, View::kSoftware, View::kReports}) {
      CAPTURE(ViewName(v));
      model.lang = lang;
      model.view = v;
      ViewState state;
      UiActions actions;
      const int vertices = DrawFrames(model, state, actions);
      CHECK(vertices > 1000);  // tables, text and charts, not an empty window
      CHECK_FALSE(actions.go_to.has_value());
      CHECK_FALSE(actions.save_meta.has_value());
    }
  }
}

TEST_CASE("views draw before any data and while offline") {
  Headless h;
  ConsoleModel model;
  ConnectionInfo c;
  c.state = ConnectionInfo::State::kOffline;
  c.error = "cannot reach collector at http://127.0.0.1:9477/api/v1/machines: refused";
  model.connection = c;
  for (View v : {View::kFleet, View::kMachine, View::kNetwork, View::kSoftware, View::kReports}) {
    model.view = v;
    ViewState state;
    UiActions actions;
    CHECK(DrawFrames(model, state, actions) > 100);
  }
}

TEST_CASE("fleet table is clipped: 10,000 machines cost about what 60 do") {
  Headless h;
  auto draw = [](int machines) {
    ConsoleModel model;
    Updates u;
    u.fleet = MakeSyntheticFleet(machines, 3, 1764325200000);
    model.Apply(std::move(u));
    ViewState state;
    UiActions actions;
    return DrawFrames(model, state, actions);
  };
  const int small = draw(60);
  const int large = draw(10000);
  CHECK(small > 2000);
  CHECK(large < small * 2);
}

TEST_CASE("the metadata draft starts from the collector's values and Save is idle") {
  Headless h;
  ConsoleModel model = SampleModel();
  model.view = View::kMachine;
  ViewState state;
  UiActions actions;
  DrawFrames(model, state, actions);
  CHECK(state.meta_for == "m-001");
  CHECK(state.meta_draft.asset_tag == "UBND-0042");
  CHECK_FALSE(actions.save_meta.has_value());
  CHECK(!state.plot_values.empty());
}

TEST_CASE("software view shows the installed-software answer and leaves the query alone") {
  Headless h;
  ConsoleModel model = SampleModel();
  model.view = View::kSoftware;
  model.installed_search.text = model.installed_search.sent = "za";  // as after a search
  auto draw = [&](ViewState& state, UiActions& actions) {
    return DrawFrames(model, state, actions);
  };
  ViewState before_state;
  UiActions before_actions;
  const int without = draw(before_state, before_actions);
  Updates u;
  u.installed = *ParseInstalledSearch(ReadSample("installed.json"));
  model.Apply(std::move(u));
  REQUIRE(model.installed.has_value());
  for (Lang lang : {Lang::kEn, Lang::kVi}) {
    model.lang = lang;
    ViewState state;
    UiActions actions;
    const int with = draw(state, actions);
    CHECK(with > without + 200);                        // the rows, names and counts
    CHECK(state.software_search == "za");               // the box shows the query the answer is for
    CHECK_FALSE(actions.installed_search.has_value());  // nothing typed, nothing sent
    CHECK_FALSE(actions.installed_search_submit);
    CHECK_FALSE(actions.open_machine.has_value());
  }
}
