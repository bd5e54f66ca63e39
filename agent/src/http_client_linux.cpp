// HttpClient on POSIX sockets (net/http_conn_linux.h): one keep-alive connection reused while
// the collector keeps it open, a connect timeout and a total one, the TLS plugin (OpenSSL)
// loaded only once an https:// URL is used; errors say what failed ("cannot reach collector
// at http://...: connect to 127.0.0.1:9477: Connection refused").
#include <algorithm>
#include <memory>
#include <optional>

#include "http_client.h"
#include "net/http_conn_linux.h"

namespace wardwatch::agent {
namespace {

// A collector's answer is small; more than this is refused rather than buffered.
constexpr std::size_t kMaxResponseBody = 1 << 20;

class PosixHttpClient : public HttpClient {
 public:
  explicit PosixHttpClient(const HttpClientOptions& o) : options_(o) {}

  Result<HttpResponse> Send(const HttpRequest& req) override {
    auto fail = [&req](const std::string& why) {
      return MakeError("cannot reach collector at " + req.url + ": " + why);
    };
    auto url = http::SplitUrl(req.url);
    if (!url) return fail(url.error());
    const auto deadline = http::DeadlineAfter(options_.request_timeout_seconds);
    if (url->tls && !tls_) {
      auto made =
          http::TlsContext::Make({options_.ca_file, options_.client_cert, options_.client_key});
      if (!made) return fail(made.error());
      tls_ = std::move(*made);
    }

    std::vector<std::string> headers;
    headers.push_back("User-Agent: wardwatch-agent/" WARDWATCH_VERSION);
    if (!req.content_type.empty()) headers.push_back("Content-Type: " + req.content_type);
    if (!req.bearer_token.empty()) headers.push_back("Authorization: Bearer " + req.bearer_token);
    for (const auto& h : req.extra_headers) headers.push_back(h);
    const bool with_body = req.method == "POST" || req.method == "PUT";
    const std::uint64_t length = with_body ? req.body.size() : 0;
    std::string message = http::RequestHead(req.method, *url, headers,
                                            with_body ? &length : nullptr, /*keep_alive=*/true);
    if (with_body) message += req.body;

    // The connection kept from the last answer, if it is to the same place and still open;
    // a server may close it just as we send, so a reused connection that fails before any byte
    // of the answer is replaced by a new one, once.
    const std::string key = (url->tls ? "https://" : "http://") + url->Authority();
    for (int attempt = 0;; ++attempt) {
      std::optional<http::Connection> conn;
      const bool reused = idle_ && idle_key_ == key && idle_->IdleAndOpen();
      if (reused) conn = std::move(idle_);
      idle_.reset();
      if (!conn) {
        const auto connect_deadline =
            std::min(deadline, http::DeadlineAfter(options_.connect_timeout_seconds));
        auto opened = http::Connection::Open(*url, connect_deadline, tls_.get());
        if (!opened) return fail(opened.error());
        conn.emplace(std::move(*opened));
      }
      HttpResponse resp;
      bool answered = false, keep = false;
      Status s = Exchange(*conn, message, req.method, deadline, resp, answered, keep);
      if (s.ok()) {
        if (keep) {
          idle_ = std::move(conn);
          idle_key_ = key;
        }
        return resp;
      }
      if (reused && !answered && attempt == 0) continue;
      std::string why = s.error();
      // A TLS collector closes a plain-HTTP connection, or answers with a TLS alert: say so.
      if (!url->tls && (why.find("closed the connection") != std::string::npos ||
                        why.find("not an HTTP answer") != std::string::npos ||
                        why.find("Connection reset") != std::string::npos)) {
        why += " (if the collector serves TLS, use an https:// URL for --collector)";
      }
      if (why.find("alert certificate required") != std::string::npos) {
        why += " (the collector requires a client certificate: --client-cert, --client-key)";
      }
      return fail(why);
    }
  }

 private:
  // Sends `message` and reads the answer into `resp`. `answered`: a byte of the answer came;
  // `keep`: the connection may carry the next request.
  static Status Exchange(http::Connection& conn, const std::string& message,
                         const std::string& method, http::Clock::time_point deadline,
                         HttpResponse& resp, bool& answered, bool& keep) {
    std::string buffer;
    http::Clock::time_point first_byte{};
    auto written = conn.WriteAll(message, deadline);
    // A server may answer early (413 for a body over its limit) and close before reading the
    // rest: its answer says more than the failed send, so look for it briefly.
    const auto read_deadline = written.ok() ? deadline : std::min(deadline, http::DeadlineAfter(1));
    auto head = http::ReadHead(conn, buffer, read_deadline, &first_byte);
    answered = first_byte != http::Clock::time_point{};
    if (!written.ok() && !head.ok()) return written;
    if (!head) return MakeError(head.error());
    resp.status = head->status;
    if (const std::string* ra = head->Find("retry-after")) resp.retry_after = *ra;
    auto framing = http::FramingOf(*head, method);
    if (!framing) return MakeError(framing.error() + " from " + conn.peer());
    bool too_big = false;
    auto read = http::ReadBody(conn, *framing, buffer, deadline, [&](std::string_view piece) {
      if (resp.body.size() + piece.size() > kMaxResponseBody) {
        too_big = true;
        return false;
      }
      resp.body.append(piece);
      return true;
    });
    if (!read) return read;
    if (too_big) {
      return MakeError("the answer's body from " + conn.peer() + " is larger than " +
                       std::to_string(kMaxResponseBody >> 20) + " MiB");
    }
    keep = http::KeepsAlive(*head) && framing->kind != http::BodyKind::kUntilClose;
    return Status::Ok();
  }

  HttpClientOptions options_;
  std::unique_ptr<http::TlsContext> tls_;  // made on the first https request
  std::optional<http::Connection> idle_;   // kept alive after the last answer
  std::string idle_key_;                   // its scheme and host:port
};

}  // namespace

std::unique_ptr<HttpClient> NewHttpClient(const HttpClientOptions& options) {
  return std::make_unique<PosixHttpClient>(options);
}

// Nothing process-wide: the TLS plugin is loaded, and OpenSSL initialises itself, on the first
// https connection; sends use MSG_NOSIGNAL.
HttpGlobal::HttpGlobal() = default;
HttpGlobal::~HttpGlobal() = default;

}  // namespace wardwatch::agent
