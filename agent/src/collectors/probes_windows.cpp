// Probe attempts on Windows: GetAddrInfoW for name lookups, Winsock for tcp connect and
// DNS-over-UDP probes, WinHTTP for http(s) with its own request times (Windows 10 1903+) or
// its status callbacks. The schedule and summaries are in probes_collector.cpp.
// Winsock before <windows.h>, WinHTTP after it (winhttp_windows.h).
// clang-format off
#include "winhttp_windows.h"
#include <ws2tcpip.h>
// clang-format on

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>

#include "collectors/probes.h"
#include "collectors/windows_convert.h"

namespace wardwatch::agent {
namespace {

using Clock = std::chrono::steady_clock;

static_assert(winconv::winhttp_time::kNameResolutionStart == WinHttpNameResolutionStart);
static_assert(winconv::winhttp_time::kNameResolutionEnd == WinHttpNameResolutionEnd);
static_assert(winconv::winhttp_time::kConnectionEstablishmentStart ==
              WinHttpConnectionEstablishmentStart);
static_assert(winconv::winhttp_time::kConnectionEstablishmentEnd ==
              WinHttpConnectionEstablishmentEnd);
static_assert(winconv::winhttp_time::kTlsLeg1Start == WinHttpTlsHandshakeClientLeg1Start);
static_assert(winconv::winhttp_time::kTlsLeg3End == WinHttpTlsHandshakeClientLeg3End);
static_assert(winconv::winhttp_time::kSendRequestStart == WinHttpSendRequestStart);
static_assert(winconv::winhttp_time::kReceiveResponseHeadersEnd ==
              WinHttpReceiveResponseHeadersEnd);
static_assert(winconv::winhttp_time::kCount == WinHttpRequestTimeLast);

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Winsock is started once for the process (WSAStartup counts; never cleaned up: the agent
// probes until it exits).
bool WinsockReady() {
  static const bool ok = [] {
    WSADATA wsa;
    return ::WSAStartup(MAKEWORD(2, 2), &wsa) == 0;
  }();
  return ok;
}

class UniqueSocket {
 public:
  explicit UniqueSocket(SOCKET s) : s_(s) {}
  ~UniqueSocket() {
    if (s_ != INVALID_SOCKET) ::closesocket(s_);
  }
  UniqueSocket(const UniqueSocket&) = delete;
  UniqueSocket& operator=(const UniqueSocket&) = delete;
  SOCKET get() const { return s_; }
  explicit operator bool() const { return s_ != INVALID_SOCKET; }

 private:
  SOCKET s_;
};

struct AddrInfoFree {
  void operator()(ADDRINFOW* a) const { ::FreeAddrInfoW(a); }
};
using AddrInfoPtr = std::unique_ptr<ADDRINFOW, AddrInfoFree>;

// The Linux agent's words for the errors a probe meets most, so reports read alike; others
// in Windows' own words.
std::string SocketErrorText(int code) {
  switch (code) {
    case WSAECONNREFUSED:
      return "Connection refused";
    case WSAECONNRESET:  // a UDP send answered by ICMP port unreachable
      return "Connection refused (port unreachable)";
    case WSAETIMEDOUT:
      return "Connection timed out";
    case WSAENETUNREACH:
      return "Network is unreachable";
    case WSAEHOSTUNREACH:
      return "No route to host";
    default:
      return win::ErrorText(static_cast<DWORD>(code));
  }
}

Result<AddrInfoPtr> Resolve(const std::string& host, std::uint16_t port, int socktype) {
  ADDRINFOW hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  ADDRINFOW* res = nullptr;
  const std::wstring whost = win::ToWide(host);
  const std::wstring service = port ? std::to_wstring(port) : std::wstring();
  const int rc = ::GetAddrInfoW(whost.c_str(), port ? service.c_str() : nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    return MakeError("cannot resolve " + host + ": " + win::ErrorText(static_cast<DWORD>(rc)));
  }
  return AddrInfoPtr(res);
}

timeval Remaining(Clock::time_point deadline) {
  const auto us = std::max<long long>(
      0, std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count());
  timeval tv;
  tv.tv_sec = static_cast<long>(us / 1000000);
  tv.tv_usec = static_cast<long>(us % 1000000);
  return tv;
}

Clock::time_point Deadline(Clock::time_point start, double seconds) {
  return start +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

ProbeSample TcpProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  const auto start = Clock::now();
  const auto deadline = Deadline(start, o.timeout_seconds);
  auto ai = Resolve(spec.host, spec.port, SOCK_STREAM);
  if (!ai) {
    s.error = ai.error();
    return s;
  }
  const double dns = SecondsSince(start);
  const ADDRINFOW* a = ai->get();
  const std::string where = "connect to " + spec.host + ":" + std::to_string(spec.port);
  UniqueSocket sock(::WSASocketW(a->ai_family, a->ai_socktype, a->ai_protocol, nullptr, 0,
                                 WSA_FLAG_NO_HANDLE_INHERIT));
  if (!sock) {
    s.error = where + ": socket: " + SocketErrorText(::WSAGetLastError());
    return s;
  }
  u_long nonblocking = 1;
  ::ioctlsocket(sock.get(), FIONBIO, &nonblocking);
  const auto connect_start = Clock::now();
  int err = 0;
  if (::connect(sock.get(), a->ai_addr, static_cast<int>(a->ai_addrlen)) != 0) {
    err = ::WSAGetLastError();
    if (err == WSAEWOULDBLOCK) {
      // Windows reports a finished connect as writable, a failed one as an exception.
      fd_set writable, failed;
      FD_ZERO(&writable);
      FD_ZERO(&failed);
      FD_SET(sock.get(), &writable);
      FD_SET(sock.get(), &failed);
      timeval tv = Remaining(deadline);
      const int n = ::select(0, nullptr, &writable, &failed, &tv);
      if (n == 0) {
        s.error = where + ": timed out after " + std::to_string(o.timeout_seconds) + " s";
        return s;
      }
      err = 0;
      if (n < 0) {
        err = ::WSAGetLastError();
      } else if (FD_ISSET(sock.get(), &failed)) {
        int len = sizeof err;
        ::getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len);
        if (err == 0) err = WSAECONNREFUSED;
      }
    }
  }
  if (err != 0) {
    s.error = where + ": " + SocketErrorText(err);
    return s;
  }
  s.ok = true;
  s.phases["dns"] = dns;
  s.phases["connect"] = SecondsSince(connect_start);
  s.phases["total"] = SecondsSince(start);
  return s;
}

// A connected UDP socket for ExchangeDnsQuery (select and recv).
class DatagramOverWinsock : public DatagramSocket {
 public:
  explicit DatagramOverWinsock(SOCKET s) : s_(s) {}
  Status Send(std::string_view datagram) override {
    if (::send(s_, datagram.data(), static_cast<int>(datagram.size()), 0) == SOCKET_ERROR) {
      return MakeError(SocketErrorText(::WSAGetLastError()));
    }
    return Status::Ok();
  }
  Result<std::optional<std::string>> Receive(Clock::time_point deadline) override {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(s_, &readable);
    timeval tv = Remaining(deadline);
    const int n = ::select(0, &readable, nullptr, nullptr, &tv);
    if (n == 0) return std::optional<std::string>();
    char buf[1500];
    const int got = n < 0 ? SOCKET_ERROR : ::recv(s_, buf, sizeof buf, 0);
    if (got == SOCKET_ERROR) return MakeError(SocketErrorText(::WSAGetLastError()));
    return std::optional<std::string>(std::string(buf, static_cast<std::size_t>(got)));
  }

