// Talks to the collector: enrolls this machine once, then posts reports with its token.
#pragma once

#include <memory>
#include <string>

#include "http_client.h"
#include "state.h"

namespace wardwatch::agent {

// The outcome of one post, as the delivery logic needs it.
struct PostOutcome {
  enum class Kind { kAccepted, kRetryLater, kRejected } kind = Kind::kRetryLater;
  long http_status = 0;  // 0 when the collector could not be reached
  std::string message;   // what went wrong, for logs and the dead-letter file
  double retry_after_seconds = 0;
};

class CollectorClient {
 public:
  CollectorClient(std::string base_url, std::string enroll_token, AgentState& state,
                  std::unique_ptr<HttpClient> http);

  // Enrolls when there is no machine token yet.
  Status EnsureEnrolled(const std::string& machine_id, const std::string& hostname);
  // Posts one report body (JSON, optionally gzip-compressed). On 401 it forgets the token and
  // re-enrolls once when it has an enroll token.
  PostOutcome PostReport(const std::string& body, bool gzipped, const std::string& machine_id,
                         const std::string& hostname);

 private:
  std::string Url(const std::string& path) const;

  std::string base_url_;
  std::string enroll_token_;
  AgentState& state_;
  std::unique_ptr<HttpClient> http_;
};

// "error" member of a JSON error body, or the body itself (shortened).
std::string ErrorFromBody(const std::string& body);

}  // namespace wardwatch::agent
