// The Linux agent's HttpClient (http_client_linux.cpp) against a scripted server on 127.0.0.1
// that answers with given bytes: keep-alive reuse, a kept connection the server drops, chunked
// and close-delimited bodies, Retry-After, the body cap, early ends, timeouts, refusals.
// https (CA, host check, mTLS) is exercised end to end by delivery_auth_test.
#include "http_client.h"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "loopback_servers.h"

using namespace wardwatch::agent;
using wardwatch::testing::LoopbackSocket;

namespace {

// Per connection, a list of answers: for each, the server reads one request (head and
// Content-Length body) and writes the answer's bytes; "" means close without answering. After
// its last answer the connection is closed, unless `linger` keeps it open until the test ends.
class ScriptedServer {
 public:
  using Connection = std::vector<std::string>;
  explicit ScriptedServer(std::vector<Connection> script, bool linger = false)
      : socket_(SOCK_STREAM, true), script_(std::move(script)), linger_(linger) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    for (int fd : lingering_) ::close(fd);
  }
  std::string url(const std::string& path = "/api/v1/reports") const {
    return "http://127.0.0.1:" + std::to_string(socket_.port()) + path;
  }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  bool ReadRequest(int c) {
    std::string req;
    char buf[4096];
    std::size_t end = std::string::npos;
    while (end == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) {
        if (stop_) return false;
        continue;
      }
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      req.append(buf, static_cast<std::size_t>(n));
      end = req.find("\r\n\r\n");
    }
    std::size_t length = 0;
    if (auto pos = req.find("Content-Length: "); pos != std::string::npos) {
      length = std::stoul(req.substr(pos + 16));
    }
    while (req.size() < end + 4 + length) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      req.append(buf, static_cast<std::size_t>(n));
    }
    ++requests_;
    return true;
  }

  void Serve() {
    for (const auto& answers : script_) {
      int c = -1;
      while (c < 0 && !stop_) {
        pollfd p{socket_.fd(), POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) c = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      }
      if (c < 0) return;
      ++connections_;
      for (const auto& answer : answers) {
        if (!ReadRequest(c) || answer.empty()) break;
        for (std::size_t sent = 0; sent < answer.size();) {
          const ssize_t n = ::send(c, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
          if (n <= 0) break;
          sent += static_cast<std::size_t>(n);
        }
      }
      if (linger_) {
        lingering_.push_back(c);
      } else {
        ::close(c);
      }
    }
  }

  LoopbackSocket socket_;
  std::vector<Connection> script_;
  bool linger_;
  std::vector<int> lingering_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0}, requests_{0};
  std::thread thread_;
};

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

HttpRequest Post(const std::string& url) {
  HttpRequest r;
  r.url = url;
  r.body = "{\"report\":1}";
  r.bearer_token = "t";
  return r;
}

}  // namespace

TEST_CASE("http client: one kept-alive connection carries several requests") {
  ScriptedServer server({{kOk, kOk, kOk}});
  auto client = NewHttpClient({});
  for (int i = 0; i < 3; ++i) {
    auto r = client->Send(Post(server.url()));
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK(r->status == 200);
    CHECK(r->body == "ok");
  }
  CHECK(server.requests() == 3);
  CHECK(server.connections() == 1);
}

TEST_CASE("http client: a kept connection the server drops is replaced, once") {
  SUBCASE("closed while idle") {
    ScriptedServer server({{kOk}, {kOk}});
    auto client = NewHttpClient({});
    REQUIRE(client->Send(Post(server.url())).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the server has closed
    auto r = client->Send(Post(server.url()));
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK(server.connections() == 2);
  }
  SUBCASE("closed as the request arrives: resent on a new connection") {
    ScriptedServer server({{kOk, ""}, {kOk}});
    auto client = NewHttpClient({});
    REQUIRE(client->Send(Post(server.url())).ok());
    auto r = client->Send(Post(server.url()));
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK(r->status == 200);
    CHECK(server.connections() == 2);
    CHECK(server.requests() == 3);
  }
  SUBCASE("a new connection closed without an answer is an error, not retried") {
    ScriptedServer server({{""}, {kOk}});
    auto client = NewHttpClient({});
    auto r = client->Send(Post(server.url()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("cannot reach collector at " + server.url() + ": 127.0.0.1:") == 0);
    CHECK(r.error().find("closed the connection without an answer") != std::string::npos);
    CHECK(r.error().find("use an https:// URL") != std::string::npos);
    CHECK(server.connections() == 1);
  }
}

TEST_CASE("http client: answers as servers frame them") {
  struct Case {
    const char* name;
    std::string answer;
    long status;
    std::string body;
    const char* retry_after;
  };
  const Case cases[] = {
      {"chunked, Retry-After",
       "HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
       "4\r\nslow\r\n5\r\n down\r\n0\r\n\r\n",
       429, "slow down", "7"},
      {"until close (HTTP/1.0)", "HTTP/1.0 200 OK\r\n\r\nall of it", 200, "all of it", ""},
      {"no body", "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", 204, "", ""},
      {"100 Continue first",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew", 201,
       "new", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    ScriptedServer server({{c.answer}});
    auto r = NewHttpClient({})->Send(Post(server.url()));
    REQUIRE_MESSAGE(r.ok(), r.error());
    CHECK(r->status == c.status);
    CHECK(r->body == c.body);
    CHECK(r->retry_after == c.retry_after);
  }
}

TEST_CASE("http client: what is wrong with an answer is named") {
  struct Case {
    const char* name;
    std::string answer;
    const char* error;
  };
  const std::string big =
      "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n" + std::string(2'000'000, 'x');
  const Case cases[] = {
      {"body over the cap", big, "the answer's body from 127.0.0.1:"},
      {"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
       "closed the connection before the end of the body (7 of 10 bytes missing)"},
      {"not HTTP", std::string("\x15\x03\x03\x00\x02\x02\x46", 7), "not an HTTP answer"},
      {"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
       "chunked body: bad chunk size \"xyz\""},
      {"head too large", "HTTP/1.1 200 OK\r\nX: " + std::string(70'000, 'h') + "\r\n\r\n",
       "is larger than 64 KiB"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    ScriptedServer server({{c.answer}});
    auto r = NewHttpClient({})->Send(Post(server.url()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("cannot reach collector at " + server.url() + ": ") == 0);
    CHECK_MESSAGE(r.error().find(c.error) != std::string::npos, r.error());
  }
}

TEST_CASE("http client: refused, timed out, bad URL") {
  LoopbackSocket closed(SOCK_STREAM, false);  // bound, not listening: connections are refused
  const std::string where = "127.0.0.1:" + std::to_string(closed.port());
  auto refused = NewHttpClient({})->Send(Post("http://" + where + "/x"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() == "cannot reach collector at http://" + where + "/x: connect to " + where +
                               ": Connection refused");

  ScriptedServer silent({{""}}, /*linger=*/true);  // reads the request, never answers
  HttpClientOptions quick;
  quick.request_timeout_seconds = 0.3;
  const auto start = std::chrono::steady_clock::now();
  auto late = NewHttpClient(quick)->Send(Post(silent.url()));
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().find("receive from 127.0.0.1:") != std::string::npos);
  CHECK(late.error().find("timed out") != std::string::npos);
  CHECK(took < 2);

  auto bad = NewHttpClient({})->Send(Post("ftp://127.0.0.1/"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() ==
        "cannot reach collector at ftp://127.0.0.1/: invalid URL \"ftp://127.0.0.1/\": "
        "unsupported scheme \"ftp\" (http or https)");
}
