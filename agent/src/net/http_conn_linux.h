// HTTP/1.1 over POSIX sockets for the Linux agent (delivery, http probes, speed test): one
// connection per request, every wait bounded by a deadline, OpenSSL only for https:// (made
// on the first https connection: nothing of OpenSSL is touched before). The pure parts
// (URL, heads, chunked bodies) are in http_parse.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fd_linux.h"
#include "net/http_parse.h"
#include "wardwatch/result.h"

struct ssl_ctx_st;  // SSL_CTX, kept out of this header
struct ssl_st;      // SSL

namespace wardwatch::agent::http {

using Clock = std::chrono::steady_clock;

Clock::time_point DeadlineAfter(double seconds);

struct TlsOptions {
  std::string ca_file;      // PEM bundle; empty: the system trust store
  std::string client_cert;  // PEM certificate (chain) for mTLS
  std::string client_key;   // its PEM private key
};

// An SSL_CTX: TLS 1.2 or newer, the peer's certificate verified against `ca_file` or the
// system store. Errors name the file that could not be used.
class TlsContext {
 public:
  static Result<std::unique_ptr<TlsContext>> Make(const TlsOptions& options);
  explicit TlsContext(ssl_ctx_st* owned) : ctx_(owned) {}
  ssl_ctx_st* get() const { return ctx_.get(); }

 private:
  struct Free {
    void operator()(ssl_ctx_st* ctx) const;
  };
  std::unique_ptr<ssl_ctx_st, Free> ctx_;
};

// Seconds spent in each phase of Connection::Open; tls < 0 for plain http.
struct PhaseTimes {
  double dns = 0, connect = 0, tls = -1;
};

// One TCP connection, with TLS for https. Errors name the peer and what failed:
// "connect to 127.0.0.1:9477: Connection refused", "TLS handshake with 127.0.0.1:9477:
// certificate verify failed: self-signed certificate", "receive from ...: timed out".
class Connection {
 public:
  // Resolves the host, connects to its addresses in turn and, for https, shakes hands with
  // SNI and a host name (or IP address) check, all before `deadline`. `tls` is needed for
  // https only. `cancelled`, when set, is asked every quarter second while waiting.
  static Result<Connection> Open(const Url& url, Clock::time_point deadline, TlsContext* tls,
                                 PhaseTimes* times = nullptr,
                                 std::function<bool()> cancelled = nullptr);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  Status WriteAll(std::string_view data, Clock::time_point deadline);
  // Up to `size` bytes; 0 when the server has closed.
  Result<std::size_t> Read(char* buffer, std::size_t size, Clock::time_point deadline);
  const std::string& peer() const { return peer_; }
  // Whether a connection kept after an answer can carry the next request: nothing has arrived
  // on it since (a server that closed an idle connection makes it readable).
  bool IdleAndOpen() const;

 private:
  struct SslFree {
    void operator()(ssl_st* ssl) const;
  };
  Connection() = default;
  Status Wait(bool for_write, Clock::time_point deadline, const std::string& what);

  UniqueFd fd_;
  std::unique_ptr<ssl_st, SslFree> ssl_;
  std::string peer_;  // "host:port"
  std::function<bool()> cancelled_;
};

// Reads the response head (skipping 1xx interim answers), at most kMaxHeadBytes. `buffer`
// keeps what arrived after the head: the start of the body. `first_byte`, when set, gets the
// time the first byte of the answer arrived.
Result<ResponseHead> ReadHead(Connection& conn, std::string& buffer, Clock::time_point deadline,
                              Clock::time_point* first_byte = nullptr);

// Reads the body framed as `framing`, `buffer` first, handing each piece to `sink`; a sink
// returning false stops reading (not an error). An early end of stream is an error.
Status ReadBody(Connection& conn, const BodyFraming& framing, std::string& buffer,
                Clock::time_point deadline, const std::function<bool(std::string_view)>& sink);

}  // namespace wardwatch::agent::http
