// Tests bounded gzip inflation: normal bodies, bombs, corrupt and trailing data.
#include "gzip.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "test_gzip.h"

using wardwatch::collector::GunzipBounded;
using Kind = wardwatch::collector::InflateResult::Kind;
using wardwatch::test::Gzip;

TEST_CASE("gzip round trip within the bound") {
  const std::string text = R"({"hello": "world"})";
  auto r = GunzipBounded(Gzip(text), 1024);
  CHECK(r.kind == Kind::kOk);
  CHECK(r.data == text);
}

TEST_CASE("output exactly at the bound is accepted, one byte over is refused") {
  const std::string text(100000, 'x');
  CHECK(GunzipBounded(Gzip(text), 100000).kind == Kind::kOk);
  auto over = GunzipBounded(Gzip(text), 99999);
  CHECK(over.kind == Kind::kTooLarge);
  CHECK(over.message == "decompressed body exceeds 99999 bytes");
  CHECK(over.data.empty());
}

TEST_CASE("a gzip bomb stops at the bound") {
  const std::string zeros(64 * 1024 * 1024, '\0');  // 64 MiB compresses to ~64 KiB
  const std::string bomb = Gzip(zeros);
  CHECK(bomb.size() < 200 * 1024);
  auto r = GunzipBounded(bomb, 4 * 1024 * 1024);
  CHECK(r.kind == Kind::kTooLarge);
  CHECK(r.message == "decompressed body exceeds 4194304 bytes");
}

TEST_CASE("corrupt, truncated and trailing input are refused") {
  const std::string good = Gzip("some report text");
  CHECK(GunzipBounded("not gzip at all", 1024).kind == Kind::kCorrupt);
  CHECK(GunzipBounded(good.substr(0, good.size() - 5), 1024).kind == Kind::kCorrupt);
  CHECK(GunzipBounded(good + "junk", 1024).kind == Kind::kCorrupt);
  CHECK(GunzipBounded("", 1024).kind == Kind::kCorrupt);
}
