// probes collector for Linux: libcurl for http(s) (its per-phase timing info), POSIX sockets
// for tcp connect and DNS-over-UDP probes, and one background thread per collector object
// that probes each target at random offsets within every interval.
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
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "collectors/probes.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

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
  Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
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

// A minimal DNS client: one A query over UDP, answered when the reply's id matches and its
// rcode is NOERROR.
ProbeSample DnsServerProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  const std::string where = "DNS query to " + spec.host + ":" + std::to_string(spec.port);
  std::string q;
  static std::atomic<std::uint16_t> next_id{static_cast<std::uint16_t>(::getpid() * 7919)};
  const std::uint16_t id = next_id++;
  q += static_cast<char>(id >> 8);
  q += static_cast<char>(id & 0xff);
  q += std::string("\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);  // RD, one question
  std::string_view name = spec.query_name;
  if (name.ends_with(".")) name.remove_suffix(1);
  while (!name.empty()) {
    const auto dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) {
      s.error = where + ": bad name " + spec.query_name;
      return s;
    }
    q += static_cast<char>(label.size());
    q += label;
    name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
  }
  q += std::string("\x00\x00\x01\x00\x01", 5);  // root, type A, class IN
  auto ai = Resolve(spec.host, spec.port, SOCK_DGRAM);
  if (!ai) {
    s.error = ai.error();
    return s;
  }
  const addrinfo* a = ai->get();
  Fd fd(::socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || ::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
    s.error = where + ": " + std::strerror(errno);
    return s;
  }
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.timeout_seconds));
  if (::send(fd.get(), q.data(), q.size(), 0) < 0) {
    s.error = where + ": " + std::strerror(errno);
    return s;
  }
  unsigned char buf[1500];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    const int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n == 0) {
      s.error = where + ": no answer within " + std::to_string(o.timeout_seconds) + " s";
      return s;
    }
    const ssize_t got = ::recv(fd.get(), buf, sizeof buf, 0);
    if (got < 0) {
      // ECONNREFUSED: an ICMP port unreachable came back.
      s.error = where + ": " + std::strerror(errno);
      return s;
    }
    if (got < 12 || buf[0] != (id >> 8) || buf[1] != (id & 0xff) || !(buf[2] & 0x80)) {
      continue;  // not our answer
    }
    static const char* const kRcodes[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                          "NXDOMAIN", "NOTIMP",  "REFUSED"};
    const int rcode = buf[3] & 0x0f;
    if (rcode != 0) {
      s.error = where + " for " + spec.query_name + ": answered " +
                (rcode < 6 ? kRcodes[rcode] : "rcode " + std::to_string(rcode));
      return s;
    }
    break;
  }
  s.ok = true;
  s.phases["dns"] = SecondsSince(start);
  s.phases["total"] = s.phases["dns"];
  return s;
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

