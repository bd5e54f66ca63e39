// A Beast body for the collector's answers: an owned string, optionally preceded by a shared,
// immutable one. /metrics answers with the cached fleet page (25 MB at 1,000 machines) as the
// shared part and the few self-metrics as the owned part, so a scrape copies nothing.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace wardwatch::collector::http {

struct TextBody {
  class value_type {
   public:
    value_type() = default;
    // Assigning a string replaces the whole body (the shared part too).
    value_type& operator=(std::string text) {
      shared_.reset();
      owned_ = std::move(text);
      return *this;
    }
    void set(std::shared_ptr<const std::string> shared, std::string owned) {
      shared_ = std::move(shared);
      owned_ = std::move(owned);
    }
    std::string_view shared() const { return shared_ ? std::string_view(*shared_) : ""; }
    std::string_view owned() const { return owned_; }
    std::size_t size() const { return shared().size() + owned_.size(); }
    // A copy of the whole body, for logs and tests.
    std::string str() const { return std::string(shared()).append(owned_); }

   private:
    std::shared_ptr<const std::string> shared_;
    std::string owned_;
  };

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    // The shared part, then the owned part; empty parts are skipped.
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      while (part_ < 2) {
        const std::string_view text = part_ == 0 ? body_.shared() : body_.owned();
        ++part_;
        if (text.empty()) continue;
        const bool more = part_ == 1 && !body_.owned().empty();
        return {{const_buffers_type(text.data(), text.size()), more}};
      }
      return boost::none;
    }

   private:
    const value_type& body_;
    int part_ = 0;
  };
};

}  // namespace wardwatch::collector::http
