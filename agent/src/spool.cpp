// The agent's on-disk spool (see spool.h for the guarantees).
#include "spool.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "fsutil.h"
#include "state.h"

namespace wardwatch::agent {
namespace {

constexpr char kMagic[4] = {'W', 'W', 'S', '1'};
constexpr std::size_t kHeader = 4 + 4 + 4 + 8 + 8;  // magic, length, crc, sequence, created
constexpr std::uint32_t kMaxPayload = 16u << 20;

void PutU32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void PutU64(std::string& s, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint64_t GetLE(const std::string& s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::uint32_t Checksum(std::uint64_t seq, std::uint64_t created, const char* data,
                       std::size_t len) {
  std::string head;
  PutU64(head, seq);
  PutU64(head, created);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(head.data()), head.size());
  crc = crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(len));
  return static_cast<std::uint32_t>(crc);
}

std::string SegmentName(std::uint64_t first_sequence) {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020llu.wws",
                static_cast<unsigned long long>(first_sequence));
  return name;
}

}  // namespace

std::string Spool::EncodeRecord(const SpoolRecord& r) {
  std::string out(kMagic, 4);
  PutU32(out, static_cast<std::uint32_t>(r.payload.size()));
  PutU32(out, Checksum(r.sequence, r.created_ms, r.payload.data(), r.payload.size()));
  PutU64(out, r.sequence);
  PutU64(out, r.created_ms);
  out += r.payload;
  return out;
}

std::vector<SpoolRecord> Spool::DecodeSegment(const std::string& bytes, std::uint64_t* corrupt) {
  std::vector<SpoolRecord> out;
  std::size_t at = 0;
  bool in_garbage = false;
  while (at < bytes.size()) {
    const bool header_fits = bytes.size() - at >= kHeader;
    if (header_fits && std::memcmp(bytes.data() + at, kMagic, 4) == 0) {
      const auto len = static_cast<std::uint32_t>(GetLE(bytes, at + 4, 4));
      const auto crc = static_cast<std::uint32_t>(GetLE(bytes, at + 8, 4));
      if (len <= kMaxPayload && bytes.size() - at - kHeader >= len) {
        SpoolRecord r;
        r.sequence = GetLE(bytes, at + 12, 8);
        r.created_ms = GetLE(bytes, at + 20, 8);
        if (Checksum(r.sequence, r.created_ms, bytes.data() + at + kHeader, len) == crc) {
          r.payload.assign(bytes, at + kHeader, len);
          out.push_back(std::move(r));
          at += kHeader + len;
          in_garbage = false;
          continue;
        }
      }
    }
    // Not a valid record here: count one corrupt record per run of garbage, then resync on
    // the next magic. A damaged record that still starts with the magic is one record lost
    // even right after another damaged one (two adjacent bad records count 2, not 1).
    const bool damaged_record = header_fits && std::memcmp(bytes.data() + at, kMagic, 4) == 0;
    if ((!in_garbage || damaged_record) && corrupt != nullptr) ++*corrupt;
    in_garbage = true;
    ++at;
  }
  return out;
}

Spool::Spool(std::string dir, SpoolLimits limits) : dir_(std::move(dir)), limits_(limits) {
  limits_.segment_bytes = std::max<std::uint64_t>(
      1024, std::min(limits_.segment_bytes, std::max<std::uint64_t>(limits_.max_bytes / 4, 1)));
}

Status Spool::SaveState() {
  const std::string text = "acked=" + std::to_string(acked_) +
                           "\nappended=" + std::to_string(counters_.appended) +
                           "\nacknowledged=" + std::to_string(counters_.acknowledged) +
                           "\ndeadlettered=" + std::to_string(counters_.deadlettered) +
                           "\ndropped=" + std::to_string(counters_.dropped) +
                           "\ncorrupt=" + std::to_string(counters_.corrupt) + "\n";
  return WriteFileAtomic(dir_ + "/state", text, 0600);
}

std::uint64_t Spool::PendingIn(const Segment& s) const {
  return static_cast<std::uint64_t>(std::count_if(s.sequences.begin(), s.sequences.end(),
                                                  [this](std::uint64_t q) { return q > acked_; }));
}

Status Spool::Open(std::uint64_t now_ms) {
  if (auto s = EnsureDir(dir_); !s) return s;
  if (auto text = ReadFile(dir_ + "/state")) {
    for (std::string_view line : SplitLines(*text)) {
      const auto eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      const auto v = ParseU64(line.substr(eq + 1)).value_or(0);
      const auto k = line.substr(0, eq);
      if (k == "acked") acked_ = v;
      if (k == "appended") counters_.appended = v;
      if (k == "acknowledged") counters_.acknowledged = v;
      if (k == "dropped") counters_.dropped = v;
      if (k == "deadlettered") counters_.deadlettered = v;
      if (k == "corrupt") counters_.corrupt = v;
    }
  }
  auto names = ListDir(dir_);
  if (!names) return MakeError(names.error());
  segments_.clear();
  bool repaired = false;
  for (const auto& name : *names) {
    if (name.rfind("seg-", 0) != 0 || name.size() < 8 || name.substr(name.size() - 4) != ".wws") {
      continue;
    }
    const std::string path = dir_ + "/" + name;
    auto bytes = ReadFile(path, 1ull << 31);
    if (!bytes) return MakeError(bytes.error());
    std::uint64_t bad = 0;
    auto records = DecodeSegment(*bytes, &bad);
    if (bad > 0) {
      // Rewrite the segment with only its valid records, so the damage is counted once.
      counters_.corrupt += bad;
      repaired = true;
      std::string clean;
      for (const auto& r : records) clean += EncodeRecord(r);
      if (auto s = WriteFileAtomic(path, clean, 0600); !s) return s;
      bytes = clean;
    }
    Segment seg;
    seg.path = path;
    seg.bytes = bytes->size();
    for (const auto& r : records) {
      seg.sequences.push_back(r.sequence);
      seg.created.push_back(r.created_ms);
    }
    if (seg.sequences.empty() || PendingIn(seg) == 0) {
      RemoveFile(path);
      continue;
    }
    segments_.push_back(std::move(seg));
  }
  pending_records_ = 0;
  for (const auto& s : segments_) pending_records_ += PendingIn(s);
  if (repaired) {
    if (auto s = SaveState(); !s) return s;
  }
  return EnforceBounds(now_ms);
}