ProbeSample HttpProbe(const ProbeSpec& spec, const ProbeRunOptions& o) {
  ProbeSample s;
  std::unique_ptr<CURL, CurlFree> h(curl_easy_init());
  if (!h) {
    s.error = "curl_easy_init failed";
    return s;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  BodySink sink;
  CURL* c = h.get();
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

// Samples of one phase in the current interval. Count, sum and max are exact; quantiles come
// from at most kMaxSamples retained values.
struct PhaseAccumulator {
  static constexpr std::size_t kMaxSamples = 4096;
  std::vector<double> samples;
  std::uint64_t count = 0;
  double sum = 0, max = 0;
  void Add(double v) {
    ++count;
    sum += v;
    max = std::max(max, v);
    if (samples.size() < kMaxSamples) samples.push_back(v);
  }
};

struct TargetState {
  ProbeSpec spec;
  std::uint64_t attempts_total = 0, failures_total = 0, attempts = 0, failures = 0;
  std::map<std::string, PhaseAccumulator> phases;
  std::string last_error;
};

const char* const kPhaseOrder[] = {"dns", "connect", "tls", "first_byte", "total"};

class ProbesCollector : public Collector {
 public:
  ProbesCollector() = default;
  explicit ProbesCollector(ProbeConfig config) { Configure(std::move(config)); }
  ~ProbesCollector() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  Status Collect(const CollectContext& ctx, Report& report) override {
    if (!configured_) {
      if (ctx.options == nullptr) return MakeError("probes: no agent options to read targets from");
      auto config = ProbeConfigFromOptions(*ctx.options);
      if (!config) return MakeError(config.error());
      Configure(std::move(*config));
    }
    if (config_.targets.empty()) return Status::Ok();
    if (first_collect_) {
      first_collect_ = false;
      if (config_.probe_on_first_collect) {
        for (std::size_t i = 0; i < config_.targets.size(); ++i) Record(i, Probe(i));
      } else {
        thread_ = std::thread([this] { Run(); });
      }
    }
    std::lock_guard lock(mu_);
    for (auto& t : targets_) {
      schema::ProbeTarget out;
      out.name = t.spec.name;
      out.kind = t.spec.kind;
      out.url = t.spec.url;
      out.attempts_total = t.attempts_total;
      out.failures_total = t.failures_total;
      out.attempts = std::exchange(t.attempts, 0);
      out.failures = std::exchange(t.failures, 0);
      out.last_error = t.last_error;
      for (const char* phase : kPhaseOrder) {
        auto it = t.phases.find(phase);
        if (it == t.phases.end() || it->second.count == 0) continue;
        auto& acc = it->second;
        out.phases.push_back(
            SummarizePhase(phase, std::move(acc.samples), acc.count, acc.sum, acc.max));
      }
      t.phases.clear();
      report.network.probes.push_back(std::move(out));
    }
    return Status::Ok();
  }

 private:
  void Configure(ProbeConfig config) {
    config_ = std::move(config);
    config_.per_interval = std::max(1u, config_.per_interval);
    for (const auto& spec : config_.targets) targets_.push_back(TargetState{spec});
    rng_.seed(config_.seed ? config_.seed : std::random_device{}());
    configured_ = true;
  }

  ProbeSample Probe(std::size_t i) const { return RunProbe(config_.targets[i], config_.run); }

  void Record(std::size_t i, const ProbeSample& s) {
    std::lock_guard lock(mu_);
    TargetState& t = targets_[i];
    ++t.attempts;
    ++t.attempts_total;
    if (!s.ok) {
      ++t.failures;
      ++t.failures_total;
      t.last_error = s.error;
      return;
    }
    for (const auto& [phase, seconds] : s.phases) t.phases[phase].Add(seconds);
  }

  // Each round lasts one interval; every target is probed per_interval times at uniformly
  // random offsets, so probes from many PCs do not line up on the same second.
  void Run() {
    auto round_start = Clock::now();
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(config_.interval_seconds));
    std::uniform_real_distribution<double> offset(0, 1);
    std::vector<std::pair<Clock::duration, std::size_t>> plan;
    for (;;) {
      plan.clear();
      for (std::size_t i = 0; i < targets_.size(); ++i) {
        for (unsigned k = 0; k < config_.per_interval; ++k) {
          plan.emplace_back(std::chrono::duration_cast<Clock::duration>(interval * offset(rng_)),
                            i);
        }
      }
      std::sort(plan.begin(), plan.end());
      for (const auto& [at, i] : plan) {
        {
          std::unique_lock lock(mu_);
          if (cv_.wait_until(lock, round_start + at, [this] { return stop_; })) return;
        }
        Record(i, Probe(i));
      }
      round_start += interval;
      // A round that overran (slow timeouts) starts the next one now rather than bursting.
      if (round_start < Clock::now()) round_start = Clock::now();
    }
  }

  ProbeConfig config_;
  bool configured_ = false, first_collect_ = true;
  std::mt19937_64 rng_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<TargetState> targets_;
  std::thread thread_;
};

}  // namespace

ProbeSample RunProbe(const ProbeSpec& spec, const ProbeRunOptions& options) {
  if (spec.kind == "http") return HttpProbe(spec, options);
  if (spec.kind == "tcp") return TcpProbe(spec, options);
  if (spec.host.empty()) return SystemResolverProbe(spec);
  return DnsServerProbe(spec, options);
}

std::unique_ptr<Collector> NewProbesCollector() { return std::make_unique<ProbesCollector>(); }
std::unique_ptr<Collector> NewProbesCollector(ProbeConfig config) {
  return std::make_unique<ProbesCollector>(std::move(config));
}

}  // namespace wardwatch::agent
