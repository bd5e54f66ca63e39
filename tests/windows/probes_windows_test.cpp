// The Windows probes (WinHTTP, Winsock, GetAddrInfoW) against servers this test starts on
// 127.0.0.1: an HTTP server that waits before answering, a listener, a refusing port and a
// UDP DNS responder. No other address is contacted: the system-resolver probe looks up an
// IP literal, which GetAddrInfoW answers without asking any server.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "collectors/probes.h"
#include "loopback_windows.h"

using namespace wardwatch;
using namespace wardwatch::agent;
using wardwatch::testing::DnsResponder;
using wardwatch::testing::OneShotServer;
using wardwatch::testing::RefusingPort;

namespace {

ProbeSpec Spec(const std::string& name, const std::string& url) {
  auto s = ParseProbeUrl(name, url);
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error()));
  return *s;
}

const schema::ProbePhase* Phase(const schema::ProbeTarget& t, const std::string& name) {
  for (const auto& p : t.phases)
    if (p.phase == name) return &p;
  return nullptr;
}

const char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

}  // namespace

TEST_CASE("Windows http probe: the server's wait is time to first byte, not connect time") {
  OneShotServer server(kOk, /*delay_ms=*/150);
  auto s = RunProbe(Spec("web", server.url("/healthz")), {});
  REQUIRE_MESSAGE(s.ok, s.error);
  for (const auto& [phase, seconds] : s.phases) MESSAGE(phase << " = " << seconds);
  REQUIRE(s.phases.count("connect") == 1);
  REQUIRE(s.phases.count("first_byte") == 1);
  CHECK(s.phases.count("tls") == 0);
  CHECK(s.phases.at("first_byte") >= 0.14);
  CHECK(s.phases.at("connect") < 0.14);
  CHECK(s.phases.at("total") >= s.phases.at("first_byte"));
  CHECK(server.requests() == 1);
  CHECK(server.last_request().rfind("GET /healthz HTTP/1.1\r\n", 0) == 0);
  // A second attempt opens a new connection (a session per attempt): it is counted again.
  auto again = RunProbe(Spec("web", server.url("/healthz")), {});
  REQUIRE_MESSAGE(again.ok, again.error);
  CHECK(server.requests() == 2);
}

TEST_CASE("Windows http probe: an answer that never comes times out, a refused port fails") {
  OneShotServer slow(kOk, /*delay_ms=*/2000);
  ProbeRunOptions quick;
  quick.timeout_seconds = 0.4;
  const auto start = std::chrono::steady_clock::now();
  auto s = RunProbe(Spec("slow", slow.url("/")), quick);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_FALSE(s.ok);
  CHECK(s.error.find("timed out") != std::string::npos);
  CHECK(took < 1.8);
  RefusingPort closed;
  const std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  auto refused = RunProbe(Spec("closed", url), {});
  CHECK_FALSE(refused.ok);
  CHECK(refused.error.rfind(url + ": cannot connect", 0) == 0);
}

TEST_CASE("Windows tcp probe: connect time to a listener, refusal of a closed port") {
  OneShotServer listener(kOk);
  auto ok = RunProbe(Spec("tcp", "tcp://127.0.0.1:" + std::to_string(listener.port())), {});
  REQUIRE_MESSAGE(ok.ok, ok.error);
  CHECK(ok.phases.count("dns") == 1);
  CHECK(ok.phases.count("connect") == 1);
  CHECK(ok.phases.at("total") >= ok.phases.at("connect"));
  RefusingPort closed;
  const std::string where = "127.0.0.1:" + std::to_string(closed.port());
  auto refused = RunProbe(Spec("closed", "tcp://" + where), {});
  CHECK_FALSE(refused.ok);
  CHECK(refused.error == "connect to " + where + ": Connection refused");
}

TEST_CASE("Windows dns probe: answer after a stray one, NXDOMAIN, silence; system resolver") {
  DnsResponder dns;
  const std::string server = "dns://127.0.0.1:" + std::to_string(dns.port()) + "/";
  auto ok = RunProbe(Spec("dns", server + "portal.example.lan"), {});
  REQUIRE_MESSAGE(ok.ok, ok.error);
  CHECK(ok.phases.at("dns") > 0);
  CHECK(ok.phases.at("total") == ok.phases.at("dns"));
  auto nx = RunProbe(Spec("dns", server + "nx.example.lan"), {});
  CHECK_FALSE(nx.ok);
  CHECK(nx.error == "DNS query to 127.0.0.1:" + std::to_string(dns.port()) +
                        " for nx.example.lan: answered NXDOMAIN");
  ProbeRunOptions quick;
  quick.timeout_seconds = 0.3;
  auto silent = RunProbe(Spec("dns", server + "silent.example.lan"), quick);
  CHECK_FALSE(silent.ok);
  CHECK(silent.error.find("no answer within") != std::string::npos);
  CHECK(dns.queries() == 3);
  auto bad = RunProbe(Spec("dns", server + "a..lan"), {});
  CHECK_FALSE(bad.ok);
  CHECK(bad.error.find("bad name a..lan") != std::string::npos);
  CHECK(dns.queries() == 3);  // a bad name is refused before anything is sent

  auto system = RunProbe(Spec("resolver", "dns:///127.0.0.1"), {});
  REQUIRE_MESSAGE(system.ok, system.error);
  CHECK(system.phases.count("dns") == 1);
}

TEST_CASE("Windows probes collector: attempts per interval, failures counted per target") {
  OneShotServer server(kOk);
  RefusingPort closed;
  ProbeConfig config;
  config.interval_seconds = 1;
  config.per_interval = 2;
  config.seed = 7;
  config.targets = {Spec("web", server.url("/")),
                    Spec("closed", "tcp://127.0.0.1:" + std::to_string(closed.port()))};
  auto collector = NewProbesCollector(config);
  CollectContext ctx;
  Report first;
  REQUIRE(collector->Collect(ctx, first).ok());  // starts the thread
  REQUIRE(first.network.probes.size() == 2);
  CHECK(first.network.probes[0].attempts == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Report second;
  REQUIRE(collector->Collect(ctx, second).ok());
  const auto& web = second.network.probes[0];
  const auto& bad = second.network.probes[1];
  CHECK(web.kind == "http");
  CHECK(web.attempts >= 2);
  CHECK(web.failures == 0);
  const auto* total = Phase(web, "total");
  REQUIRE(total != nullptr);
  CHECK(total->count == web.attempts);
  CHECK(Phase(web, "first_byte") != nullptr);
  CHECK(bad.attempts >= 2);
  CHECK(bad.failures == bad.attempts);
  CHECK(bad.last_error.find("Connection refused") != std::string::npos);
  CHECK(server.requests() >= static_cast<int>(web.attempts));

  // --once: one attempt per target inside the first Collect.
  config.probe_on_first_collect = true;
  auto once = NewProbesCollector(config);
  Report r;
  REQUIRE(once->Collect(ctx, r).ok());
  REQUIRE(r.network.probes.size() == 2);
  CHECK(r.network.probes[0].attempts == 1);
  CHECK(r.network.probes[0].failures == 0);
  CHECK(r.network.probes[1].failures == 1);
}
