// The agent's on-disk spool: every report is appended here (checksummed, fsync'd) before it is
// sent, and leaves only after the collector acknowledged it. Bounded by bytes and age; when
// full the oldest records go first and are counted. Torn or corrupted records are detected,
// skipped and counted; the spool never refuses to open because of its own content.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::agent {

struct SpoolLimits {
  std::uint64_t max_bytes = 50ull << 20;     // 50 MB
  double max_age_seconds = 7 * 24 * 3600.0;  // 7 days
  std::uint64_t segment_bytes = 256 << 10;   // a segment rolls over past this size
};

struct SpoolRecord {
  std::uint64_t sequence = 0;
  std::uint64_t created_ms = 0;
  std::string payload;
};

struct SpoolCounters {
  std::uint64_t appended = 0;
  std::uint64_t acknowledged = 0;  // delivered or dead-lettered
  std::uint64_t deadlettered = 0;
  std::uint64_t dropped = 0;  // pushed out by the byte or age bound
  std::uint64_t corrupt = 0;  // failed checksum or torn at the end
};

class Spool {
 public:
  Spool(std::string dir, SpoolLimits limits);

  // Scans the segments, validates every record, resumes after the last acknowledged one.
  Status Open(std::uint64_t now_ms);
  // Appends one record durably (write + fsync) then enforces the bounds.
  Status Append(std::uint64_t sequence, std::uint64_t created_ms, const std::string& payload,
                std::uint64_t now_ms);
  // Up to `max_records` of the oldest unacknowledged records, in order.
  Result<std::vector<SpoolRecord>> Peek(std::size_t max_records, std::uint64_t max_bytes);
  // Everything up to and including `sequence` was delivered (or, with `deadlettered`, set
  // aside for good).
  Status Acknowledge(std::uint64_t sequence, bool deadlettered = false);
  // Drops by age without appending (called between reports while the collector is away).
  Status EnforceBounds(std::uint64_t now_ms);

  std::uint64_t pending_records() const { return pending_records_; }
  std::uint64_t pending_bytes() const;
  std::optional<std::uint64_t> oldest_created_ms() const;
  std::uint64_t acked_sequence() const { return acked_; }
  // The highest sequence number the spool holds or has seen acknowledged. Records are fsync'd
  // when appended and the state file (with the acknowledged number) is fsync'd before any
  // segment is removed, so after a power cut this is still at least the last number appended.
  // That lets the agent keep its sequence counter in memory between reports (AgentState).
  std::uint64_t highest_sequence() const;
  const SpoolCounters& counters() const { return counters_; }

  // Record framing, exposed for tests and the fuzzer: "WWS1" magic, payload length, CRC-32 of
  // (sequence, created_ms, payload), sequence, created_ms, payload.
  static std::string EncodeRecord(const SpoolRecord& r);
  // Decodes every valid record in a segment's bytes; counts the bytes it had to skip.
  static std::vector<SpoolRecord> DecodeSegment(const std::string& bytes, std::uint64_t* corrupt);

 private:
  struct Segment {
    std::string path;
    std::uint64_t bytes = 0;
    std::vector<std::uint64_t> sequences;  // valid records, in order
    std::vector<std::uint64_t> created;    // their creation times
  };

  Status DropOldestSegment(const char* why);
  Status SaveState();
  std::uint64_t PendingIn(const Segment& s) const;

  std::string dir_;
  SpoolLimits limits_;
  std::deque<Segment> segments_;
  std::uint64_t acked_ = 0;
  std::uint64_t pending_records_ = 0;
  SpoolCounters counters_;
};

// gzip (RFC 1952) compression for reports on the wire and in the spool.
Result<std::string> GzipCompress(const std::string& data);

}  // namespace wardwatch::agent
