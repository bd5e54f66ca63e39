// Bounded gzip inflation for request bodies: a small body may not expand without limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wardwatch::collector {

struct InflateResult {
  enum class Kind { kOk, kTooLarge, kCorrupt };
  Kind kind = Kind::kOk;
  std::string data;     // the inflated bytes when kOk
  std::string message;  // why it failed otherwise
};

// Inflates one gzip stream; stops as soon as the output would exceed max_bytes.
InflateResult GunzipBounded(std::string_view compressed, std::size_t max_bytes);

}  // namespace wardwatch::collector
