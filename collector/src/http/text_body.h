// A Beast body for the collector's answers: an owned string, optionally preceded by a shared,
// immutable text in pieces. /metrics answers with the fleet's series as the shared part (pieces
// of each machine's cached lines, 26 MB at 1,000 machines, never joined into one string) and
// the few self-metrics as the owned part.
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
#include <vector>

namespace wardwatch::collector::http {

// Immutable text made of pieces whose storage `owners` keeps alive.
struct SharedText {
  std::vector<std::string_view> pieces;
  std::vector<std::shared_ptr<const void>> owners;
  std::size_t size = 0;

  void Append(std::string_view piece) {
    if (piece.empty()) return;
    pieces.push_back(piece);
    size += piece.size();
  }
  // The whole text joined (tests, tools; the server never joins it).
  std::string str() const {
    std::string out;
    out.reserve(size);
    for (const std::string_view p : pieces) out.append(p);
    return out;
  }
};

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
    void set(std::shared_ptr<const SharedText> shared, std::string owned) {
      shared_ = std::move(shared);
      owned_ = std::move(owned);
    }
    const SharedText* shared() const { return shared_.get(); }
    std::string_view owned() const { return owned_; }
    std::size_t size() const { return (shared_ ? shared_->size : 0) + owned_.size(); }
    // A copy of the whole body, for logs and tests.
    std::string str() const { return (shared_ ? shared_->str() : std::string()).append(owned_); }

   private:
    std::shared_ptr<const SharedText> shared_;
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

    // The shared pieces, then the owned part. A piece of at least kGather bytes goes out as it
    // is; smaller ones (a machine's lines of one family, a few hundred bytes) are gathered into
    // one buffer first, so a page of 150,000 pieces is not 150,000 writes.
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      const SharedText* shared = body_.shared();
      const std::size_t count = shared ? shared->pieces.size() : 0;
      if (next_ < count) {
        const auto& pieces = shared->pieces;
        if (pieces[next_].size() >= kGather) {
          const std::string_view p = pieces[next_++];
          return {{const_buffers_type(p.data(), p.size()), More(count)}};
        }
        gathered_.clear();
        if (gathered_.capacity() < kGather) gathered_.reserve(kGather);
        while (next_ < count && gathered_.size() + pieces[next_].size() <= kGather) {
          gathered_.append(pieces[next_++]);
        }
        return {{const_buffers_type(gathered_.data(), gathered_.size()), More(count)}};
      }
      if (!owned_sent_) {
        owned_sent_ = true;
        const std::string_view owned = body_.owned();
        if (!owned.empty()) return {{const_buffers_type(owned.data(), owned.size()), false}};
      }
      return boost::none;
    }

   private:
    static constexpr std::size_t kGather = 64 * 1024;
    bool More(std::size_t count) const { return next_ < count || !body_.owned().empty(); }

    const value_type& body_;
    std::size_t next_ = 0;  // the next shared piece
    bool owned_sent_ = false;
    std::string gathered_;
  };
};

}  // namespace wardwatch::collector::http
