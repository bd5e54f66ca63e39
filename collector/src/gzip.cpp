// Bounded gzip inflation for request bodies: a small body may not expand without limit.
#include "gzip.h"

#include <zlib.h>

#include <array>

namespace wardwatch::collector {
namespace {

// RAII owner of a zlib inflate stream.
class Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&s_, 16 + MAX_WBITS) == Z_OK; }  // 16: gzip wrapper only
  ~Inflater() {
    if (ok_) inflateEnd(&s_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream* get() { return &s_; }
  z_stream* operator->() { return &s_; }

 private:
  z_stream s_{};
  bool ok_ = false;
};

}  // namespace

InflateResult GunzipBounded(std::string_view compressed, std::size_t max_bytes) {
  InflateResult result;
  Inflater stream;
  if (!stream.ok()) {
    result.kind = InflateResult::Kind::kCorrupt;
    result.message = "cannot initialise zlib";
    return result;
  }
  stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream->avail_in = static_cast<uInt>(compressed.size());
  std::array<char, 64 * 1024> chunk{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream->next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream->avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(stream.get(), Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      result.kind = InflateResult::Kind::kCorrupt;
      result.message = std::string("invalid gzip body: ") +
                       (stream->msg != nullptr ? stream->msg : "truncated or corrupt stream");
      result.data.clear();
      return result;
    }
    const std::size_t produced = chunk.size() - stream->avail_out;
    if (result.data.size() + produced > max_bytes) {
      result.kind = InflateResult::Kind::kTooLarge;
      result.message = "decompressed body exceeds " + std::to_string(max_bytes) + " bytes";
      result.data.clear();
      return result;
    }
    result.data.append(chunk.data(), produced);
    if (rc == Z_OK && produced == 0 && stream->avail_in == 0) {
      result.kind = InflateResult::Kind::kCorrupt;
      result.message = "invalid gzip body: truncated stream";
      result.data.clear();
      return result;
    }
  }
  if (stream->avail_in != 0) {
    result.kind = InflateResult::Kind::kCorrupt;
    result.message = "invalid gzip body: trailing bytes after the gzip stream";
    result.data.clear();
  }
  return result;
}

}  // namespace wardwatch::collector
