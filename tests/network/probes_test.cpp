// Probes against servers this test starts on 127.0.0.1: plain HTTP, HTTPS (openssl s_server
// with a certificate generated here), a TCP listener, a UDP DNS responder, and a closed port.
// No other address is contacted.
#include "collectors/probes.h"

#include <doctest/doctest.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "loopback_servers.h"
#include "options.h"
#include "wardwatch/report.h"

using namespace wardwatch;
using namespace wardwatch::agent;
using wardwatch::testing::DnsServer;
using wardwatch::testing::HttpServer;
using wardwatch::testing::HttpsServer;
using wardwatch::testing::LoopbackSocket;

namespace {

ProbeSpec Spec(const std::string& name, const std::string& url) {
  auto s = ParseProbeUrl(name, url);
  REQUIRE_MESSAGE(s.ok(), s.error());
  return *s;
}

const schema::ProbePhase* Phase(const schema::ProbeTarget& t, const std::string& name) {
  for (const auto& p : t.phases)
    if (p.phase == name) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("http probe measures dns, connect, first byte and total; no tls") {
  HttpServer server("hello", /*delay_ms=*/30);
  auto s = RunProbe(Spec("web", server.url() + "/"), {});
  REQUIRE_MESSAGE(s.ok, s.error);
  CHECK(s.phases.count("dns") == 1);
  CHECK(s.phases.count("connect") == 1);
  CHECK(s.phases.count("tls") == 0);
  // The server waits 30 ms before answering: that is time to first byte, not connect time.
  CHECK(s.phases.at("first_byte") >= 0.025);
  CHECK(s.phases.at("connect") < 0.025);
  CHECK(s.phases.at("total") >= s.phases.at("first_byte"));
  CHECK(server.requests() == 1);
}

TEST_CASE("probes through one session: each opens its own connection, a failure leaves nothing") {
  HttpServer server("hello");
  LoopbackSocket closed(SOCK_STREAM, false);  // bound, not listening: connections are refused
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  auto session = NewProbeSession();
  for (int i = 0; i < 3; ++i) {
    auto s = RunProbe(Spec("web", server.url() + "/"), {}, session.get());
    REQUIRE_MESSAGE(s.ok, s.error);
    CHECK(s.phases.at("connect") > 0);  // a reused connection would report 0
    auto refused = RunProbe(Spec("closed", nowhere), {}, session.get());
    CHECK_FALSE(refused.ok);
    CHECK(refused.error.find("127.0.0.1") != std::string::npos);
  }
  CHECK(server.requests() == 3);
}

TEST_CASE("https probe measures the TLS handshake with the test's own CA") {
  const std::string dir = wardwatch::testing::MakeTempDir();
  HttpsServer server(dir);
  REQUIRE_MESSAGE(server.ok(), "openssl s_server did not start");
  ProbeRunOptions run;
  run.ca_file = server.ca_file();
  auto s = RunProbe(Spec("tls", server.url()), run);
  REQUIRE_MESSAGE(s.ok, s.error);
  REQUIRE(s.phases.count("tls") == 1);
  CHECK(s.phases.at("tls") > 0);
  CHECK(s.phases.at("total") >= s.phases.at("tls"));

  SUBCASE("without the CA the certificate is refused, with a clear reason") {
    auto bad = RunProbe(Spec("tls", server.url()), {});
    CHECK_FALSE(bad.ok);
    CHECK(bad.error.find("certificate") != std::string::npos);
  }
}

TEST_CASE("tcp probe: connect time to a listener, refusal of a closed port") {
  LoopbackSocket listener(SOCK_STREAM, true);
  auto ok = RunProbe(Spec("tcp", "tcp://127.0.0.1:" + std::to_string(listener.port())), {});
  REQUIRE_MESSAGE(ok.ok, ok.error);
  CHECK(ok.phases.count("connect") == 1);
  CHECK(ok.phases.count("total") == 1);

  LoopbackSocket closed(SOCK_STREAM, false);  // bound, not listening: connections are refused
  const std::string where = "127.0.0.1:" + std::to_string(closed.port());
  auto refused = RunProbe(Spec("closed", "tcp://" + where), {});
  CHECK_FALSE(refused.ok);
  CHECK(refused.error == "connect to " + where + ": Connection refused");
  auto http_refused = RunProbe(Spec("closed", "http://" + where + "/"), {});
  CHECK_FALSE(http_refused.ok);
  CHECK(http_refused.error.find("Connection refused") != std::string::npos);
}

TEST_CASE("dns probe: answer, NXDOMAIN and silence") {
  DnsServer dns;
  const std::string server = "dns://127.0.0.1:" + std::to_string(dns.port()) + "/";
  auto ok = RunProbe(Spec("dns", server + "portal.example.lan"), {});
  REQUIRE_MESSAGE(ok.ok, ok.error);
  CHECK(ok.phases.at("dns") > 0);
  auto nx = RunProbe(Spec("dns", server + "nx.example.lan"), {});
  CHECK_FALSE(nx.ok);
  CHECK(nx.error.find("answered NXDOMAIN") != std::string::npos);
  ProbeRunOptions quick;
  quick.timeout_seconds = 0.3;
  auto silent = RunProbe(Spec("dns", server + "silent.example.lan"), quick);
  CHECK_FALSE(silent.ok);
  CHECK(silent.error.find("no answer within") != std::string::npos);
  CHECK(dns.queries() == 3);
}

TEST_CASE("probes collector: randomised attempts per interval, failures counted per target") {
  HttpServer server;
  LoopbackSocket closed(SOCK_STREAM, false);
  ProbeConfig config;
  config.interval_seconds = 1;
  config.per_interval = 3;
  config.seed = 42;
  config.targets = {Spec("web", server.url() + "/"),
                    Spec("closed", "tcp://127.0.0.1:" + std::to_string(closed.port()))};
  auto collector = NewProbesCollector(config);
  CollectContext ctx;
  Report first;
  REQUIRE(collector->Collect(ctx, first).ok());  // starts the thread; nothing measured yet
  REQUIRE(first.network.probes.size() == 2);
  CHECK(first.network.probes[0].attempts == 0);

  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  Report second;
  REQUIRE(collector->Collect(ctx, second).ok());
  const auto& web = second.network.probes[0];
  const auto& bad = second.network.probes[1];
  CHECK(web.name == "web");
  CHECK(web.kind == "http");
  // Round 0 (3 probes at offsets in [0, 1 s)) is done; round 1 may have begun.
  CHECK(web.attempts >= 3);
  CHECK(web.attempts <= 6);
  CHECK(web.failures == 0);
  const auto* total = Phase(web, "total");
  REQUIRE(total != nullptr);
  CHECK(total->count == web.attempts);
  CHECK(total->p50 <= total->p95);
  CHECK(total->p95 <= total->max);
  CHECK(total->sum >= total->max);
  CHECK(Phase(web, "tls") == nullptr);
  CHECK(bad.attempts >= 3);
  CHECK(bad.failures == bad.attempts);
  CHECK(bad.phases.empty());
  CHECK(bad.last_error.find("Connection refused") != std::string::npos);
  CHECK(server.requests() == static_cast<int>(web.attempts));

  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  Report third;
  REQUIRE(collector->Collect(ctx, third).ok());
  // Interval counts restart; cumulative counts keep growing.
  CHECK(third.network.probes[0].attempts_total == web.attempts + third.network.probes[0].attempts);
  CHECK(third.network.probes[1].failures_total == bad.failures + third.network.probes[1].failures);
}

TEST_CASE("default target: the collector's own /healthz, nothing else") {
  AgentOptions o;
  o.collector_url = "http://127.0.0.1:9477/";
  auto c = ProbeConfigFromOptions(o);
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error()));
  REQUIRE(c->targets.size() == 1);
  CHECK(c->targets[0].name == "collector");
  CHECK(c->targets[0].url == "http://127.0.0.1:9477/healthz");
  o.probes = {"a=tcp://127.0.0.1:1", "a=tcp://127.0.0.1:2"};
  auto dup = ProbeConfigFromOptions(o);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error() == "probe name \"a\" used twice");
  AgentOptions print_only;
  CHECK(ProbeConfigFromOptions(print_only)->targets.empty());
}

