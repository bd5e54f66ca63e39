// libwardwatch-tls.so: TLS with OpenSSL behind tls_plugin.h, the only code of the agent that
// links libssl and libcrypto. Writes go through a small socket BIO that sends with
// MSG_NOSIGNAL, so a peer that goes away is an error, never a SIGPIPE.
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "net/tls_plugin.h"

namespace wardwatch::agent::tls {
namespace {

// The reason of the last OpenSSL error on this thread ("certificate verify failed"), or
// `fallback`; the thread's error queue is emptied.
std::string OpenSslError(const std::string& fallback) {
  const unsigned long e = ERR_peek_last_error();
  std::string why;
  if (e != 0) {
    const char* reason = ERR_reason_error_string(e);
    if (reason != nullptr) {
      why = reason;
    } else {
      char buf[256];
      ERR_error_string_n(e, buf, sizeof buf);
      why = buf;
    }
  }
  ERR_clear_error();
  return why.empty() ? fallback : why;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// A socket BIO whose writes use send(MSG_NOSIGNAL): OpenSSL's own socket BIO uses write(2).
int FdOf(BIO* b) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(b))); }

int BioWrite(BIO* b, const char* data, int size) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::send(FdOf(b), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
    return -1;
  }
  return static_cast<int>(n);
}

int BioRead(BIO* b, char* out, int size) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::recv(FdOf(b), out, static_cast<std::size_t>(size), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_read(b);
    return -1;
  }
  if (n == 0) BIO_set_flags(b, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

long BioCtrl(BIO* b, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

int BioCreate(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

struct BioMethodFree {
  void operator()(BIO_METHOD* m) const { BIO_meth_free(m); }
};

// Made on the first TLS connection (a function-local static: once, thread-safe; freed when
// the plugin is unloaded).
const BIO_METHOD* SocketBioMethod() {
  static const std::unique_ptr<BIO_METHOD, BioMethodFree> method = [] {
    std::unique_ptr<BIO_METHOD, BioMethodFree> m(
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "wardwatch socket"));
    if (m) {
      BIO_meth_set_write(m.get(), &BioWrite);
      BIO_meth_set_read(m.get(), &BioRead);
      BIO_meth_set_ctrl(m.get(), &BioCtrl);
      BIO_meth_set_create(m.get(), &BioCreate);
    }
    return m;
  }();
  return method.get();
}

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

// SSL_ERROR_WANT_* as Want; anything else is Want::kNothing.
Want WantOf(int ssl_error) {
  if (ssl_error == SSL_ERROR_WANT_READ) return Want::kRead;
  if (ssl_error == SSL_ERROR_WANT_WRITE) return Want::kWrite;
  return Want::kNothing;
}

class OpenSslSession : public Session {
 public:
  explicit OpenSslSession(SSL* owned) : ssl_(owned) {}
  ~OpenSslSession() override {
    // Tell the peer we are done (one non-blocking attempt; the socket closes right after).
    if (ssl_ && SSL_is_init_finished(ssl_.get())) {
      SSL_shutdown(ssl_.get());
      ERR_clear_error();
    }
  }

  SSL* ssl() const { return ssl_.get(); }

  Result<Want> Handshake() override {
    ERR_clear_error();
    errno = 0;
    const int r = SSL_connect(ssl_.get());
    if (r == 1) return Want::kNothing;
    const int e = SSL_get_error(ssl_.get(), r);
    if (const Want w = WantOf(e); w != Want::kNothing) return w;
    const long verify = SSL_get_verify_result(ssl_.get());
    if (verify != X509_V_OK) {
      ERR_clear_error();
      return MakeError(std::string("certificate verify failed: ") +
                       X509_verify_cert_error_string(verify));
    }
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      return MakeError(errno != 0 ? std::strerror(errno) : "connection closed by the server");
    }
    return MakeError(OpenSslError("failed"));
  }

  Result<Io> Read(char* buffer, std::size_t size) override {
    ERR_clear_error();
    errno = 0;
    Io io;
    const int r = SSL_read_ex(ssl_.get(), buffer, size, &io.bytes);
    if (r == 1) return io;
    io.bytes = 0;
    const int e = SSL_get_error(ssl_.get(), r);
    if (e == SSL_ERROR_ZERO_RETURN) return io;
    io.want = WantOf(e);
    if (io.want != Want::kNothing) return io;
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      if (errno == 0) return io;  // closed without close_notify: the end of the stream
      return MakeError(std::strerror(errno));
    }
    return MakeError(OpenSslError("TLS error"));
  }

  Result<Io> Write(std::string_view data) override {
    ERR_clear_error();
    errno = 0;
    Io io;
    const int r = SSL_write_ex(ssl_.get(), data.data(), data.size(), &io.bytes);
    if (r == 1) return io;
    io.bytes = 0;
    const int e = SSL_get_error(ssl_.get(), r);
    io.want = WantOf(e);
    if (io.want != Want::kNothing) return io;
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      return MakeError(errno != 0 ? std::strerror(errno) : "connection closed");
    }
    return MakeError(OpenSslError("TLS error"));
  }

 private:
  std::unique_ptr<SSL, SslFree> ssl_;
};

