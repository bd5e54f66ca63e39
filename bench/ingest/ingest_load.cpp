// wardwatch-ingest-load: many simulated agents on loopback against one collector.
//
// Every agent enrolls (real /api/v1/enroll), keeps one keep-alive connection like a real agent
// and POSTs realistic reports (the simulator's office model, one body per agent with its
// sequence and time advanced on every send, gzip level 1). Two modes:
//   open loop   --rate R: the agents together send R reports/s on a fixed schedule; latency is
//               measured from the scheduled send time, so a slow collector cannot hide behind
//               a slow client (no coordinated omission);
//   closed loop --rate 0: --agents connections each send the next report as soon as the last
//               one is answered: the collector's maximum throughput.
// 429/503 answers are retried with the same sequence after Retry-After (as the agent does),
// so at the end "acknowledged" must equal what the collector stored; the caller checks that
// against the SQLite file. With --collector-pid/--data-dir it samples the collector's RSS and
// WAL size every second. Prints one JSON object on stdout.
#include <zlib.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "office.h"
#include "wardwatch/report.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace po = boost::program_options;
namespace sim = wardwatch::simulate;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string host = "127.0.0.1";
  std::string port;
  std::string enroll_token;
  int agents = 100;
  double rate = 100;  // reports/s over all agents; 0 = closed loop
  double duration = 10;
  double warmup = 0;  // seconds excluded from the latency figures
  bool gzip = true;
  std::uint64_t seed = 1;
  int collector_pid = 0;
  std::string data_dir;
};

// gzip (RFC 1952) at level 1: the generator must stay cheap beside the collector.
class Gzipper {
 public:
  Gzipper() {
    if (deflateInit2(&zs_, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("deflateInit2 failed");
  }
  ~Gzipper() { deflateEnd(&zs_); }
  Gzipper(const Gzipper&) = delete;
  Gzipper& operator=(const Gzipper&) = delete;
  std::string Compress(std::string_view in) {
    deflateReset(&zs_);
    std::string out(deflateBound(&zs_, in.size()) + 32, '\0');
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data());
    zs_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(zs_.total_out);
    return out;
  }

 private:
  z_stream zs_{};
};

// One agent's report text with the places its sequence and time go (in either order).
struct Template {
  std::string prefix, middle, suffix;  // prefix FIRST middle SECOND suffix
  bool sequence_first = true;
  std::string Render(std::uint64_t seq, std::uint64_t ms) const {
    std::string s;
    s.reserve(prefix.size() + middle.size() + suffix.size() + 40);
    s += prefix;
    s += std::to_string(sequence_first ? seq : ms);
    s += middle;
    s += std::to_string(sequence_first ? ms : seq);
    s += suffix;
    return s;
  }
};

std::optional<Template> MakeTemplate(const std::string& json) {
  const std::string kSeq = "\"sequence\":", kTime = "\"collected_at_ms\":";
  auto s = json.find(kSeq), t = json.find(kTime);
  if (s == std::string::npos || t == std::string::npos) return std::nullopt;
  Template out;
  out.sequence_first = s < t;
  std::size_t a = s + kSeq.size(), b = t + kTime.size();
  if (!out.sequence_first) std::swap(a, b);
  const auto a_end = json.find_first_not_of("0123456789", a);
  const auto b_end = json.find_first_not_of("0123456789", b);
  if (a_end == std::string::npos || b_end == std::string::npos || a_end > b) return std::nullopt;
  out.prefix = json.substr(0, a);
  out.middle = json.substr(a_end, b - a_end);
  out.suffix = json.substr(b_end);
  return out;
}

// Synchronous HTTP for enrollment before the run.
std::string Enroll(const Args& a, const std::string& machine_id, const std::string& hostname) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve(a.host, a.port));
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/enroll", 11};
  req.set(bhttp::field::host, a.host);
  req.set(bhttp::field::authorization, "Bearer " + a.enroll_token);
  req.set(bhttp::field::content_type, "application/json");
  req.body() = nlohmann::json{{"machine_id", machine_id}, {"hostname", hostname}}.dump();
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buf, res);
  if (res.result_int() != 200 && res.result_int() != 201)
    throw std::runtime_error("enroll " + hostname + ": HTTP " + std::to_string(res.result_int()) +
                             " " + res.body().substr(0, 200));
  auto j = nlohmann::json::parse(res.body());
  return j.at("machine_token").get<std::string>();
}

struct Totals {
  std::uint64_t sent = 0, acked = 0, duplicates = 0, retried = 0, retry_after_missing = 0,
                conn_errors = 0, late = 0;
  std::map<int, std::uint64_t> status;
  std::string first_refusal;  // the first 4xx answer's body, to say what was wrong
  std::vector<double> latency_ms;
  std::vector<std::uint32_t> latency_second;  // second of each sample since measuring began
};

