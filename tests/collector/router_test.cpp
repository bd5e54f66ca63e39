// Tests the route table: literal and {param} segments, method mismatch, duplicates.
#include "http/router.h"

#include <doctest/doctest.h>

using namespace wardwatch::collector::http;

TEST_CASE("router matches method and path with parameters") {
  Router router;
  auto noop = [](RequestContext&, Responder) {};
  router.Add({.method = bhttp::verb::get, .pattern = "/metrics", .handler = noop});
  router.Add({.method = bhttp::verb::post,
              .pattern = "/api/v1/reports",
              .auth = AuthKind::kMachineToken,
              .handler = noop});
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/machines/{id}",
              .auth = AuthKind::kApiToken,
              .handler = noop});

  auto m = router.Find(bhttp::verb::get, "/metrics?x=1");
  REQUIRE(m.route != nullptr);
  CHECK(m.route->pattern == "/metrics");

  m = router.Find(bhttp::verb::get, "/api/v1/machines/abc-123");
  REQUIRE(m.route != nullptr);
  CHECK(m.route->auth == AuthKind::kApiToken);
  CHECK(m.params.at("id") == "abc-123");

  m = router.Find(bhttp::verb::get, "/api/v1/reports");
  CHECK(m.route == nullptr);
  CHECK(m.other_method);

  m = router.Find(bhttp::verb::get, "/api/v1/machines/a/b");
  CHECK(m.route == nullptr);
  CHECK_FALSE(m.other_method);
  CHECK(router.Find(bhttp::verb::get, "/nope").route == nullptr);

  CHECK_THROWS(router.Add({.method = bhttp::verb::get, .pattern = "/metrics", .handler = noop}));
  CHECK_THROWS(router.Add({.method = bhttp::verb::get, .pattern = "metrics", .handler = noop}));
}
