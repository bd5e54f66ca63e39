// Field lists for report sections, written once per struct and used for both directions:
//
//   template <class V> void Visit(V& v, Disk& d) {
//     v("name", d.name, kRequired);
//     v("size_bytes", d.size_bytes);          // optional with a default
//     v("smart_passed", d.smart_passed);      // std::optional: absent when empty
//   }
//
// JsonEncoder writes a nlohmann::json; JsonDecoder validates through json::Object and names
// the failing field. Supported members: integers, double, bool, std::string, std::optional of
// those, std::vector<std::string>, std::map<std::string, leaf>, and nested visitable structs
// (alone, in std::optional or in std::vector).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "wardwatch/json_decode.h"

namespace wardwatch::schema {

inline constexpr bool kRequired = true;

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsMap : std::false_type {};
template <typename T>
struct IsMap<std::map<std::string, T>> : std::true_type {};

template <typename T>
inline constexpr bool kIsLeaf = std::is_arithmetic_v<T> || std::is_same_v<T, std::string>;

class JsonEncoder {
 public:
  explicit JsonEncoder(nlohmann::json& out) : out_(out) {}

  template <typename T>
  void operator()(const char* key, const T& value, bool /*required*/ = false) {
    if constexpr (IsOptional<T>::value) {
      if (value) out_[key] = Encode(*value);
    } else {
      out_[key] = Encode(value);
    }
  }

  template <typename T>
  static nlohmann::json Encode(const T& value) {
    if constexpr (kIsLeaf<T>) {
      return value;
    } else if constexpr (IsMap<T>::value) {
      return value;
    } else if constexpr (IsVector<T>::value) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& e : value) a.push_back(Encode(e));
      return a;
    } else {
      nlohmann::json j = nlohmann::json::object();
      JsonEncoder enc(j);
      Visit(enc, const_cast<T&>(value));
      return j;
    }
  }

 private:
  nlohmann::json& out_;
};

class JsonDecoder {
 public:
  explicit JsonDecoder(json::Object& o) : o_(o) {}

  template <typename T>
  void operator()(const char* key, T& value, bool required = false) {
    if (!o_.valid()) return;
    const nlohmann::json* v = o_.Find(key);
    const std::string path = json::JoinPath(o_.path(), key);
    if (v == nullptr || v->is_null()) {
      if (required) o_.decoder().Fail(path, "required field is missing");
      return;
    }
    if constexpr (IsOptional<T>::value) {
      typename T::value_type inner{};
      if (Decode(*v, path, inner)) value = std::move(inner);
    } else {
      Decode(*v, path, value);
    }
  }

 private:
  template <typename T>
  bool Decode(const nlohmann::json& v, const std::string& path, T& out) {
    json::Decoder& d = o_.decoder();
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                  std::is_same_v<T, std::string> || std::is_same_v<T, std::uint64_t> ||
                  std::is_same_v<T, std::int64_t>) {
      return json::Read(v, path, d, out);
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
      std::uint64_t wide = 0;
      if (!json::Read(v, path, d, wide)) return false;
      if (wide > 0xffffffffULL) {
        d.Fail(path, "number out of range, got " + json::Describe(v));
        return false;
      }
      out = static_cast<std::uint32_t>(wide);
      return true;
    } else if constexpr (std::is_same_v<T, float>) {
      double wide = 0;
      if (!json::Read(v, path, d, wide)) return false;
      out = static_cast<float>(wide);
      return true;
    } else if constexpr (IsMap<T>::value) {
      if (!v.is_object()) {
        d.Fail(path, "expected an object, got " + json::Describe(v));
        return false;
      }
      out.clear();
      for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string kp = json::JoinPath(path, it.key());
        if (!json::Object::ValidKey(it.key())) {
          d.Fail(kp, "invalid key (use letters, digits, '_', '.', ':' or '-', at most 128)");
          return false;
        }
        typename T::mapped_type item{};
        if (!Decode(it.value(), kp, item)) return false;
        out.emplace(it.key(), std::move(item));
      }
      return true;
    } else if constexpr (IsVector<T>::value) {
      if (!v.is_array()) {
        d.Fail(path, "expected an array, got " + json::Describe(v));
        return false;
      }
      if (v.size() > json::kMaxArrayItems) {
        d.Fail(path, "too many items (" + std::to_string(v.size()) + ")");
        return false;
      }
      out.clear();
      out.reserve(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        typename T::value_type item{};
        if (!Decode(v[i], json::IndexPath(path, i), item)) return false;
        out.push_back(std::move(item));
      }
      return true;
    } else {
      json::Object nested(v, path, d);
      if (!nested.valid()) return false;
      JsonDecoder dec(nested);
      Visit(dec, out);
      return !d.failed();
    }
  }

  json::Object& o_;
};

// Encodes / decodes a whole visitable struct.
template <typename T>
nlohmann::json EncodeVisitable(const T& value) {
  return JsonEncoder::Encode(value);
}

template <typename T>
void DecodeVisitable(json::Object& o, T& value) {
  JsonDecoder dec(o);
  Visit(dec, value);
}

}  // namespace wardwatch::schema
