// POST /api/v1/enroll: enroll token -> a new per-machine token (stored only as its hash).
#include <chrono>

#include "auth.h"
#include "log.h"
#include "routes/routes.h"
#include "wardwatch/json_decode.h"

namespace wardwatch::collector::routes {
namespace {

constexpr std::size_t kMaxEnrollBody = 64 * 1024;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void AddEnrollRoutes(http::Router& router, App& app) {
  router.Add({
      .method = http::bhttp::verb::post,
      .pattern = "/api/v1/enroll",
      .auth = http::AuthKind::kEnrollToken,
      .handler =
          [&app](http::RequestContext& ctx, http::Responder respond) {
            auto doc = json::Parse(ctx.message.body());
            if (!doc) {
              respond(http::JsonError(http::bhttp::status::bad_request, doc.error()));
              return;
            }
            json::Decoder d;
            json::Object root(*doc, "", d);
            MachineRow row;
            root.Required("machine_id", row.id);
            root.Required("hostname", row.hostname);
            if (!d.failed() && (row.id.empty() || !json::Object::ValidKey(row.id))) {
              d.Fail(
                  "machine_id",
                  "must be 1 to 128 letters, digits, '_', '.', ':' or '-', got \"" + row.id + "\"");
            }
            if (!d.failed() && (row.hostname.empty() || row.hostname.size() > 253)) {
              d.Fail("hostname", "must be 1 to 253 bytes");
            }
            if (d.failed()) {
              respond(http::JsonError(http::bhttp::status::bad_request, d.error()));
              return;
            }
            auto token = auth::GenerateToken();
            if (!token) {
              LogError("enroll: " + token.error());
              respond(http::JsonError(http::bhttp::status::internal_server_error, token.error()));
              return;
            }
            row.token_hash = auth::HashToken(*token);
            row.enrolled_at_ms = NowMs();
            const auto previous = app.fleet.Find(row.id);
            const bool known = previous.has_value();
            // The agent continues after the highest sequence stored for this machine, so an
            // agent that lost its state folder is not answered "duplicate" for new reports.
            const std::uint64_t last_sequence =
                known && previous->latest ? previous->latest->sequence : 0;
            EnrollJob job{row.id, row.hostname, row.token_hash, row.enrolled_at_ms, nullptr};
            job.done = [&app, row, known, last_sequence, token = std::move(*token),
                        respond](Status s) {
              if (!s) {
                respond(http::JsonError(http::bhttp::status::service_unavailable,
                                        "cannot store the enrollment: " + s.error()));
                return;
              }
              app.fleet.Enrolled(row);
              LogInfo("enroll: machine " + row.id + " (" + row.hostname + ") " +
                      (known ? "re-enrolled; its previous token no longer works" : "enrolled"));
              respond(
                  http::JsonResponse(http::bhttp::status::ok, {{"machine_id", row.id},
                                                               {"machine_token", token},
                                                               {"last_sequence", last_sequence}}));
            };
            if (!app.store.Submit(std::move(job))) {
              auto res = http::JsonError(http::bhttp::status::service_unavailable,
                                         "collector overloaded: the write queue is full");
              res.set(http::bhttp::field::retry_after, "1");
              respond(std::move(res));
            }
          },
      .max_body = kMaxEnrollBody,
  });
}

}  // namespace wardwatch::collector::routes
