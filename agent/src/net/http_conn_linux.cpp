// HTTP/1.1 connections over POSIX sockets, TLS through the plugin for https (see
// http_conn_linux.h). Sends use MSG_NOSIGNAL (the plugin's TLS sessions do the same), so a
// peer that goes away is an error, never a SIGPIPE.
#include "net/http_conn_linux.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "plugin/plugin_linux.h"

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

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

struct AddrInfoFree {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};

}  // namespace

Clock::time_point DeadlineAfter(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

Result<std::unique_ptr<TlsContext>> TlsContext::Make(const TlsOptions& o) {
  auto api = plugin::Load<tls::Api>(tls::kFile, tls::kSymbol, "https");
  if (!api) return MakeError(api.error());
  auto made = (*api)->make_context(o);
  if (!made) return MakeError(made.error());
  auto ctx = std::make_unique<TlsContext>();
  ctx->plugin_ = std::move(*api);
  ctx->context_ = std::move(*made);
  return Result<std::unique_ptr<TlsContext>>(std::move(ctx));
}

Connection::Connection(Connection&&) noexcept = default;
// Not the default: that would close our socket (fd_ first) before our TLS session says
// goodbye on it, by then a closed or another connection's descriptor.
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    tls_.reset();
    fd_ = std::move(other.fd_);
    plugin_ = std::move(other.plugin_);
    tls_ = std::move(other.tls_);
    peer_ = std::move(other.peer_);
    cancelled_ = std::move(other.cancelled_);
  }
  return *this;
}

Connection::~Connection() = default;

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
  auto session = tls->context_->NewSession(conn.fd_.get(), url.host);
  if (!session) return MakeError(handshake + ": " + session.error());
  conn.plugin_ = tls->plugin_;
  conn.tls_ = std::move(*session);
  for (;;) {
    auto step = conn.tls_->Handshake();
    if (!step) return MakeError(handshake + ": " + step.error());
    if (*step == tls::Want::kNothing) break;
    if (auto w = conn.Wait(*step == tls::Want::kWrite, deadline, handshake); !w) {
      return MakeError(w.error());
    }
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
    if (tls_) {
      auto io = tls_->Write(data);
      if (!io) return MakeError(what + ": " + io.error());
      data.remove_prefix(io->bytes);
      if (io->want != tls::Want::kNothing) {
        if (auto w = Wait(io->want == tls::Want::kWrite, deadline, what); !w) return w;
      }
      continue;
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
    if (tls_) {
      auto io = tls_->Read(buffer, size);
      if (!io) return MakeError(what + ": " + io.error());
      if (io->want == tls::Want::kNothing) return io->bytes;  // 0: the end of the stream
      if (auto w = Wait(io->want == tls::Want::kWrite, deadline, what); !w) {
        return MakeError(w.error());
      }
      continue;
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
  auto too_large = [&conn] {
    return MakeError("the answer's head from " + conn.peer() + " is larger than " +
                     std::to_string(kMaxHeadBytes >> 10) + " KiB");
  };
  char chunk[16 << 10];
  for (;;) {
    std::size_t end = FindHeadEnd(buffer);
    while (end == std::string::npos) {
      if (buffer.size() > kMaxHeadBytes) return too_large();
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
    if (end > kMaxHeadBytes) return too_large();
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
