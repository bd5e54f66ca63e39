// Probe attempts on Linux: libcurl for http(s) (its per-phase timing info), POSIX sockets for
// tcp connect and DNS-over-UDP probes. The schedule and summaries are in probes_collector.cpp.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
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

ProbeSample TcpProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.timeout_seconds));
  auto ai = Resolve(spec.host, spec.port, SOCK_STREAM);
  if (!ai) {
    s.error = ai.error();
    return s;
  }
  const double dns = SecondsSince(start);
  const addrinfo* a = ai->get();
  UniqueFd fd(
      ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
  const std::string where = "connect to " + spec.host + ":" + std::to_string(spec.port);
  if (fd.get() < 0) {
    s.error = where + ": socket: " + std::strerror(errno);
    return s;
  }
  const auto connect_start = Clock::now();
  int err = 0;
  if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      err = errno;
    } else {
      pollfd p{fd.get(), POLLOUT, 0};
      const int n = ::poll(&p, 1, RemainingMs(deadline));
      if (n == 0) {
        s.error = where + ": timed out after " + std::to_string(o.timeout_seconds) + " s";
        return s;
      }
      socklen_t len = sizeof err;
      if (n < 0)
        err = errno;
      else
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (err != 0) {
    s.error = where + ": " + std::strerror(err);
    return s;
  }
  s.ok = true;
  s.phases["dns"] = dns;
  s.phases["connect"] = SecondsSince(connect_start);
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

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

struct BodySink {
  std::size_t bytes = 0;
  bool stopped = false;
};

// Reads at most 64 KiB of the answer: the probe wants the first byte, not the download.
constexpr std::size_t kMaxProbeBody = 64 << 10;

std::size_t DiscardBody(char*, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  sink->bytes += size * n;
  if (sink->bytes > kMaxProbeBody) {
    sink->stopped = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR, which we treat as done
  }
  return size * n;
}

class CurlProbeSession : public ProbeSession {
 public:
  std::unique_ptr<CURL, CurlFree> handle;
};

ProbeSample HttpProbe(const ProbeSpec& spec, const ProbeRunOptions& o, ProbeSession* session) {
  ProbeSample s;
  std::unique_ptr<CURL, CurlFree> own;
  CURL* c = nullptr;
  if (auto* curl = static_cast<CurlProbeSession*>(session); curl && curl->handle) {
    c = curl->handle.get();
    curl_easy_reset(c);  // options from scratch; FRESH_CONNECT below still opens a new connection
  } else {
    own.reset(curl_easy_init());
    c = own.get();
  }
  if (c == nullptr) {
    s.error = "curl_easy_init failed";
    return s;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  BodySink sink;
  curl_easy_setopt(c, CURLOPT_URL, spec.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);  // every probe pays DNS, connect and TLS
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(c, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "wardwatch-agent-probe/" WARDWATCH_VERSION);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &DiscardBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && sink.stopped)) {
    s.error = spec.url + ": " + (errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc));
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    if (os_errno != 0)
      s.error += std::string(" (") + std::strerror(static_cast<int>(os_errno)) + ")";
    return s;
  }
  curl_off_t dns = 0, connect = 0, app = 0, first = 0, total = 0;
  curl_easy_getinfo(c, CURLINFO_NAMELOOKUP_TIME_T, &dns);
  curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect);
  curl_easy_getinfo(c, CURLINFO_APPCONNECT_TIME_T, &app);
  curl_easy_getinfo(c, CURLINFO_STARTTRANSFER_TIME_T, &first);
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &total);
  auto sec = [](curl_off_t us) { return static_cast<double>(us) / 1e6; };
  s.ok = true;
  s.phases["dns"] = sec(dns);
  s.phases["connect"] = sec(std::max<curl_off_t>(0, connect - dns));
  const curl_off_t ready = app > 0 ? app : connect;
  if (app > 0) s.phases["tls"] = sec(std::max<curl_off_t>(0, app - connect));
  s.phases["first_byte"] = sec(std::max<curl_off_t>(0, first - ready));
  s.phases["total"] = sec(total);
  return s;
}

}  // namespace

std::unique_ptr<ProbeSession> NewProbeSession() {
  auto session = std::make_unique<CurlProbeSession>();
  session->handle.reset(curl_easy_init());  // null: each probe makes its own
  return session;
}

ProbeSample RunProbe(const ProbeSpec& spec, const ProbeRunOptions& options, ProbeSession* session) {
  if (spec.kind == "http") return HttpProbe(spec, options, session);
  if (spec.kind == "tcp") return TcpProbe(spec, options);
  if (spec.host.empty()) return SystemResolverProbe(spec);
  return DnsServerProbe(spec, options);
}

}  // namespace wardwatch::agent
