// wardwatch-console: the window and frame loop (GLFW + OpenGL 3 + Dear ImGui). Data comes from
// the DataSource thread; the loop only takes what arrived, draws, and applies actions.
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <thread>

#include "app/png.h"
#include "model/cli.h"
#include "model/console_model.h"
#include "model/settings.h"
#include "model/synthetic.h"
#include "views/views.h"

namespace wardwatch::console {
namespace {

constexpr const char* kDefaultCollector = "http://127.0.0.1:9477";

// Set by SIGINT / SIGTERM (Ctrl-C in the terminal, scripts/demo stopping what it started):
// the frame loop ends as if the window were closed, so the settings are still written. The
// loop wakes at least twice a second, so it notices within half a second.
volatile std::sig_atomic_t g_stop_requested = 0;
void RequestStop(int) { g_stop_requested = 1; }

struct GlfwSession {
  bool ok = false;
  GlfwSession() {
    glfwSetErrorCallback([](int code, const char* what) {
      std::fprintf(stderr, "wardwatch-console: GLFW error %d: %s\n", code, what);
    });
    ok = glfwInit() == GLFW_TRUE;
  }
  ~GlfwSession() {
    if (ok) glfwTerminate();
  }
};

struct WindowDeleter {
  void operator()(GLFWwindow* w) const { glfwDestroyWindow(w); }
};

struct ImGuiSession {
  ImGuiSession() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
  }
  ~ImGuiSession() { ImGui::DestroyContext(); }
};

struct BackendSession {
  bool glfw = false, gl = false;
  ~BackendSession() {
    if (gl) ImGui_ImplOpenGL3_Shutdown();
    if (glfw) ImGui_ImplGlfw_Shutdown();
  }
};

SortSpec SortFromSettings(const Settings& s) {
  static constexpr std::pair<const char*, Column> kNames[] = {
      {"name", Column::kName},
      {"department", Column::kDepartment},
      {"age", Column::kAge},
      {"score", Column::kScore},
      {"recommendation", Column::kRecommendation},
      {"cpu", Column::kCpu},
      {"ram", Column::kRam},
      {"boot_disk", Column::kBootDisk},
      {"last_seen", Column::kLastSeen},
      {"flags", Column::kFlags}};
  for (const auto& [n, c] : kNames) {
    if (s.sort_column == n) return SortSpec{c, s.sort_descending};
  }
  return SortSpec{};
}

std::string SortName(Column c) {
  static constexpr const char* kNames[] = {"name",           "department", "age", "score",
                                           "recommendation", "cpu",        "ram", "boot_disk",
                                           "last_seen",      "flags"};
  return kNames[static_cast<int>(c)];
}

Result<std::string> ReadToken(const CliOptions& cli) {
  if (!cli.token.empty() || cli.token_file.empty()) return cli.token;
  std::ifstream in(cli.token_file);
  if (!in) return MakeError("--token-file: cannot read " + cli.token_file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return MakeError("--token-file: " + cli.token_file + " is empty");
  return token;
}

// Waits (off any window) until the fleet arrived; for --dump-model.
int DumpModel(DataSource& source, ConsoleModel& model, double timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    Updates u;
    if (source.TakeUpdates(u)) model.Apply(std::move(u));
    if (model.fleet_received_ms != 0) {
      std::cout << DumpFleetJson(model) << "\n";
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cerr << "wardwatch-console: no fleet data within " << timeout_seconds << " s"
            << (model.connection.error.empty() ? "" : ": " + model.connection.error) << "\n";
  return 1;
}

void FillSynthetic(ConsoleModel& model, int machines) {
  const std::int64_t now = NowMs();
  Updates u;
  u.fleet = MakeSyntheticFleet(machines, 42, now);
  u.heatmap = MakeSyntheticHeatmap(42);
  u.network = MakeSyntheticNetwork(42, now);
  u.software = MakeSyntheticSoftware(*u.fleet);
  u.installed = MakeSyntheticInstalled(*u.fleet);
  ConnectionInfo c;
  c.state = ConnectionInfo::State::kOnline;
  c.last_success_ms = now;
  u.connection = c;
  model.Apply(std::move(u));
  if (!model.fleet.visible().empty()) {
    const MachineSummary& worst = model.fleet.machines()[model.fleet.visible().front()];
    model.fleet.Select(worst.id);
    Updates d;
    d.detail = MakeSyntheticDetail(worst, now);
    model.Apply(std::move(d));
  }
}

class NullSink : public RequestSink {
 public:
  void WatchMachine(std::string, int) override {}
  void SaveMeta(std::string, MachineMeta) override {}
  void GenerateReport(ReportRequest) override {}
  void SearchInstalled(std::string) override {}
  void RefreshNow() override {}
};

int Run(int argc, char** argv) {
  auto parsed = ParseCli(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) {
    std::cerr << "wardwatch-console: " << parsed.error() << "\n";
    return 2;
  }
  CliOptions cli = std::move(parsed).value();
  if (cli.help) {
    std::cout << CliUsage();
    return 0;
  }
  const bool interactive = cli.screenshot.empty() && !cli.dump_model && cli.bench_frames == 0;
  const std::string settings_path =
      cli.settings_path.empty() ? DefaultSettingsPath() : cli.settings_path;
  auto loaded = LoadSettings(settings_path);
  if (!loaded.ok()) {
    std::cerr << "wardwatch-console: " << loaded.error() << " (using defaults)\n";
  }
  Settings settings = loaded.ok() ? *loaded : Settings{};
  auto token = ReadToken(cli);
  if (!token.ok()) {
    std::cerr << "wardwatch-console: " << token.error() << "\n";
    return 2;
  }

  ConsoleModel model;
  model.lang = !cli.lang.empty()            ? LanguageFromName(cli.lang, Lang::kEn)
               : !settings.language.empty() ? LanguageFromName(settings.language, Lang::kEn)
                                            : LanguageFromEnvironment();
  model.history_hours = settings.history_hours;
  model.report_dir = settings.report_dir;
  model.fleet.SetSort(SortFromSettings(settings));
  if (auto v = ViewFromName(settings.view); v && interactive) model.view = *v;

  std::string want_machine;
  bool want_worst_machine = false;
  if (!cli.view.empty()) {
    const std::string base = cli.view.substr(0, cli.view.find(':'));
    model.view = ViewFromName(base).value_or(View::kFleet);
    if (base == "machine") {
      if (cli.view.size() > base.size() + 1) {
        want_machine = cli.view.substr(base.size() + 1);
      } else {
        want_worst_machine = true;
      }
    }
  }
  const std::string collector_url =
      !cli.collector_url.empty()
          ? cli.collector_url
          : (!settings.collector_url.empty() ? settings.collector_url : kDefaultCollector);

  std::unique_ptr<DataSource> source;
  std::unique_ptr<RequestSink> sink;
  if (cli.synthetic_machines > 0) {
    FillSynthetic(model, cli.synthetic_machines);
    sink = std::make_unique<NullSink>();
  } else {
    DataSource::Options so;
    so.base_url = collector_url;
    so.token = *token;
    so.refresh_seconds = cli.refresh_seconds;
    source = std::make_unique<DataSource>(so);
    sink = std::make_unique<DataSourceSink>(*source);
    source->Start();
  }
  if (cli.dump_model) {
    if (!source) {
      std::cout << DumpFleetJson(model) << "\n";
      return 0;
    }
    return DumpModel(*source, model, cli.timeout_seconds);
  }

  GlfwSession glfw;
  if (!glfw.ok) {
    std::cerr << "wardwatch-console: cannot initialise GLFW (no display? try xvfb-run)\n";
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  if (!cli.screenshot.empty()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  std::unique_ptr<GLFWwindow, WindowDeleter> window(
      glfwCreateWindow(cli.width, cli.height, Tr(model.lang, Str::kAppTitle), nullptr, nullptr));
  if (!window) {
    std::cerr << "wardwatch-console: cannot create an OpenGL 3.3 window\n";
    return 1;
  }
  glfwMakeContextCurrent(window.get());
  glfwSwapInterval(cli.bench_frames > 0 || !cli.screenshot.empty() ? 0 : 1);
  if (source) {
    source->SetWake([] { glfwPostEmptyEvent(); });
  }

  ImGuiSession imgui;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is fixed; our own settings live in console.ini
  std::string font_error;
  if (!LoadFonts(16.0f, &font_error)) std::cerr << "wardwatch-console: " << font_error << "\n";
  ApplyStyle();
  BackendSession backends;
  backends.glfw = ImGui_ImplGlfw_InitForOpenGL(window.get(), true);
  backends.gl = ImGui_ImplOpenGL3_Init("#version 330");
  if (!backends.glfw || !backends.gl) {
    std::cerr << "wardwatch-console: cannot initialise the ImGui backends\n";
    return 1;
  }

  ViewState state;
  state.scroll_end = cli.scroll_end;
  // --wait-search: someone else (a test through the X server) types into the real box; only
  // Enter sends, so the answer cannot arrive if Enter did nothing.
  const bool driven = !cli.wait_search.empty();
  if (driven) model.installed_search.send_on_pause = false;
  bool search_box_announced = false;
  if (!cli.search.empty()) {
    UiActions search;
    search.installed_search = cli.search;
    search.installed_search_submit = true;
    model.Apply(search, *sink);
  }
  const auto started = std::chrono::steady_clock::now();
  const auto timeout = std::chrono::milliseconds(static_cast<long>(cli.timeout_seconds * 1000));
  int frames_after_ready = 0;
  bool machine_requested = false;
  std::vector<double> frame_ms, ui_ms;  // whole frame; model + ImGui only (no GL)
  if (cli.bench_frames > 0) {
    frame_ms.reserve(static_cast<std::size_t>(cli.bench_frames));
    ui_ms.reserve(static_cast<std::size_t>(cli.bench_frames));
  }
  int exit_code = 0;

  if (interactive) {
    std::signal(SIGINT, RequestStop);
    std::signal(SIGTERM, RequestStop);
  }
  while (!glfwWindowShouldClose(window.get()) && g_stop_requested == 0) {
    if (interactive) {
      glfwWaitEventsTimeout(0.5);  // wakes on input, on new data (glfwPostEmptyEvent), or 2×/s
    } else {
      glfwPollEvents();
    }
    const auto frame_start = std::chrono::steady_clock::now();
    if (source) {
      Updates u;
      if (source->TakeUpdates(u)) model.Apply(std::move(u));
    }
    UiActions actions;
    if (!machine_requested && model.fleet_received_ms != 0 &&
        (want_worst_machine || !want_machine.empty())) {
      machine_requested = true;
      std::string id = want_machine;
      if (want_worst_machine && !model.fleet.visible().empty()) {
        id = model.fleet.machines()[model.fleet.visible().front()].id;
      }
      actions.open_machine = id;
      if (model.fleet.Find(id) == nullptr) {
        std::cerr << "wardwatch-console: --view machine:" << id << ": no such machine\n";
        exit_code = 1;
        break;
      }
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Screenshots and benchmarks show no hover highlight wherever the pointer happens to be
    // (except when the pointer is the test's, clicking into the search box).
    if (!interactive && !driven) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    if (cli.bench_frames > 0) {
      // Scroll through the table (3 rows per frame) so the clipper sees every offset.
      io.MousePos = ImVec2(static_cast<float>(cli.width) / 2, static_cast<float>(cli.height) / 2);
      io.MouseWheel -= 1.0f;
    }
    ImGui::NewFrame();
    state.now_ms = NowMs();
    DrawMainWindow(model, state, actions);
    ImGui::Render();
    const auto ui_done = std::chrono::steady_clock::now();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window.get(), &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (cli.bench_frames > 0) {
      glFinish();
      frame_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start)
              .count());
      ui_ms.push_back(std::chrono::duration<double, std::milli>(ui_done - frame_start).count());
      if (static_cast<int>(frame_ms.size()) >= cli.bench_frames) {
        glfwSwapBuffers(window.get());
        break;
      }
    } else if (!cli.screenshot.empty()) {
      const bool timed_out = std::chrono::steady_clock::now() - started > timeout;
      const bool machine_pending =
          (want_worst_machine || !want_machine.empty()) && !machine_requested;
      const bool has_data = model.HasDataFor(model.view);
      if (driven && has_data && !search_box_announced && state.software_search_box[2] > 0) {
        const float* b = state.software_search_box;
        std::printf("search box at %.0f %.0f size %.0f %.0f\n", b[0], b[1], b[2], b[3]);
        std::fflush(stdout);
        search_box_announced = true;
      }
      const bool search_pending =
          driven &&
          !(model.installed_search.sent == cli.wait_search && !model.installed_search.waiting &&
            model.installed.has_value() && model.installed->query == cli.wait_search);
      if ((has_data && !machine_pending && !search_pending) || timed_out) {
        // A few frames more so tables settle their column widths.
        if (++frames_after_ready >= 4) {
          if (timed_out && !model.HasDataFor(model.view)) {
            std::cerr << "wardwatch-console: no data for the " << ViewName(model.view)
                      << " view within " << cli.timeout_seconds << " s"
                      << (model.connection.error.empty() ? "" : ": " + model.connection.error)
                      << "; writing the screenshot anyway\n";
            exit_code = 3;
          } else if (timed_out && search_pending) {
            std::cerr << "wardwatch-console: --wait-search: no answer for \"" << cli.wait_search
                      << "\" within " << cli.timeout_seconds << " s (typed \""
                      << model.installed_search.text << "\", sent \"" << model.installed_search.sent
                      << "\"); writing the screenshot anyway\n";
            exit_code = 3;
          }
          Status st = WriteFramebufferPng(cli.screenshot, fb_w, fb_h);
          if (!st.ok()) {
            std::cerr << "wardwatch-console: " << st.error() << "\n";
            exit_code = 1;
          } else {
            std::cout << "wrote " << cli.screenshot << " (" << fb_w << "x" << fb_h << ", view "
                      << ViewName(model.view) << ")\n";
            if (driven) std::cout << DumpInstalledJson(model) << "\n";
          }
          break;
        }
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    glfwSwapBuffers(window.get());
    model.Apply(actions, *sink);
  }

  if (cli.bench_frames > 0 && !frame_ms.empty()) {
    // The first frames build the font texture and table layouts; they are left out.
    const std::size_t warm = std::min<std::size_t>(10, frame_ms.size() / 2);
    auto stats = [warm](std::vector<double> v) {
      v.erase(v.begin(), v.begin() + static_cast<long>(warm));
      std::sort(v.begin(), v.end());
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
      auto pct = [&](double p) {
        return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
      };
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "{\"mean_ms\": %.3f, \"p50_ms\": %.3f, \"p95_ms\": %.3f, \"max_ms\": %.3f}",
                    mean, pct(0.5), pct(0.95), v.back());
      return std::string(buf);
    };
    std::printf(
        "{\"machines\": %zu, \"view\": \"%s\", \"frames\": %zu, \"size\": \"%dx%d\", "
        "\"frame\": %s, \"ui_only\": %s, \"first_frame_ms\": %.3f}\n",
        model.fleet.machines().size(), ViewName(model.view), frame_ms.size() - warm, cli.width,
        cli.height, stats(frame_ms).c_str(), stats(ui_ms).c_str(), frame_ms.front());
  }

  if (interactive) {
    settings.collector_url = collector_url;
    settings.language = LanguageName(model.lang);
    settings.view = ViewName(model.view);
    settings.history_hours = model.history_hours;
    settings.sort_column = SortName(model.fleet.sort().column);
    settings.sort_descending = model.fleet.sort().descending;
    settings.report_dir = model.report_dir;
    Status st = SaveSettings(settings_path, settings);
    if (!st.ok()) std::cerr << "wardwatch-console: " << st.error() << "\n";
  }
  if (source) source->Stop();
  return exit_code;
}

}  // namespace
}  // namespace wardwatch::console

int main(int argc, char** argv) { return wardwatch::console::Run(argc, argv); }
