// `wardwatch-collector [OPTIONS]`: wires store, fleet, routes and the HTTP server together.
#include "serve.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "analytics/engine.h"
#include "app.h"
#include "auth.h"
#include "expose/analytics.h"
#include "http/server.h"
#include "log.h"
#include "machines_cmd.h"
#include "memory.h"
#include "routes/routes.h"

namespace wardwatch::collector {
namespace {

// For the thread of slow work (App::slow_work): below the network and ingest threads.
void LowerThreadPriority() {
#if defined(__linux__)
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

// Every scrape after new reports re-serializes the machines that changed, and ingest parses
// thousands of reports: glibc keeps the freed pages between long-lived blocks, so RSS climbed to
// 300 MB with 110 MB in use (1,000 machines, 500 reports/s, a scrape every 10 s). Without
// jemalloc, handing the free pages back every 30 s keeps it near what is in use; with it, the
// timer is not started, since jemalloc's own thread does that (memory.h).
constexpr auto kTrimPeriod = std::chrono::seconds(30);

void ScheduleTrim(boost::asio::steady_timer& timer) {
  timer.expires_after(kTrimPeriod);
  timer.async_wait([&timer](const boost::system::error_code& ec) {
    if (ec) return;
    ReleaseFreeMemory();
    ScheduleTrim(timer);
  });
}

}  // namespace

Result<std::string> LoadOrCreateApiToken(const std::string& data_dir, bool& generated) {
  generated = false;
  const std::string path = (std::filesystem::path(data_dir) / "api-token").string();
  if (std::ifstream in(path); in) {
    std::string token;
    std::getline(in, token);
    if (token.empty()) return MakeError(path + " is empty; delete it to generate a new api token");
    return token;
  }
  auto token = auth::GenerateToken();
  if (!token) return token;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("cannot create " + path + ": " + std::strerror(errno));
  const std::string line = *token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return MakeError("cannot write " + path + ": " + std::strerror(errno));
  generated = true;
  return token;
}

int RunServe(int argc, const char* const* argv) {
  auto parsed = ParseServeArgs(argc, argv);
  if (!parsed) {
    std::cerr << "wardwatch-collector: " << parsed.error() << "\n(see --help)\n";
    return 2;
  }
  if (parsed->help) {
    std::cout << parsed->help_text;
    return 0;
  }
  Config config = parsed->config;

  auto store = Store::Open({config.data_dir, config.queue_capacity});
  if (!store) {
    LogError("cannot open the store: " + store.error());
    return 1;
  }
  if (config.api_token.empty()) {
    bool generated = false;
    auto token = LoadOrCreateApiToken(config.data_dir, generated);
    if (!token) {
      LogError(token.error());
      return 1;
    }
    config.api_token = *token;
    if (generated) {
      LogInfo("generated an api token and wrote it to " + config.data_dir +
              "/api-token (mode 0600); give it to the console with --token");
    }
  }
  if (config.enroll_token.empty()) {
    LogWarn("no --enroll-token: enrollment is refused (403); enrolled machines can still report");
  }

  Fleet fleet;
  if (auto s = fleet.Load(**store); !s) {
    LogError("cannot load machines from " + (*store)->path() + ": " + s.error());
    return 1;
  }
  SelfMetrics metrics;
  MetricsPage page(fleet, metrics, config.site);
  // A scrape may take a little longer; a report may not.
  boost::asio::thread_pool slow_work(1);
  boost::asio::post(slow_work, [] { LowerThreadPriority(); });
  App app{config, **store, fleet, metrics, page};
  app.slow_work = &slow_work;
  auto site = LoadSiteConfig(config.data_dir, config.site_config);
  if (!site) {
    LogError(site.error());
    return 1;
  }
  auto analytics = AnalyticsEngine::Open(
      {config.data_dir, (*store)->path(), *site, config.raw_retention_days}, fleet);
  if (!analytics) {
    LogError(analytics.error());
    return 1;
  }
  app.analytics = analytics->get();
  page.extra = [&app, &config] { return expose::ExposeAnalytics(*app.analytics, config.site); };
  http::Router router;
  routes::AddAllRoutes(router, app);

  boost::asio::io_context ioc(static_cast<int>(config.threads));
  http::ServerOptions options;
  options.address = config.listen_address;
  options.port = config.listen_port;
  options.max_body_bytes = config.max_body_bytes;
  options.tls_cert = config.tls_cert;
  options.tls_key = config.tls_key;
  options.tls_client_ca = config.tls_client_ca;
  RevocationWatch revocations(config.data_dir, **store, fleet);
  http::Server server(
      ioc, router,
      {config.enroll_token, config.api_token, &fleet, [&revocations] { revocations.Check(); }},
      options);
  auto port = server.Listen();
  if (!port) {
    LogError(port.error());
    return 1;
  }
  server.Start();
  LogInfo(std::string("listening (") +
          (config.tls_cert.empty()        ? "HTTP"
           : config.tls_client_ca.empty() ? "HTTPS"
                                          : "HTTPS, mTLS") +
          ") on " + config.listen_address + ":" + std::to_string(*port) + " with " +
          std::to_string(config.threads) + " thread(s); data in " + (*store)->path() + "; " +
          std::to_string(fleet.active_machines()) +
          " machine(s) enrolled; routes: " + std::to_string(router.routes().size()));
  LogInfo("memory: " + AllocatorDescription());

  boost::asio::steady_timer trim_timer(ioc);
  if (!UsingJemalloc()) ScheduleTrim(trim_timer);

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    LogInfo("signal " + std::to_string(signo) + ": stopping");
    server.Stop();
    trim_timer.cancel();
    ioc.stop();
  });

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < config.threads; ++i) workers.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : workers) t.join();
  slow_work.join();  // a scrape being rendered finishes (its connection is gone)
  (*store)->Stop();  // finishes queued writes before exit
  (*analytics)->Stop();
  LogInfo("stopped");
  return 0;
}

}  // namespace wardwatch::collector
