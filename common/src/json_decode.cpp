// Validating JSON decoder: leaf readers and path formatting.
#include "wardwatch/json_decode.h"

#include <cmath>

namespace wardwatch::json {

namespace {

// True when arrays/objects nest deeper than kMaxDepth. One pass over the bytes, skipping
// strings (with their escapes), so the parser itself can run without a per-event callback
// (nlohmann's callback parser costs about a third more on a 10 KB report).
bool NestsTooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (depth >= kMaxDepth) return true;
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<nlohmann::json> Parse(std::string_view text) {
  if (NestsTooDeep(text)) {
    return MakeError("invalid JSON: nesting deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // Strip nlohmann's "[json.exception.parse_error.101] " prefix: the rest names the problem.
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    // The message may quote the offending input: keep it printable ASCII.
    std::string safe;
    for (unsigned char c : what) {
      if (c >= 0x20 && c < 0x7f) {
        safe += static_cast<char>(c);
      } else {
        static const char kHex[] = "0123456789abcdef";
        safe += "\\x";
        safe += kHex[c >> 4];
        safe += kHex[c & 15];
      }
    }
    return MakeError("invalid JSON: " + safe);
  } catch (const std::exception&) {
    return MakeError("invalid JSON");
  }
}

std::string Describe(const nlohmann::json& value) {
  std::string s;
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      s = value.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  }
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

void Decoder::Fail(const std::string& path, const std::string& what) {
  if (failed_) return;
  failed_ = true;
  error_ = path.empty() ? what : path + ": " + what;
}

std::string JoinPath(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string p = parent;
  p += '.';
  p += key;
  return p;
}

std::string IndexPath(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, std::uint64_t& out) {
  if (!v.is_number_unsigned()) {
    d.Fail(path, "expected an unsigned integer, got " + Describe(v));
    return false;
  }
  out = v.get<std::uint64_t>();
  return true;
}

bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, std::int64_t& out) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) {
      d.Fail(path, "integer out of range, got " + Describe(v));
      return false;
    }
    out = static_cast<std::int64_t>(u);
    return true;
  }
  if (!v.is_number_integer()) {
    d.Fail(path, "expected an integer, got " + Describe(v));
    return false;
  }
  out = v.get<std::int64_t>();
  return true;
}

bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, double& out) {
  if (!v.is_number()) {
    d.Fail(path, "expected a number, got " + Describe(v));
    return false;
  }
  out = v.get<double>();
  if (!std::isfinite(out)) {
    d.Fail(path, "number out of range, got " + Describe(v));
    return false;
  }
  return true;
}

bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, bool& out) {
  if (!v.is_boolean()) {
    d.Fail(path, "expected true or false, got " + Describe(v));
    return false;
  }
  out = v.get<bool>();
  return true;
}

bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, std::string& out) {
  if (!v.is_string()) {
    d.Fail(path, "expected a string, got " + Describe(v));
    return false;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > kMaxStringBytes) {
    d.Fail(path, "string too long (" + std::to_string(s.size()) + " bytes, at most " +
                     std::to_string(kMaxStringBytes) + ")");
    return false;
  }
  if (s.find('\0') != std::string::npos) {
    d.Fail(path, "string contains a NUL character");
    return false;
  }
  out = s;
  return true;
}

Object::Object(const nlohmann::json& v, std::string path, Decoder& d)
    : v_(v), path_(std::move(path)), d_(d) {
  if (d_.failed()) return;
  if (!v_.is_object()) {
    d_.Fail(path_, "expected an object, got " + Describe(v_));
    return;
  }
  valid_ = true;
}

const nlohmann::json* Object::Find(std::string_view key) const {
  if (!valid_) return nullptr;
  auto it = v_.find(key);
  return it == v_.end() ? nullptr : &*it;
}

bool Object::ValidKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace wardwatch::json
