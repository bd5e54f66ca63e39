// GET/POST /api/v1/speedtest: the agents' LAN throughput test. GET streams ?bytes=N bytes
// (N at most kMaxSpeedTestBytes); POST counts and discards a body of at most that size and
// answers {"bytes": received}. Both need a machine token. Neither holds the bytes in memory:
// the download is N/64 KiB references to one constant block, the upload is counted as it
// arrives (Route::discard_body). At most kMaxConcurrent downloads are being sent at once
// (a slot is held until the answer is sent or the connection drops); more get 503 with
// Retry-After, so a fleet's tests do not run over one another or the agents' reports.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

namespace bhttp = http::bhttp;

constexpr std::uint64_t kMaxSpeedTestBytes = 100'000'000;
constexpr int kMaxConcurrent = 2;
constexpr std::size_t kBlock = 64 * 1024;
// A 100 MB test at 256 kB/s, the slowest link worth measuring, takes about 400 s.
constexpr std::chrono::seconds kTransferTimeout{600};

std::atomic<int> g_downloads{0};

// One running download; its destruction (answer sent, or connection gone) frees the slot.
struct DownloadSlot {
  const int running = g_downloads.fetch_add(1) + 1;  // this one included
  DownloadSlot() = default;
  DownloadSlot(const DownloadSlot&) = delete;
  DownloadSlot& operator=(const DownloadSlot&) = delete;
  ~DownloadSlot() { g_downloads.fetch_sub(1); }
};

// The download's body: `n` bytes as pieces of one constant block, sent without copying.
std::shared_ptr<const http::SharedText> Filler(std::uint64_t n,
                                               std::shared_ptr<const DownloadSlot> slot) {
  static const std::string block(kBlock, 'w');
  auto text = std::make_shared<http::SharedText>();
  text->pieces.reserve(static_cast<std::size_t>(n / kBlock + 1));
  for (std::uint64_t left = n; left > 0;) {
    const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlock));
    text->Append(std::string_view(block).substr(0, piece));
    left -= piece;
  }
  text->owners.push_back(std::move(slot));
  return text;
}

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
            auto slot = std::make_shared<const DownloadSlot>();
            if (slot->running > kMaxConcurrent) {
              auto busy = http::JsonError(bhttp::status::service_unavailable,
                                          "speed test busy: " + std::to_string(kMaxConcurrent) +
                                              " downloads already running");
              busy.set(bhttp::field::retry_after, "60");
              return respond(std::move(busy));
            }
            auto res = http::SharedTextResponse(bhttp::status::ok,
                                                Filler(std::get<std::uint64_t>(n), std::move(slot)),
                                                "", "application/octet-stream");
            res.set(bhttp::field::cache_control, "no-store");
            respond(std::move(res));
          },
      .transfer_timeout = kTransferTimeout,
  });
  router.Add({
      .method = bhttp::verb::post,
      .pattern = "/api/v1/speedtest",
      .auth = http::AuthKind::kMachineToken,
      .handler =
          [](http::RequestContext& ctx, http::Responder respond) {
            respond(http::JsonResponse(bhttp::status::ok, {{"bytes", ctx.discarded_bytes}}));
          },
      .max_body = kMaxSpeedTestBytes,
      .discard_body = true,
      .transfer_timeout = kTransferTimeout,
  });
}

}  // namespace wardwatch::collector::routes
