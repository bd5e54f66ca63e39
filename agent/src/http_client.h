// HTTP client used by the agent to talk to the collector (POSIX sockets on Linux, with OpenSSL
// from the TLS plugin libwardwatch-tls.so loaded on the first https:// request; WinHTTP on
// Windows).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::agent {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::string body;
  std::string content_type = "application/json";
  std::string bearer_token;
  std::vector<std::string> extra_headers;  // "Name: value"
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string retry_after;  // Retry-After header, when present
};

struct HttpClientOptions {
  double connect_timeout_seconds = 5;
  double request_timeout_seconds = 30;
  std::string ca_file;
  std::string client_cert;  // PEM client certificate for collectors that require mTLS
  std::string client_key;   // its PEM private key
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (cannot connect, timeout, TLS) is an error; any HTTP status is a
  // response.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> NewHttpClient(const HttpClientOptions& options);

// The transport's process-wide set-up, held for main's lifetime (nothing on Linux or Windows
// today: on Linux the TLS plugin is loaded on the first https connection).
class HttpGlobal {
 public:
  HttpGlobal();
  ~HttpGlobal();
  HttpGlobal(const HttpGlobal&) = delete;
  HttpGlobal& operator=(const HttpGlobal&) = delete;
};

}  // namespace wardwatch::agent
