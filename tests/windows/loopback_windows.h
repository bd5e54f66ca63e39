// Servers the Windows tests start on 127.0.0.1 (never another address): a one-shot HTTP
// server, a bound port that refuses connections and a UDP DNS responder.
#pragma once

#include <winsock2.h>
#include <ws2tcpip.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace wardwatch::testing {

class OneShotServer {
 public:
  // Answers each connection with `answer` (after reading the request) until stopped.
  explicit OneShotServer(std::string answer, int delay_ms = 0)
      : answer_(std::move(answer)), delay_ms_(delay_ms) {
    WSADATA wsa;
    ::WSAStartup(MAKEWORD(2, 2), &wsa);
    listener_ = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener_, 4);
    int len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    stop_ = true;
    ::closesocket(listener_);
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string last_request() {
    std::lock_guard lock(mu_);
    return request_;
  }
  int requests() const { return requests_; }
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      SOCKET c = ::accept(listener_, nullptr, nullptr);
      if (c == INVALID_SOCKET) return;
      std::string req;
      char buf[4096];
      // Headers, then Content-Length bytes of body.
      for (;;) {
        const int n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<std::size_t>(n));
        const auto end = req.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        std::size_t want = 0;
        if (auto cl = req.find("Content-Length: "); cl != std::string::npos) {
          want = std::stoul(req.substr(cl + 16));
        }
        if (req.size() >= end + 4 + want) break;
      }
      {
        std::lock_guard lock(mu_);
        request_ = req;
      }
      ++requests_;
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      ::send(c, answer_.data(), static_cast<int>(answer_.size()), 0);
      ::shutdown(c, SD_SEND);
      ::closesocket(c);
    }
  }

  std::string answer_;
  int delay_ms_;
  SOCKET listener_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::string request_;
  std::thread thread_;
};

// A TCP port on 127.0.0.1 that is bound but not listening: connections to it are refused.
class RefusingPort {
 public:
  RefusingPort() {
    WSADATA wsa;
    ::WSAStartup(MAKEWORD(2, 2), &wsa);
    s_ = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    int len = sizeof a;
    ::getsockname(s_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~RefusingPort() { ::closesocket(s_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  SOCKET s_;
  int port_ = 0;
};

// A DNS responder on UDP 127.0.0.1: names starting "nx." get NXDOMAIN, "silent." no answer,
// others NOERROR with no records.
class DnsResponder {
 public:
  DnsResponder() {
    WSADATA wsa;
    ::WSAStartup(MAKEWORD(2, 2), &wsa);
    s_ = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    int len = sizeof a;
    ::getsockname(s_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~DnsResponder() {
    stop_ = true;
    ::closesocket(s_);
    thread_.join();
  }
  DnsResponder(const DnsResponder&) = delete;
  DnsResponder& operator=(const DnsResponder&) = delete;
  int port() const { return port_; }
  int queries() const { return queries_; }

 private:
  void Serve() {
    char buf[1500];
    while (!stop_) {
      sockaddr_in from{};
      int from_len = sizeof from;
      const int n =
          ::recvfrom(s_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) {
        if (stop_) return;
        continue;
      }
      if (n < 13) continue;
      ++queries_;
      const std::string first_label(buf + 13, static_cast<std::size_t>(buf[12]));
      if (first_label == "silent") continue;
      std::string answer(buf, static_cast<std::size_t>(n));
      answer[2] = static_cast<char>(0x81);                               // response, RD
      answer[3] = static_cast<char>(first_label == "nx" ? 0x83 : 0x80);  // RA + rcode
      // A stray answer with another id first: the probe must wait for its own.
      std::string stray = answer;
      stray[1] = static_cast<char>(stray[1] ^ 0x55);
      ::sendto(s_, stray.data(), static_cast<int>(stray.size()), 0,
               reinterpret_cast<sockaddr*>(&from), from_len);
      ::sendto(s_, answer.data(), static_cast<int>(answer.size()), 0,
               reinterpret_cast<sockaddr*>(&from), from_len);
    }
  }

  SOCKET s_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

}  // namespace wardwatch::testing
