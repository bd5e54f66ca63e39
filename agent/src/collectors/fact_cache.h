// Facts that do not change while the machine runs (disk identities, CPU topology, DMI), kept
// between reports: re-read when what they depend on changed (a signature such as the names in
// /sys/block or the stamp of a package database) or when the last read is older than a refresh
// period, in case something changed without changing the signature.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "collector.h"

namespace wardwatch::agent {

// How long a kept fact is trusted without a change of its signature.
inline constexpr std::chrono::seconds kFactRefreshPeriod{600};

// The rule: read again when nothing is kept yet, when the signature changed, or when the kept
// value is `period` old or older (or from the future: a clock that went back).
inline bool ShouldReread(bool have_value, bool signature_changed, SteadyTime read_at,
                         SteadyTime now, SteadyTime::duration period = kFactRefreshPeriod) {
  if (!have_value || signature_changed) return true;
  const auto age = now - read_at;
  return age < SteadyTime::duration::zero() || age >= period;
}

// One kept value and the signature it was read under. Collectors call Get with this report's
// signature; nullptr means "read it again and Put the result". Only successful reads are Put,
// so an error is retried at the next report.
template <typename Signature, typename Value>
class FactCache {
 public:
  explicit FactCache(SteadyTime::duration period = kFactRefreshPeriod) : period_(period) {}

  const Value* Get(const Signature& signature, SteadyTime now) const {
    if (ShouldReread(value_.has_value(), !value_ || !(signature_ == signature), read_at_, now,
                     period_)) {
      return nullptr;
    }
    return &*value_;
  }
  const Value& Put(Signature signature, Value value, SteadyTime now) {
    signature_ = std::move(signature);
    read_at_ = now;
    return value_.emplace(std::move(value));
  }
  // The kept value whatever its age or signature (to build this report's signature from it).
  const Value* Last() const { return value_ ? &*value_ : nullptr; }
  void Clear() { value_.reset(); }

 private:
  SteadyTime::duration period_;
  Signature signature_{};
  std::optional<Value> value_;
  SteadyTime read_at_{};
};

// What says a file was replaced or rewritten: stat's inode, size and modification time.
// missing is set when stat failed (no such file).
struct FileStamp {
  bool missing = true;
  std::uint64_t inode = 0, size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

}  // namespace wardwatch::agent
