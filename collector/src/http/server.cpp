// HTTP/1.1 server on Boost.Beast: header first, authentication, then the body under a limit.
#include "http/server.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <type_traits>

#include "auth.h"
#include "fleet.h"
#include "log.h"

namespace wardwatch::collector::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

struct Server::Shared {
  const Router& router;
  Credentials credentials;
  ServerOptions options;
  std::unique_ptr<net::ssl::context> tls;  // set by Listen() when options.tls_cert is given
};

namespace {

constexpr std::size_t kLingerBytes = 256 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLargeBodyRead = 64 * 1024;  // Beast reads at most 64 KiB at a time

// A request body that is counted, not kept (Route::discard_body).
struct DiscardBody {
  using value_type = std::uint64_t;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& count) : count_(count) {}
    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) {
      count_ = 0;
      ec = {};
    }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      const std::size_t n = net::buffer_size(buffers);
      count_ += n;
      ec = {};
      return n;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& count_;
  };
};

Response Unauthorized(std::string_view message) {
  auto res = JsonError(bhttp::status::unauthorized, message);
  res.set(bhttp::field::www_authenticate, "Bearer");
  return res;
}

// nullopt when the request may proceed; otherwise the refusal.
std::optional<Response> Authenticate(const Route& route, const RequestHeader& header,
                                     const Credentials& creds, std::string& machine_id) {
  if (route.auth == AuthKind::kNone) return std::nullopt;
  if (route.auth == AuthKind::kEnrollToken && creds.enroll_token.empty()) {
    return JsonError(bhttp::status::forbidden,
                     "enrollment is disabled: this collector was started without --enroll-token");
  }
  const auto it = header.find(bhttp::field::authorization);
  const std::string_view token =
      it == header.end() ? std::string_view() : auth::BearerToken(it->value());
  if (token.empty()) {
    return Unauthorized("missing \"Authorization: Bearer <" + std::string(AuthName(route.auth)) +
                        ">\" header");
  }
  switch (route.auth) {
    case AuthKind::kEnrollToken:
      if (!auth::SecretMatches(token, creds.enroll_token))
        return Unauthorized("invalid enroll token");
      return std::nullopt;
    case AuthKind::kApiToken:
      if (!auth::SecretMatches(token, creds.api_token)) return Unauthorized("invalid api token");
      return std::nullopt;
    case AuthKind::kMachineToken: {
      if (creds.before_machine_auth) creds.before_machine_auth();
      auto id = creds.fleet != nullptr ? creds.fleet->Authenticate(token) : std::nullopt;
      if (!id) return Unauthorized("unknown or revoked machine token");
      machine_id = std::move(*id);
      return std::nullopt;
    }
    case AuthKind::kNone:
      break;
  }
  return std::nullopt;
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection; Stream is beast::tcp_stream (plain HTTP) or TlsStream (TLS, handshake first).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  Session(tcp::socket&& socket, std::shared_ptr<const Server::Shared> shared)
      : stream_(MakeStream(std::move(socket), *shared)), shared_(std::move(shared)) {}

  void Run() {
    if constexpr (kTls) {
      net::dispatch(stream_.get_executor(),
                    beast::bind_front_handler(&Session::Handshake, shared_from_this()));
    } else {
      net::dispatch(stream_.get_executor(),
                    beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
    }
  }

 private:
  static Stream MakeStream(tcp::socket&& socket, const Server::Shared& shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  const ServerOptions& opts() const { return shared_->options; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  std::string Peer() {
    beast::error_code ec;
    auto ep = lowest().socket().remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void Handshake() {
    if constexpr (kTls) {
      lowest().expires_after(opts().handshake_timeout);
      stream_.async_handshake(
          net::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
            if (ec) {
              // The usual cause is a client speaking plain HTTP to this port ("http request").
              LogWarn("tls: handshake with " + self->Peer() + " failed: " + ec.message() +
                      (ec.message().find("http request") != std::string::npos
                           ? " (plain HTTP sent to the TLS port; the client must use https://)"
                           : ""));
              return self->Close();
            }
            self->ReadHeader();
          });
    }
  }

  void ReadHeader() {
    header_parser_.emplace();
    header_parser_->header_limit(opts().header_limit_bytes);
    // The body limit is checked after authentication (OnHeader) and by the body parser; the
    // header parser would otherwise refuse a large Content-Length before we authenticate.
    // (Not boost::none: Beast 1.74 compares `len_ > body_limit_` and an empty optional is
    // less than any length.)
    header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    route_ = nullptr;
    // A fresh connection must send its header promptly; a kept-alive one may idle first.
    lowest().expires_after(first_request_ ? opts().header_timeout : opts().idle_timeout);
    first_request_ = false;
    bhttp::async_read_header(stream_, buffer_, *header_parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec == bhttp::error::header_limit) {
      return Refuse(JsonError(
          bhttp::status::request_header_fields_too_large,
          "request header exceeds " + std::to_string(opts().header_limit_bytes) + " bytes"));
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() ||
          buffer_.size() > 0) {
        return Refuse(
            JsonError(bhttp::status::bad_request, "malformed HTTP request: " + ec.message()));
      }
      return Close();
    }
    header_received_ = std::chrono::steady_clock::now();
    const auto& header = header_parser_->get();
    version_ = header.version();
    auto match = shared_->router.Find(header.method(), header.target());
    if (match.route == nullptr) {
      if (match.other_method) {
        return Refuse(JsonError(bhttp::status::method_not_allowed,
                                "method " + std::string(header.method_string()) +
                                    " is not allowed on " + std::string(header.target())));
      }
      return Refuse(
          JsonError(bhttp::status::not_found, "no such endpoint: " + std::string(header.target())));
    }
    route_ = match.route;
    params_ = std::move(match.params);
    machine_id_.clear();
    if (auto refusal = Authenticate(*route_, header, shared_->credentials, machine_id_)) {
      LogWarn("http: " + Peer() + " " + std::string(header.method_string()) + " " +
              std::string(header.target()) + " refused before reading the body: " +
              std::to_string(refusal->result_int()) + " " + refusal->body().str());
      return Refuse(std::move(*refusal));
    }
    if (route_->check_header) {
      if (auto refusal = route_->check_header(header)) return Refuse(std::move(*refusal));
    }
    limit_ = route_->max_body != 0 ? route_->max_body : opts().max_body_bytes;
    if (auto length = header_parser_->content_length(); length && *length > limit_) {
      return Refuse(JsonError(bhttp::status::payload_too_large,
                              "request body of " + std::to_string(*length) + " bytes exceeds " +
                                  std::to_string(limit_) + " bytes"));
    }
    const auto expect = header.find(bhttp::field::expect);
    const bool invite = expect != header.end() && beast::iequals(expect->value(), "100-continue");
    if (route_->discard_body) {
      discard_parser_.emplace(std::move(*header_parser_));
      discard_parser_->body_limit(limit_);
      // Beast reads at most the buffer's free capacity (a few KiB after the header): a large
      // body would take one read, one timer and one epoll round per 8 KiB. Given back in OnBody.
      buffer_.reserve(kLargeBodyRead);
    } else {
      body_parser_.emplace(std::move(*header_parser_));
      body_parser_->body_limit(limit_);
    }
    header_parser_.reset();
    if (invite) {
      // Authenticated: now invite the body (curl waits for this before sending it).
      continue_ =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, version_);
      lowest().expires_after(TransferTimeout());
      bhttp::async_write(stream_, *continue_,
                         [self = shared_from_this()](beast::error_code wec, std::size_t) {
                           if (wec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  // The route's transfer timeout, or the server's body timeout.
  std::chrono::seconds TransferTimeout() const {
    return route_ != nullptr && route_->transfer_timeout.count() > 0 ? route_->transfer_timeout
                                                                     : opts().body_timeout;
  }

  void ReadBody() {
    lowest().expires_after(TransferTimeout());
    if (discard_parser_) {
      bhttp::async_read(stream_, buffer_, *discard_parser_,
                        beast::bind_front_handler(&Session::OnBody, shared_from_this()));
    } else {
      bhttp::async_read(stream_, buffer_, *body_parser_,
                        beast::bind_front_handler(&Session::OnBody, shared_from_this()));
    }
  }

  void OnBody(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::body_limit) {
      return Refuse(JsonError(bhttp::status::payload_too_large,
                              "request body exceeds " + std::to_string(limit_) + " bytes"));
    }
    if (ec == beast::error::timeout) {
      LogWarn("http: " + Peer() + " body not received within " +
              std::to_string(TransferTimeout().count()) + " s; connection closed");
      return Close();
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        return Refuse(
            JsonError(bhttp::status::bad_request, "malformed HTTP body: " + ec.message()));
      }
      return Close();
    }
    lowest().expires_never();  // the handler may wait for the store; the write sets a new timer
    if (discard_parser_) {
      auto counted = discard_parser_->release();
      ctx_.message.base() = std::move(counted.base());
      ctx_.discarded_bytes = counted.body();
      discard_parser_.reset();
      buffer_.shrink_to_fit();
    } else {
      ctx_.message = body_parser_->release();
      body_parser_.reset();
    }
    ctx_.params = std::move(params_);
    ctx_.machine_id = machine_id_;
    ctx_.header_received = header_received_;
    ctx_.body_received = std::chrono::steady_clock::now();
    keep_alive_ = ctx_.message.keep_alive();
    auto self = shared_from_this();
    Responder respond = [self](Response res) {
      net::post(self->stream_.get_executor(), [self, r = std::move(res)]() mutable {
        self->Write(std::move(r), /*close=*/false);
      });
    };
    try {
      route_->handler(ctx_, std::move(respond));
    } catch (const std::exception& e) {
      LogError(std::string("http: handler for ") + route_->pattern + " failed: " + e.what());
      Write(JsonError(bhttp::status::internal_server_error, "internal error"), true);
    }
  }

  // Refuses without reading (the rest of) the body: the connection closes after the answer.
  void Refuse(Response res) {
    if (route_ != nullptr && route_->on_refused) route_->on_refused(res.result());
    Write(std::move(res), /*close=*/true);
  }

  void Write(Response res, bool close) {
    res.version(version_ == 10 ? 10 : 11);
    res.keep_alive(!close && keep_alive_);
    res.set(bhttp::field::server, "wardwatch-collector");
    res.prepare_payload();
    response_ = std::make_shared<Response>(std::move(res));
    lowest().expires_after(TransferTimeout());
    bhttp::async_write(stream_, *response_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->Close();
                         const bool again = self->response_->keep_alive();
                         self->response_.reset();
                         self->ctx_ = RequestContext{};
                         if (again) return self->ReadHeader();
                         self->Linger();
                       });
  }

  // Half-close, then read and discard a bounded amount so the client sees our answer rather
  // than a reset caused by its unread body.
  void Linger() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    lowest().expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ >= kLingerBytes) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }

  Stream stream_;
  std::shared_ptr<const Server::Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
  std::optional<bhttp::request_parser<DiscardBody>> discard_parser_;
  std::shared_ptr<bhttp::response<bhttp::empty_body>> continue_;
  std::shared_ptr<Response> response_;
  const Route* route_ = nullptr;
  std::map<std::string, std::string, std::less<>> params_;
  std::string machine_id_;
  RequestContext ctx_;
  std::chrono::steady_clock::time_point header_received_;
  std::size_t limit_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool first_request_ = true;
  std::array<char, 16 * 1024> drain_{};
  std::size_t drained_ = 0;
};

}  // namespace

