// Table-driven tests of the agent HTTP client's pure parts (net/http_parse.h): URL split,
// request head, response head, body framing and chunked decoding.
#include "net/http_parse.h"

#include <doctest/doctest.h>

#include <string>

using namespace wardwatch::agent::http;

TEST_CASE("SplitUrl") {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    int port;
    const char* target;
    const char* host_header;
    const char* error;  // a part of the message, or nullptr
  };
  const Case cases[] = {
      {"http://127.0.0.1:9477", false, "127.0.0.1", 9477, "/", "127.0.0.1:9477", nullptr},
      {"http://127.0.0.1:9477/api/v1/reports", false, "127.0.0.1", 9477, "/api/v1/reports",
       "127.0.0.1:9477", nullptr},
      {"https://collector.lan/x?a=1&b=2#frag", true, "collector.lan", 443, "/x?a=1&b=2",
       "collector.lan", nullptr},
      {"HTTPS://collector.lan:8443", true, "collector.lan", 8443, "/", "collector.lan:8443",
       nullptr},
      {"http://h?q=1", false, "h", 80, "/?q=1", "h", nullptr},
      {"http://h:/p", false, "h", 80, "/p", "h", nullptr},
      {"http://[::1]:9477/healthz", false, "::1", 9477, "/healthz", "[::1]:9477", nullptr},
      {"https://[fe80::1]", true, "fe80::1", 443, "/", "[fe80::1]", nullptr},
      {"ftp://h/", false, "", 0, "", "", "unsupported scheme \"ftp\" (http or https)"},
      {"127.0.0.1:9477", false, "", 0, "", "", "expected http:// or https://"},
      {"http://", false, "", 0, "", "", "no host"},
      {"http://:80/", false, "", 0, "", "", "no host"},
      {"http://h:0/", false, "", 0, "", "", "bad port \"0\""},
      {"http://h:65536/", false, "", 0, "", "", "bad port \"65536\""},
      {"http://h:8x/", false, "", 0, "", "", "bad port \"8x\""},
      {"http://user:pw@h/", false, "", 0, "", "", "user:password@ is not supported"},
      {"http://h/a b", false, "", 0, "", "", "spaces and control characters"},
      {"http://h/\r\nX-Evil: 1", false, "", 0, "", "", "spaces and control characters"},
      {"http://::1/", false, "", 0, "", "", "IPv6 address needs [brackets]"},
      {"http://[::1/", false, "", 0, "", "", "no ']'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.url);
    auto u = SplitUrl(c.url);
    if (c.error != nullptr) {
      REQUIRE_FALSE(u.ok());
      CHECK(u.error().find(c.error) != std::string::npos);
      if (std::string(c.url).find('\r') == std::string::npos) {
        CHECK(u.error().find(std::string("\"") + c.url + "\"") != std::string::npos);
      } else {
        CHECK(u.error().find("\\x0d\\x0a") != std::string::npos);  // no raw line break
      }
      continue;
    }
    REQUIRE_MESSAGE(u.ok(), u.error());
    CHECK(u->tls == c.tls);
    CHECK(u->host == c.host);
    CHECK(u->port == c.port);
    CHECK(u->target == c.target);
    CHECK(u->HostHeader() == c.host_header);
  }
}

TEST_CASE("RequestHead") {
  auto u = SplitUrl("http://127.0.0.1:9477/api/v1/reports");
  REQUIRE(u.ok());
  const std::uint64_t length = 12;
  CHECK(RequestHead("POST", *u, {"Content-Type: application/json", "Authorization: Bearer t"},
                    &length) ==
        "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:9477\r\n"
        "Content-Type: application/json\r\nAuthorization: Bearer t\r\n"
        "Content-Length: 12\r\nConnection: close\r\n\r\n");
  CHECK(RequestHead("GET", *u, {}, nullptr) ==
        "GET /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:9477\r\nConnection: close\r\n\r\n");
}

