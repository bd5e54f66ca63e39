// The process connector's message layout, read without the kernel headers so the parser builds
// and is tested everywhere: nlmsghdr (16 bytes), cn_msg (20), then proc_event: what, cpu,
// timestamp (16), and for PROC_EVENT_EXEC the pid and tgid. Fields are in host byte order.
#include "collectors/proc_events.h"

#include <cstring>

namespace wardwatch::agent {
namespace {

constexpr std::size_t kNlHeader = 16, kCnHeader = 20, kEventHeader = 16;
constexpr std::uint32_t kCnIdxProc = 1, kCnValProc = 1;  // CN_IDX_PROC, CN_VAL_PROC
constexpr std::uint32_t kProcEventExec = 2;              // PROC_EVENT_EXEC

template <class T>
T Load(std::span<const std::uint8_t> bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

}  // namespace

std::optional<std::int64_t> ExecPidFromConnectorMessage(std::span<const std::uint8_t> message) {
  if (message.size() < kNlHeader + kCnHeader) return std::nullopt;
  const auto nl_len = Load<std::uint32_t>(message, 0);
  if (nl_len < kNlHeader + kCnHeader || nl_len > message.size()) return std::nullopt;
  const std::size_t cn = kNlHeader;
  if (Load<std::uint32_t>(message, cn) != kCnIdxProc ||
      Load<std::uint32_t>(message, cn + 4) != kCnValProc) {
    return std::nullopt;
  }
  const std::size_t data_len = Load<std::uint16_t>(message, cn + 16);
  const std::size_t ev = cn + kCnHeader;
  // An exec event carries the pid and the tgid after the event header.
  if (data_len < kEventHeader + 8 || ev + data_len > nl_len) return std::nullopt;
  if (Load<std::uint32_t>(message, ev) != kProcEventExec) return std::nullopt;
  const auto tgid = Load<std::int32_t>(message, ev + kEventHeader + 4);
  if (tgid <= 0) return std::nullopt;
  return tgid;
}

}  // namespace wardwatch::agent
