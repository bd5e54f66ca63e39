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

TEST_CASE(
    "a shared text body is sent piece by piece: small pieces gathered, big ones as they are") {
  auto shared = std::make_shared<SharedText>();
  std::vector<std::string> parts;
  for (int i = 0; i < 3000; ++i) parts.push_back("line " + std::to_string(i) + "\n");
  parts.push_back(std::string(100 * 1024, 'x'));  // a piece bigger than the gathering buffer
  parts.push_back("after\n");
  for (const auto& p : parts) shared->Append(p);
  shared->Append("");  // empty pieces are not kept
  CHECK(shared->pieces.size() == parts.size());

  Response res = SharedTextResponse(bhttp::status::ok, shared, "tail\n", "text/plain");
  CHECK(res[bhttp::field::content_length] == std::to_string(shared->size + 5));
  TextBody::writer w(res.base(), res.body());
  boost::beast::error_code ec;
  w.init(ec);
  std::string sent;
  std::vector<std::size_t> sizes;
  bool more = true;
  while (auto got = w.get(ec)) {
    REQUIRE(more);  // nothing after the writer said it was the last buffer
    REQUIRE_FALSE(ec);
    sent.append(static_cast<const char*>(got->first.data()), got->first.size());
    sizes.push_back(got->first.size());
    more = got->second;
  }
  CHECK_FALSE(more);
  CHECK(sent == shared->str() + "tail\n");
  CHECK(sent == res.body().str());
  // 3,000 small lines in one buffer, the big piece alone, the last line, the owned tail.
  REQUIRE(sizes.size() == 4);
  CHECK(sizes[1] == 100 * 1024);
  CHECK(sizes[3] == 5);
}

TEST_CASE("a shared text keeps its owners' storage alive") {
  auto text = std::make_shared<SharedText>();
  {
    auto owner = std::make_shared<const std::string>(std::string(40, 'a') + "\n");
    text->Append(*owner);
    text->owners.push_back(std::move(owner));
  }
  std::string copy = text->str();
  CHECK(copy == std::string(40, 'a') + "\n");
  Response res = SharedTextResponse(bhttp::status::ok, std::move(text), "", "text/plain");
  CHECK(res.body().str() == copy);  // the response alone holds the text now
}
