// The LAN speed test's transfers on Linux: libcurl to the collector's /api/v1/speedtest. The
// collector that schedules them is speedtest_collector.cpp.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "collectors/speedtest.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Download {
  std::uint64_t bytes = 0, limit = 0;
  std::string head;  // first bytes, for an error message when the status is not 200
};

std::size_t OnDownload(char* data, std::size_t size, std::size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  d->bytes += size * n;
  if (d->head.size() < 200) d->head.append(data, std::min<std::size_t>(size * n, 200));
  return d->bytes > d->limit ? 0 : size * n;  // a server sending more than asked is cut off
}

struct Upload {
  std::uint64_t left = 0;
};

std::size_t OnUpload(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(u->left, size * n));
  std::fill_n(buf, chunk, 'w');
  u->left -= chunk;
  return chunk;
}

std::size_t OnText(char* data, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<std::string*>(user);
  if (s->size() < 4096) s->append(data, std::min<std::size_t>(size * n, 4096 - s->size()));
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* r = static_cast<const SpeedTestRequest*>(user);
  return r->cancelled && r->cancelled() ? 1 : 0;
}

CURL* Prepare(std::unique_ptr<CURL, CurlFree>& h, curl_slist* headers, const std::string& url,
              const SpeedTestRequest& r, char* errbuf) {
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "wardwatch-agent/" WARDWATCH_VERSION);
  if (!r.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, r.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &r);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  return c;
}

double Rate(CURL* c, curl_off_t bytes) {
  curl_off_t pre = 0, total = 0;
  curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pre);
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &total);
  const double seconds = static_cast<double>(std::max<curl_off_t>(1, total - pre)) / 1e6;
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
  std::unique_ptr<curl_slist, SlistFree> headers(
      curl_slist_append(nullptr, ("Authorization: Bearer " + r.machine_token).c_str()));
  // No "Expect: 100-continue" wait before the upload body: it would add a second to the time.
  curl_slist_append(headers.get(), "Expect:");
  curl_slist_append(headers.get(), "Content-Type: application/octet-stream");
  char errbuf[CURL_ERROR_SIZE] = {};
  {
    std::unique_ptr<CURL, CurlFree> h(curl_easy_init());
    if (!h) {
      out.error = "curl_easy_init failed";
      return out;
    }
    const std::string url = out.target + "?bytes=" + std::to_string(r.bytes);
    CURL* c = Prepare(h, headers.get(), url, r, errbuf);
    Download d;
    d.limit = r.bytes;
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnDownload);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
    const CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
      out.error = "download from " + url + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
      return out;
    }
    if (status != 200) {
      out.error = "download from " + url + ": HTTP " + std::to_string(status) + ": " + d.head;
      return out;
    }
    if (d.bytes != r.bytes) {
      out.error = "download from " + url + ": got " + std::to_string(d.bytes) + " of " +
                  std::to_string(r.bytes) + " bytes";
      return out;
    }
    out.download_bytes_per_second = Rate(c, static_cast<curl_off_t>(d.bytes));
  }
  {
    std::unique_ptr<CURL, CurlFree> h(curl_easy_init());
    if (!h) {
      out.error = "curl_easy_init failed";
      return out;
    }
    CURL* c = Prepare(h, headers.get(), out.target, r, errbuf);
    Upload u{r.bytes};
    std::string answer;
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.bytes));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &OnUpload);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnText);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
    const CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
      out.error = "upload to " + out.target + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
      return out;
    }
    if (status != 200) {
      out.error = "upload to " + out.target + ": HTTP " + std::to_string(status) + ": " + answer;
      return out;
    }
    // The collector answers how many bytes it received: a proxy that cut the body shows here.
    const auto json = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("bytes") || !json["bytes"].is_number_unsigned() ||
        json["bytes"].get<std::uint64_t>() != r.bytes) {
      out.error = "upload to " + out.target + ": the collector did not confirm " +
                  std::to_string(r.bytes) + " bytes: " + answer;
      return out;
    }
    out.upload_bytes_per_second = Rate(c, static_cast<curl_off_t>(r.bytes));
  }
  return out;
}

std::tm LocalTimeOf(std::time_t t) {
  std::tm local{};
  ::localtime_r(&t, &local);
  return local;
}

}  // namespace wardwatch::agent