Status Spool::Append(std::uint64_t sequence, std::uint64_t created_ms, const std::string& payload,
                     std::uint64_t now_ms) {
  if (payload.size() > kMaxPayload) {
    return MakeError("report of " + std::to_string(payload.size()) + " bytes is larger than " +
                     "the spool's record limit");
  }
  const std::string bytes = EncodeRecord({sequence, created_ms, payload});
  if (segments_.empty() || segments_.back().bytes + bytes.size() > limits_.segment_bytes) {
    Segment seg;
    seg.path = dir_ + "/" + SegmentName(sequence);
    segments_.push_back(std::move(seg));
  }
  Segment& seg = segments_.back();
  if (auto s = AppendFileDurably(seg.path, bytes, "spool segment"); !s) return s;
  seg.bytes += bytes.size();
  seg.sequences.push_back(sequence);
  seg.created.push_back(created_ms);
  ++pending_records_;
  ++counters_.appended;
  return EnforceBounds(now_ms);
}

Status Spool::DropOldestSegment(const char* /*why*/) {
  const Segment& s = segments_.front();
  const std::uint64_t lost = PendingIn(s);
  counters_.dropped += lost;
  pending_records_ -= lost;
  acked_ = std::max(acked_, s.sequences.empty() ? acked_ : s.sequences.back());
  // The state first, so the acknowledged number outlives the segment (highest_sequence). A
  // failed save does not keep the segment: the bounds hold whatever the disk says.
  Status saved = SaveState();
  RemoveFile(s.path);
  segments_.pop_front();
  return saved;
}

Status Spool::EnforceBounds(std::uint64_t now_ms) {
  auto total = [this] {
    std::uint64_t t = 0;
    for (const auto& s : segments_) t += s.bytes;
    return t;
  };
  // By bytes: never drop the segment being written while it is the only one.
  while (segments_.size() > 1 && total() > limits_.max_bytes) {
    if (auto s = DropOldestSegment("bytes"); !s) return s;
  }
  // By age: a segment whose newest record is too old.
  const auto max_age_ms = static_cast<std::uint64_t>(limits_.max_age_seconds * 1000);
  while (!segments_.empty() && !segments_.front().created.empty() &&
         now_ms > segments_.front().created.back() + max_age_ms) {
    if (auto s = DropOldestSegment("age"); !s) return s;
  }
  return Status::Ok();
}

Result<std::vector<SpoolRecord>> Spool::Peek(std::size_t max_records, std::uint64_t max_bytes) {
  std::vector<SpoolRecord> out;
  std::uint64_t bytes = 0;
  for (const auto& seg : segments_) {
    if (out.size() >= max_records) break;
    if (PendingIn(seg) == 0) continue;
    auto data = ReadFile(seg.path, 1ull << 31);
    if (!data) return MakeError(data.error());
    for (auto& r : DecodeSegment(*data, nullptr)) {
      if (r.sequence <= acked_) continue;
      if (out.size() >= max_records || (!out.empty() && bytes + r.payload.size() > max_bytes)) {
        return out;
      }
      bytes += r.payload.size();
      out.push_back(std::move(r));
    }
  }
  return out;
}

Status Spool::Acknowledge(std::uint64_t sequence, bool deadlettered) {
  if (sequence <= acked_) return Status::Ok();
  if (deadlettered) ++counters_.deadlettered;
  std::uint64_t newly = 0;
  for (const auto& s : segments_) {
    for (auto q : s.sequences) newly += (q > acked_ && q <= sequence) ? 1 : 0;
  }
  acked_ = sequence;
  counters_.acknowledged += newly;
  pending_records_ -= std::min(pending_records_, newly);
  // The state first, so the acknowledged number outlives the segments (highest_sequence). If
  // it cannot be saved, the acknowledged segments stay until a later save succeeds (Peek skips
  // their records; Open removes them).
  if (auto s = SaveState(); !s) return s;
  while (!segments_.empty() && PendingIn(segments_.front()) == 0) {
    // Keep the segment being appended to unless everything in it is acknowledged.
    RemoveFile(segments_.front().path);
    segments_.pop_front();
  }
  return Status::Ok();
}

std::uint64_t Spool::highest_sequence() const {
  std::uint64_t high = acked_;
  for (const auto& s : segments_) {
    if (!s.sequences.empty())
      high = std::max(high, *std::max_element(s.sequences.begin(), s.sequences.end()));
  }
  return high;
}

std::uint64_t Spool::pending_bytes() const {
  std::uint64_t t = 0;
  for (const auto& s : segments_) t += s.bytes;
  return t;
}

std::optional<std::uint64_t> Spool::oldest_created_ms() const {
  for (const auto& s : segments_) {
    for (std::size_t i = 0; i < s.sequences.size(); ++i) {
      if (s.sequences[i] > acked_) return s.created[i];
    }
  }
  return std::nullopt;
}

Result<std::string> GzipCompress(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return MakeError("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return MakeError("gzip: deflate failed");
  return out;
}

}  // namespace wardwatch::agent
