// wardwatch-simulate: a realistic ward office sending real reports through the collector's
// ingest path (enroll, POST /api/v1/reports), reproducible from its seed.
#include <zlib.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.h"
#include "office.h"
#include "wardwatch/analytics/local_time.h"

namespace po = boost::program_options;
namespace sim = wardwatch::simulate;
namespace an = wardwatch::analytics;
using wardwatch::agent::HttpClient;
using wardwatch::agent::HttpRequest;

namespace {

struct Args {
  std::string collector, enroll_token, truth, site_config, end;
  int machines = 60, days = 28, step_minutes = 5, concurrency = 4;
  std::uint64_t seed = 1;
  bool live = false, gzip = false, dry_run = false;
  double uplink_mbps = 100;
  double live_seconds = 0;  // 0 = forever
};

std::string Gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return {};
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

std::uint64_t Fnv(std::uint64_t h, const std::string& s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

struct Stats {
  std::atomic<std::uint64_t> sent{0}, rejected{0}, retried{0}, failed{0};
  std::mutex mu;
  std::string first_error;
  void Error(const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    if (first_error.empty()) first_error = e;
  }
};

// One machine on the wire: its token and stream.
struct Wire {
  int index = 0;
  std::string token;
  std::unique_ptr<sim::MachineStream> stream;
};

bool Enroll(HttpClient& http, const Args& a, const sim::MachinePlan& m, std::string& token,
            std::string& err) {
  HttpRequest req;
  req.url = a.collector + "/api/v1/enroll";
  req.bearer_token = a.enroll_token;
  req.body = nlohmann::json{{"machine_id", m.machine_id}, {"hostname", m.hostname}}.dump();
  auto resp = http.Send(req);
  if (!resp) {
    err = "enroll " + m.hostname + ": " + resp.error();
    return false;
  }
  if (resp->status != 200 && resp->status != 201) {
    err = "enroll " + m.hostname + ": HTTP " + std::to_string(resp->status) + " " +
          resp->body.substr(0, 200);
    return false;
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object() || !j.contains("machine_token") || !j["machine_token"].is_string()) {
    err = "enroll " + m.hostname + ": answer has no machine_token";
    return false;
  }
  token = j["machine_token"].get<std::string>();
  return true;
}

bool Post(HttpClient& http, const Args& a, const sim::Office& office, Wire& w,
          const wardwatch::Report& r, Stats& st) {
  HttpRequest req;
  req.url = a.collector + "/api/v1/reports";
  std::string body = wardwatch::EncodeReport(r);
  if (a.gzip) {
    body = Gzip(body);
    req.extra_headers.push_back("Content-Encoding: gzip");
  }
  req.body = std::move(body);
  for (int attempt = 0; attempt < 60; ++attempt) {
    req.bearer_token = w.token;
    auto resp = http.Send(req);
    if (!resp) {
      st.Error("POST report: " + resp.error());
      ++st.retried;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    const long s = resp->status;
    if (s >= 200 && s < 300) {
      ++st.sent;
      return true;
    }
    if (s == 401 && attempt == 0) {
      std::string err;
      if (!Enroll(http, a, office.machines()[static_cast<std::size_t>(w.index)], w.token, err)) {
        st.Error(err);
        ++st.failed;
        return false;
      }
      continue;
    }
    if (s == 429 || s == 503 || s >= 500) {
      ++st.retried;
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * (1 + std::min(attempt, 10))));
      continue;
    }
    ++st.rejected;
    st.Error("report " + r.hostname + " #" + std::to_string(r.sequence) + " rejected: HTTP " +
             std::to_string(s) + " " + resp->body.substr(0, 300));
    return false;
  }
  ++st.failed;
  return false;
}

std::int64_t ParseEnd(const std::string& s, int offset_minutes) {
  if (s.empty()) {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int y = 0, m = 0, d = 0;
  if (an::ParseDate(s, y, m, d)) return an::LocalMidnight(y, m, d, offset_minutes);
  try {
    std::size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used == s.size() && v > 0) return v;
  } catch (...) {
  }
  throw std::runtime_error("--end: expected YYYY-MM-DD (local midnight) or Unix seconds, got \"" +
                           s + "\"");
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  po::options_description desc("wardwatch-simulate: a simulated ward office sending real reports");
  desc.add_options()("help,h", "show this help")("collector", po::value(&a.collector),
                                                 "collector base URL, e.g. http://127.0.0.1:9470")(
      "enroll-token", po::value(&a.enroll_token), "the collector's enrollment token")(
      "machines", po::value(&a.machines)->default_value(60), "number of PCs")(
      "days", po::value(&a.days)->default_value(28), "days of history to backfill")(
      "seed", po::value(&a.seed)->default_value(1), "random seed (same seed, same office)")(
      "end", po::value(&a.end),
      "end of history: YYYY-MM-DD (local midnight) or Unix seconds; default now")(
      "step-minutes", po::value(&a.step_minutes)->default_value(5),
      "one report per machine per this many minutes")(
      "concurrency", po::value(&a.concurrency)->default_value(4), "parallel senders")(
      "uplink-mbps", po::value(&a.uplink_mbps)->default_value(100), "the office's internet line")(
      "gzip", po::bool_switch(&a.gzip), "gzip the report bodies")(
      "live", po::bool_switch(&a.live), "after the backfill, keep sending in real time")(
      "live-seconds", po::value(&a.live_seconds)->default_value(0),
      "stop --live after this long (0 = never)")("truth", po::value(&a.truth),
                                                 "write what was planted (JSON) to this file")(
      "site-config", po::value(&a.site_config), "write a matching site.json to this file")(
      "dry-run", po::bool_switch(&a.dry_run), "generate without sending; print the stream hash");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "wardwatch-simulate: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  auto bad = [](const std::string& m) {
    std::cerr << "wardwatch-simulate: " << m << "\n";
    return 2;
  };
  if (a.machines < 1 || a.machines > 100000) return bad("--machines must be 1..100000");
  if (a.days < 1 || a.days > 400) return bad("--days must be 1..400");
  if (a.step_minutes < 1 || a.step_minutes > 60 || 60 % a.step_minutes != 0)
    return bad("--step-minutes must divide 60 (1, 2, 5, 10, 15, 30, 60)");
  if (a.concurrency < 1 || a.concurrency > 64) return bad("--concurrency must be 1..64");
  if (!a.dry_run && (a.collector.empty() || a.enroll_token.empty()))
    return bad("--collector and --enroll-token are required (or --dry-run)");
  while (!a.collector.empty() && a.collector.back() == '/') a.collector.pop_back();

