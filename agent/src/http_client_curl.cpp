// HttpClient on libcurl: one easy handle reused for keep-alive, with connect and total
// timeouts; errors say what failed ("cannot connect to http://...: Connection refused").
#include <curl/curl.h>

#include <memory>

#include "http_client.h"

namespace wardwatch::agent {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  const std::size_t len = size * n;
  if (out->size() + len > (1u << 20)) return 0;  // a collector answer is small; cap it
  out->append(data, len);
  return len;
}

std::size_t ReadHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* resp = static_cast<HttpResponse*>(user);
  std::string line(data, size * n);
  constexpr std::string_view kRetry = "retry-after:";
  if (line.size() > kRetry.size()) {
    std::string lower;
    for (std::size_t i = 0; i < kRetry.size(); ++i)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(line[i])));
    if (lower == kRetry) {
      std::string v = line.substr(kRetry.size());
      const auto a = v.find_first_not_of(" \t");
      const auto b = v.find_last_not_of(" \t\r\n");
      resp->retry_after = a == std::string::npos ? "" : v.substr(a, b - a + 1);
    }
  }
  return size * n;
}

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(const HttpClientOptions& o) : options_(o), curl_(curl_easy_init()) {}

  Result<HttpResponse> Send(const HttpRequest& req) override {
    if (!curl_) return MakeError("libcurl could not be initialised");
    CURL* c = curl_.get();
    curl_easy_reset(c);
    HttpResponse resp;
    char errbuf[CURL_ERROR_SIZE] = {};
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add = [&headers](const std::string& h) {
      headers.reset(curl_slist_append(headers.release(), h.c_str()));
    };
    if (!req.content_type.empty()) add("Content-Type: " + req.content_type);
    if (!req.bearer_token.empty()) add("Authorization: Bearer " + req.bearer_token);
    add("Expect:");  // no 100-continue round trip
    for (const auto& h : req.extra_headers) add(h);
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout_seconds * 1000));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.request_timeout_seconds * 1000));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &ReadHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.client_cert.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, options_.client_cert.c_str());
      curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!options_.client_key.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLKEY, options_.client_key.c_str());
      curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (req.method == "POST" || req.method == "PUT") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      if (req.method == "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    } else {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      std::string why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      // A TLS collector closes a plain-HTTP connection without an answer: say so.
      if (req.url.rfind("http://", 0) == 0 &&
          (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
           rc == CURLE_WEIRD_SERVER_REPLY || rc == CURLE_UNSUPPORTED_PROTOCOL)) {
        why +=
            " (the collector closed the connection without an HTTP answer; if it serves "
            "TLS, use an https:// URL for --collector)";
      }
      return MakeError("cannot reach collector at " + req.url + ": " + why);
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
  }

 private:
  HttpClientOptions options_;
  std::unique_ptr<CURL, CurlDeleter> curl_;
};

}  // namespace

std::unique_ptr<HttpClient> NewHttpClient(const HttpClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

HttpGlobal::HttpGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
HttpGlobal::~HttpGlobal() { curl_global_cleanup(); }

}  // namespace wardwatch::agent
