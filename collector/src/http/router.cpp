// Route table: method + path pattern matching with {param} segments.
#include "http/router.h"

#include <stdexcept>

namespace wardwatch::collector::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return parts;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string, std::less<>>& params) {
  const auto want = Split(pattern);
  const auto got = Split(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string, std::less<>> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      found.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::string(got[i]));
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

std::string_view AuthName(AuthKind kind) {
  switch (kind) {
    case AuthKind::kNone:
      return "none";
    case AuthKind::kEnrollToken:
      return "enroll token";
    case AuthKind::kMachineToken:
      return "machine token";
    case AuthKind::kApiToken:
      return "api token";
  }
  return "?";
}

Response JsonResponse(bhttp::status status, const nlohmann::json& body) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

Response JsonError(bhttp::status status, std::string_view message) {
  return JsonResponse(status, {{"error", message}});
}

Response TextResponse(bhttp::status status, std::string body, std::string_view content_type) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response SharedTextResponse(bhttp::status status, std::shared_ptr<const SharedText> shared,
                            std::string tail, std::string_view content_type) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, content_type);
  res.body().set(std::move(shared), std::move(tail));
  res.prepare_payload();
  return res;
}

void Router::Add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/' || !route.handler) {
    throw std::invalid_argument("route needs a pattern starting with '/' and a handler: " +
                                route.pattern);
  }
  for (const auto& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      throw std::invalid_argument("route registered twice: " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(bhttp::verb method, std::string_view target) const {
  const std::string_view path = target.substr(0, target.find('?'));
  Match match;
  for (const auto& r : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!MatchPattern(r.pattern, path, params)) continue;
    if (r.method == method) {
      match.route = &r;
      match.params = std::move(params);
      match.other_method = false;
      return match;
    }
    match.other_method = true;
  }
  return match;
}

}  // namespace wardwatch::collector::http