  sim::SimOptions so;
  so.seed = a.seed;
  so.machines = a.machines;
  so.days = a.days;
  so.step_minutes = a.step_minutes;
  so.uplink_mbps = a.uplink_mbps;
  try {
    so.end = ParseEnd(a.end, so.utc_offset_minutes);
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  const auto t0 = std::chrono::steady_clock::now();
  sim::Office office(so);
  std::fprintf(stderr, "office planned: %d machines, %d days, %zu congested blocks (%.1f s)\n",
               a.machines, a.days, office.blocks().size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!a.truth.empty()) {
    std::ofstream f(a.truth);
    f << office.Truth().dump(2) << "\n";
    if (!f) return bad("cannot write --truth " + a.truth);
  }
  if (!a.site_config.empty()) {
    std::ofstream f(a.site_config);
    f << an::SiteConfigToJson(office.SiteConfig()).dump(2) << "\n";
    if (!f) return bad("cannot write --site-config " + a.site_config);
  }
  const std::int64_t step = office.step_seconds();
  const std::int64_t end = office.options().end;

  if (a.dry_run) {
    std::uint64_t h = 0xcbf29ce484222325ULL, n = 0;
    for (int i = 0; i < a.machines; ++i) {
      sim::MachineStream s(office, i);
      wardwatch::Report r;
      for (std::int64_t t = office.start() + step; t <= end; t += step) {
        if (!s.Next(t, r)) continue;
        h = Fnv(h, wardwatch::EncodeReport(r));
        ++n;
      }
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("reports=%llu hash=%016llx generated in %.1f s (%.0f reports/s)\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(h), secs,
                static_cast<double>(n) / secs);
    return 0;
  }

  Stats st;
  std::vector<Wire> wires(static_cast<std::size_t>(a.machines));
  // Enroll every machine (in parallel), then send history in time order per sender.
  std::atomic<bool> enroll_failed{false};
  auto run = [&](auto&& body) {
    std::vector<std::thread> th;
    for (int w = 0; w < a.concurrency; ++w) th.emplace_back(body, w);
    for (auto& t : th) t.join();
  };
  run([&](int w) {
    auto http = wardwatch::agent::NewHttpClient({});
    for (int i = w; i < a.machines; i += a.concurrency) {
      Wire& wi = wires[static_cast<std::size_t>(i)];
      wi.index = i;
      wi.stream = std::make_unique<sim::MachineStream>(office, i);
      std::string err;
      if (!Enroll(*http, a, office.machines()[static_cast<std::size_t>(i)], wi.token, err)) {
        st.Error(err);
        enroll_failed = true;
        return;
      }
    }
  });
  if (enroll_failed) {
    std::cerr << "wardwatch-simulate: " << st.first_error << "\n";
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  std::atomic<bool> done{false};
  std::thread progress([&] {
    auto last = std::chrono::steady_clock::now();
    std::uint64_t last_sent = 0;
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      const auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::seconds(5) || done) continue;
      const std::uint64_t s = st.sent;
      std::fprintf(
          stderr, "sent %llu reports (%.0f reports/s)\n", static_cast<unsigned long long>(s),
          static_cast<double>(s - last_sent) / std::chrono::duration<double>(now - last).count());
      last = now;
      last_sent = s;
    }
  });
  run([&](int w) {
    auto http = wardwatch::agent::NewHttpClient({});
    wardwatch::Report r;
    for (std::int64_t t = office.start() + step; t <= end; t += step) {
      for (int i = w; i < a.machines; i += a.concurrency) {
        Wire& wi = wires[static_cast<std::size_t>(i)];
        if (!wi.stream->Next(t, r)) continue;
        Post(*http, a, office, wi, r, st);
      }
    }
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf(
      "backfill: %llu reports sent in %.1f s (%.0f reports/s), %llu rejected, %llu retried, %llu "
      "failed\n",
      static_cast<unsigned long long>(st.sent.load()), secs,
      static_cast<double>(st.sent.load()) / std::max(secs, 1e-9),
      static_cast<unsigned long long>(st.rejected.load()),
      static_cast<unsigned long long>(st.retried.load()),
      static_cast<unsigned long long>(st.failed.load()));
  std::fflush(stdout);
  if (!st.first_error.empty()) std::fprintf(stderr, "first error: %s\n", st.first_error.c_str());

  if (a.live) {
    const auto live_start = std::chrono::steady_clock::now();
    std::int64_t t = end + step;
    std::fprintf(stderr, "live: streaming one report per machine every %lld s\n",
                 static_cast<long long>(step));
    while (a.live_seconds <= 0 ||
           std::chrono::duration<double>(std::chrono::steady_clock::now() - live_start).count() <
               a.live_seconds) {
      const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
      if (now < t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        continue;
      }
      run([&](int w) {
        auto http = wardwatch::agent::NewHttpClient({});
        wardwatch::Report r;
        for (int i = w; i < a.machines; i += a.concurrency) {
          Wire& wi = wires[static_cast<std::size_t>(i)];
          if (wi.stream->Next(t, r)) Post(*http, a, office, wi, r, st);
        }
      });
      t += step;
    }
  }
  done = true;
  progress.join();
  return st.rejected > 0 || st.failed > 0 ? 1 : 0;
}
