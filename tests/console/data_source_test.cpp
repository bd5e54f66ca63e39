// The fetch thread against a real HTTP server on loopback: refresh, auth header, offline and
// reconnect, metadata PUT, report download, endpoints the collector does not have.
#include "model/data_source.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "loopback_server.h"
#include "model/console_model.h"
#include "samples.h"

using namespace wardwatch::console;

namespace {

std::pair<int, std::string> FullApi(const SeenRequest& r) {
  if (r.authorization != "Bearer secret") return {401, "{\"error\":\"bad token\"}"};
  const std::string path = r.target.substr(0, r.target.find('?'));
  if (path == "/api/v1/machines") return {200, ReadSample("machines.json")};
  if (path == "/api/v1/machines/m-001") return {200, ReadSample("machine_detail.json")};
  if (path == "/api/v1/machines/m-001/meta" && r.method == "PUT") {
    return r.body.find("\"asset_tag\":\"NEW-1\"") != std::string::npos
               ? std::pair<int, std::string>{204, ""}
               : std::pair<int, std::string>{400, "{\"error\":\"asset_tag: rejected\"}"};
  }
  if (path == "/api/v1/network/heatmap") return {200, ReadSample("heatmap.json")};
  if (path == "/api/v1/network/bottlenecks") return {200, ReadSample("bottlenecks.json")};
  if (path == "/api/v1/software") return {200, ReadSample("software.json")};
  if (path == "/api/v1/software/installed") {
    // Echoes the query as the collector does (only the two encodings the test sends).
    std::string q = r.target.substr(r.target.find("q=") + 2);
    q = q.substr(0, q.find('&'));
    if (q == "Zalo%20PC") q = "Zalo PC";
    return {200, R"({"query": ")" + q + R"(", "machines_total": 4, "packages": []})"};
  }
  if (path == "/api/v1/reports/upgrade") return {200, "<html>report " + r.target + "</html>"};
  return {404, "{\"error\":\"no route\"}"};
}

// Pumps updates into the model until `done` or 5 s.
template <typename F>
bool PumpUntil(DataSource& s, ConsoleModel& m, F done, double seconds = 5) {
  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  while (std::chrono::steady_clock::now() < end) {
    Updates u;
    if (s.TakeUpdates(u)) m.Apply(std::move(u));
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

DataSource::Options Opts(const std::string& url, const std::string& token = "secret") {
  DataSource::Options o;
  o.base_url = url + "/";
  o.token = token;
  o.refresh_seconds = 60;
  o.max_backoff_seconds = 0.2;
  o.http.connect_timeout_seconds = 1;
  o.http.request_timeout_seconds = 2;
  return o;
}

}  // namespace

TEST_CASE("refresh fetches the fleet and every view's data with the bearer token") {
  LoopbackServer server(FullApi);
  REQUIRE(server.ok());
  DataSource source(Opts(server.url()));
  ConsoleModel model;
  source.Start();
  REQUIRE(PumpUntil(source, model, [&] { return model.software.has_value(); }));
  CHECK(model.connection.state == ConnectionInfo::State::kOnline);
  CHECK(model.fleet.machines().size() == 4);
  CHECK(model.heatmap.has_value());
  CHECK(model.network.has_value());
  CHECK(model.UtilisationNow() == doctest::Approx(0.91));
  // /api/v1/findings does not exist on this server: named, not fatal.
  REQUIRE(
      PumpUntil(source, model, [&] { return !model.EndpointError("/api/v1/findings").empty(); }));
  CHECK(model.EndpointError("/api/v1/findings").find("404") != std::string::npos);
  CHECK(model.connection.state == ConnectionInfo::State::kOnline);
  for (const auto& r : server.seen()) CHECK(r.authorization == "Bearer secret");
}

TEST_CASE("a refused token is reported as such") {
  LoopbackServer server(FullApi);
  DataSource source(Opts(server.url(), "wrong"));
  ConsoleModel model;
  source.Start();
  REQUIRE(PumpUntil(source, model,
                    [&] { return model.connection.state == ConnectionInfo::State::kOffline; }));
  CHECK(model.connection.error.find("401") != std::string::npos);
  CHECK(model.connection.error.find("token") != std::string::npos);
}

TEST_CASE("collector away: last data kept with its age, then reconnects by itself") {
  auto server = std::make_unique<LoopbackServer>(FullApi);
  const int port = server->port();
  DataSource source(Opts(server->url()));
  ConsoleModel model;
  source.Start();
  REQUIRE(PumpUntil(source, model, [&] { return model.fleet_received_ms != 0; }));
  const std::int64_t first = model.fleet_received_ms;
  server.reset();  // the collector goes away
  source.RefreshNow();
  REQUIRE(PumpUntil(source, model,
                    [&] { return model.connection.state == ConnectionInfo::State::kOffline; }));
  CHECK(model.connection.error.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(model.fleet.machines().size() == 4);  // still showing the last data
  CHECK(model.fleet_received_ms == first);
  CHECK(model.connection.last_success_ms != 0);
  // Back on the same port: the thread retries on its own (backoff capped at 0.2 s here).
  server = std::make_unique<LoopbackServer>(FullApi, port);
  REQUIRE(server->ok());
  REQUIRE(PumpUntil(source, model,
                    [&] { return model.connection.state == ConnectionInfo::State::kOnline; }));
  CHECK(model.fleet_received_ms > first);
}

TEST_CASE("selecting a machine fetches its detail; metadata edits are PUT and confirmed") {
  LoopbackServer server(FullApi);
  DataSource source(Opts(server.url()));
  DataSourceSink sink(source);
  ConsoleModel model;
  source.Start();
  REQUIRE(PumpUntil(source, model, [&] { return model.fleet_received_ms != 0; }));
  UiActions open;
  open.open_machine = "m-001";
  model.Apply(open, sink);
  CHECK(model.view == View::kMachine);
  REQUIRE(PumpUntil(source, model, [&] { return model.detail.has_value(); }));
  CHECK(model.detail->meta.asset_tag == "UBND-0042");

  MachineMeta edited = model.detail->meta;
  edited.asset_tag = "NEW-1";
  UiActions save;
  save.save_meta = edited;
  model.Apply(save, sink);
  CHECK(model.meta_status.state == MetaEditStatus::State::kSaving);
  REQUIRE(PumpUntil(source, model,
                    [&] { return model.meta_status.state != MetaEditStatus::State::kSaving; }));
  CHECK(model.meta_status.state == MetaEditStatus::State::kSaved);
  bool put_seen = false;
  for (const auto& r : server.seen()) {
    if (r.method == "PUT") {
      put_seen = true;
      CHECK(r.target == "/api/v1/machines/m-001/meta");
      CHECK(r.body.find("\"primary_user\":\"Nguyễn Văn A\"") != std::string::npos);
    }
  }
  CHECK(put_seen);

  // The collector refuses: the error says why and the draft is not lost.
  edited.asset_tag = "REFUSED";
  save.save_meta = edited;
  model.Apply(save, sink);
  REQUIRE(PumpUntil(source, model,
                    [&] { return model.meta_status.state == MetaEditStatus::State::kFailed; }));
  CHECK(model.meta_status.error.find("400") != std::string::npos);
  CHECK(model.meta_status.error.find("asset_tag") != std::string::npos);

  // Invalid input never leaves the console; the refusal names the field as the view does.
  const auto puts_before = server.seen().size();
  edited.purchase_date = "tomorrow";
  save.save_meta = edited;
  model.Apply(save, sink);
  REQUIRE(PumpUntil(source, model, [&] {
    return model.meta_status.state == MetaEditStatus::State::kFailed &&
           model.meta_status.error.find("Purchase date") != std::string::npos;
  }));
  std::size_t puts_after = 0;
  for (const auto& r : server.seen()) puts_after += r.method == "PUT";
  CHECK(puts_after == 2);
  (void)puts_before;
}

TEST_CASE("report download is saved to the chosen file") {
  LoopbackServer server(FullApi);
  DataSource source(Opts(server.url()));
  DataSourceSink sink(source);
  ConsoleModel model;
  source.Start();
  const auto dir = std::filesystem::temp_directory_path() / "wardwatch_console_report_test";
  std::filesystem::remove_all(dir);
  UiActions a;
  a.generate_report = ReportRequest{"html", "vi", "28d", (dir / "sub" / "r.html").string()};
  model.Apply(a, sink);
  CHECK(model.report_status.busy);
  REQUIRE(PumpUntil(source, model, [&] { return model.report_status.last.has_value(); }));
  REQUIRE(model.report_status.last->ok);
  CHECK_FALSE(model.report_status.busy);
  std::ifstream in(dir / "sub" / "r.html");
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(body == "<html>report /api/v1/reports/upgrade?format=html&lang=vi&period=28d</html>");
  std::filesystem::remove_all(dir);
}

TEST_CASE("unreachable collector from the start: offline, no data, error names the URL") {
  // Port 1 on loopback: nothing listens there.
  DataSource source(Opts("http://127.0.0.1:1"));
  ConsoleModel model;
  source.Start();
  REQUIRE(PumpUntil(source, model,
                    [&] { return model.connection.state == ConnectionInfo::State::kOffline; }));
  CHECK(model.fleet_received_ms == 0);
  CHECK(model.connection.error.find("http://127.0.0.1:1/api/v1/machines") != std::string::npos);
  CHECK(model.connection.failed_attempts >= 1);
}

TEST_CASE("machine ids are escaped in URLs") {
  CHECK(DataSource::UrlEscape("m-001") == "m-001");
  CHECK(DataSource::UrlEscape("a/b c?") == "a%2Fb%20c%3F");
}

TEST_CASE("installed-software search: every refresh asks for the query, a search asks at once") {
  LoopbackServer server(FullApi);
  REQUIRE(server.ok());
  DataSource source(Opts(server.url()));
  DataSourceSink sink(source);
  ConsoleModel model;
  source.Start();
  // The refresh searches for everything ("") before anything was typed.
  REQUIRE(PumpUntil(source, model, [&] { return model.installed.has_value(); }));
  CHECK(model.installed->query.empty());
  CHECK(model.HasDataFor(View::kSoftware));
  // Typed and confirmed with Enter: sent escaped, answered, shown.
  UiActions a;
  a.installed_search = "Zalo PC";
  a.installed_search_submit = true;
  model.Apply(a, sink);
  REQUIRE(PumpUntil(source, model, [&] {
    return model.installed && model.installed->query == "Zalo PC" &&
           !model.installed_search.waiting;
  }));
  bool seen = false;
  for (const auto& r : server.seen()) {
    seen = seen || r.target == "/api/v1/software/installed?q=Zalo%20PC&limit=200";
  }
  CHECK(seen);
  CHECK(model.EndpointError("/api/v1/software/installed").empty());
}
