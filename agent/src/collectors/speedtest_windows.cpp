// The LAN speed test's transfers on Windows: WinHTTP to the collector's /api/v1/speedtest, the
// same requests and checks as the libcurl version (speedtest_linux.cpp). The download is read
// into a 64 KiB buffer and counted, the upload written from one 64 KiB block, so neither holds
// the test's bytes. TLS is checked against the Windows certificate store (--ca-file is not
// read on Windows, as for the transport: docs/windows.md).
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "collectors/speedtest.h"
#include "win32.h"
#include "winhttp_windows.h"

namespace wardwatch::agent {
namespace {

using win::UniqueInternet;
using win::WinHttpErrorText;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBlock = 64 * 1024;

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

double Rate(std::uint64_t bytes, Clock::time_point from, Clock::time_point to) {
  const double seconds =
      std::max(1e-6, std::chrono::duration<double>(to - from).count());  // as curl: >= 1 µs
  return static_cast<double>(bytes) / seconds;
}

// One request to the collector: the session, connection and request handles, with the
// speed test's timeouts (connect 10 s; each send or receive the whole test's limit).
struct Exchange {
  UniqueInternet session, connection, request;
  std::string error;  // why the handles could not be made

  Exchange(const std::string& url, const wchar_t* method, const SpeedTestRequest& r) {
    session.reset(::WinHttpOpen(win::ToWide("wardwatch-agent/" WARDWATCH_VERSION).c_str(),
                                WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                                WINHTTP_NO_PROXY_BYPASS, 0));
    if (!session) {
      error = "WinHTTP could not be initialised: " + win::ErrorText(::GetLastError());
      return;
    }
    const int total_ms = static_cast<int>(std::clamp(r.timeout_seconds * 1000, 1.0, 2.0e9));
    ::WinHttpSetTimeouts(session.get(), 10000, 10000, total_ms, total_ms);
    const auto cracked = win::CrackUrl(url);
    if (!cracked) {
      error = "invalid URL";
      return;
    }
    if (cracked->tls && !r.ca_file.empty()) {
      error =
          "--ca-file is not read on Windows; import the office CA into the machine's Trusted "
          "Root store (certutil -addstore Root ca.pem), see docs/windows.md";
      return;
    }
    connection.reset(::WinHttpConnect(session.get(), cracked->host.c_str(), cracked->port, 0));
    if (!connection) {
      error = WinHttpErrorText(::GetLastError());
      return;
    }
    request.reset(::WinHttpOpenRequest(connection.get(), method, cracked->path.c_str(), nullptr,
                                       WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                       cracked->tls ? WINHTTP_FLAG_SECURE : 0));
    if (!request) {
      error = WinHttpErrorText(::GetLastError());
      return;
    }
    DWORD response_ms = static_cast<DWORD>(total_ms);
    ::WinHttpSetOption(request.get(), WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &response_ms,
                       sizeof response_ms);
  }

  long Status() {
    DWORD status = 0;
    DWORD size = sizeof status;
    ::WinHttpQueryHeaders(request.get(), WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                          WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX);
    return static_cast<long>(status);
  }

  // Reads the answer: counts every byte, keeps the first `keep` of them in `head`. False with
  // `error` set when reading fails or the test is cancelled or runs out of time.
  bool Read(std::uint64_t& bytes, std::string& head, std::size_t keep, std::uint64_t limit,
            const SpeedTestRequest& r, Clock::time_point deadline) {
    std::vector<char> buf(kBlock);
    for (;;) {
      if (r.cancelled && r.cancelled()) return Fail("cancelled: the agent is stopping");
      if (Clock::now() > deadline) return Fail("timed out");
      DWORD read = 0;
      if (!::WinHttpReadData(request.get(), buf.data(), static_cast<DWORD>(buf.size()), &read)) {
        return Fail(WinHttpErrorText(::GetLastError()));
      }
      if (read == 0) return true;
      bytes += read;
      if (head.size() < keep)
        head.append(buf.data(), std::min<std::size_t>(read, keep - head.size()));
      if (bytes > limit)
        return Fail("the collector sent more than " + std::to_string(limit) + " bytes");
    }
  }

