// The agent's HTTP/1.1 client without I/O: URL split, heads, framing, chunked decoding.
#include "net/http_parse.h"

#include <algorithm>
#include <cctype>

namespace wardwatch::agent::http {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A short, printable excerpt of what a server sent, for an error message.
std::string Excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  if (s.size() > 40) out += "...";
  return out;
}

// `s` with control characters written as \xNN, so a message cannot carry a line break.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

bool IsDefaultPort(const Url& u) { return u.port == (u.tls ? 443 : 80); }

std::string BracketedHost(const Url& u) {
  return u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
}

}  // namespace

std::string Url::HostHeader() const {
  return IsDefaultPort(*this) ? BracketedHost(*this)
                              : BracketedHost(*this) + ":" + std::to_string(port);
}

std::string Url::Authority() const { return BracketedHost(*this) + ":" + std::to_string(port); }

Result<Url> SplitUrl(std::string_view url) {
  const std::string quoted = "\"" + Printable(url) + "\"";
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return MakeError("invalid URL " + quoted + ": spaces and control characters are not allowed");
    }
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return MakeError("invalid URL " + quoted + ": expected http:// or https://");
  }
  Url out;
  const std::string scheme = LowerCopy(url.substr(0, scheme_end));
  if (scheme == "https") {
    out.tls = true;
  } else if (scheme != "http") {
    return MakeError("invalid URL " + quoted + ": unsupported scheme \"" + scheme +
                     "\" (http or https)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return MakeError("invalid URL " + quoted + ": user:password@ is not supported");
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return MakeError("invalid URL " + quoted + ": no ']'");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return MakeError("invalid URL " + quoted + ": bad host");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return MakeError("invalid URL " + quoted + ": an IPv6 address needs [brackets]");
    }
  }
  if (host.empty()) return MakeError("invalid URL " + quoted + ": no host");
  out.host = std::string(host);
  if (port.empty()) {
    out.port = out.tls ? 443 : 80;
  } else {
    if (!AllDigits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 ||
        std::stoul(std::string(port)) > 65535) {
      return MakeError("invalid URL " + quoted + ": bad port \"" + std::string(port) + "\"");
    }
    out.port = static_cast<std::uint16_t>(std::stoul(std::string(port)));
  }
  rest = rest.substr(0, rest.find('#'));
  out.target = rest.starts_with("/") ? std::string(rest) : "/" + std::string(rest);
  return out;
}

std::string RequestHead(std::string_view method, const Url& url,
                        const std::vector<std::string>& headers, const std::uint64_t* body_length,
                        bool keep_alive) {
  std::string h;
  h.reserve(256);
  h.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  h.append("Host: ").append(url.HostHeader()).append("\r\n");
  for (const auto& line : headers) h.append(line).append("\r\n");
  if (body_length != nullptr) {
    h.append("Content-Length: ").append(std::to_string(*body_length)).append("\r\n");
  }
  h.append(keep_alive ? "\r\n" : "Connection: close\r\n\r\n");
  return h;
}

const std::string* ResponseHead::Find(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return &value;
  return nullptr;
}

std::size_t FindHeadEnd(std::string_view data) {
  // The first blank line, "\r\n\r\n" or "\n\n" (a bare "\n\r\n" too), whichever comes first.
  for (std::size_t i = data.find('\n'); i != std::string_view::npos; i = data.find('\n', i + 1)) {
    if (i + 1 < data.size() && data[i + 1] == '\n') return i + 2;
    if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

Result<ResponseHead> ParseResponseHead(std::string_view head) {
  ResponseHead out;
  auto next_line = [&head]() {
    const auto nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    if (line.ends_with("\r")) line.remove_suffix(1);
    return line;
  };
  const std::string_view status_line = next_line();
  const auto not_http = [&status_line] {
    return MakeError("not an HTTP answer: \"" + Excerpt(status_line) + "\"");
  };
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[7] < '0' ||
      status_line[7] > '9' || status_line[8] != ' ') {
    return not_http();
  }
  const std::string_view code = status_line.substr(9, 3);
  if (!AllDigits(code) || (status_line.size() > 12 && status_line[12] != ' ')) return not_http();
  out.minor_version = status_line[7] - '0';
  out.status = std::stoi(std::string(code));
  if (out.status < 100) return not_http();
  if (status_line.size() > 13) out.reason = std::string(status_line.substr(13));
  while (!head.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) break;  // the blank line ending the head
    if (line.front() == ' ' || line.front() == '\t') {
      return MakeError("folded header line (obsolete in HTTP/1.1): \"" + Excerpt(line) + "\"");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
      return MakeError("bad header line \"" + Excerpt(line) + "\"");
    }
    if (out.headers.size() >= kMaxHeaderLines) {
      return MakeError("more than " + std::to_string(kMaxHeaderLines) + " header lines");
    }
    out.headers.emplace_back(LowerCopy(line.substr(0, colon)),
                             std::string(Trim(line.substr(colon + 1))));
  }
  return out;
}