Server::Server(net::io_context& ioc, const Router& router, Credentials credentials,
               ServerOptions options)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      shared_(std::make_shared<Shared>(
          Shared{router, std::move(credentials), std::move(options), nullptr})) {}

Server::~Server() = default;

namespace {

// TLS 1.2 or newer only, the server's certificate chain and key, and with a client CA the
// requirement that clients present a certificate it signed.
Result<std::unique_ptr<net::ssl::context>> MakeTlsContext(const ServerOptions& o) {
  if (o.tls_key.empty()) return MakeError("--tls-cert needs --tls-key");
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  beast::error_code ec;
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                   ec);
  if (ec) return MakeError("cannot configure TLS: " + ec.message());
  if (ctx->use_certificate_chain_file(o.tls_cert, ec); ec) {
    return MakeError("--tls-cert " + o.tls_cert +
                     ": cannot load the certificate chain: " + ec.message());
  }
  if (ctx->use_private_key_file(o.tls_key, net::ssl::context::pem, ec); ec) {
    return MakeError("--tls-key " + o.tls_key + ": cannot load the private key: " + ec.message());
  }
  if (!o.tls_client_ca.empty()) {
    if (ctx->load_verify_file(o.tls_client_ca, ec); ec) {
      return MakeError("--tls-client-ca " + o.tls_client_ca + ": cannot load: " + ec.message());
    }
    ctx->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

}  // namespace

Result<std::uint16_t> Server::Listen() {
  beast::error_code ec;
  if (!shared_->options.tls_cert.empty() && !shared_->tls) {
    auto tls = MakeTlsContext(shared_->options);
    if (!tls) return MakeError(tls.error());
    shared_->tls = std::move(*tls);
  } else if (shared_->options.tls_cert.empty() && !shared_->options.tls_client_ca.empty()) {
    return MakeError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  const auto address = net::ip::make_address(shared_->options.address, ec);
  if (ec)
    return MakeError("invalid listen address \"" + shared_->options.address +
                     "\": " + ec.message());
  const tcp::endpoint endpoint(address, shared_->options.port);
  const std::string where = shared_->options.address + ":" + std::to_string(shared_->options.port);
  if (acceptor_.open(endpoint.protocol(), ec); ec)
    return MakeError("cannot open socket: " + ec.message());
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return MakeError("cannot set SO_REUSEADDR: " + ec.message());
  }
  if (acceptor_.bind(endpoint, ec); ec)
    return MakeError("cannot listen on " + where + ": " + ec.message());
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
    return MakeError("cannot listen on " + where + ": " + ec.message());
  }
  return acceptor_.local_endpoint().port();
}

void Server::Start() {
  net::dispatch(acceptor_.get_executor(), [this] { Accept(); });
}

void Server::Stop() {
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

void Server::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      LogWarn("http: accept failed: " + ec.message());
    } else {
      if (shared_->tls) {
        std::make_shared<Session<TlsStream>>(std::move(socket), shared_)->Run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), shared_)->Run();
      }
    }
    Accept();
  });
}

}  // namespace wardwatch::collector::http
