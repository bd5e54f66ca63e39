// Talks to the collector: enrollment and report posting.
#include "collector_client.h"

#include <nlohmann/json.hpp>

#include "fsutil.h"

namespace wardwatch::agent {

std::string ErrorFromBody(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    return j["error"].get<std::string>();
  }
  std::string s = body.substr(0, 200);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

CollectorClient::CollectorClient(std::string base_url, std::string enroll_token, AgentState& state,
                                 std::unique_ptr<HttpClient> http)
    : base_url_(std::move(base_url)),
      enroll_token_(std::move(enroll_token)),
      state_(state),
      http_(std::move(http)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string CollectorClient::Url(const std::string& path) const { return base_url_ + path; }

Status CollectorClient::EnsureEnrolled(const std::string& machine_id, const std::string& hostname) {
  if (!state_.machine_token().empty()) return Status::Ok();
  if (enroll_token_.empty()) {
    return MakeError("this machine is not enrolled and no --enroll-token was given");
  }
  HttpRequest req;
  req.url = Url("/api/v1/enroll");
  req.bearer_token = enroll_token_;
  req.body = nlohmann::json{{"machine_id", machine_id}, {"hostname", hostname}}.dump();
  auto resp = http_->Send(req);
  if (!resp) return MakeError("enrollment failed: " + resp.error());
  if (resp->status != 200 && resp->status != 201) {
    return MakeError("enrollment refused by " + req.url + " (HTTP " + std::to_string(resp->status) +
                     "): " + ErrorFromBody(resp->body));
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object() || !j.contains("machine_token") || !j["machine_token"].is_string()) {
    return MakeError("enrollment answer from " + req.url + " has no machine_token");
  }
  if (j.contains("last_sequence") && j["last_sequence"].is_number_unsigned()) {
    if (auto s = state_.AdvanceSequence(j["last_sequence"].get<std::uint64_t>()); !s) return s;
  }
  return state_.SetMachineToken(j["machine_token"].get<std::string>());
}

PostOutcome CollectorClient::PostReport(const std::string& body, bool gzipped,
                                        const std::string& machine_id,
                                        const std::string& hostname) {
  PostOutcome out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto s = EnsureEnrolled(machine_id, hostname); !s) {
      out.kind = PostOutcome::Kind::kRetryLater;
      out.message = s.error();
      return out;
    }
    HttpRequest req;
    req.url = Url("/api/v1/reports");
    req.bearer_token = state_.machine_token();
    req.body = body;
    if (gzipped) req.extra_headers.push_back("Content-Encoding: gzip");
    auto resp = http_->Send(req);
    if (!resp) {
      out.kind = PostOutcome::Kind::kRetryLater;
      out.http_status = 0;
      out.message = resp.error();
      return out;
    }
    out.http_status = resp->status;
    out.message = "HTTP " + std::to_string(resp->status) + ": " + ErrorFromBody(resp->body);
    if (resp->status >= 200 && resp->status < 300) {
      out.kind = PostOutcome::Kind::kAccepted;
      out.message.clear();
      return out;
    }
    if (resp->status == 401 && attempt == 0 && !enroll_token_.empty()) {
      // Token unknown or revoked: enroll again and retry once.
      (void)state_.ClearMachineToken();
      continue;
    }
    if (auto ra = ParseDouble(resp->retry_after)) out.retry_after_seconds = *ra;
    const long s = resp->status;
    out.kind = (s >= 400 && s < 500 && s != 401 && s != 408 && s != 429)
                   ? PostOutcome::Kind::kRejected
                   : PostOutcome::Kind::kRetryLater;
    return out;
  }
  return out;
}

}  // namespace wardwatch::agent
