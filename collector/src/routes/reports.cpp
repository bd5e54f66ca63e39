// POST /api/v1/reports: an agent's report, answered only after its SQLite commit.
#include <boost/beast/core/string.hpp>
#include <chrono>

#include "analytics/engine.h"
#include "gzip.h"
#include "log.h"
#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

namespace bhttp = http::bhttp;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<http::Response> CheckHeader(const http::RequestHeader& h) {
  const auto ct = h.find(bhttp::field::content_type);
  const std::string_view type =
      ct == h.end() ? std::string_view() : Trim(ct->value().substr(0, ct->value().find(';')));
  if (!boost::beast::iequals(type, "application/json")) {
    return http::JsonError(bhttp::status::unsupported_media_type,
                           "Content-Type must be application/json, got \"" +
                               std::string(ct == h.end() ? "" : ct->value()) + "\"");
  }
  const auto ce = h.find(bhttp::field::content_encoding);
  if (ce != h.end()) {
    const std::string_view enc = Trim(ce->value());
    if (!boost::beast::iequals(enc, "gzip") && !boost::beast::iequals(enc, "identity")) {
      return http::JsonError(
          bhttp::status::unsupported_media_type,
          "Content-Encoding must be gzip or identity, got \"" + std::string(enc) + "\"");
    }
  }
  return std::nullopt;
}

std::optional<RejectReason> ReasonFor(bhttp::status status) {
  switch (status) {
    case bhttp::status::unauthorized:
      return RejectReason::kUnauthorized;
    case bhttp::status::forbidden:
      return RejectReason::kForbidden;
    case bhttp::status::bad_request:
      return RejectReason::kBadRequest;
    case bhttp::status::payload_too_large:
      return RejectReason::kTooLarge;
    case bhttp::status::unsupported_media_type:
      return RejectReason::kUnsupportedMediaType;
    default:
      return std::nullopt;
  }
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void AddReportRoutes(http::Router& router, App& app) {
  auto reject = [&app](RejectReason reason, bhttp::status status, std::string message,
                       http::Responder& respond) {
    app.metrics.Rejected(reason);
    respond(http::JsonError(status, message));
  };
  router.Add({
      .method = bhttp::verb::post,
      .pattern = "/api/v1/reports",
      .auth = http::AuthKind::kMachineToken,
      .handler =
          [&app, reject](http::RequestContext& ctx, http::Responder respond) {
            std::string wire = std::move(ctx.message.body());
            std::string body;
            const auto ce = ctx.message.find(bhttp::field::content_encoding);
            const bool gzip =
                ce != ctx.message.end() && boost::beast::iequals(Trim(ce->value()), "gzip");
            if (gzip) {
              auto inflated = GunzipBounded(wire, app.config.max_body_bytes);
              if (inflated.kind == InflateResult::Kind::kTooLarge) {
                return reject(RejectReason::kTooLarge, bhttp::status::payload_too_large,
                              inflated.message, respond);
              }
              if (inflated.kind == InflateResult::Kind::kCorrupt) {
                return reject(RejectReason::kBadRequest, bhttp::status::bad_request,
                              inflated.message, respond);
              }
              body = std::move(inflated.data);
            } else {
              body = std::move(wire);
            }
            auto decoded = DecodeReport(body);
            if (!decoded) {
              return reject(RejectReason::kBadRequest, bhttp::status::bad_request, decoded.error(),
                            respond);
            }
            if (decoded->machine_id != ctx.machine_id) {
              return reject(RejectReason::kForbidden, bhttp::status::forbidden,
                            "machine.id \"" + decoded->machine_id +
                                "\" does not match the machine this token was issued to (\"" +
                                ctx.machine_id + "\")",
                            respond);
            }
            auto report = std::make_shared<const Report>(std::move(*decoded));
            IngestJob job;
            job.machine_id = report->machine_id;
            job.sequence = report->sequence;
            job.collected_at_ms = report->collected_at_ms;
            job.received_at_ms = NowMs();
            // Stored as received: the gzip bytes (already checked to inflate within the
            // limit to this very report) or the JSON text.
            job.body_gzip = gzip;
            job.body = gzip ? std::move(wire) : std::move(body);
            if (report->software && report->software->packages) {  // kept beside the report
              job.packages_json = EncodePackageList(*report->software->packages);
              job.inventory_hash = report->software->inventory_hash;
            }
            const auto started = ctx.header_received;
            job.done = [&app, report, respond, started,
                        received = job.received_at_ms](IngestOutcome outcome) {
              const double seconds =
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
              if (outcome == IngestOutcome::kStorageError) {
                app.metrics.Rejected(RejectReason::kStorageError);
                auto res = http::JsonError(bhttp::status::service_unavailable,
                                           "cannot store the report: database write failed");
                res.set(bhttp::field::retry_after, "1");
                respond(std::move(res));
                return;
              }
              const bool stored = outcome == IngestOutcome::kStored;
              if (stored) {
                app.fleet.Stored(report, received);
                if (app.analytics != nullptr) app.analytics->Ingest(report);
                app.metrics.Stored();
              } else {
                app.metrics.Duplicate();
              }
              app.metrics.ObserveIngest(seconds);
              respond(http::JsonResponse(
                  bhttp::status::ok,
                  {{"status", stored ? "stored" : "duplicate"}, {"sequence", report->sequence}}));
            };
            if (!app.store.Submit(std::move(job))) {
              app.metrics.Rejected(RejectReason::kOverloaded);
              LogWarn("ingest: write queue full (" + std::to_string(app.config.queue_capacity) +
                      "), report " + report->machine_id + "#" + std::to_string(report->sequence) +
                      " refused with 503");
              auto res = http::JsonError(bhttp::status::service_unavailable,
                                         "collector overloaded: the write queue is full");
              res.set(bhttp::field::retry_after, "1");
              respond(std::move(res));
            }
          },
      .check_header = CheckHeader,
      .on_refused =
          [&app](bhttp::status status) {
            if (auto reason = ReasonFor(status)) app.metrics.Rejected(*reason);
          },
  });
}

}  // namespace wardwatch::collector::routes
