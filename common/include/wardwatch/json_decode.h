// Validating JSON decoder: walks a parsed document, records the first problem with the exact
// path of the field (`network.interfaces[2].receive_bytes: expected an unsigned integer, got
// "abc"`), and never throws on any input.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::json {

// Limits applied to every decoded document.
inline constexpr std::size_t kMaxStringBytes = 4096;
inline constexpr std::size_t kMaxArrayItems = 100000;
inline constexpr int kMaxDepth = 32;

// Parses text into JSON with a nesting limit; invalid UTF-8, depth and syntax errors are
// returned as values.
Result<nlohmann::json> Parse(std::string_view text);

// Short rendering of a value for error messages.
std::string Describe(const nlohmann::json& value);

class Decoder {
 public:
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  void Fail(const std::string& path, const std::string& what);

 private:
  std::string error_;
  bool failed_ = false;
};

std::string JoinPath(const std::string& parent, std::string_view key);
std::string IndexPath(const std::string& parent, std::size_t index);

// Leaf readers: return false (and record the error) when the value has the wrong type.
bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, std::uint64_t& out);
bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, std::int64_t& out);
bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, double& out);
bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, bool& out);
bool Read(const nlohmann::json& v, const std::string& path, Decoder& d, std::string& out);

// A view of one JSON object being decoded.
class Object {
 public:
  Object(const nlohmann::json& v, std::string path, Decoder& d);

  bool valid() const { return valid_ && !d_.failed(); }
  const std::string& path() const { return path_; }
  Decoder& decoder() { return d_; }
  // The member, or nullptr when absent (or when this view is invalid).
  const nlohmann::json* Find(std::string_view key) const;

  template <typename T>
  void Required(std::string_view key, T& out) {
    if (!valid()) return;
    const nlohmann::json* v = Find(key);
    if (v == nullptr) {
      d_.Fail(JoinPath(path_, key), "required field is missing");
      return;
    }
    Read(*v, JoinPath(path_, key), d_, out);
  }

  template <typename T>
  void Optional(std::string_view key, std::optional<T>& out) {
    if (!valid()) return;
    const nlohmann::json* v = Find(key);
    if (v == nullptr || v->is_null()) return;
    T value{};
    if (Read(*v, JoinPath(path_, key), d_, value)) out = std::move(value);
  }

  // Optional with a default: leaves `out` as it is when the key is absent.
  template <typename T>
  void Default(std::string_view key, T& out) {
    if (!valid()) return;
    const nlohmann::json* v = Find(key);
    if (v == nullptr || v->is_null()) return;
    Read(*v, JoinPath(path_, key), d_, out);
  }

  // Array of objects; `each(Object&, T&)` decodes one element.
  template <typename T, typename F>
  void ObjectArray(std::string_view key, std::vector<T>& out, F&& each, bool required = false) {
    if (!valid()) return;
    const nlohmann::json* v = Find(key);
    const std::string p = JoinPath(path_, key);
    if (v == nullptr || v->is_null()) {
      if (required) d_.Fail(p, "required field is missing");
      return;
    }
    if (!v->is_array()) {
      d_.Fail(p, "expected an array, got " + Describe(*v));
      return;
    }
    if (v->size() > kMaxArrayItems) {
      d_.Fail(p, "too many items (" + std::to_string(v->size()) + ")");
      return;
    }
    out.clear();
    out.reserve(v->size());
    for (std::size_t i = 0; i < v->size() && !d_.failed(); ++i) {
      Object element((*v)[i], IndexPath(p, i), d_);
      if (!element.valid()) return;
      T item{};
      each(element, item);
      if (!d_.failed()) out.push_back(std::move(item));
    }
  }

  // Nested object; `each(Object&)` decodes it. Returns true when present and decoded.
  template <typename F>
  bool Nested(std::string_view key, F&& each, bool required = false) {
    if (!valid()) return false;
    const nlohmann::json* v = Find(key);
    if (v == nullptr || v->is_null()) {
      if (required) d_.Fail(JoinPath(path_, key), "required field is missing");
      return false;
    }
    Object nested(*v, JoinPath(path_, key), d_);
    if (!nested.valid()) return false;
    each(nested);
    return !d_.failed();
  }

  // Object whose members are all of one leaf type (e.g. meminfo: name -> bytes). Keys must be
  // identifiers: [A-Za-z0-9_.:-], 1..128 bytes.
  template <typename T>
  void Map(std::string_view key, std::map<std::string, T>& out, bool required = false) {
    if (!valid()) return;
    const nlohmann::json* v = Find(key);
    const std::string p = JoinPath(path_, key);
    if (v == nullptr || v->is_null()) {
      if (required) d_.Fail(p, "required field is missing");
      return;
    }
    if (!v->is_object()) {
      d_.Fail(p, "expected an object, got " + Describe(*v));
      return;
    }
    out.clear();
    for (auto it = v->begin(); it != v->end() && !d_.failed(); ++it) {
      const std::string kp = JoinPath(p, it.key());
      if (!ValidKey(it.key())) {
        d_.Fail(kp, "invalid key (use letters, digits, '_', '.', ':' or '-', at most 128)");
        return;
      }
      T value{};
      if (Read(it.value(), kp, d_, value)) out.emplace(it.key(), std::move(value));
    }
  }

  static bool ValidKey(std::string_view key);

 private:
  const nlohmann::json& v_;
  std::string path_;
  Decoder& d_;
  bool valid_ = false;
};

}  // namespace wardwatch::json
