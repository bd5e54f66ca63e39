// The DNS exchange of a dns:// probe (ExchangeDnsQuery, probes.cpp) over a scripted socket:
// what each platform's socket answers, and what the probe makes of it. Runs in network_test
// and, in the Windows build, under Wine.
#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <variant>

#include "collectors/probes.h"

using namespace wardwatch;
using namespace wardwatch::agent;

namespace {

// Plays back datagrams, a silence (std::monostate) or a receive error (Error), in order.
class ScriptedSocket : public DatagramSocket {
 public:
  using Step = std::variant<std::string, std::monostate, Error>;
  std::deque<Step> steps;
  std::string send_error;
  std::string sent;
  int receives = 0;

  Status Send(std::string_view datagram) override {
    if (!send_error.empty()) return MakeError(send_error);
    sent = std::string(datagram);
    return Status::Ok();
  }
  Result<std::optional<std::string>> Receive(Clock::time_point) override {
    ++receives;
    if (steps.empty()) return std::optional<std::string>();
    Step s = steps.front();
    steps.pop_front();
    if (auto* d = std::get_if<std::string>(&s)) return std::optional<std::string>(*d);
    if (auto* e = std::get_if<Error>(&s)) return *e;
    return std::optional<std::string>();
  }
};

// The answer to `query` with rcode `rcode` (the header's QR bit set).
std::string Answer(std::string query, int rcode) {
  query[2] = static_cast<char>(query[2] | 0x80);
  query[3] = static_cast<char>((query[3] & 0xf0) | rcode);
  return query;
}

}  // namespace

TEST_CASE("DNS exchange: our answer after strays, rcodes, silence and socket errors") {
  ProbeSpec spec;
  spec.query_name = "portal.example";
  const std::string where = "DNS query to 127.0.0.1:5353";
  const std::uint16_t id = 0x1234;
  const auto query = BuildDnsQuery(id, spec.query_name);
  REQUIRE(query.ok());
  const auto other = BuildDnsQuery(0x9999, spec.query_name);
  REQUIRE(other.ok());

  struct Row {
    const char* what;
    std::deque<ScriptedSocket::Step> steps;
    std::string send_error;
    bool ok;
    std::string error;
    int receives;
  };
  const Row rows[] = {
      {"answered", {Answer(*query, 0)}, "", true, "", 1},
      {"a stray answer and our own query echoed are skipped",
       {Answer(*other, 0), *query, std::string("\x12"), Answer(*query, 0)},
       "",
       true,
       "",
       4},
      {"NXDOMAIN",
       {Answer(*query, 3)},
       "",
       false,
       "DNS query to 127.0.0.1:5353 for portal.example: answered NXDOMAIN",
       1},
      {"an unknown rcode",
       {Answer(*query, 9)},
       "",
       false,
       "DNS query to 127.0.0.1:5353 for portal.example: answered rcode 9",
       1},
      {"silence",
       {std::monostate{}},
       "",
       false,
       "DNS query to 127.0.0.1:5353: no answer within 0.25 s",
       1},
      {"strays, then silence",
       {Answer(*other, 0), std::monostate{}},
       "",
       false,
       "DNS query to 127.0.0.1:5353: no answer within 0.25 s",
       2},
      {"port unreachable",
       {Error{"Connection refused"}},
       "",
       false,
       "DNS query to 127.0.0.1:5353: Connection refused",
       1},
      {"send fails",
       {},
       "Network is unreachable",
       false,
       "DNS query to 127.0.0.1:5353: Network is unreachable",
       0},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    ScriptedSocket socket;
    socket.steps = r.steps;
    socket.send_error = r.send_error;
    const ProbeSample s = ExchangeDnsQuery(socket, id, *query, spec, where, 0.25);
    CHECK(s.ok == r.ok);
    CHECK(s.error == r.error);
    CHECK(socket.receives == r.receives);
    if (r.send_error.empty()) CHECK(socket.sent == *query);
    if (r.ok) {
      REQUIRE(s.phases.count("dns") == 1);
      CHECK(s.phases.at("dns") >= 0);
      CHECK(s.phases.at("total") == s.phases.at("dns"));
    } else {
      CHECK(s.phases.empty());
    }
  }
}
