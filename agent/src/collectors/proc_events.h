// proc_events: program starts as the kernel announces them (the netlink process connector,
// PROC_EVENT_EXEC), so a program that starts and ends between two process sweeps is still
// counted under its name. Before Linux 6.6 the connector needs CAP_NET_ADMIN (an agent run as
// root has it); later kernels let any user listen. Without it OpenProcEvents says why and the
// apps collector counts starts from the sweeps' list deltas alone (docs/software.md). Linux
// only; Windows answers "not available".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::agent {

// One program start: the process id and, read at once from /proc, its name and executable
// (empty when the process was already gone or belongs to another user).
struct ExecEvent {
  std::int64_t pid = 0;
  std::string comm;
  std::string exe;
};

// The process id of an exec announcement in one netlink message from the process connector
// (nlmsghdr, cn_msg, proc_event); nullopt for other events, other senders, truncated or
// malformed messages. Pure: table-tested on constructed bytes.
std::optional<std::int64_t> ExecPidFromConnectorMessage(std::span<const std::uint8_t> message);

class ProcEvents {
 public:
  virtual ~ProcEvents() = default;
  // The starts since the last call, oldest first. At most kMaxPending are kept between calls;
  // the rest, and any the kernel dropped (socket overrun), are counted in `lost`.
  virtual std::vector<ExecEvent> Drain(std::uint64_t& lost) = 0;
  // Connector messages that reached the agent so far. The kernel filters out everything but
  // exec announcements, so forks and exits do not wake the agent (proc_events_test).
  virtual std::uint64_t MessagesReceived() const = 0;

  static constexpr std::size_t kMaxPending = 4096;
};

// Subscribes to the connector and starts a thread that names each start as it arrives.
// `procfs` is where /proc is (the names are read there).
Result<std::unique_ptr<ProcEvents>> OpenProcEvents(const std::string& procfs);

}  // namespace wardwatch::agent
