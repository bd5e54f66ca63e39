// The agent's HTTP/1.1 client without I/O: URL split, request head, response head parsing,
// body framing and chunked decoding. Pure functions over text (tests: tests/agent/
// http_parse_test.cpp); the sockets and TLS are in http_conn_linux.{h,cpp}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::agent::http {

// An http:// or https:// URL split for a connection and a request line.
struct Url {
  bool tls = false;
  std::string host;  // an IPv6 literal without its brackets
  std::uint16_t port = 0;
  std::string target;  // path and query ("/" when empty), without the fragment
  // host[:port] for the Host header (brackets around an IPv6 literal; no default port).
  std::string HostHeader() const;
  // host:port for messages ("[::1]:443").
  std::string Authority() const;
};

// Refuses other schemes, user:password@, spaces and control characters (which would end up in
// the request head), and ports outside 1-65535, naming what is wrong.
Result<Url> SplitUrl(std::string_view url);

// "METHOD target HTTP/1.1" with Host, the given header lines ("Name: value"), a
// Content-Length when `body_length` is set, "Connection: close" unless `keep_alive`, and the
// blank line.
std::string RequestHead(std::string_view method, const Url& url,
                        const std::vector<std::string>& headers, const std::uint64_t* body_length,
                        bool keep_alive = false);

inline constexpr std::size_t kMaxHeadBytes = 64 << 10;
inline constexpr std::size_t kMaxHeaderLines = 200;

struct ResponseHead {
  int minor_version = 1;  // HTTP/1.x
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, values trimmed
  // The first header called `lower_name`, or nullptr.
  const std::string* Find(std::string_view lower_name) const;
};

// Where the response head ends in `data`: the index just past its blank line ("\r\n\r\n", or
// "\n\n" from a lax server), or std::string_view::npos when it has not all arrived.
std::size_t FindHeadEnd(std::string_view data);

// Parses a head (status line and header lines, the blank line optional). HTTP/1.0 and 1.1.
Result<ResponseHead> ParseResponseHead(std::string_view head);

enum class BodyKind { kNone, kLength, kChunked, kUntilClose };
struct BodyFraming {
  BodyKind kind = BodyKind::kNone;
  std::uint64_t length = 0;  // kLength
};

// Whether the connection may carry another request after this answer (and its body, when
// framed): HTTP/1.1 without "Connection: close".
bool KeepsAlive(const ResponseHead& head);

// How the body of an answer to `method` is delimited (RFC 9112 section 6.3): none for HEAD,
// 1xx, 204 and 304; chunked; Content-Length; else until the server closes. A
// Transfer-Encoding other than chunked, or Content-Lengths that disagree, are errors.
Result<BodyFraming> FramingOf(const ResponseHead& head, std::string_view method);

// Decodes a chunked body a piece at a time, without copying: each Step consumes a prefix of
// the bytes received so far and may give a piece of payload (a view into them).
class ChunkedDecoder {
 public:
  struct Step {
    std::size_t consumed = 0;  // 0: a size or trailer line has not all arrived yet
    std::string_view payload;
  };
  Result<Step> Next(std::string_view in);
  bool done() const { return state_ == State::kDone; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone };
  State state_ = State::kSize;
  std::uint64_t left_ = 0;
};

// Decodes a whole chunked body (tests, small answers); errors as ChunkedDecoder, and
// "chunked body ends early" when the final chunk is missing.
Result<std::string> DecodeChunked(std::string_view body);

}  // namespace wardwatch::agent::http
