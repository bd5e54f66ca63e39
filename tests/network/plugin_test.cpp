// The agent's TLS plugin (agent/src/plugin/plugin_linux.h): when libwardwatch-tls.so cannot be
// loaded, https through the collector client, a probe and the speed test each fail with an
// error that names the file and why, where their other errors go; nothing crashes. A file
// that is not the plugin, or lacks its table, is refused the same way.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "collectors/probes.h"
#include "collectors/speedtest.h"
#include "http_client.h"
#include "plugin/plugin_linux.h"

using namespace wardwatch::agent;
namespace fs = std::filesystem;

namespace {

// Points WARDWATCH_PLUGIN_DIR at a fresh folder for one test, and back when it ends.
class PluginDir {
 public:
  PluginDir() {
    const char* old = std::getenv("WARDWATCH_PLUGIN_DIR");
    if (old != nullptr) old_ = old;
    dir_ = fs::temp_directory_path() / ("wardwatch-plugins-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::setenv("WARDWATCH_PLUGIN_DIR", dir_.c_str(), 1);
  }
  ~PluginDir() {
    if (old_.empty()) {
      ::unsetenv("WARDWATCH_PLUGIN_DIR");
    } else {
      ::setenv("WARDWATCH_PLUGIN_DIR", old_.c_str(), 1);
    }
    fs::remove_all(dir_);
  }
  std::string Path(const std::string& file) const { return (dir_ / file).string(); }
  const std::string& old() const { return old_; }

 private:
  fs::path dir_;
  std::string old_;
};

}  // namespace

TEST_CASE("https without libwardwatch-tls.so: delivery, probes and speed test name the file") {
  PluginDir plugins;
  const std::string tls = plugins.Path("libwardwatch-tls.so");
  CHECK(plugin::Directory() + "/libwardwatch-tls.so" == tls);
  const std::string why =
      "https needs " + tls + ": cannot open shared object file: " + "No such file or directory";

  HttpRequest req;
  req.url = "https://127.0.0.1:1/api/v1/reports";
  auto sent = NewHttpClient({})->Send(req);
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error() == "cannot reach collector at https://127.0.0.1:1/api/v1/reports: " + why);

  auto spec = ParseProbeUrl("portal", "https://127.0.0.1:1/");
  REQUIRE(spec.ok());
  auto probe = RunProbe(*spec, {});
  CHECK_FALSE(probe.ok);
  CHECK(probe.error == "https://127.0.0.1:1/: " + why);

  SpeedTestRequest st;
  st.collector_url = "https://127.0.0.1:1";
  st.bytes = 1024;
  auto speed = RunSpeedTest(st);
  CHECK(speed.error == "download from https://127.0.0.1:1/api/v1/speedtest?bytes=1024: " + why);

  // Plain http needs no plugin: the same client reaches the socket (and is refused there).
  req.url = "http://127.0.0.1:1/api/v1/reports";
  auto plain = NewHttpClient({})->Send(req);
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.error().find("Connection refused") != std::string::npos);
}

TEST_CASE("a file that is not the TLS plugin is refused, naming it") {
  PluginDir plugins;
  const std::string tls = plugins.Path("libwardwatch-tls.so");
  std::ofstream(tls) << "not a shared object\n";
  HttpRequest req;
  req.url = "https://127.0.0.1:1/";
  auto sent = NewHttpClient({})->Send(req);
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error().starts_with("cannot reach collector at https://127.0.0.1:1/: https needs " +
                                 tls + ": "));

  // A real shared object without the TLS table: the pcap plugin under the TLS plugin's name.
  const fs::path pcap = fs::path(plugins.old()) / "libwardwatch-pcap.so";
  if (!plugins.old().empty() && fs::exists(pcap)) {
    fs::copy_file(pcap, tls, fs::copy_options::overwrite_existing);
    auto wrong = NewHttpClient({})->Send(req);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().find("https needs " + tls + ": ") != std::string::npos);
    CHECK(wrong.error().find("undefined symbol: wardwatch_tls_plugin") != std::string::npos);
  }
}
