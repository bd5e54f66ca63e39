// HttpClient on libcurl with RAII handles and a cap on the answer size.
#include "model/http.h"

#include <curl/curl.h>

namespace wardwatch::console {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Sink {
  std::string* body;
  std::size_t cap;
  bool overflow = false;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t len = size * n;
  if (sink->body->size() + len > sink->cap) {
    sink->overflow = true;
    return 0;
  }
  sink->body->append(data, len);
  return len;
}

}  // namespace

struct HttpClient::Impl {
  std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()};
};

HttpClient::HttpClient(HttpOptions options) : options_(options), impl_(std::make_unique<Impl>()) {}
HttpClient::~HttpClient() = default;

Result<HttpAnswer> HttpClient::Send(const std::string& method, const std::string& url,
                                    const std::string& bearer_token, const std::string& body) {
  if (!impl_->curl) return MakeError("libcurl could not be initialised");
  CURL* c = impl_->curl.get();
  curl_easy_reset(c);
  HttpAnswer answer;
  Sink sink{&answer.body, options_.max_body_bytes};
  char errbuf[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add = [&headers](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  if (!bearer_token.empty()) add("Authorization: Bearer " + bearer_token);
  if (!body.empty()) add("Content-Type: application/json");
  add("Accept: application/json, */*");
  add("Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(options_.request_timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip when the collector offers it
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (sink.overflow) {
    return MakeError(method + " " + url + ": answer larger than " +
                     std::to_string(options_.max_body_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return MakeError("cannot reach collector at " + url + ": " + why);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  char* ct = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != nullptr) {
    answer.content_type = ct;
  }
  return answer;
}

}  // namespace wardwatch::console
