// The interface between the agent's HTTP client (http_conn_linux.cpp) and its TLS plugin,
// libwardwatch-tls.so (tls_openssl_linux.cpp), the only code that links OpenSSL: an agent
// that never opens an https:// connection never loads libssl or libcrypto. No OpenSSL type
// crosses it; sessions drive a non-blocking socket the agent owns and waits on.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "plugin/plugin_api.h"
#include "wardwatch/result.h"

namespace wardwatch::agent::tls {

struct Options {
  std::string ca_file;      // PEM bundle; empty: the system trust store
  std::string client_cert;  // PEM certificate (chain) for mTLS
  std::string client_key;   // its PEM private key
};

// What a session needs from the socket before the call can go on.
enum class Want { kNothing, kRead, kWrite };

// The outcome of one read or write: `bytes` moved, or what to wait for. A read with neither
// (0 bytes, Want::kNothing) is the end of the stream.
struct Io {
  std::size_t bytes = 0;
  Want want = Want::kNothing;
};

// One TLS connection over a connected non-blocking socket (not owned). Errors are the reason
// alone ("certificate verify failed: self-signed certificate", "Connection reset by peer");
// the caller says with whom and in which step.
class Session {
 public:
  virtual ~Session() = default;  // sends close_notify once if the handshake finished
  // One step of the handshake: Want::kNothing when it is done.
  virtual Result<Want> Handshake() = 0;
  virtual Result<Io> Read(char* buffer, std::size_t size) = 0;
  virtual Result<Io> Write(std::string_view data) = 0;
};

// TLS 1.2 or newer, the peer's certificate checked against the CA file or the system store.
class Context {
 public:
  virtual ~Context() = default;
  // A session for `fd`, checking that the certificate names `host` (a name, with SNI, or an
  // IP address).
  virtual Result<std::unique_ptr<Session>> NewSession(int fd, const std::string& host) = 0;
};

// libwardwatch-tls.so's table, exported as kSymbol.
struct Api {
  plugin::Header header;
  // Errors name the file that could not be used ("cannot use CA file /etc/x.pem: ...").
  Result<std::unique_ptr<Context>> (*make_context)(const Options& options);
};
inline constexpr const char* kFile = "libwardwatch-tls.so";
inline constexpr const char* kSymbol = "wardwatch_tls_plugin";

}  // namespace wardwatch::agent::tls
