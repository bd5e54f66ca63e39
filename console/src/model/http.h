// Small libcurl client for the console's read API: one handle per thread, bounded answers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "wardwatch/result.h"

namespace wardwatch::console {

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::string content_type;
};

struct HttpOptions {
  double connect_timeout_seconds = 3;
  double request_timeout_seconds = 30;
  std::size_t max_body_bytes = 64u << 20;  // a 10,000-machine fleet list is a few MB
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A transport failure (refused, timeout, answer too large) is an error naming the URL;
  // any HTTP status is an answer.
  Result<HttpAnswer> Send(const std::string& method, const std::string& url,
                          const std::string& bearer_token, const std::string& body = {});

 private:
  struct Impl;
  HttpOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wardwatch::console
