// Result<T>: a value or an error message, for failures that are expected (bad input, missing
// file, collector away). Exceptions stay for programmer and configuration errors.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace wardwatch {

struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Empty on success (like Status::error()), so a message can name it either way.
  const std::string& error() const {
    static const std::string kNone;
    const Error* e = std::get_if<Error>(&v_);
    return e != nullptr ? e->message : kNone;
  }

 private:
  std::variant<T, Error> v_;
};

// Status: success, or an error message.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error.message)), failed_(true) {}  // NOLINT

  static Status Ok() { return Status(); }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

inline Error MakeError(std::string message) { return Error{std::move(message)}; }

}  // namespace wardwatch
