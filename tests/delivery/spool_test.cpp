// The agent's spool: durability, bounds with exact drop counts, corruption handling.
#include "spool.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "fsutil.h"
#include "state.h"

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

TEST_CASE("the highest sequence outlives the segments that held it") {
  const auto dir = FreshDir("highest");
  {
    Spool s(dir, {});
    REQUIRE(s.Open(0).ok());
    CHECK(s.highest_sequence() == 0);
    for (std::uint64_t q = 1; q <= 4; ++q) REQUIRE(s.Append(q, q, Payload(q), 10).ok());
    CHECK(s.highest_sequence() == 4);
    REQUIRE(s.Acknowledge(4).ok());
    CHECK(Segments(dir).empty());  // everything acknowledged: no segment left on disk
    CHECK(s.highest_sequence() == 4);
  }
  {
    Spool s(dir, {});  // a restart sees 4 from the state file alone
    REQUIRE(s.Open(20).ok());
    CHECK(s.highest_sequence() == 4);
    REQUIRE(s.Append(5, 5, Payload(5), 30).ok());
  }
  // A crash that loses the state file's update cannot go below what a segment holds.
  fs::remove(dir + "/state");
  Spool s(dir, {});
  REQUIRE(s.Open(40).ok());
  CHECK(s.highest_sequence() == 5);
}

TEST_CASE("an acknowledgement that cannot be saved keeps its segments") {
  const auto dir = FreshDir("ack-unsaved");
  Spool s(dir, {});
  REQUIRE(s.Open(0).ok());
  for (std::uint64_t q = 1; q <= 3; ++q) REQUIRE(s.Append(q, q, Payload(q), 10).ok());
  // A folder where the state's temporary file goes: the save fails as on a full disk.
  fs::create_directory(dir + "/state.tmp");
  auto failed = s.Acknowledge(3);
  CHECK_FALSE(failed.ok());
  CHECK(Segments(dir).size() == 1);  // the only record of 1..3 until the state says 3
  CHECK(s.pending_records() == 0);
  CHECK(PendingSequences(s).empty());
  fs::remove(dir + "/state.tmp");
  REQUIRE(s.Append(4, 4, Payload(4), 20).ok());
  REQUIRE(s.Acknowledge(4).ok());
  CHECK(Segments(dir).empty());
  Spool again(dir, {});
  REQUIRE(again.Open(30).ok());
  CHECK(again.highest_sequence() == 4);
}

TEST_CASE("AgentState keeps the sequence in memory and writes it at a clean stop") {
  const auto dir = FreshDir("sequence");
  auto file = [&] {
    std::ifstream in(dir + "/sequence");
    std::uint64_t v = 0;
    in >> v;
    return v;
  };
  {
    AgentState st(dir);
    REQUIRE(st.Open().ok());
    CHECK(st.NextSequence() == 1);
    CHECK(st.NextSequence() == 2);
    CHECK_FALSE(fs::exists(dir + "/sequence"));  // nothing written per report
    REQUIRE(st.SaveSequence().ok());
    CHECK(file() == 2);
    REQUIRE(st.AdvanceSequence(1).ok());  // never backwards
    CHECK(st.last_sequence() == 2);
    REQUIRE(st.AdvanceSequence(9).ok());  // what the spool or the collector holds: written
    CHECK(file() == 9);
    CHECK(st.NextSequence() == 10);
    // No SaveSequence: a crash.
  }
  AgentState st(dir);
  REQUIRE(st.Open().ok());
  CHECK(st.last_sequence() == 9);
  REQUIRE(st.AdvanceSequence(10).ok());  // the spool held report 10
  CHECK(st.NextSequence() == 11);
}
