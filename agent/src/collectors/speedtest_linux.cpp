// The LAN speed test's transfers on Linux: the agent's HTTP/1.1 client (net/http_conn_linux.h)
// to the collector's /api/v1/speedtest, streamed: the download is counted in a fixed buffer,
// the upload is sent from one block. The collector that schedules them is
// speedtest_collector.cpp.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "collectors/speedtest.h"
#include "fsutil.h"
#include "net/http_conn_linux.h"

namespace wardwatch::agent {
namespace {

constexpr double kConnectTimeoutSeconds = 10;

double Rate(std::uint64_t bytes, http::Clock::time_point from) {
  const double seconds =
      std::max(1e-6, std::chrono::duration<double>(http::Clock::now() - from).count());
  return static_cast<double>(bytes) / seconds;
}

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

schema::SpeedTest RunSpeedTest(const SpeedTestRequest& r) {
  schema::SpeedTest out;
  out.at_ms = NowMs();
  out.target = r.collector_url + "/api/v1/speedtest";
  out.bytes = r.bytes;
  const std::vector<std::string> headers = {
      "User-Agent: wardwatch-agent/" WARDWATCH_VERSION,
      "Authorization: Bearer " + r.machine_token,
      "Content-Type: application/octet-stream",
  };
  std::unique_ptr<http::TlsContext> tls;
  // Connects to `url` (timed separately from the transfer, as the rates leave set-up out).
  auto open = [&](const http::Url& url,
                  http::Clock::time_point deadline) -> Result<http::Connection> {
    if (url.tls && !tls) {
      auto made = http::TlsContext::Make({r.ca_file, {}, {}});
      if (!made) return MakeError(made.error());
      tls = std::move(*made);
    }
    return http::Connection::Open(url,
                                  std::min(deadline, http::DeadlineAfter(kConnectTimeoutSeconds)),
                                  tls.get(), nullptr, r.cancelled);
  };
  {
    const std::string url_text = out.target + "?bytes=" + std::to_string(r.bytes);
    auto fail = [&](const std::string& why) {
      out.error = "download from " + url_text + ": " + why;
      return out;
    };
    auto url = http::SplitUrl(url_text);
    if (!url) return fail(url.error());
    const auto deadline = http::DeadlineAfter(r.timeout_seconds);
    auto conn = open(*url, deadline);
    if (!conn) return fail(conn.error());
    const auto sent = http::Clock::now();
    if (auto w = conn->WriteAll(http::RequestHead("GET", *url, headers, nullptr), deadline); !w) {
      return fail(w.error());
    }
    std::string buffer;
    auto head = http::ReadHead(*conn, buffer, deadline);
    if (!head) return fail(head.error());
    auto framing = http::FramingOf(*head, "GET");
    if (!framing) return fail(framing.error());
    std::uint64_t bytes = 0;
    std::string start;  // the first bytes, for an error message when the status is not 200
    auto read = http::ReadBody(*conn, *framing, buffer, deadline, [&](std::string_view piece) {
      bytes += piece.size();
      if (start.size() < 200) start.append(piece.substr(0, 200 - start.size()));
      // A refusal's text is all we keep; a server sending more than asked is cut off.
      return (head->status == 200 || start.size() < 200) && bytes <= r.bytes;
    });
    if (!read) return fail(read.error());
    if (head->status != 200) return fail("HTTP " + std::to_string(head->status) + ": " + start);
    if (bytes != r.bytes) {
      return fail("got " + std::to_string(bytes) + " of " + std::to_string(r.bytes) + " bytes");
    }
    out.download_bytes_per_second = Rate(bytes, sent);
  }
  {
    auto fail = [&](const std::string& why) {
      out.error = "upload to " + out.target + ": " + why;
      return out;
    };
    auto url = http::SplitUrl(out.target);
    if (!url) return fail(url.error());
    const auto deadline = http::DeadlineAfter(r.timeout_seconds);
    auto conn = open(*url, deadline);
    if (!conn) return fail(conn.error());
    const std::uint64_t length = r.bytes;
    const auto sent = http::Clock::now();
    if (auto w = conn->WriteAll(http::RequestHead("POST", *url, headers, &length), deadline); !w) {
      return fail(w.error());
    }
    const std::string block(std::min<std::uint64_t>(r.bytes, 64 << 10), 'w');
    for (std::uint64_t left = r.bytes; left > 0;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
      if (auto w = conn->WriteAll(std::string_view(block).substr(0, n), deadline); !w) {
        return fail(w.error());
      }
      left -= n;
    }
    std::string buffer;
    auto head = http::ReadHead(*conn, buffer, deadline);
    if (!head) return fail(head.error());
    auto framing = http::FramingOf(*head, "POST");
    if (!framing) return fail(framing.error());
    std::string answer;
    auto read = http::ReadBody(*conn, *framing, buffer, deadline, [&](std::string_view piece) {
      answer.append(piece.substr(0, 4096 - std::min<std::size_t>(answer.size(), 4096)));
      return answer.size() < 4096;
    });
    if (!read) return fail(read.error());
    const double rate = Rate(r.bytes, sent);
    if (head->status != 200) return fail("HTTP " + std::to_string(head->status) + ": " + answer);
    // The collector answers how many bytes it received: a proxy that cut the body shows here.
    const auto json = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("bytes") || !json["bytes"].is_number_unsigned() ||
        json["bytes"].get<std::uint64_t>() != r.bytes) {
      return fail("the collector did not confirm " + std::to_string(r.bytes) + " bytes: " + answer);
    }
    out.upload_bytes_per_second = rate;
  }
  return out;
}

std::tm LocalTimeOf(std::time_t t) {
  std::tm local{};
  ::localtime_r(&t, &local);
  return local;
}

}  // namespace wardwatch::agent
