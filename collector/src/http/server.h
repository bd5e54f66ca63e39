// HTTP/1.1 server on Boost.Beast: reads the header first, authenticates, and only then reads
// the body under a size limit; per-connection timeouts; keep-alive; async handlers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/router.h"
#include "wardwatch/result.h"

namespace wardwatch::collector {
class Fleet;
}

namespace wardwatch::collector::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9477;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::uint32_t header_limit_bytes = 8 * 1024;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{30};
  // TLS (1.2+) when tls_cert is set; with tls_client_ca, clients must present a certificate
  // signed by that CA (mTLS). Empty: plain HTTP.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::chrono::seconds handshake_timeout{10};
};

// Secrets the server checks per route kind. An empty enroll token refuses enrollment (403).
struct Credentials {
  std::string enroll_token;
  std::string api_token;
  const Fleet* fleet = nullptr;
  // Called before a machine token is checked (picks up revocations made by the CLI).
  std::function<void()> before_machine_auth;
};

class Server {
 public:
  Server(boost::asio::io_context& ioc, const Router& router, Credentials credentials,
         ServerOptions options);
  ~Server();
  // Binds and listens; returns the bound port (useful with port 0).
  Result<std::uint16_t> Listen();
  void Start();  // begins accepting
  void Stop();   // stops accepting

  struct Shared;  // state shared with sessions

 private:
  void Accept();
  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace wardwatch::collector::http