bool KeepsAlive(const ResponseHead& head) {
  if (head.minor_version < 1) return false;
  for (const auto& [name, value] : head.headers) {
    if (name != "connection") continue;
    std::string_view tokens = value;
    while (!tokens.empty()) {
      const auto comma = tokens.find(',');
      if (LowerCopy(Trim(tokens.substr(0, comma))) == "close") return false;
      tokens = comma == std::string_view::npos ? std::string_view() : tokens.substr(comma + 1);
    }
  }
  return true;
}

Result<BodyFraming> FramingOf(const ResponseHead& head, std::string_view method) {
  BodyFraming f;
  if (method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304) return f;
  if (const std::string* te = head.Find("transfer-encoding")) {
    if (LowerCopy(*te) != "chunked") {
      return MakeError("unsupported Transfer-Encoding \"" + *te + "\" (only chunked)");
    }
    f.kind = BodyKind::kChunked;
    return f;
  }
  bool seen = false;
  for (const auto& [name, value] : head.headers) {
    if (name != "content-length") continue;
    if (!AllDigits(value) || value.size() > 18) {
      return MakeError("bad Content-Length \"" + value + "\"");
    }
    const std::uint64_t n = std::stoull(value);
    if (seen && n != f.length) return MakeError("Content-Length values disagree");
    seen = true;
    f.length = n;
  }
  f.kind = seen ? BodyKind::kLength : BodyKind::kUntilClose;
  return f;
}

Result<ChunkedDecoder::Step> ChunkedDecoder::Next(std::string_view in) {
  constexpr std::size_t kMaxLine = 1024;
  Step step;
  auto line = [&in](std::string_view& out) -> Result<bool> {
    const auto nl = in.find('\n');
    if (nl == std::string_view::npos) {
      if (in.size() > kMaxLine) {
        return MakeError("chunked body: a line longer than " + std::to_string(kMaxLine) + " bytes");
      }
      return false;
    }
    out = in.substr(0, nl);
    if (out.ends_with("\r")) out.remove_suffix(1);
    return true;
  };
  std::string_view text;
  switch (state_) {
    case State::kSize: {
      auto got = line(text);
      if (!got) return MakeError(got.error());
      if (!*got) return step;
      step.consumed = in.find('\n') + 1;
      const std::string_view digits = Trim(text.substr(0, text.find(';')));
      if (digits.empty() || digits.size() > 15 ||
          digits.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
        return MakeError("chunked body: bad chunk size \"" + Excerpt(text) + "\"");
      }
      left_ = std::stoull(std::string(digits), nullptr, 16);
      state_ = left_ == 0 ? State::kTrailer : State::kData;
      return step;
    }
    case State::kData: {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in.size()));
      step.consumed = n;
      step.payload = in.substr(0, n);
      left_ -= n;
      if (left_ == 0) state_ = State::kDataEnd;
      return step;
    }
    case State::kDataEnd: {
      auto got = line(text);
      if (!got) return MakeError(got.error());
      if (!*got) return step;
      if (!text.empty()) {
        return MakeError("chunked body: no line end after a chunk's data (\"" + Excerpt(text) +
                         "\")");
      }
      step.consumed = in.find('\n') + 1;
      state_ = State::kSize;
      return step;
    }
    case State::kTrailer: {
      auto got = line(text);
      if (!got) return MakeError(got.error());
      if (!*got) return step;
      step.consumed = in.find('\n') + 1;
      if (text.empty()) state_ = State::kDone;  // trailer fields are read and dropped
      return step;
    }
    case State::kDone:
      return step;
  }
  return step;
}

Result<std::string> DecodeChunked(std::string_view body) {
  ChunkedDecoder d;
  std::string out;
  while (!d.done()) {
    auto step = d.Next(body);
    if (!step) return MakeError(step.error());
    if (step->consumed == 0) return MakeError("chunked body ends early");
    out.append(step->payload);
    body.remove_prefix(step->consumed);
  }
  return out;
}

}  // namespace wardwatch::agent::http
