// proc_events on Linux: a netlink socket subscribed to the process connector, and a thread
// that reads its announcements as they come and names each exec'd process at once from
// /proc/PID/comm and /proc/PID/exe, before a short-lived program is gone.
#include <arpa/inet.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "collectors/proc_events.h"
#include "collectors/processes.h"
#include "fd_linux.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::string Errno(int err) { return std::strerror(err); }

// An in-kernel filter that lets only exec announcements reach the socket. Without it every
// process's fork, comm, exit (and uid, sid, ptrace...) announcements wake the thread too: four
// or more wake-ups per short-lived program instead of one, and more of the socket's buffer
// used. The announcement's `what` follows the netlink and connector headers; a classic BPF
// load reads it in network byte order.
Status AttachExecOnlyFilter(int fd) {
  constexpr std::uint32_t kWhatOffset = NLMSG_LENGTH(0) + sizeof(cn_msg);
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kWhatOffset),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(proc_event::PROC_EVENT_EXEC), 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),  // exec: keep all of it
      BPF_STMT(BPF_RET | BPF_K, 0),            // anything else: drop in the kernel
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(code)), code};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
    return MakeError("process connector: filter: " + Errno(errno));
  }
  return Status::Ok();
}

class LinuxProcEvents : public ProcEvents {
 public:
  LinuxProcEvents(UniqueFd socket, UniqueFd wake, std::string procfs)
      : socket_(std::move(socket)), wake_(std::move(wake)), procfs_(std::move(procfs)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~LinuxProcEvents() override {
    const std::uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }

  std::vector<ExecEvent> Drain(std::uint64_t& lost) override {
    std::lock_guard lock(mu_);
    std::vector<ExecEvent> out(std::make_move_iterator(pending_.begin()),
                               std::make_move_iterator(pending_.end()));
    pending_.clear();
    lost += lost_;
    lost_ = 0;
    return out;
  }

  std::uint64_t MessagesReceived() const override { return received_.load(); }

 private:
  void Loop() {
    std::vector<std::uint8_t> buf(64 * 1024);
    pollfd fds[2] = {{socket_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      const ssize_t n = ::recv(socket_.get(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) {  // the kernel dropped announcements we read too slowly
          std::lock_guard lock(mu_);
          ++lost_;
        } else if (errno != EAGAIN && errno != EINTR) {
          return;
        }
        continue;
      }
      // One datagram may hold several netlink messages.
      const std::span<const std::uint8_t> data(buf.data(), static_cast<std::size_t>(n));
      for (std::size_t at = 0; at + sizeof(nlmsghdr) <= data.size();) {
        std::uint32_t len = 0;
        std::memcpy(&len, data.data() + at, sizeof len);
        if (len < sizeof(nlmsghdr) || at + len > data.size()) break;
        received_.fetch_add(1, std::memory_order_relaxed);
        if (auto pid = ExecPidFromConnectorMessage(data.subspan(at, len))) Name(*pid);
        at += NLMSG_ALIGN(len);
      }
    }
  }

  void Name(std::int64_t pid) {
    ExecEvent e;
    e.pid = pid;
    const std::string dir = procfs_ + "/" + std::to_string(pid);
    if (auto comm = ReadFile(dir + "/comm", 64)) e.comm = std::string(Trim(*comm));
    char buf[4096];
    const ssize_t got = ::readlink((dir + "/exe").c_str(), buf, sizeof buf);
    if (got > 0) e.exe = CleanExePath(std::string_view(buf, static_cast<std::size_t>(got)));
    std::lock_guard lock(mu_);
    if (pending_.size() >= kMaxPending) {
      ++lost_;
    } else {
      pending_.push_back(std::move(e));
    }
  }

  UniqueFd socket_, wake_;
  std::string procfs_;
  std::mutex mu_;
  std::deque<ExecEvent> pending_;  // under mu_
  std::uint64_t lost_ = 0;         // under mu_
  std::atomic<std::uint64_t> received_{0};
  std::thread thread_;  // last: started when everything it uses exists
};

}  // namespace

Result<std::unique_ptr<ProcEvents>> OpenProcEvents(const std::string& procfs) {
  UniqueFd sock(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR));
  if (!sock) return MakeError("process connector: socket: " + Errno(errno));
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    const int err = errno;
    return MakeError("process connector: " + Errno(err) +
                     (err == EPERM ? " (before Linux 6.6 it needs CAP_NET_ADMIN, which the agent "
                                     "does not have, so starts are counted from process sweeps "
                                     "only)"
                                   : ""));
  }
  // Subscribe: nlmsghdr, cn_msg, then the operation PROC_CN_MCAST_LISTEN.
  std::uint8_t msg[sizeof(nlmsghdr) + sizeof(cn_msg) + sizeof(std::uint32_t)] = {};
  nlmsghdr nl{};
  nl.nlmsg_len = sizeof msg;
  nl.nlmsg_type = NLMSG_DONE;
  nl.nlmsg_pid = static_cast<std::uint32_t>(::getpid());
  cn_msg cn{};
  cn.id.idx = CN_IDX_PROC;
  cn.id.val = CN_VAL_PROC;
  cn.len = sizeof(std::uint32_t);
  const std::uint32_t op = PROC_CN_MCAST_LISTEN;
  std::memcpy(msg, &nl, sizeof nl);
  std::memcpy(msg + sizeof nl, &cn, sizeof cn);
  std::memcpy(msg + sizeof nl + sizeof cn, &op, sizeof op);
  if (::send(sock.get(), msg, sizeof msg, 0) < 0) {
    return MakeError("process connector: subscribing: " + Errno(errno));
  }
  if (auto s = AttachExecOnlyFilter(sock.get()); !s) return MakeError(s.error());
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC));
  if (!wake) return MakeError("process connector: eventfd: " + Errno(errno));
  return std::unique_ptr<ProcEvents>(
      std::make_unique<LinuxProcEvents>(std::move(sock), std::move(wake), procfs));
}

}  // namespace wardwatch::agent
