// Delivery of spooled reports (see delivery.h).
#include "delivery.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

// Inflates a gzip payload for the dead-letter file (bounded: reports are small).
std::string Gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return {};
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK && out.size() < (64u << 20)) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace

Delivery::Delivery(Spool& spool, CollectorClient& client, std::string deadletter_path,
                   std::string machine_id, std::string hostname, DeliveryOptions options,
                   std::uint64_t seed)
    : spool_(spool),
      client_(client),
      deadletter_path_(std::move(deadletter_path)),
      machine_id_(std::move(machine_id)),
      hostname_(std::move(hostname)),
      options_(options),
      rng_(seed) {}

double Delivery::BackoffSeconds(unsigned failures) {
  const double ceiling =
      std::min(options_.backoff_cap_seconds,
               options_.backoff_base_seconds * std::pow(2.0, std::min(failures, 30u)));
  std::uniform_real_distribution<double> jitter(0.0, ceiling);
  return jitter(rng_);
}

void Delivery::DeadLetter(const SpoolRecord& r, const PostOutcome& why) {
  nlohmann::json line = {{"sequence", r.sequence},
                         {"created_ms", r.created_ms},
                         {"http_status", why.http_status},
                         {"reason", why.message}};
  auto doc = nlohmann::json::parse(Gunzip(r.payload), nullptr, false);
  line["report"] = doc.is_discarded() ? nlohmann::json() : doc;
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  (void)AppendFileDurably(deadletter_path_, text, "dead-letter file");  // best effort
  ++stats_.deadlettered;
}

void Delivery::Pump(bool force) {
  if (!force && Clock::now() < next_attempt_) return;
  while (spool_.pending_records() > 0) {
    auto batch = spool_.Peek(options_.batch_records, options_.batch_bytes);
    if (!batch) {
      stats_.last_error = batch.error();
      next_attempt_ = Clock::now() + std::chrono::seconds(5);
      return;
    }
    if (batch->empty()) return;
    for (const auto& r : *batch) {
      const PostOutcome out =
          client_.PostReport(r.payload, /*gzipped=*/true, machine_id_, hostname_);
      if (out.kind == PostOutcome::Kind::kAccepted) {
        ++stats_.sent;
        failures_ = 0;
        if (auto s = spool_.Acknowledge(r.sequence); !s) stats_.last_error = s.error();
        continue;
      }
      if (out.kind == PostOutcome::Kind::kRejected) {
        // The collector will never accept this report: keep it aside and go on.
        DeadLetter(r, out);
        stats_.last_error =
            "report " + std::to_string(r.sequence) + " dead-lettered: " + out.message;
        if (auto s = spool_.Acknowledge(r.sequence, /*deadlettered=*/true); !s) {
          stats_.last_error = s.error();
        }
        continue;
      }
      ++stats_.retried;
      ++failures_;
      stats_.last_error = out.message;
      double delay = BackoffSeconds(failures_);
      if (out.retry_after_seconds > 0) {
        delay = std::min(std::max(delay, out.retry_after_seconds), options_.backoff_cap_seconds);
      }
      next_attempt_ = Clock::now() + std::chrono::milliseconds(static_cast<long>(delay * 1000));
      return;
    }
  }
}

}  // namespace wardwatch::agent
