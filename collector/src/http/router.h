// Route table: handlers registered by method + path pattern ("/api/v1/machines/{id}"), each
// with the authentication it requires. Route files add themselves through routes/routes.cpp.
#pragma once

#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/text_body.h"

namespace wardwatch::collector::http {

namespace bhttp = boost::beast::http;
// Answers carry a TextBody: a string, or a shared page plus a string (text_body.h).
using Response = bhttp::response<TextBody>;
using Request = bhttp::request<bhttp::string_body>;
using RequestHeader = bhttp::request_header<>;

enum class AuthKind { kNone, kEnrollToken, kMachineToken, kApiToken };
std::string_view AuthName(AuthKind kind);

Response JsonResponse(bhttp::status status, const nlohmann::json& body);
Response JsonError(bhttp::status status, std::string_view message);
Response TextResponse(bhttp::status status, std::string body,
                      std::string_view content_type = "text/plain; charset=utf-8");
// `shared` followed by `tail`; the shared text is sent without being joined.
Response SharedTextResponse(bhttp::status status, std::shared_ptr<const SharedText> shared,
                            std::string tail, std::string_view content_type);

struct RequestContext {
  Request message;
  std::map<std::string, std::string, std::less<>> params;  // from {name} segments
  std::string machine_id;  // the authenticated machine, for kMachineToken routes
  std::chrono::steady_clock::time_point header_received;
  std::chrono::steady_clock::time_point body_received;
  std::uint64_t discarded_bytes = 0;  // the body's size, for routes with discard_body
};

// Completes the request; callable from any thread, exactly once.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(RequestContext&, Responder)>;
// Runs on the header, after authentication and before the body is read; a response refuses.
using HeaderCheck = std::function<std::optional<Response>(const RequestHeader&)>;
// Told about every refusal the server makes for this route before the handler runs.
using RefusalHook = std::function<void(bhttp::status)>;

struct Route {
  bhttp::verb method = bhttp::verb::get;
  std::string pattern;  // literal segments and {param} segments
  AuthKind auth = AuthKind::kNone;
  Handler handler;
  HeaderCheck check_header;
  RefusalHook on_refused;
  std::size_t max_body = 0;  // 0: the server's --max-body-bytes
  // Count the body's bytes into ctx.discarded_bytes instead of keeping them (the speed test's
  // upload): the request then holds no body in memory, whatever max_body allows.
  bool discard_body = false;
  // How long reading the body and writing the answer may each take; 0: the server's
  // --body-timeout. Routes that move large bodies on purpose (the speed test) set more.
  std::chrono::seconds transfer_timeout{0};
};

class Router {
 public:
  void Add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    bool other_method = false;  // the path exists with another method (405)
  };
  Match Find(bhttp::verb method, std::string_view target) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace wardwatch::collector::http