 private:
  SOCKET s_;
};

// One A query over UDP (BuildDnsQuery), answered when the reply's id matches and its rcode is
// NOERROR (DnsAnswerError); as on Linux.
ProbeSample DnsServerProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  const std::string where = "DNS query to " + spec.host + ":" + std::to_string(spec.port);
  static std::atomic<std::uint16_t> next_id{
      static_cast<std::uint16_t>(::GetCurrentProcessId() * 7919)};
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
  const ADDRINFOW* a = ai->get();
  UniqueSocket sock(
      ::WSASocketW(a->ai_family, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_NO_HANDLE_INHERIT));
  if (!sock || ::connect(sock.get(), a->ai_addr, static_cast<int>(a->ai_addrlen)) != 0) {
    s.error = where + ": " + SocketErrorText(::WSAGetLastError());
    return s;
  }
  DatagramOverWinsock socket(sock.get());
  return ExchangeDnsQuery(socket, id, *q, spec, where, o.timeout_seconds);
}

// The system resolver: on Windows the DNS Client service answers, from its cache when it
// can, as systemd-resolved or nscd may on Linux.
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

// Moments of WinHTTP's status callbacks for one request, in the thread that sends it
// (synchronous WinHTTP calls back on the calling thread; the mutex is for safety only).
struct CallbackMoments {
  Clock::time_point start;
  std::mutex mu;
  winconv::WinHttpTiming timing;