TEST_CASE("wardwatch-agent --print --once: probes and link facts in the printed report") {
  HttpServer server;
  LoopbackSocket closed(SOCK_STREAM, false);
  const std::string fx = std::string(WARDWATCH_FIXTURES) + "/network/";
  const std::string cmd =
      std::string(WARDWATCH_BINARY_DIR) + "/agent/wardwatch-agent --print --once --path.procfs " +
      fx + "proc" + " --path.sysfs " + fx + "sys --path.rootfs " + fx + "rootfs" +
      " --probe web=" + server.url() +
      "/ --probe closed=tcp://127.0.0.1:" + std::to_string(closed.port()) + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  auto report = DecodeReport(out);
  REQUIRE_MESSAGE(report.ok(),
                  ((report.ok() ? std::string() : report.error()) + "\n" + out.substr(0, 400)));
  const auto& net = report->network;
  REQUIRE(net.probes.size() == 2);
  CHECK(net.probes[0].attempts == 1);  // --once: one synchronous attempt per target
  CHECK(net.probes[0].failures == 0);
  CHECK(net.probes[1].failures == 1);
  CHECK(net.netstat.at("Tcp_RetransSegs") == 117);
  CHECK(net.default_gateways.front() == "192.168.1.1");
  bool half = false;
  for (const auto& i : net.interfaces) half |= (i.name == "eth0" && i.duplex == "half");
  CHECK(half);
}
