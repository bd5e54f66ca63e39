// HttpClient on WinHTTP: one session for the agent's lifetime (WinHTTP keeps connections
// alive per host), connect/send/receive timeouts, the answer capped at 1 MiB, Retry-After
// read; errors say what failed ("cannot reach collector at http://...: ...").
// TLS is checked against the Windows certificate store: a private office CA is imported into
// the machine's Trusted Root store (docs/windows.md); --ca-file and client certificates for
// mTLS are not read by this transport and say so.
#include <algorithm>
#include <memory>

#include "http_client.h"
#include "win32.h"
#include "winhttp_windows.h"

namespace wardwatch::agent {
namespace {

using win::UniqueInternet;
using win::WinHttpErrorText;

constexpr std::size_t kMaxAnswer = 1u << 20;  // a collector answer is small; cap it

int Ms(double seconds) { return static_cast<int>(std::clamp(seconds * 1000, 1.0, 2.0e9)); }

class WinHttpClient : public HttpClient {
 public:
  explicit WinHttpClient(const HttpClientOptions& o)
      : options_(o),
        session_(::WinHttpOpen(win::ToWide("wardwatch-agent/" WARDWATCH_VERSION).c_str(),
                               WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, WINHTTP_NO_PROXY_NAME,
                               WINHTTP_NO_PROXY_BYPASS, 0)) {
    if (!session_) {
      // WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY needs Windows 8.1; older: the registry proxy.
      session_.reset(::WinHttpOpen(L"wardwatch-agent", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
                                   WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0));
    }
    if (session_) {
      ::WinHttpSetTimeouts(session_.get(), Ms(o.connect_timeout_seconds),
                           Ms(o.connect_timeout_seconds), Ms(o.request_timeout_seconds),
                           Ms(o.request_timeout_seconds));
    }
  }

  Result<HttpResponse> Send(const HttpRequest& req) override {
    auto fail = [&req](const std::string& why) -> Result<HttpResponse> {
      return MakeError("cannot reach collector at " + req.url + ": " + why);
    };
    if (!session_)
      return fail("WinHTTP could not be initialised: " + win::ErrorText(::GetLastError()));
    const auto url = win::CrackUrl(req.url);
    if (!url) return fail("invalid URL");
    const bool tls = url->tls;
    if (tls && (!options_.ca_file.empty() || !options_.client_cert.empty())) {
      return fail(
          "--ca-file and client certificates are not read on Windows; import the office CA "
          "into the machine's Trusted Root store (certutil -addstore Root ca.pem), see "
          "docs/windows.md");
    }
    UniqueInternet connection(::WinHttpConnect(session_.get(), url->host.c_str(), url->port, 0));
    if (!connection) return fail(WinHttpErrorText(::GetLastError()));
    const std::wstring method = win::ToWide(req.method);
    UniqueInternet request(::WinHttpOpenRequest(
        connection.get(), method.c_str(), url->path.c_str(), nullptr, WINHTTP_NO_REFERER,
        WINHTTP_DEFAULT_ACCEPT_TYPES, tls ? WINHTTP_FLAG_SECURE : 0));
    if (!request) return fail(WinHttpErrorText(::GetLastError()));
    // Per request as well: waiting for the answer's headers has its own timeout
    // (WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT), which the session's does not set.
    const int total_ms = Ms(options_.request_timeout_seconds);
    ::WinHttpSetTimeouts(request.get(), Ms(options_.connect_timeout_seconds),
                         Ms(options_.connect_timeout_seconds), total_ms, total_ms);
    DWORD response_ms = static_cast<DWORD>(total_ms);
    ::WinHttpSetOption(request.get(), WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &response_ms,
                       sizeof response_ms);
    DWORD no_redirect = WINHTTP_DISABLE_REDIRECTS;
    ::WinHttpSetOption(request.get(), WINHTTP_OPTION_DISABLE_FEATURE, &no_redirect,
                       sizeof no_redirect);

    std::wstring headers;
    if (!req.content_type.empty())
      headers += L"Content-Type: " + win::ToWide(req.content_type) + L"\r\n";
    if (!req.bearer_token.empty()) {
      headers += L"Authorization: Bearer " + win::ToWide(req.bearer_token) + L"\r\n";
    }
    for (const auto& h : req.extra_headers) headers += win::ToWide(h) + L"\r\n";
    const bool has_body = req.method == "POST" || req.method == "PUT";
    if (!::WinHttpSendRequest(
            request.get(), headers.empty() ? WINHTTP_NO_ADDITIONAL_HEADERS : headers.c_str(),
            static_cast<DWORD>(-1),
            has_body ? const_cast<char*>(req.body.data()) : WINHTTP_NO_REQUEST_DATA,
            has_body ? static_cast<DWORD>(req.body.size()) : 0,
            has_body ? static_cast<DWORD>(req.body.size()) : 0, 0)) {
      return fail(WinHttpErrorText(::GetLastError()));
    }
    if (!::WinHttpReceiveResponse(request.get(), nullptr)) {
      const DWORD code = ::GetLastError();
      std::string why = WinHttpErrorText(code);
      if (!tls && code != ERROR_WINHTTP_TIMEOUT && code != WSAETIMEDOUT) {
        why +=
            " (the collector closed the connection without an HTTP answer; if it serves "
            "TLS, use an https:// URL for --collector)";
      }
      return fail(why);
    }
    HttpResponse resp;
    DWORD status = 0;
    DWORD size = sizeof status;
    ::WinHttpQueryHeaders(request.get(), WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                          WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX);
    resp.status = static_cast<long>(status);
    wchar_t retry[128] = {};
    DWORD retry_size = sizeof retry;
    if (::WinHttpQueryHeaders(request.get(), WINHTTP_QUERY_RETRY_AFTER,
                              WINHTTP_HEADER_NAME_BY_INDEX, retry, &retry_size,
                              WINHTTP_NO_HEADER_INDEX)) {
      resp.retry_after = win::ToUtf8(std::wstring_view(retry, retry_size / sizeof(wchar_t)));
    }
    for (;;) {
      DWORD available = 0;
      if (!::WinHttpQueryDataAvailable(request.get(), &available)) {
        return fail("reading the answer: " + WinHttpErrorText(::GetLastError()));
      }
      if (available == 0) break;
      if (resp.body.size() + available > kMaxAnswer) {
        return fail("answer larger than " + std::to_string(kMaxAnswer) + " bytes");
      }
      const std::size_t at = resp.body.size();
      resp.body.resize(at + available);
      DWORD read = 0;
      if (!::WinHttpReadData(request.get(), resp.body.data() + at, available, &read)) {
        return fail("reading the answer: " + WinHttpErrorText(::GetLastError()));
      }
      resp.body.resize(at + read);
    }
    return resp;
  }

 private:
  HttpClientOptions options_;
  UniqueInternet session_;
};

}  // namespace

std::unique_ptr<HttpClient> NewHttpClient(const HttpClientOptions& options) {
  return std::make_unique<WinHttpClient>(options);
}

HttpGlobal::HttpGlobal() = default;
HttpGlobal::~HttpGlobal() = default;

}  // namespace wardwatch::agent