  bool Fail(std::string why) {
    error = std::move(why);
    return false;
  }
};

std::wstring Headers(const SpeedTestRequest& r) {
  return L"Authorization: Bearer " + win::ToWide(r.machine_token) +
         L"\r\nContent-Type: application/octet-stream\r\n";
}

}  // namespace

std::tm LocalTimeOf(std::time_t t) {
  std::tm local{};
  ::localtime_s(&local, &t);
  return local;
}

schema::SpeedTest RunSpeedTest(const SpeedTestRequest& r) {
  schema::SpeedTest out;
  out.at_ms = NowMs();
  out.target = r.collector_url + "/api/v1/speedtest";
  out.bytes = r.bytes;
  const std::wstring headers = Headers(r);
  const auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(r.timeout_seconds * 1000));
  {
    const std::string url = out.target + "?bytes=" + std::to_string(r.bytes);
    Exchange x(url, L"GET", r);
    auto fail = [&](const std::string& why) {
      out.error = "download from " + url + ": " + why;
      return out;
    };
    if (!x.error.empty()) return fail(x.error);
    if (!::WinHttpSendRequest(x.request.get(), headers.c_str(), static_cast<DWORD>(-1),
                              WINHTTP_NO_REQUEST_DATA, 0, 0, 0)) {
      return fail(WinHttpErrorText(::GetLastError()));
    }
    const auto start = Clock::now();  // connected, request sent: curl's "pretransfer"
    if (!::WinHttpReceiveResponse(x.request.get(), nullptr)) {
      return fail(WinHttpErrorText(::GetLastError()));
    }
    const long status = x.Status();
    std::uint64_t got = 0;
    std::string head;
    if (!x.Read(got, head, 200, r.bytes, r, start + timeout)) return fail(x.error);
    const auto end = Clock::now();
    if (status != 200) return fail("HTTP " + std::to_string(status) + ": " + head);
    if (got != r.bytes) {
      return fail("got " + std::to_string(got) + " of " + std::to_string(r.bytes) + " bytes");
    }
    out.download_bytes_per_second = Rate(got, start, end);
  }
  {
    Exchange x(out.target, L"POST", r);
    auto fail = [&](const std::string& why) {
      out.error = "upload to " + out.target + ": " + why;
      return out;
    };
    if (!x.error.empty()) return fail(x.error);
    if (r.bytes > 0xFFFFFFFFull) return fail("more than 4 GB");
    // Headers only, with the total length; the body follows in WinHttpWriteData calls.
    if (!::WinHttpSendRequest(x.request.get(), headers.c_str(), static_cast<DWORD>(-1),
                              WINHTTP_NO_REQUEST_DATA, 0, static_cast<DWORD>(r.bytes), 0)) {
      return fail(WinHttpErrorText(::GetLastError()));
    }
    const std::vector<char> block(kBlock, 'w');
    const auto start = Clock::now();
    for (std::uint64_t left = r.bytes; left > 0;) {
      if (r.cancelled && r.cancelled()) return fail("cancelled: the agent is stopping");
      if (Clock::now() > start + timeout) return fail("timed out");
      const DWORD n = static_cast<DWORD>(std::min<std::uint64_t>(left, block.size()));
      DWORD written = 0;
      if (!::WinHttpWriteData(x.request.get(), block.data(), n, &written) || written == 0) {
        return fail(WinHttpErrorText(::GetLastError()));
      }
      left -= written;
    }
    if (!::WinHttpReceiveResponse(x.request.get(), nullptr)) {
      return fail(WinHttpErrorText(::GetLastError()));
    }
    const auto end = Clock::now();
    const long status = x.Status();
    std::uint64_t got = 0;
    std::string answer;
    if (!x.Read(got, answer, 4096, 1u << 20, r, end + timeout)) return fail(x.error);
    if (status != 200) return fail("HTTP " + std::to_string(status) + ": " + answer);
    // The collector answers how many bytes it received: a proxy that cut the body shows here.
    const auto json = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("bytes") || !json["bytes"].is_number_unsigned() ||
        json["bytes"].get<std::uint64_t>() != r.bytes) {
      return fail("the collector did not confirm " + std::to_string(r.bytes) + " bytes: " + answer);
    }
    out.upload_bytes_per_second = Rate(r.bytes, start, end);
  }
  return out;
}

}  // namespace wardwatch::agent
