// HTTP/1.1 connections over POSIX sockets with OpenSSL for https (see http_conn_linux.h).
// Sends use MSG_NOSIGNAL (a TLS connection through a small BIO that does the same), so a
// peer that goes away is an error, never a SIGPIPE.
#include "net/http_conn_linux.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace wardwatch::agent::http {
namespace {

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int RemainingMs(Clock::time_point deadline) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms > 0 ? static_cast<int>(std::min<long long>(ms, 1 << 30)) : 0;
}

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

// Made on the first TLS connection (a function-local static: once, thread-safe).
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

struct AddrInfoFree {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};

}  // namespace

Clock::time_point DeadlineAfter(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

void TlsContext::Free::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }
void Connection::SslFree::operator()(ssl_st* ssl) const { SSL_free(ssl); }

Result<std::unique_ptr<TlsContext>> TlsContext::Make(const TlsOptions& o) {
  ERR_clear_error();
  SSL_CTX* raw = SSL_CTX_new(TLS_client_method());
  if (raw == nullptr) return MakeError("TLS set-up failed: " + OpenSslError("SSL_CTX_new"));
  auto ctx = std::make_unique<TlsContext>(raw);
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
  return Result<std::unique_ptr<TlsContext>>(std::move(ctx));
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Connection::~Connection() {
  // Tell a TLS peer we are done (one non-blocking attempt; the socket closes right after).
  if (ssl_ && SSL_is_init_finished(ssl_.get())) {
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
}

Status Connection::Wait(bool for_write, Clock::time_point deadline, const std::string& what) {
  for (;;) {
    int ms = RemainingMs(deadline);
    if (ms == 0) return MakeError(what + ": timed out");
    if (cancelled_) ms = std::min(ms, 250);
    pollfd p{fd_.get(), static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int n = ::poll(&p, 1, ms);
    if (n > 0) return Status::Ok();
    if (n < 0 && errno != EINTR) return MakeError(what + ": poll: " + std::strerror(errno));
    if (cancelled_ && cancelled_()) return MakeError(what + ": cancelled");
  }
}

Result<Connection> Connection::Open(const Url& url, Clock::time_point deadline, TlsContext* tls,
                                    PhaseTimes* times, std::function<bool()> cancelled) {
  PhaseTimes local;
  PhaseTimes& t = times != nullptr ? *times : local;
  Connection conn;
  conn.peer_ = url.Authority();
  conn.cancelled_ = std::move(cancelled);
  const auto start = Clock::now();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (IsIpLiteral(url.host)) hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(url.port);
  const int rc = ::getaddrinfo(url.host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0) {
    return MakeError("cannot resolve " + url.host + ": " +
                     (rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc)));
  }
  const std::unique_ptr<addrinfo, AddrInfoFree> addresses(res);
  t.dns = SecondsSince(start);

  const auto connect_start = Clock::now();
  const std::string where = "connect to " + conn.peer_;
  std::string last_error = where + ": no address";
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    UniqueFd fd(
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd) {
      last_error = where + ": socket: " + std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        err = errno;
      } else {
        conn.fd_ = std::move(fd);
        if (auto w = conn.Wait(true, deadline, where); !w) return MakeError(w.error());
        fd = std::move(conn.fd_);
        socklen_t len = sizeof err;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
    if (err != 0) {
      last_error = where + ": " + std::strerror(err);
      continue;
    }
    conn.fd_ = std::move(fd);
    break;
  }
  if (!conn.fd_) return MakeError(last_error);
  const int one = 1;  // the head and a small body go out at once, not after a delayed ACK
  ::setsockopt(conn.fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  t.connect = SecondsSince(connect_start);
  if (!url.tls) return conn;

  const auto tls_start = Clock::now();
  const std::string handshake = "TLS handshake with " + conn.peer_;
  if (tls == nullptr) return MakeError(handshake + ": no TLS context");
  ERR_clear_error();
  conn.ssl_.reset(SSL_new(tls->get()));
  const BIO_METHOD* method = SocketBioMethod();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (!conn.ssl_ || bio == nullptr) {
    BIO_free(bio);
    return MakeError(handshake + ": " + OpenSslError("out of memory"));
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(conn.fd_.get())));
  SSL* ssl = conn.ssl_.get();
  SSL_set_bio(ssl, bio, bio);  // the SSL owns the BIO from here
  if (IsIpLiteral(url.host)) {
    // No SNI for an address (RFC 6066); the certificate must name the address (SAN IP).
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, url.host.c_str());
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl, url.host.c_str());
  }
  for (;;) {
    errno = 0;
    const int r = SSL_connect(ssl);
    if (r == 1) break;
    const int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      if (auto w = conn.Wait(e == SSL_ERROR_WANT_WRITE, deadline, handshake); !w) {
        return MakeError(w.error());
      }
      continue;
    }
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      ERR_clear_error();
      return MakeError(handshake +
                       ": certificate verify failed: " + X509_verify_cert_error_string(verify));
    }
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      return MakeError(handshake + ": " +
                       (errno != 0 ? std::strerror(errno) : "connection closed by the server"));
    }
    return MakeError(handshake + ": " + OpenSslError("failed"));
  }
  t.tls = SecondsSince(tls_start);
  return conn;
}

