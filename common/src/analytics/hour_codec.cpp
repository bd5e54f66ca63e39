// The stored form of an hour rollup (machine_hours.data): a compact binary record, read about
// ten times faster than the JSON text it replaced, which is still read from older rows.
//   0x00 'W' version(1), then the fields in HourFields' order: integers as LEB128 varints
//   (hour_start zigzag), doubles as 8 little-endian bytes, strings as varint length + bytes,
//   lists and maps as varint count + items.
// The leading 0x00 never starts JSON text, so the two forms cannot be confused.
#include <bit>
#include <cstring>

#include "wardwatch/analytics/intervals.h"

namespace wardwatch::analytics {
namespace {

constexpr char kMagic[] = {'\0', 'W', '\1'};
// Bounds on what a record may claim, so a damaged row cannot make the reader allocate much.
constexpr std::uint64_t kMaxNames = 4096;
constexpr std::uint64_t kMaxName = 1024;

class Writer {
 public:
  std::string out;

  void U64(std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void U32(const std::uint32_t& v) { U64(v); }
  void U64Field(const std::uint64_t& v) { U64(v); }
  void I64(const std::int64_t& v) {
    U64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void F64(const double& v) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i, bits >>= 8) out.push_back(static_cast<char>(bits & 0xff));
  }
  void Bool(const bool& v) { out.push_back(v ? '\1' : '\0'); }
  void Str(const std::string& s) {
    U64(s.size());
    out.append(s);
  }
  void Doubles(const std::vector<double>& v, std::size_t) {
    U64(v.size());
    for (double d : v) F64(d);
  }
  template <class Value, class Fn>
  void Map(const std::map<std::string, Value>& m, Fn&& value) {
    U64(m.size());
    for (const auto& [k, v] : m) {
      Str(k);
      value(v);
    }
  }
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return error_.empty(); }
  bool done() const { return pos_ == in_.size(); }
  const std::string& error() const { return error_; }
  void Fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(pos_);
  }

  std::uint64_t Varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) {
        Fail("truncated");
        return 0;
      }
      const auto b = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail("varint longer than 10 bytes");
    return 0;
  }
  void U32(std::uint32_t& v) {
    const std::uint64_t x = Varint();
    if (x > 0xffffffffu) Fail("value too large for 32 bits");
    v = static_cast<std::uint32_t>(x);
  }
  void U64Field(std::uint64_t& v) { v = Varint(); }
  void I64(std::int64_t& v) {
    const std::uint64_t z = Varint();
    v = static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
  }
  void F64(double& v) {
    if (in_.size() - pos_ < 8) {
      Fail("truncated");
      pos_ = in_.size();
      v = 0;
      return;
    }
    std::uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<unsigned char>(in_[pos_ + i]);
    pos_ += 8;
    v = std::bit_cast<double>(bits);
  }
  void Bool(bool& v) {
    const std::uint64_t x = Varint();
    if (x > 1) Fail("flag is not 0 or 1");
    v = x == 1;
  }
  bool Str(std::string& s) {
    const std::uint64_t n = Varint();
    if (n > kMaxName || n > in_.size() - pos_) {
      Fail("string length " + std::to_string(n) + " past the record's end or limit");
      return false;
    }
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  void Doubles(std::vector<double>& v, std::size_t max) {
    const std::uint64_t n = Varint();
    if (n > max || n * 8 > in_.size() - pos_) {
      Fail("list of " + std::to_string(n) + " numbers past the record's end or limit");
      return;
    }
    v.resize(n);
    for (double& d : v) F64(d);
  }
  template <class Value, class Fn>
  void Map(std::map<std::string, Value>& m, Fn&& value) {
    const std::uint64_t n = Varint();
    if (n > kMaxNames || n > in_.size() - pos_) {
      Fail("map of " + std::to_string(n) + " names past the record's end or limit");
      return;
    }
    for (std::uint64_t i = 0; i < n && ok(); ++i) {
      std::string key;
      if (!Str(key)) return;
      value(m[key]);
    }
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Every field once, in the record's order; `H` is MachineHour (reading) or const MachineHour.
// A new field goes at the end with a new version, and older versions stop before it.
template <class IO, class H>
void HourFields(IO& io, H& h) {
  io.I64(h.hour_start);
  io.F64(h.seconds);
  io.F64(h.office_seconds);
  io.F64(h.cpu_busy_seconds);
  io.F64(h.cpu_total_seconds);
  io.F64(h.office_cpu_busy_seconds);
  io.F64(h.office_cpu_total_seconds);
  io.U32(h.office_intervals);
  io.U32(h.office_saturated_intervals);
  io.F64(h.memory_some_seconds);
  io.F64(h.office_memory_some_seconds);
  io.F64(h.io_some_seconds);
  io.F64(h.office_io_some_seconds);
  io.F64(h.disk_busy_seconds);
  io.U64Field(h.swap_in_pages);
  io.U64Field(h.swap_out_pages);
  io.U64Field(h.office_swap_in_pages);
  io.U64Field(h.office_hard_fault_reads);
  io.U64Field(h.wan_rx);
  io.U64Field(h.wan_tx);
  io.U64Field(h.lan_rx);
  io.U64Field(h.lan_tx);
  io.U64Field(h.nic_bytes);
  io.F64(h.nic_capacity_bytes_per_second);
  io.U32(h.nic_busy_intervals);
  io.U64Field(h.throttle_events);
  io.U64Field(h.office_throttle_events);
  io.U64Field(h.probe_attempts);
  io.U64Field(h.probe_failures);
  io.Doubles(h.probe_latencies, kMaxHourLatencies);
  io.Bool(h.has_smart);
  io.U64Field(h.smart_reallocated_max);
  io.Map(h.apps, [&io](auto& a) {
    io.F64(a.cpu_seconds);
    io.F64(a.running_seconds);
    io.F64(a.office_running_seconds);
    io.F64(a.foreground_seconds);
    io.F64(a.office_foreground_seconds);
    io.U64Field(a.wan_bytes);
  });
  io.Map(h.wan_hosts, [&io](auto& bytes) { io.U64Field(bytes); });
}

}  // namespace

std::string EncodeMachineHour(const MachineHour& h) {
  Writer w;
  w.out.reserve(256 + 64 * h.apps.size() + 32 * h.wan_hosts.size());
  w.out.append(kMagic, sizeof kMagic);
  HourFields(w, h);
  return std::move(w.out);
}

Result<MachineHour> DecodeMachineHour(std::string_view stored) {
  if (stored.size() >= 2 && stored[0] == kMagic[0] && stored[1] == kMagic[1]) {
    if (stored.size() < sizeof kMagic || stored[2] != kMagic[2]) {
      return MakeError("machine hour: unknown record version " +
                       (stored.size() > 2 ? std::to_string(static_cast<unsigned char>(stored[2]))
                                          : std::string("(none)")));
    }
    Reader r(stored.substr(sizeof kMagic));
    MachineHour h;
    HourFields(r, h);
    if (r.ok() && !r.done()) r.Fail("bytes after the record");
    if (!r.ok()) return MakeError("machine hour: " + r.error());
    return h;
  }
  // Rows written before the binary record: MachineHourToJson's text.
  auto j = nlohmann::json::parse(stored, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError("machine hour: neither a record nor JSON");
  return MachineHourFromJson(j);
}

}  // namespace wardwatch::analytics
