// The agent's spool: durability, bounds with exact drop counts, corruption handling.
#include "spool.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "fsutil.h"

using namespace wardwatch::agent;
namespace fs = std::filesystem;

namespace {

std::string FreshDir(const std::string& name) {
  const std::string dir =
      std::string(WARDWATCH_BINARY_DIR) + "/spool-test-" + name + "-" + std::to_string(::getpid());
  fs::remove_all(dir);
  return dir;
}

std::string Payload(std::uint64_t seq) { return "report-" + std::to_string(seq) + "-payload"; }

std::vector<std::uint64_t> PendingSequences(Spool& s) {
  std::vector<std::uint64_t> out;
  auto recs = s.Peek(100000, 1ull << 40);
  REQUIRE(recs.ok());
  for (const auto& r : *recs) out.push_back(r.sequence);
  return out;
}

std::vector<std::string> Segments(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".wws") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("records survive a reopen and leave only when acknowledged") {
  const auto dir = FreshDir("reopen");
  {
    Spool s(dir, {});
    REQUIRE(s.Open(1000).ok());
    for (std::uint64_t q = 1; q <= 5; ++q) REQUIRE(s.Append(q, 1000 + q, Payload(q), 2000).ok());
    REQUIRE(s.Acknowledge(2).ok());
  }
  Spool s(dir, {});
  REQUIRE(s.Open(3000).ok());
  CHECK(s.pending_records() == 3);
  CHECK(PendingSequences(s) == std::vector<std::uint64_t>{3, 4, 5});
  auto recs = s.Peek(1, 1 << 20);
  REQUIRE(recs.ok());
  CHECK(recs->at(0).payload == Payload(3));
  CHECK(recs->at(0).created_ms == 1003);
  CHECK(*s.oldest_created_ms() == 1003);
  REQUIRE(s.Acknowledge(5).ok());
  CHECK(s.pending_records() == 0);
  CHECK(s.counters().acknowledged == 5);  // persisted: 1..2 in the first run, 3..5 now
  CHECK(Segments(dir).empty());
}

TEST_CASE("the byte bound drops the oldest records and counts exactly how many") {
  const auto dir = FreshDir("bytes");
  SpoolLimits lim;
  lim.max_bytes = 8 * 1024;
  lim.segment_bytes = 1024;
  Spool s(dir, lim);
  REQUIRE(s.Open(0).ok());
  const std::string big(200, 'x');
  const std::uint64_t n = 400;
  for (std::uint64_t q = 1; q <= n; ++q) REQUIRE(s.Append(q, q, big, q).ok());
  CHECK(s.pending_bytes() <= lim.max_bytes);
  const auto pending = PendingSequences(s);
  REQUIRE_FALSE(pending.empty());
  // Nothing in the middle is lost: what is left is the newest run, and the rest is counted.
  CHECK(pending.back() == n);
  CHECK(pending.size() == pending.back() - pending.front() + 1);
  CHECK(s.counters().dropped == n - pending.size());
  CHECK(s.counters().dropped + s.pending_records() == n);
}

TEST_CASE("the age bound drops records older than the limit") {
  const auto dir = FreshDir("age");
  SpoolLimits lim;
  lim.max_age_seconds = 10;
  lim.segment_bytes = 1024;
  Spool s(dir, lim);
  REQUIRE(s.Open(0).ok());
  for (std::uint64_t q = 1; q <= 3; ++q) REQUIRE(s.Append(q, 1000, Payload(q), 1000).ok());
  REQUIRE(s.EnforceBounds(1000 + 9000).ok());
  CHECK(s.pending_records() == 3);
  REQUIRE(s.EnforceBounds(1000 + 11000).ok());
  CHECK(s.pending_records() == 0);
  CHECK(s.counters().dropped == 3);
}

TEST_CASE("bit flips and a torn tail are skipped, counted once, and the rest delivered") {
  const auto dir = FreshDir("corrupt");
  {
    Spool s(dir, {});
    REQUIRE(s.Open(0).ok());
    for (std::uint64_t q = 1; q <= 6; ++q) REQUIRE(s.Append(q, q, Payload(q), q).ok());
  }
  auto segs = Segments(dir);
  REQUIRE(segs.size() == 1);
  auto bytes = *ReadFile(segs[0]);
  const std::size_t rec = Spool::EncodeRecord({1, 1, Payload(1)}).size();
  bytes[rec * 2 + 30] ^= 0x10;     // flip a bit inside record 3's payload
  bytes.resize(bytes.size() - 5);  // tear the last record (6)
  std::ofstream(segs[0], std::ios::binary | std::ios::trunc) << bytes;

  Spool s(dir, {});
  REQUIRE(s.Open(100).ok());
  CHECK(PendingSequences(s) == std::vector<std::uint64_t>{1, 2, 4, 5});
  CHECK(s.counters().corrupt == 2);
  // Reopening does not count the same damage again.
  Spool again(dir, {});
  REQUIRE(again.Open(100).ok());
  CHECK(again.counters().corrupt == 2);
  CHECK(again.pending_records() == 4);
}

TEST_CASE("two adjacent damaged records count as two") {
  const auto dir = FreshDir("adjacent");
  {
    Spool s(dir, {});
    REQUIRE(s.Open(0).ok());
    for (std::uint64_t q = 1; q <= 5; ++q) REQUIRE(s.Append(q, q, Payload(q), q).ok());
  }
  auto segs = Segments(dir);
  REQUIRE(segs.size() == 1);
  auto bytes = *ReadFile(segs[0]);
  const std::size_t rec = Spool::EncodeRecord({1, 1, Payload(1)}).size();
  bytes[rec * 1 + 30] ^= 0x01;  // record 2's payload
  bytes[rec * 2 + 30] ^= 0x01;  // record 3's payload
  std::ofstream(segs[0], std::ios::binary | std::ios::trunc) << bytes;
  Spool s(dir, {});
  REQUIRE(s.Open(100).ok());
  CHECK(PendingSequences(s) == std::vector<std::uint64_t>{1, 4, 5});
  CHECK(s.counters().corrupt == 2);
}

TEST_CASE("garbage files never stop the spool from opening") {
  const auto dir = FreshDir("garbage");
  fs::create_directories(dir);
  std::ofstream(dir + "/seg-00000000000000000001.wws", std::ios::binary)
      << std::string(5000, '\xff');
  std::ofstream(dir + "/state") << "acked=zzz\nnonsense\n";
  Spool s(dir, {});
  REQUIRE(s.Open(0).ok());
  CHECK(s.pending_records() == 0);
  CHECK(s.counters().corrupt == 1);
  REQUIRE(s.Append(7, 7, Payload(7), 7).ok());
  CHECK(PendingSequences(s) == std::vector<std::uint64_t>{7});
}

TEST_CASE("DecodeSegment resynchronises after garbage between records") {
  std::string bytes =
      Spool::EncodeRecord({1, 10, "a"}) + "GARBAGE" + Spool::EncodeRecord({2, 20, "bb"});
  std::uint64_t bad = 0;
  auto recs = Spool::DecodeSegment(bytes, &bad);
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].payload == "bb");
  CHECK(bad == 1);
}

TEST_CASE("GzipCompress writes a gzip stream") {
  auto gz = GzipCompress(std::string(10000, 'a'));
  REQUIRE(gz.ok());
  CHECK(gz->size() < 200);
  CHECK(static_cast<unsigned char>((*gz)[0]) == 0x1f);
  CHECK(static_cast<unsigned char>((*gz)[1]) == 0x8b);
}