  void Seen(DWORD status) {
    std::lock_guard lock(mu);
    const double at = SecondsSince(start);
    auto first = [at](double& slot) {
      if (slot < 0) slot = at;
    };
    switch (status) {
      case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME:
        first(timing.resolving);
        break;
      case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
        first(timing.resolved);
        break;
      case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
        first(timing.connecting);
        break;
      case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
        first(timing.connected);
        break;
      case WINHTTP_CALLBACK_STATUS_SENDING_REQUEST:
        first(timing.sending);
        break;
      case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
        first(timing.response_received);
        break;
      default:
        break;
    }
  }
};

void CALLBACK OnStatus(HINTERNET, DWORD_PTR context, DWORD status, LPVOID, DWORD) {
  if (context != 0) reinterpret_cast<CallbackMoments*>(context)->Seen(status);
}

int Ms(double seconds) { return static_cast<int>(std::clamp(seconds * 1000, 1.0, 2.0e9)); }

// Reads at most 64 KiB of the answer: the probe wants the first byte, not the download.
constexpr std::size_t kMaxProbeBody = 64 << 10;

ProbeSample HttpProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  auto fail = [&](const std::string& why) {
    s.error = spec.url + ": " + why;
    return s;
  };
  const auto url = win::CrackUrl(spec.url);
  if (!url) return fail("invalid URL");
  const bool secure = url->tls;
  const std::wstring& host = url->host;
  const std::wstring& path = url->path;

  // A session per attempt: every probe pays DNS, connect and TLS (WinHTTP pools connections
  // per session). No proxy: the phases are those to the target itself, not to a proxy.
  win::UniqueInternet session(::WinHttpOpen(
      win::ToWide("wardwatch-agent-probe/" WARDWATCH_VERSION).c_str(), WINHTTP_ACCESS_TYPE_NO_PROXY,
      WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0));
  if (!session) return fail("WinHttpOpen: " + win::ErrorText(::GetLastError()));
  const int ms = Ms(o.timeout_seconds);
  ::WinHttpSetTimeouts(session.get(), ms, ms, ms, ms);
  CallbackMoments moments;
  moments.timing.secure = secure;
  ::WinHttpSetStatusCallback(session.get(), &OnStatus, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);

