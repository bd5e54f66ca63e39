// GET/POST /api/v1/speedtest: the agents' LAN throughput test. GET streams ?bytes=N bytes
// (N at most kMaxSpeedTestBytes); POST reads and discards a body of at most that size and
// answers {"bytes": received}. Both need a machine token. At most kMaxConcurrent downloads
// run at once (each holds its N bytes in memory while it is written): more get 503 with
// Retry-After, so a fleet cannot exhaust the collector's memory.
#include <atomic>
#include <charconv>
#include <variant>

#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

namespace bhttp = http::bhttp;

constexpr std::uint64_t kMaxSpeedTestBytes = 100'000'000;
constexpr int kMaxConcurrent = 2;

std::atomic<int> g_downloads{0};

// The "bytes" parameter of the query string; an error message when missing or out of range.
std::variant<std::uint64_t, std::string> BytesParam(std::string_view target) {
  const auto q = target.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (!item.starts_with("bytes=")) continue;
    const std::string_view v = item.substr(6);
    std::uint64_t n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n == 0 || n > kMaxSpeedTestBytes) {
      return "bytes must be a number from 1 to " + std::to_string(kMaxSpeedTestBytes) + ", got \"" +
             std::string(v) + "\"";
    }
    return n;
  }
  return std::string("query parameter bytes=N is required");
}

}  // namespace

void AddSpeedtestRoutes(http::Router& router, App&) {
  router.Add({
      .method = bhttp::verb::get,
      .pattern = "/api/v1/speedtest",
      .auth = http::AuthKind::kMachineToken,
      .handler =
          [](http::RequestContext& ctx, http::Responder respond) {
            auto n = BytesParam(ctx.message.target());
            if (auto* error = std::get_if<std::string>(&n)) {
              return respond(http::JsonError(bhttp::status::bad_request, *error));
            }
            if (g_downloads.fetch_add(1) >= kMaxConcurrent) {
              g_downloads.fetch_sub(1);
              auto busy = http::JsonError(bhttp::status::service_unavailable,
                                          "speed test busy: " + std::to_string(kMaxConcurrent) +
                                              " downloads already running");
              busy.set(bhttp::field::retry_after, "60");
              return respond(std::move(busy));
            }
            auto res =
                http::TextResponse(bhttp::status::ok, std::string(std::get<std::uint64_t>(n), 'w'),
                                   "application/octet-stream");
            res.set(bhttp::field::cache_control, "no-store");
            g_downloads.fetch_sub(1);  // the body is built; the server owns it from here
            respond(std::move(res));
          },
  });
  router.Add({
      .method = bhttp::verb::post,
      .pattern = "/api/v1/speedtest",
      .auth = http::AuthKind::kMachineToken,
      .handler =
          [](http::RequestContext& ctx, http::Responder respond) {
            const std::uint64_t got = ctx.message.body().size();
            ctx.message.body().clear();
            ctx.message.body().shrink_to_fit();
            respond(http::JsonResponse(bhttp::status::ok, {{"bytes", got}}));
          },
      .max_body = kMaxSpeedTestBytes,
  });
}

}  // namespace wardwatch::collector::routes