class OpenSslContext : public Context {
 public:
  explicit OpenSslContext(SSL_CTX* owned) : ctx_(owned) {}
  SSL_CTX* get() const { return ctx_.get(); }

  Result<std::unique_ptr<Session>> NewSession(int fd, const std::string& host) override {
    ERR_clear_error();
    auto session = std::make_unique<OpenSslSession>(SSL_new(ctx_.get()));
    SSL* ssl = session->ssl();
    const BIO_METHOD* method = SocketBioMethod();
    BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
    if (ssl == nullptr || bio == nullptr) {
      BIO_free(bio);
      return MakeError(OpenSslError("out of memory"));
    }
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
    SSL_set_bio(ssl, bio, bio);  // the SSL owns the BIO from here
    if (IsIpLiteral(host)) {
      // No SNI for an address (RFC 6066); the certificate must name the address (SAN IP).
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, host.c_str());
      SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl, host.c_str());
    }
    return Result<std::unique_ptr<Session>>(std::move(session));
  }

 private:
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;
};

Result<std::unique_ptr<Context>> MakeContext(const Options& o) {
  ERR_clear_error();
  SSL_CTX* raw = SSL_CTX_new(TLS_client_method());
  if (raw == nullptr) return MakeError("TLS set-up failed: " + OpenSslError("SSL_CTX_new"));
  auto ctx = std::make_unique<OpenSslContext>(raw);
  SSL_CTX* c = ctx->get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  // A server closing without close_notify ends the stream; bodies are framed anyway.
  SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
  // An idle kept-alive connection holds no read and write buffers.
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
  if (!o.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(c, o.ca_file.c_str(), nullptr) != 1) {
      return MakeError("cannot use CA file " + o.ca_file + ": " + OpenSslError("unreadable"));
    }
  } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
    return MakeError("cannot load the system's trusted certificates: " +
                     OpenSslError("unknown error"));
  }
  if (!o.client_cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(c, o.client_cert.c_str()) != 1) {
      return MakeError("cannot use client certificate " + o.client_cert + ": " +
                       OpenSslError("unreadable"));
    }
  }
  if (!o.client_key.empty()) {
    if (SSL_CTX_use_PrivateKey_file(c, o.client_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return MakeError("cannot use client key " + o.client_key + ": " + OpenSslError("unreadable"));
    }
    if (!o.client_cert.empty() && SSL_CTX_check_private_key(c) != 1) {
      return MakeError("client key " + o.client_key + " does not match certificate " +
                       o.client_cert + ": " + OpenSslError("mismatch"));
    }
  }
  return Result<std::unique_ptr<Context>>(std::move(ctx));
}

}  // namespace
}  // namespace wardwatch::agent::tls

// The one symbol the plugin exports (the rest is hidden: CXX_VISIBILITY_PRESET hidden).
extern "C" __attribute__((visibility("default")))
const wardwatch::agent::tls::Api wardwatch_tls_plugin{
    {wardwatch::agent::plugin::kInterfaceVersion, wardwatch::agent::plugin::kBuild},
    &wardwatch::agent::tls::MakeContext};
