// HTTP/1.1 over POSIX sockets for the Linux agent (delivery, http probes, speed test): one
// connection per request, every wait bounded by a deadline. TLS for https:// comes from the
// plugin libwardwatch-tls.so (tls_plugin.h), loaded on the first https connection: an agent
// that speaks only http:// never maps OpenSSL. The pure parts (URL, heads, chunked bodies)
// are in http_parse.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fd_linux.h"
#include "net/http_parse.h"
#include "net/tls_plugin.h"
#include "wardwatch/result.h"

namespace wardwatch::agent::http {

using Clock = std::chrono::steady_clock;

Clock::time_point DeadlineAfter(double seconds);

using TlsOptions = tls::Options;

// TLS 1.2 or newer, the peer's certificate verified against `ca_file` or the system store.
// Make() loads the TLS plugin; it stays loaded while this context or a connection made with
// it lives. Errors name the file that could not be used ("https needs
// /usr/lib/wardwatch/libwardwatch-tls.so: cannot open shared object file: ...", "cannot use
// CA file /etc/wardwatch/ca.pem: ...").
class TlsContext {
 public:
  static Result<std::unique_ptr<TlsContext>> Make(const TlsOptions& options);

 private:
  friend class Connection;
  std::shared_ptr<const tls::Api> plugin_;  // declared first: outlives context_
  std::unique_ptr<tls::Context> context_;
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
  Connection() = default;
  Status Wait(bool for_write, Clock::time_point deadline, const std::string& what);

  // Destroyed in reverse: the TLS session (close_notify on the open socket), then the
  // plugin's hold, then the socket.
  UniqueFd fd_;
  std::shared_ptr<const tls::Api> plugin_;
  std::unique_ptr<tls::Session> tls_;
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
