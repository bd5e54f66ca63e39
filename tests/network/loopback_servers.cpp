// Loopback servers for the network tests.
#include "loopback_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace wardwatch::testing {
namespace {

sockaddr_in Loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void WriteAll(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

int Run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

LoopbackSocket::LoopbackSocket(int type, bool listen) {
  fd_ = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in a = Loopback(0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
  }
  if (listen && ::listen(fd_, 64) != 0) throw std::runtime_error("listen failed");
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

LoopbackSocket::~LoopbackSocket() {
  if (fd_ >= 0) ::close(fd_);
}

HttpServer::HttpServer(std::string body, int delay_ms, Handler handler)
    : socket_(SOCK_STREAM, true),
      body_(std::move(body)),
      delay_ms_(delay_ms),
      handler_(std::move(handler)) {
  thread_ = std::thread([this] { Serve(); });
}

HttpServer::~HttpServer() {
  stop_ = true;
  thread_.join();
}

void HttpServer::Serve() {
  while (!stop_) {
    pollfd p{socket_.fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int c = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::string req;
    char buf[65536];
    std::size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<std::size_t>(n));
      header_end = req.find("\r\n\r\n");
    }
    if (header_end == std::string::npos) {
      ::close(c);
      continue;
    }
    const std::string method = req.substr(0, req.find(' '));
    const auto t0 = req.find(' ') + 1;
    const std::string target = req.substr(t0, req.find(' ', t0) - t0);
    std::uint64_t length = 0;
    for (const char* h : {"Content-Length: ", "content-length: "}) {
      if (auto pos = req.find(h); pos != std::string::npos) {
        length = std::strtoull(req.c_str() + pos + std::strlen(h), nullptr, 10);
      }
    }
    std::uint64_t got = req.size() - header_end - 4;
    while (got < length) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      got += static_cast<std::uint64_t>(n);
    }
    ++requests_;
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    int status = 200;
    std::string body = body_;
    if (handler_) std::tie(status, body) = handler_(method, target, got);
    WriteAll(c, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n");
    WriteAll(c, body);
    ::shutdown(c, SHUT_WR);
    ::close(c);
  }
}

HttpsServer::HttpsServer(const std::string& dir)
    : cert_(dir + "/cert.pem"), key_(dir + "/key.pem") {
  if (Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-keyout", key_, "-out", cert_, "-days", "1", "-subj", "/CN=127.0.0.1",
           "-addext", "subjectAltName=IP:127.0.0.1"}) != 0) {
    return;
  }
  {
    LoopbackSocket probe(SOCK_STREAM, false);  // a free port, released just before the spawn
    port_ = probe.port();
  }
  const std::string accept = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> argv = {"openssl", "s_server", "-accept", accept, "-cert",
                                   cert_,     "-key",     key_,      "-www", "-quiet"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, "openssl", &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return;
  pid_ = pid;
  if (!WaitForTcp(port_, 5000)) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

HttpsServer::~HttpsServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

DnsServer::DnsServer() : socket_(SOCK_DGRAM, false) {
  thread_ = std::thread([this] {
    unsigned char buf[512];
    while (!stop_) {
      pollfd p{socket_.fd(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n =
          ::recvfrom(socket_.fd(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 17) continue;
      ++queries_;
      const std::string first_label(reinterpret_cast<char*>(buf + 13), buf[12]);
      if (first_label == "silent") continue;
      buf[2] |= 0x80;  // QR: a response
      buf[3] = first_label == "nx" ? 3 : 0;
      ::sendto(socket_.fd(), buf, static_cast<std::size_t>(n), 0,
               reinterpret_cast<sockaddr*>(&from), len);
    }
  });
}

DnsServer::~DnsServer() {
  stop_ = true;
  thread_.join();
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/wardwatch-network-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

bool WaitForTcp(std::uint16_t port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = Loopback(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace wardwatch::testing
