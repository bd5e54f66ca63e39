// Probe attempts on Linux over POSIX sockets: http(s) with the agent's HTTP/1.1 client
// (net/http_conn_linux.h, which times each phase), tcp connect and DNS-over-UDP probes. The
// schedule and summaries are in probes_collector.cpp.
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "collectors/probes.h"
#include "fd_linux.h"
#include "net/http_conn_linux.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct AddrInfoFree {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoFree>;

Result<AddrInfoPtr> Resolve(const std::string& host, std::uint16_t port, int socktype) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  addrinfo* res = nullptr;
  const std::string service = port ? std::to_string(port) : std::string();
  const int rc = ::getaddrinfo(host.c_str(), port ? service.c_str() : nullptr, &hints, &res);
  if (rc != 0) return MakeError("cannot resolve " + host + ": " + ::gai_strerror(rc));
  return AddrInfoPtr(res);
}

int RemainingMs(Clock::time_point deadline) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms > 0 ? static_cast<int>(ms) : 0;
}

// The connection the http probes make, without a request (net/http_conn_linux.h).
ProbeSample TcpProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  const auto start = Clock::now();
  http::Url target;
  target.host = spec.host;
  target.port = spec.port;
  http::PhaseTimes times;
  auto conn =
      http::Connection::Open(target, http::DeadlineAfter(o.timeout_seconds), nullptr, &times);
  if (!conn) {
    s.error = conn.error();
    return s;
  }
  s.ok = true;
  s.phases["dns"] = times.dns;
  s.phases["connect"] = times.connect;
  s.phases["total"] = SecondsSince(start);
  return s;
}

// A connected UDP socket for ExchangeDnsQuery (poll and recv).
class UdpSocket : public DatagramSocket {
 public:
  explicit UdpSocket(int fd) : fd_(fd) {}
  Status Send(std::string_view datagram) override {
    if (::send(fd_, datagram.data(), datagram.size(), 0) < 0)
      return MakeError(std::strerror(errno));
    return Status::Ok();
  }
  Result<std::optional<std::string>> Receive(Clock::time_point deadline) override {
    pollfd p{fd_, POLLIN, 0};
    const int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n == 0) return std::optional<std::string>();
    if (n < 0) return MakeError(std::strerror(errno));
    char buf[1500];
    const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got < 0) return MakeError(std::strerror(errno));  // ECONNREFUSED: ICMP unreachable
    return std::optional<std::string>(std::string(buf, static_cast<std::size_t>(got)));
  }

 private:
  int fd_;
};

// A minimal DNS client: one A query over UDP (BuildDnsQuery), answered when the reply's id
// matches and its rcode is NOERROR (DnsAnswerError).
ProbeSample DnsServerProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  const std::string where = "DNS query to " + spec.host + ":" + std::to_string(spec.port);
  static std::atomic<std::uint16_t> next_id{static_cast<std::uint16_t>(::getpid() * 7919)};
  const std::uint16_t id = next_id++;
  auto q = BuildDnsQuery(id, spec.query_name);
  if (!q) {
    s.error = where + ": " + q.error();
    return s;
  }
  auto ai = Resolve(spec.host, spec.port, SOCK_DGRAM);
  if (!ai) {
    s.error = ai.error();
    return s;
  }
  const addrinfo* a = ai->get();
  UniqueFd fd(::socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || ::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
    s.error = where + ": " + std::strerror(errno);
    return s;
  }
  UdpSocket socket(fd.get());
  return ExchangeDnsQuery(socket, id, *q, spec, where, o.timeout_seconds);
}

ProbeSample SystemResolverProbe(const ProbeSpec& spec) {
  ProbeSample s;
  const auto start = Clock::now();
  auto ai = Resolve(spec.query_name, 0, SOCK_STREAM);
  if (!ai) {
    s.error = ai.error();
    return s;
  }
  s.ok = true;
  s.phases["dns"] = SecondsSince(start);
  s.phases["total"] = s.phases["dns"];
  return s;
}

// Reads at most 64 KiB of the answer: the probe wants the first byte, not the download.
constexpr std::size_t kMaxProbeBody = 64 << 10;

// What the probes of one collector share: the TLS context (its trust store is loaded once,
// not for every https probe). Connections are never shared: each probe pays DNS, connect and
// TLS.
class HttpProbeSession : public ProbeSession {
 public:
  std::unique_ptr<http::TlsContext> tls;
  std::string tls_ca_file;
};

ProbeSample HttpProbe(const ProbeSpec& spec, const ProbeRunOptions& o, ProbeSession* session) {
  ProbeSample s;
  auto fail = [&](const std::string& why) {
    s.error = spec.url + ": " + why;
    return s;
  };
  auto url = http::SplitUrl(spec.url);
  if (!url) return fail(url.error());
  const auto start = Clock::now();
  const auto deadline = http::DeadlineAfter(o.timeout_seconds);
  HttpProbeSession own;
  auto* shared = static_cast<HttpProbeSession*>(session);
  HttpProbeSession& ses = shared != nullptr ? *shared : own;
  if (url->tls && (!ses.tls || ses.tls_ca_file != o.ca_file)) {
    auto made = http::TlsContext::Make({o.ca_file, {}, {}});
    if (!made) return fail(made.error());
    ses.tls = std::move(*made);
    ses.tls_ca_file = o.ca_file;
  }
  http::PhaseTimes times;
  auto conn = http::Connection::Open(*url, deadline, ses.tls.get(), &times);
  if (!conn) return fail(conn.error());
  const auto ready = Clock::now();
  const std::string request = http::RequestHead(
      "GET", *url, {"User-Agent: wardwatch-agent-probe/" WARDWATCH_VERSION, "Accept: */*"},
      nullptr);
  if (auto w = conn->WriteAll(request, deadline); !w) return fail(w.error());
  std::string buffer;
  auto first_byte = Clock::now();
  auto head = http::ReadHead(*conn, buffer, deadline, &first_byte);
  if (!head) return fail(head.error());
  auto framing = http::FramingOf(*head, "GET");
  if (!framing) return fail(framing.error());
  std::size_t bytes = 0;
  auto body = http::ReadBody(*conn, *framing, buffer, deadline, [&bytes](std::string_view piece) {
    bytes += piece.size();
    return bytes <= kMaxProbeBody;
  });
  if (!body) return fail(body.error());
  s.ok = true;
  s.phases["dns"] = times.dns;
  s.phases["connect"] = times.connect;
  if (times.tls >= 0) s.phases["tls"] = times.tls;
  s.phases["first_byte"] = std::chrono::duration<double>(first_byte - ready).count();
  s.phases["total"] = SecondsSince(start);
  return s;
}

}  // namespace

std::unique_ptr<ProbeSession> NewProbeSession() { return std::make_unique<HttpProbeSession>(); }

ProbeSample RunProbe(const ProbeSpec& spec, const ProbeRunOptions& options, ProbeSession* session) {
  if (spec.kind == "http") return HttpProbe(spec, options, session);
  if (spec.kind == "tcp") return TcpProbe(spec, options);
  if (spec.host.empty()) return SystemResolverProbe(spec);
  return DnsServerProbe(spec, options);
}

}  // namespace wardwatch::agent