TEST_CASE("KeepsAlive") {
  struct Case {
    const char* head;
    bool keeps;
  };
  const Case cases[] = {
      {"HTTP/1.1 200 OK\r\n", true},
      {"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n", true},
      {"HTTP/1.1 200 OK\r\nConnection: Close\r\n", false},
      {"HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\n", false},
      {"HTTP/1.0 200 OK\r\n", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.head);
    auto h = ParseResponseHead(c.head);
    REQUIRE(h.ok());
    CHECK(KeepsAlive(*h) == c.keeps);
  }
  auto u = SplitUrl("http://h/");
  REQUIRE(u.ok());
  CHECK(RequestHead("GET", *u, {}, nullptr, /*keep_alive=*/true) ==
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST_CASE("FindHeadEnd") {
  struct Case {
    const char* data;
    std::size_t end;
  };
  const Case cases[] = {
      {"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody", 25},
      {"HTTP/1.1 200 OK\n\nbody", 17},
      {"HTTP/1.1 200 OK\nA: b\n\r\nbody", 23},
      {"HTTP/1.1 200 OK\r\nA: b\r\n", std::string::npos},
      {"", std::string::npos},
  };
  for (const auto& c : cases) {
    CAPTURE(c.data);
    CHECK(FindHeadEnd(c.data) == c.end);
  }
}

TEST_CASE("ParseResponseHead") {
  struct Case {
    const char* name;
    std::string head;
    int status;
    const char* reason;
    std::size_t headers;
    const char* error;
  };
  const Case cases[] = {
      {"plain", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nRetry-After:  30 \r\n\r\n", 200, "OK", 2,
       nullptr},
      {"1.0, no reason", "HTTP/1.0 503\r\n\r\n", 503, "", 0, nullptr},
      {"bare newlines", "HTTP/1.1 404 Not Found\nX-A: 1\n", 404, "Not Found", 1, nullptr},
      {"empty value", "HTTP/1.1 200 OK\r\nX-Empty:\r\n\r\n", 200, "OK", 1, nullptr},
      {"a TLS alert", std::string("\x15\x03\x03\x00\x02\x02\x46", 7), 0, nullptr, 0,
       "not an HTTP answer: \"\\x15\\x03\\x03\\x00\\x02\\x02F\""},
      {"HTTP/2 preface", "HTTP/2 200\r\n\r\n", 0, nullptr, 0, "not an HTTP answer"},
      {"bad code", "HTTP/1.1 2x0 OK\r\n\r\n", 0, nullptr, 0, "not an HTTP answer"},
      {"code too long", "HTTP/1.1 2000 OK\r\n\r\n", 0, nullptr, 0, "not an HTTP answer"},
      {"bad version", "HTTP/1.x 200 OK\r\n\r\n", 0, nullptr, 0, "not an HTTP answer"},
      {"no colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", 0, nullptr, 0,
       "bad header line \"nonsense\""},
      {"space before colon", "HTTP/1.1 200 OK\r\nName : v\r\n\r\n", 0, nullptr, 0,
       "bad header line"},
      {"folded", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", 0, nullptr, 0, "folded header line"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto h = ParseResponseHead(c.head);
    if (c.error != nullptr) {
      REQUIRE_FALSE(h.ok());
      CHECK(h.error().find(c.error) != std::string::npos);
      continue;
    }
    REQUIRE_MESSAGE(h.ok(), h.error());
    CHECK(h->status == c.status);
    CHECK(h->reason == c.reason);
    CHECK(h->headers.size() == c.headers);
  }
  auto h = ParseResponseHead("HTTP/1.1 429 Too Many\r\nRETRY-after:  30 \r\n\r\n");
  REQUIRE(h.ok());
  REQUIRE(h->Find("retry-after") != nullptr);
  CHECK(*h->Find("retry-after") == "30");
  CHECK(h->Find("content-length") == nullptr);

  std::string many = "HTTP/1.1 200 OK\r\n";
  for (std::size_t i = 0; i <= kMaxHeaderLines; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  auto too_many = ParseResponseHead(many);
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.error() == "more than 200 header lines");
}

TEST_CASE("FramingOf") {
  struct Case {
    const char* name;
    const char* head;
    const char* method;
    BodyKind kind;
    std::uint64_t length;
    const char* error;
  };
  const Case cases[] = {
      {"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n", "GET", BodyKind::kLength, 42,
       nullptr},
      {"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 5\r\n", "GET",
       BodyKind::kChunked, 0, nullptr},
      {"until close", "HTTP/1.0 200 OK\r\n", "GET", BodyKind::kUntilClose, 0, nullptr},
      {"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n", "HEAD", BodyKind::kNone, 0, nullptr},
      {"204", "HTTP/1.1 204 No Content\r\n", "POST", BodyKind::kNone, 0, nullptr},
      {"304", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n", "GET", BodyKind::kNone, 0,
       nullptr},
      {"same length twice", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n", "GET",
       BodyKind::kLength, 3, nullptr},
      {"lengths disagree", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n", "GET",
       BodyKind::kNone, 0, "Content-Length values disagree"},
      {"negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n", "GET", BodyKind::kNone, 0,
       "bad Content-Length \"-1\""},
      {"huge length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n", "GET",
       BodyKind::kNone, 0, "bad Content-Length \"99999999999999999999\""},
      {"gzip transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n", "GET",
       BodyKind::kNone, 0, "unsupported Transfer-Encoding \"gzip, chunked\" (only chunked)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto h = ParseResponseHead(c.head);
    REQUIRE_MESSAGE(h.ok(), h.error());
    auto f = FramingOf(*h, c.method);
    if (c.error != nullptr) {
      REQUIRE_FALSE(f.ok());
      CHECK(f.error() == c.error);
      continue;
    }
    REQUIRE_MESSAGE(f.ok(), f.error());
    CHECK(f->kind == c.kind);
    CHECK(f->length == c.length);
  }
}

TEST_CASE("DecodeChunked") {
  struct Case {
    const char* name;
    std::string body;
    const char* payload;
    const char* error;
  };
  const Case cases[] = {
      {"two chunks", "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", "hello, world", nullptr},
      {"hex, extension, trailer", "A;name=v\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
       "0123456789", nullptr},
      {"bare newlines", "3\nabc\n0\n\n", "abc", nullptr},
      {"empty body", "0\r\n\r\n", "", nullptr},
      {"no final chunk", "3\r\nabc\r\n", nullptr, "chunked body ends early"},
      {"short data", "5\r\nabc", nullptr, "chunked body ends early"},
      {"bad size", "zz\r\nabc\r\n0\r\n\r\n", nullptr, "chunked body: bad chunk size \"zz\""},
      {"size too large", "1000000000000000\r\n", nullptr, "bad chunk size"},
      {"data longer than its size", "3\r\nabcd\r\n0\r\n\r\n", nullptr,
       "no line end after a chunk's data (\"d\")"},
      {"endless size line", std::string(2000, '1'), nullptr, "a line longer than 1024 bytes"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto d = DecodeChunked(c.body);
    if (c.error != nullptr) {
      REQUIRE_FALSE(d.ok());
      CHECK(d.error().find(c.error) != std::string::npos);
      continue;
    }
    REQUIRE_MESSAGE(d.ok(), d.error());
    CHECK(*d == c.payload);
  }
}

TEST_CASE("ChunkedDecoder: a body arriving a byte at a time") {
  const std::string body = "5\r\nhello\r\n1;x\r\n!\r\n0\r\nT: v\r\n\r\n";
  ChunkedDecoder d;
  std::string pending, out;
  for (char c : body) {
    pending += c;
    for (;;) {
      auto step = d.Next(pending);
      REQUIRE_MESSAGE(step.ok(), step.error());
      if (step->consumed == 0) break;
      out.append(step->payload);
      pending.erase(0, step->consumed);
      if (d.done()) break;
    }
  }
  CHECK(d.done());
  CHECK(pending.empty());
  CHECK(out == "hello!");
}
