// WinHTTP helpers shared by the transport (http_client_winhttp.cpp) and the http(s) probes:
// the handle owner and error texts that say what failed. Included only by *_windows.cpp files.
// Winsock before <windows.h>, WinHTTP after it.
#pragma once

// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <winhttp.h>
// clang-format on

#include <memory>
#include <optional>
#include <string>

#include "win32.h"

namespace wardwatch::agent::win {

struct InternetDeleter {
  void operator()(HINTERNET h) const {
    if (h != nullptr) ::WinHttpCloseHandle(h);
  }
};
using UniqueInternet = std::unique_ptr<void, InternetDeleter>;

// An http(s) URL as WinHTTP's calls take it: host, port, path with its query ("/" when empty).
struct CrackedUrl {
  std::wstring host, path;
  INTERNET_PORT port = 0;
  bool tls = false;
};
inline std::optional<CrackedUrl> CrackUrl(const std::string& url) {
  const std::wstring wide = ToWide(url);
  URL_COMPONENTS parts{};
  parts.dwStructSize = sizeof parts;
  parts.dwHostNameLength = static_cast<DWORD>(-1);
  parts.dwUrlPathLength = static_cast<DWORD>(-1);
  parts.dwExtraInfoLength = static_cast<DWORD>(-1);
  if (!::WinHttpCrackUrl(wide.c_str(), 0, 0, &parts)) return std::nullopt;
  CrackedUrl out;
  out.host.assign(parts.lpszHostName, parts.dwHostNameLength);
  out.path.assign(parts.lpszUrlPath, parts.dwUrlPathLength);
  out.path.append(parts.lpszExtraInfo, parts.dwExtraInfoLength);
  if (out.path.empty()) out.path = L"/";
  out.port = parts.nPort;
  out.tls = parts.nScheme == INTERNET_SCHEME_HTTPS;
  return out;
}

inline std::string WinHttpErrorText(DWORD code) {
  switch (code) {
    case ERROR_WINHTTP_CANNOT_CONNECT:
      return "cannot connect (connection refused or host unreachable)";
    case ERROR_WINHTTP_TIMEOUT:
    case WSAETIMEDOUT:  // Wine passes the socket's error through
      return "timed out";
    case WSAECONNREFUSED:
      return "cannot connect (connection refused)";
    case ERROR_WINHTTP_NAME_NOT_RESOLVED:
      return "host name not resolved";
    case ERROR_WINHTTP_CONNECTION_ERROR:
      return "connection reset or closed";
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE:
      return "not an HTTP answer";
    case ERROR_WINHTTP_SECURE_FAILURE:
      return "TLS certificate not trusted or TLS handshake failed";
    case ERROR_WINHTTP_UNRECOGNIZED_SCHEME:
    case ERROR_WINHTTP_INVALID_URL:
      return "invalid URL";
    default:
      return ErrorText(code);
  }
}

}  // namespace wardwatch::agent::win