bool Connection::IdleAndOpen() const {
  if (!fd_) return false;
  pollfd p{fd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

Status Connection::WriteAll(std::string_view data, Clock::time_point deadline) {
  const std::string what = "send to " + peer_;
  while (!data.empty()) {
    if (cancelled_ && cancelled_()) return MakeError(what + ": cancelled");
    if (ssl_) {
      ERR_clear_error();
      errno = 0;
      std::size_t n = 0;
      const int r = SSL_write_ex(ssl_.get(), data.data(), data.size(), &n);
      if (r == 1) {
        data.remove_prefix(n);
        continue;
      }
      const int e = SSL_get_error(ssl_.get(), r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (auto w = Wait(e == SSL_ERROR_WANT_WRITE, deadline, what); !w) return w;
        continue;
      }
      if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        return MakeError(what + ": " + (errno != 0 ? std::strerror(errno) : "connection closed"));
      }
      return MakeError(what + ": " + OpenSslError("TLS error"));
    }
    const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return MakeError(what + ": " + std::strerror(errno));
    if (auto w = Wait(true, deadline, what); !w) return w;
  }
  return Status::Ok();
}

Result<std::size_t> Connection::Read(char* buffer, std::size_t size, Clock::time_point deadline) {
  const std::string what = "receive from " + peer_;
  for (;;) {
    if (ssl_) {
      ERR_clear_error();
      errno = 0;
      std::size_t n = 0;
      const int r = SSL_read_ex(ssl_.get(), buffer, size, &n);
      if (r == 1) return n;
      const int e = SSL_get_error(ssl_.get(), r);
      if (e == SSL_ERROR_ZERO_RETURN) return std::size_t{0};
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (auto w = Wait(e == SSL_ERROR_WANT_WRITE, deadline, what); !w) {
          return MakeError(w.error());
        }
        continue;
      }
      if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        if (errno == 0) return std::size_t{0};
        return MakeError(what + ": " + std::strerror(errno));
      }
      return MakeError(what + ": " + OpenSslError("TLS error"));
    }
    const ssize_t n = ::recv(fd_.get(), buffer, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return MakeError(what + ": " + std::strerror(errno));
    if (auto w = Wait(false, deadline, what); !w) return MakeError(w.error());
  }
}

Result<ResponseHead> ReadHead(Connection& conn, std::string& buffer, Clock::time_point deadline,
                              Clock::time_point* first_byte) {
  char chunk[16 << 10];
  for (;;) {
    std::size_t end = FindHeadEnd(buffer);
    while (end == std::string::npos) {
      if (buffer.size() > kMaxHeadBytes) {
        return MakeError("the answer's head from " + conn.peer() + " is larger than " +
                         std::to_string(kMaxHeadBytes >> 10) + " KiB");
      }
      auto n = conn.Read(chunk, sizeof chunk, deadline);
      if (!n) return MakeError(n.error());
      if (*n == 0) {
        return MakeError(buffer.empty()
                             ? conn.peer() + " closed the connection without an answer"
                             : conn.peer() + " closed the connection in the answer's head");
      }
      if (first_byte != nullptr && buffer.empty()) *first_byte = Clock::now();
      buffer.append(chunk, *n);
      // A head must start like one: stop early on something else (a TLS alert, say).
      if (buffer.size() >= 5 && !buffer.starts_with("HTTP/")) {
        return MakeError("not an HTTP answer from " + conn.peer());
      }
      end = FindHeadEnd(buffer);
    }
    if (end > kMaxHeadBytes) {
      return MakeError("the answer's head from " + conn.peer() + " is larger than " +
                       std::to_string(kMaxHeadBytes >> 10) + " KiB");
    }
    auto head = ParseResponseHead(std::string_view(buffer).substr(0, end));
    if (!head) return MakeError(head.error() + " from " + conn.peer());
    buffer.erase(0, end);
    if (head->status >= 200 || head->status == 101) return head;
    first_byte = nullptr;  // 1xx: the final answer's head follows
  }
}

Status ReadBody(Connection& conn, const BodyFraming& framing, std::string& buffer,
                Clock::time_point deadline, const std::function<bool(std::string_view)>& sink) {
  if (framing.kind == BodyKind::kNone) return Status::Ok();
  std::string early = conn.peer() + " closed the connection before the end of the body";
  char chunk[16 << 10];
  if (framing.kind == BodyKind::kLength || framing.kind == BodyKind::kUntilClose) {
    const bool counted = framing.kind == BodyKind::kLength;
    std::uint64_t left = framing.length;
    auto give = [&](std::string_view piece) {
      if (counted)
        piece =
            piece.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size())));
      left -= counted ? piece.size() : 0;
      return piece.empty() || sink(piece);
    };
    if (!buffer.empty()) {
      if (!give(buffer)) return Status::Ok();
      buffer.clear();
    }
    while (!counted || left > 0) {
      auto n = conn.Read(chunk, sizeof chunk, deadline);
      if (!n) return MakeError(n.error());
      if (*n == 0) {
        if (!counted) return Status::Ok();
        return MakeError(early + " (" + std::to_string(left) + " of " +
                         std::to_string(framing.length) + " bytes missing)");
      }
      if (!give(std::string_view(chunk, *n))) return Status::Ok();
    }
    return Status::Ok();
  }
  ChunkedDecoder decoder;
  std::string pending = std::move(buffer);
  buffer.clear();
  std::size_t used = 0;
  for (;;) {
    while (!decoder.done()) {
      auto step = decoder.Next(std::string_view(pending).substr(used));
      if (!step) return MakeError(step.error() + " from " + conn.peer());
      if (step->consumed == 0) break;
      used += step->consumed;
      if (!step->payload.empty() && !sink(step->payload)) return Status::Ok();
    }
    if (decoder.done()) return Status::Ok();
    pending.erase(0, used);
    used = 0;
    auto n = conn.Read(chunk, sizeof chunk, deadline);
    if (!n) return MakeError(n.error());
    if (*n == 0) return MakeError(early + " (chunked)");
    pending.append(chunk, *n);
  }
}

}  // namespace wardwatch::agent::http
