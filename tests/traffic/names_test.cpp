// Tests DNS answer parsing (CNAME chains, compression, hostile pointers), TLS SNI extraction
// and the bounded name cache.
#include "wardwatch/traffic/names.h"

#include <doctest/doctest.h>

#include "packet_builder.h"

using namespace wardwatch::traffic;
using namespace wardwatch::traffic::testing;

TEST_CASE("ParseDnsResponse names addresses after the question, through CNAME chains") {
  auto msg = DnsResponse("Drive.Google.com", {{"drive.google.com", 5, "drive.l.google.com"},
                                              {"drive.l.google.com", 5, "edge.gvt.net"},
                                              {"edge.gvt.net", 1, "142.250.1.1"},
                                              {"edge.gvt.net", 28, "2404:6800::200e"}});
  auto answers = ParseDnsResponse(msg);
  REQUIRE_MESSAGE(answers, answers.error());
  REQUIRE(answers->size() == 2);
  CHECK(FormatIpAddr((*answers)[0].address) == "142.250.1.1");
  CHECK((*answers)[0].name == "drive.google.com");
  CHECK(FormatIpAddr((*answers)[1].address) == "2404:6800::200e");
  CHECK((*answers)[1].name == "drive.google.com");

  auto direct = ParseDnsResponse(DnsResponse("zoom.us", {{"zoom.us", 1, "170.114.52.2"}}));
  REQUIRE(direct);
  REQUIRE(direct->size() == 1);
  CHECK((*direct)[0].name == "zoom.us");
}

TEST_CASE("ParseDnsResponse rejects malformed messages with a reason") {
  auto good = DnsResponse("a.example", {{"a.example", 1, "192.0.2.7"}});
  auto set = [](Bytes b, std::size_t at, std::uint8_t v) {
    b[at] = v;
    return b;
  };
  // Question "a.example" = 1+1+1+7+1 = 11 bytes at 12..22, type/class to 26, answer owner
  // pointer at 27..28.
  struct Case {
    const char* name;
    Bytes msg;
    const char* reason;
  };
  const Case cases[] = {
      {"short header", Bytes(good.begin(), good.begin() + 8), "shorter than its 12-byte header"},
      {"a query", set(good, 2, 0x01), "is a query"},
      {"rcode nxdomain", set(good, 3, 0x83), "error rcode 3"},
      {"pointer to itself", set(set(good, 27, 0xC0), 28, 27), "does not point backwards"},
      {"pointer forward", set(set(good, 27, 0xC0), 28, 40), "does not point backwards"},
      {"label past end", Bytes(good.begin(), good.begin() + 18), "past the end"},
      {"answer cut", Bytes(good.begin(), good.end() - 2), "data cut off"},
      {"bad label type", set(good, 12, 0x80), "unknown label type"},
      {"A record of 5 bytes",
       [&] {
         Bytes b = good;
         b[b.size() - 5] = 5;  // rdlength low byte
         b.push_back(0);
         return b;
       }(),
       "address record of length 5"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = ParseDnsResponse(c.msg);
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error().find(c.reason) != std::string::npos, r.error());
  }
}

TEST_CASE("a CNAME loop stops at the chain bound") {
  auto msg = DnsResponse("x.example", {{"x.example", 5, "y.example"},
                                       {"y.example", 5, "x.example"},
                                       {"y.example", 1, "192.0.2.9"}});
  auto r = ParseDnsResponse(msg);
  REQUIRE(r);
  REQUIRE(r->size() == 1);
  CHECK(FormatIpAddr((*r)[0].address) == "192.0.2.9");
}

TEST_CASE("ParseTlsClientHelloSni finds the server name and nothing else") {
  auto hello = TlsClientHello("Dichvucong.gov.vn");
  auto sni = ParseTlsClientHelloSni(hello);
  REQUIRE(sni);
  CHECK(*sni == "dichvucong.gov.vn");
  // Cut anywhere before the end of the name: no name rather than a wrong one.
  for (std::size_t n = 0; n + 1 < hello.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(ParseTlsClientHelloSni(std::span(hello).first(n)));
  }
  Bytes not_handshake = hello;
  not_handshake[0] = 23;  // application data
  CHECK_FALSE(ParseTlsClientHelloSni(not_handshake));
  Bytes server_hello = hello;
  server_hello[5] = 2;
  CHECK_FALSE(ParseTlsClientHelloSni(server_hello));
  CHECK_FALSE(ParseTlsClientHelloSni(Bytes{'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P'}));
}

TEST_CASE("NameCache keeps the most recently used names within its capacity") {
  NameCache cache(3);
  cache.Learn(Ip("192.0.2.1"), "one.example", NameSource::kDns);
  cache.Learn(Ip("192.0.2.2"), "two.example", NameSource::kDns);
  cache.Learn(Ip("192.0.2.3"), "three.example", NameSource::kSni);
  REQUIRE(cache.Find(Ip("192.0.2.1")));  // touch: 2 is now the least recently used
  cache.Learn(Ip("192.0.2.4"), "four.example", NameSource::kDns);
  CHECK(cache.size() == 3);
  CHECK(cache.evictions() == 1);
  CHECK(cache.Find(Ip("192.0.2.2")) == nullptr);
  CHECK(cache.Find(Ip("192.0.2.1"))->name == "one.example");
  CHECK(cache.learned_dns() == 3);
  CHECK(cache.learned_sni() == 1);

  // A DNS name (what the program asked for) is not replaced by a later SNI; the reverse is.
  cache.Learn(Ip("192.0.2.1"), "cdn.example", NameSource::kSni);
  CHECK(cache.Find(Ip("192.0.2.1"))->name == "one.example");
  cache.Learn(Ip("192.0.2.3"), "three-dns.example", NameSource::kDns);
  CHECK(cache.Find(Ip("192.0.2.3"))->name == "three-dns.example");
  CHECK(cache.Find(Ip("192.0.2.3"))->source == NameSource::kDns);
}