class Agent : public std::enable_shared_from_this<Agent> {
 public:
  Agent(asio::io_context& io, const Args& a, Totals& t, Gzipper& gz, Template tpl,
        std::string token, Clock::time_point measure_from, Clock::time_point stop_at, int index)
      : index_(index),
        io_(io),
        a_(a),
        t_(t),
        gz_(gz),
        tpl_(std::move(tpl)),
        token_(std::move(token)),
        stream_(io),
        timer_(io),
        measure_from_(measure_from),
        stop_at_(stop_at) {}

  // Open loop: first send at `first`, then every `period`. Closed loop: period zero.
  void Start(Clock::time_point first, Clock::duration period) {
    period_ = period;
    next_ = first;
    Schedule();
  }

 private:
  void Schedule() {
    if (next_ >= stop_at_) return;
    timer_.expires_at(std::max(next_, Clock::now()));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Send(self->next_, false);
    });
  }

  void Send(Clock::time_point intended, bool retry) {
    intended_ = intended;
    if (!retry) {
      ++seq_;
      const auto ms =
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
      const std::string body = tpl_.Render(seq_, ms);
      req_ = {bhttp::verb::post, "/api/v1/reports", 11};
      req_.set(bhttp::field::host, a_.host);
      req_.set(bhttp::field::authorization, "Bearer " + token_);
      req_.set(bhttp::field::content_type, "application/json");
      if (a_.gzip) {
        req_.set(bhttp::field::content_encoding, "gzip");
        req_.body() = gz_.Compress(body);
      } else {
        req_.body() = body;
      }
      req_.keep_alive(true);
      req_.prepare_payload();
    }
    ++t_.sent;
    if (!connected_) {
      stream_.async_connect(tcp::endpoint(asio::ip::make_address(a_.host),
                                          static_cast<unsigned short>(std::stoi(a_.port))),
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) return self->Failed();
                              self->connected_ = true;
                              self->Write();
                            });
    } else {
      Write();
    }
  }

  void Write() {
    stream_.expires_after(std::chrono::seconds(60));
    bhttp::async_write(stream_, req_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->Failed();
                         self->res_ = {};
                         bhttp::async_read(self->stream_, self->buf_, self->res_,
                                           [self](beast::error_code ec2, std::size_t) {
                                             if (ec2) return self->Failed();
                                             self->Answered();
                                           });
                       });
  }

  void Failed() {
    ++t_.conn_errors;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    connected_ = false;
    buf_.clear();
    // Resend the same report after a short pause, like the agent's spool does.
    timer_.expires_after(std::chrono::milliseconds(200));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && Clock::now() < self->stop_at_ + std::chrono::seconds(30))
        self->Send(self->intended_, true);
    });
  }

  void Answered() {
    const int code = static_cast<int>(res_.result_int());
    ++t_.status[code];
    if (code >= 400 && code < 500 && t_.first_refusal.empty()) {
      t_.first_refusal = "agent " + std::to_string(index_) + " HTTP " + std::to_string(code) +
                         ": " + res_.body().substr(0, 300);
    }
    if (!res_.keep_alive()) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      connected_ = false;
    }
    if (code == 429 || code == 503) {
      ++t_.retried;
      double wait = 1;
      if (res_.find(bhttp::field::retry_after) == res_.end()) ++t_.retry_after_missing;
      if (auto it = res_.find(bhttp::field::retry_after); it != res_.end()) {
        try {
          wait = std::stod(std::string(it->value()));
        } catch (...) {
        }
      }
      timer_.expires_after(std::chrono::milliseconds(static_cast<int>(1000 * wait)));
      timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->Send(self->intended_, true);
      });
      return;
    }
    const auto now = Clock::now();
    if (code >= 200 && code < 300) {
      ++t_.acked;
      // A resend after a lost answer is acknowledged as "duplicate": stored once.
      if (res_.body().find("\"duplicate\"") != std::string::npos) ++t_.duplicates;
    }
    if (intended_ >= measure_from_) {
      t_.latency_ms.push_back(std::chrono::duration<double, std::milli>(now - intended_).count());
      t_.latency_second.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::seconds>(intended_ - measure_from_).count()));
    }
    if (period_ == Clock::duration::zero()) {
      next_ = now;
    } else {
      next_ += period_;
      if (next_ < now) {
        ++t_.late;  // the previous answer came after this report was due
      }
    }
    Schedule();
  }

  int index_;
  asio::io_context& io_;
  const Args& a_;
  Totals& t_;
  Gzipper& gz_;
  Template tpl_;
  std::string token_;
  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buf_;
  bhttp::request<bhttp::string_body> req_;
  bhttp::response<bhttp::string_body> res_;
  bool connected_ = false;
  std::uint64_t seq_ = 0;
  Clock::time_point next_, intended_, measure_from_, stop_at_;
  Clock::duration period_{};
};

double Quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

std::uint64_t RssKiB(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  return 0;
}

std::uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::string url;
  po::options_description desc(
      "wardwatch-ingest-load: simulated agents against a collector on loopback");
  desc.add_options()("help,h", "show this help")("collector", po::value(&url)->required(),
                                                 "collector base URL, http://127.0.0.1:PORT")(
      "enroll-token", po::value(&a.enroll_token)->required(), "the collector's enrollment token")(
      "agents", po::value(&a.agents)->default_value(a.agents), "simulated agents (connections)")(
      "rate", po::value(&a.rate)->default_value(a.rate),
      "reports/s over all agents; 0 = closed loop (as fast as answered)")(
      "duration", po::value(&a.duration)->default_value(a.duration), "seconds of load")(
      "warmup", po::value(&a.warmup)->default_value(a.warmup),
      "first seconds left out of the latency figures")("no-gzip", "send the JSON uncompressed")(
      "seed", po::value(&a.seed)->default_value(a.seed), "office seed")(
      "collector-pid", po::value(&a.collector_pid), "sample this process's RSS every second")(
      "data-dir", po::value(&a.data_dir), "sample DATA_DIR/wardwatch.db-wal every second");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "wardwatch-ingest-load: " << e.what() << "\n";
    return 2;
  }
  a.gzip = vm.count("no-gzip") == 0;
  const std::string kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0 || url.find(':', kScheme.size()) == std::string::npos) {
    std::cerr << "wardwatch-ingest-load: --collector must be http://HOST:PORT, got " << url << "\n";
    return 2;
  }
  {
    const std::string hp = url.substr(kScheme.size());
    a.host = hp.substr(0, hp.find(':'));
    a.port = hp.substr(hp.find(':') + 1);
    if (!a.port.empty() && a.port.back() == '/') a.port.pop_back();
  }
  if (a.agents < 1 || a.duration <= 0 || a.rate < 0) {
    std::cerr << "wardwatch-ingest-load: --agents >= 1, --duration > 0, --rate >= 0\n";
    return 2;
  }

  // Realistic bodies: each agent's report from the simulated office at a busy office hour.
  sim::SimOptions so;
  so.seed = a.seed;
  so.machines = a.agents;
  so.days = 1;
  so.step_minutes = 15;
  so.end = 1764651600;  // 2025-12-02 12:00 Asia/Ho_Chi_Minh (a Tuesday), aligned to the step
  sim::Office office(so);
  std::vector<Template> templates;
  std::vector<std::string> tokens;
  std::size_t body_bytes = 0;
  try {
    // The machine's second report of the day (the first carries the package list); a PC the
    // plan keeps switched off borrows another machine's report under its own identity.
    std::vector<std::optional<wardwatch::Report>> reports(static_cast<std::size_t>(a.agents));
    const wardwatch::Report* any = nullptr;
    for (int i = 0; i < a.agents; ++i) {
      sim::MachineStream stream(office, i);
      wardwatch::Report r;
      int got = 0;
      for (std::int64_t t = office.start() + 15 * 60; t <= so.end && got < 2; t += 15 * 60) {
        if (stream.Next(t, r)) {
          reports[static_cast<std::size_t>(i)] = r;
          ++got;
        }
      }
      if (got > 0 && any == nullptr) any = &*reports[static_cast<std::size_t>(i)];
    }
    if (any == nullptr) throw std::runtime_error("the simulated office sent no report at all");
    for (int i = 0; i < a.agents; ++i) {
      const auto& m = office.machines()[static_cast<std::size_t>(i)];
      wardwatch::Report r = reports[static_cast<std::size_t>(i)].value_or(*any);
      r.machine_id = m.machine_id;
      r.hostname = m.hostname;
      auto tpl = MakeTemplate(wardwatch::EncodeReport(r));
      if (!tpl) throw std::runtime_error("report JSON has no sequence/collected_at_ms");
      body_bytes += tpl->Render(1, 1).size();
      templates.push_back(std::move(*tpl));
      tokens.push_back(Enroll(a, m.machine_id, m.hostname));
    }
  } catch (const std::exception& e) {
    std::cerr << "wardwatch-ingest-load: " << e.what() << "\n";
    return 1;
  }

  asio::io_context io;
  Totals totals;
  Gzipper gz;
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  const auto measure_from =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.warmup));
  const auto stop_at = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(a.duration));
  const Clock::duration period =
      a.rate == 0 ? Clock::duration::zero()
                  : std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(a.agents) / a.rate));
  for (int i = 0; i < a.agents; ++i) {
    auto agent =
        std::make_shared<Agent>(io, a, totals, gz, templates[static_cast<std::size_t>(i)],
                                tokens[static_cast<std::size_t>(i)], measure_from, stop_at, i);
    // Spread the first sends over one period so the agents do not fire in lockstep.
    const auto offset = period * i / a.agents;
    agent->Start(start + offset, period);
  }

  // Sample the collector once a second.
  std::vector<std::uint64_t> rss, wal;
  asio::steady_timer sampler(io);
  std::function<void()> sample = [&] {
    if (a.collector_pid > 0) rss.push_back(RssKiB(a.collector_pid));
    if (!a.data_dir.empty()) wal.push_back(FileSize(a.data_dir + "/wardwatch.db-wal"));
    if (Clock::now() < stop_at) {
      sampler.expires_after(std::chrono::seconds(1));
      sampler.async_wait([&](beast::error_code ec) {
        if (!ec) sample();
      });
    }
  };
  sample();
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  auto& lat = totals.latency_ms;
  const std::size_t n = lat.size();
  // p99 of each minute and the worst of each second, before the quantiles below reorder the
  // samples: they show whether the tail grows with the store or comes in stalls, and when.
  nlohmann::json p99_by_minute = nlohmann::json::array();
  nlohmann::json max_by_second = nlohmann::json::array();
  {
    std::vector<std::vector<double>> minutes;
    std::vector<double> seconds_max;
    for (std::size_t i = 0; i < n; ++i) {
      const auto s = totals.latency_second[i];
      if (s / 60 >= minutes.size()) minutes.resize(s / 60 + 1);
      minutes[s / 60].push_back(lat[i]);
      if (s >= seconds_max.size()) seconds_max.resize(s + 1);
      seconds_max[s] = std::max(seconds_max[s], lat[i]);
    }
    for (auto& m : minutes) p99_by_minute.push_back(Quantile(m, 0.99));
    for (double m : seconds_max) max_by_second.push_back(std::round(m));
  }
  std::uint64_t non2xx = 0;
  nlohmann::json status = nlohmann::json::object();
  for (const auto& [code, count] : totals.status) {
    status[std::to_string(code)] = count;
    if (code < 200 || code >= 300) non2xx += count;
  }
  auto series = [](const std::vector<std::uint64_t>& v, double scale) {
    nlohmann::json j = nlohmann::json::object();
    if (v.empty()) return j;
    const std::size_t q = std::max<std::size_t>(1, v.size() / 4);
    auto avg = [&](std::size_t from, std::size_t to) {
      double s = 0;
      for (std::size_t i = from; i < to; ++i) s += static_cast<double>(v[i]);
      return s / static_cast<double>(to - from) * scale;
    };
    j["first_quarter_avg"] = avg(0, q);
    j["second_quarter_avg"] = avg(std::min(q, v.size() - 1), std::min(2 * q, v.size()));
    j["last_quarter_avg"] = avg(v.size() - q, v.size());
    j["max"] = static_cast<double>(*std::max_element(v.begin(), v.end())) * scale;
    return j;
  };
  nlohmann::json out = {
      {"agents", a.agents},
      {"mode", a.rate == 0 ? "closed" : "open"},
      {"target_rate", a.rate},
      {"seconds", seconds},
      {"gzip", a.gzip},
      {"avg_body_bytes", body_bytes / static_cast<std::size_t>(a.agents)},
      {"sent", totals.sent},
      {"acknowledged", totals.acked},
      {"acknowledged_as_duplicate", totals.duplicates},
      {"acknowledged_per_second", static_cast<double>(totals.acked) / seconds},
      {"non_2xx", non2xx},
      {"retried_after_429_503", totals.retried},
      {"429_503_without_retry_after", totals.retry_after_missing},
      {"connection_errors", totals.conn_errors},
      {"late_sends", totals.late},
      {"status", status},
      {"first_refusal", totals.first_refusal},
      {"latency_samples", n},
      {"latency_ms_p50", Quantile(lat, 0.50)},
      {"latency_ms_p90", Quantile(lat, 0.90)},
      {"latency_ms_p99", Quantile(lat, 0.99)},
      {"latency_ms_max", n ? *std::max_element(lat.begin(), lat.end()) : 0.0},
      {"latency_ms_p99_by_minute", p99_by_minute},
      {"latency_ms_max_by_second", max_by_second},
      {"collector_rss_mib", series(rss, 1.0 / 1024)},
      {"wal_mib", series(wal, 1.0 / (1024 * 1024))},
  };
  std::cout << out.dump(2) << "\n";
  return 0;
}