  moments.start = Clock::now();
  win::UniqueInternet connection(::WinHttpConnect(session.get(), host.c_str(), url->port, 0));
  if (!connection) return fail(win::WinHttpErrorText(::GetLastError()));
  win::UniqueInternet request(::WinHttpOpenRequest(connection.get(), L"GET", path.c_str(), nullptr,
                                                   WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                                   secure ? WINHTTP_FLAG_SECURE : 0));
  if (!request) return fail(win::WinHttpErrorText(::GetLastError()));
  ::WinHttpSetTimeouts(request.get(), ms, ms, ms, ms);
  DWORD response_ms = static_cast<DWORD>(ms);
  ::WinHttpSetOption(request.get(), WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &response_ms,
                     sizeof response_ms);
  DWORD no_redirect = WINHTTP_DISABLE_REDIRECTS;  // as curl without FOLLOWLOCATION
  ::WinHttpSetOption(request.get(), WINHTTP_OPTION_DISABLE_FEATURE, &no_redirect,
                     sizeof no_redirect);
  auto context = reinterpret_cast<DWORD_PTR>(&moments);
  ::WinHttpSetOption(request.get(), WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context);
  // Before the request handle closes (its HANDLE_CLOSING callback), it forgets `moments`.
  struct ForgetContext {
    HINTERNET h;
    ~ForgetContext() {
      DWORD_PTR none = 0;
      ::WinHttpSetOption(h, WINHTTP_OPTION_CONTEXT_VALUE, &none, sizeof none);
    }
  } forget{request.get()};

  auto transfer_error = [&](DWORD code) {
    std::string why = win::WinHttpErrorText(code);
    if (secure && code == ERROR_WINHTTP_SECURE_FAILURE && !o.ca_file.empty()) {
      why += " (--ca-file is not read on Windows: WinHTTP checks the Windows certificate store)";
    }
    return fail(why);
  };
  if (!::WinHttpSendRequest(request.get(), WINHTTP_NO_ADDITIONAL_HEADERS, 0,
                            WINHTTP_NO_REQUEST_DATA, 0, 0, context)) {
    return transfer_error(::GetLastError());
  }
  if (!::WinHttpReceiveResponse(request.get(), nullptr)) return transfer_error(::GetLastError());
  std::size_t body = 0;
  std::string buf;
  while (body <= kMaxProbeBody) {
    DWORD available = 0;
    if (!::WinHttpQueryDataAvailable(request.get(), &available))
      return transfer_error(::GetLastError());
    if (available == 0) break;
    buf.resize(available);
    DWORD read = 0;
    if (!::WinHttpReadData(request.get(), buf.data(), available, &read))
      return transfer_error(::GetLastError());
    if (read == 0) break;
    body += read;
  }
  winconv::WinHttpTiming timing;
  {
    std::lock_guard lock(moments.mu);
    timing = moments.timing;
  }
  timing.total = SecondsSince(moments.start);
  WINHTTP_REQUEST_TIMES times{};
  times.cTimes = WinHttpRequestTimeLast;
  DWORD size = sizeof times;
  LARGE_INTEGER hz{};
  if (::WinHttpQueryOption(request.get(), WINHTTP_OPTION_REQUEST_TIMES, &times, &size) &&
      ::QueryPerformanceFrequency(&hz)) {
    timing.request_times.assign(
        times.rgullTimes, times.rgullTimes + std::min<ULONG>(times.cTimes, WinHttpRequestTimeMax));
    timing.qpc_frequency = static_cast<std::uint64_t>(hz.QuadPart);
  }
  s.ok = true;
  s.phases = winconv::ProbePhasesFromWinHttp(timing);
  return s;
}

}  // namespace

// WinHTTP keeps nothing worth reusing between probes here: the session is empty.
std::unique_ptr<ProbeSession> NewProbeSession() { return std::make_unique<ProbeSession>(); }

ProbeSample RunProbe(const ProbeSpec& spec, const ProbeRunOptions& options, ProbeSession*) {
  if (!WinsockReady()) {
    ProbeSample s;
    s.error = "Winsock could not be started: " + SocketErrorText(::WSAGetLastError());
    return s;
  }
  if (spec.kind == "http") return HttpProbe(spec, options);
  if (spec.kind == "tcp") return TcpProbe(spec, options);
  if (spec.host.empty()) return SystemResolverProbe(spec);
  return DnsServerProbe(spec, options);
}

}  // namespace wardwatch::agent
