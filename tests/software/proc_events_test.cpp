// Program starts from the kernel's process connector: the message parser on constructed bytes
// (every truncation, other events, other senders), and on the live machine, programs that live
// 50 ms, far shorter than a process sweep, counted and named.
#include "collectors/proc_events.h"

#include <doctest/doctest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

using namespace wardwatch::agent;

extern char** environ;

namespace {

// nlmsghdr + cn_msg + proc_event, as the kernel lays them out.
std::vector<std::uint8_t> Message(std::uint32_t what, std::int32_t tgid, std::uint32_t idx = 1,
                                  std::uint32_t val = 1) {
  std::vector<std::uint8_t> m(16 + 20 + 16 + 8, 0);
  auto put32 = [&m](std::size_t at, std::uint32_t v) { std::memcpy(m.data() + at, &v, 4); };
  put32(0, static_cast<std::uint32_t>(m.size()));  // nlmsg_len
  put32(16, idx);
  put32(20, val);
  const std::uint16_t len = 16 + 8;
  std::memcpy(m.data() + 16 + 16, &len, 2);  // cn_msg.len
  put32(36, what);
  put32(36 + 16, static_cast<std::uint32_t>(tgid));      // process_pid
  put32(36 + 16 + 4, static_cast<std::uint32_t>(tgid));  // process_tgid
  return m;
}

}  // namespace

TEST_CASE("process connector messages: exec announcements and everything else") {
  struct Case {
    const char* what;
    std::vector<std::uint8_t> bytes;
    std::optional<std::int64_t> pid;
  };
  auto long_len = Message(2, 4242);
  const std::uint32_t too_long = static_cast<std::uint32_t>(long_len.size() + 1);
  std::memcpy(long_len.data(), &too_long, 4);
  auto short_data = Message(2, 4242);
  const std::uint16_t tiny = 16;
  std::memcpy(short_data.data() + 32, &tiny, 2);
  const Case cases[] = {
      {"exec", Message(2, 4242), 4242},
      {"fork", Message(1, 4242), std::nullopt},
      {"exit", Message(0x80000000u, 4242), std::nullopt},
      {"another connector (idx 2)", Message(2, 4242, 2, 1), std::nullopt},
      {"another value", Message(2, 4242, 1, 7), std::nullopt},
      {"nlmsg_len past the datagram", long_len, std::nullopt},
      {"event data too short for a pid", short_data, std::nullopt},
      {"pid 0", Message(2, 0), std::nullopt},
      {"negative pid", Message(2, -5), std::nullopt},
      {"empty", {}, std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    CHECK(ExecPidFromConnectorMessage(c.bytes) == c.pid);
  }
  const auto whole = Message(2, 99);
  for (std::size_t n = 0; n < whole.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(ExecPidFromConnectorMessage(std::span(whole.data(), n)).has_value());
  }
}

TEST_CASE("live: programs shorter than a sweep are announced and named") {
  auto events = OpenProcEvents("/proc");
  if (!events) {
    // Without CAP_NET_ADMIN the agent is told why, and says it counts from sweeps only.
    MESSAGE("process connector not available here: " << events.error());
    if (::geteuid() != 0) CHECK(events.error().find("CAP_NET_ADMIN") != std::string::npos);
    return;
  }
  std::uint64_t lost = 0;
  (void)(*events)->Drain(lost);
  constexpr int kRuns = 20;
  for (int i = 0; i < kRuns; ++i) {
    pid_t pid = 0;
    const char* argv[] = {"sleep", "0.05", nullptr};
    REQUIRE(::posix_spawnp(&pid, "sleep", nullptr, nullptr, const_cast<char**>(argv), environ) ==
            0);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  int named = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (named < kRuns && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (const auto& e : (*events)->Drain(lost)) {
      if (e.comm == "sleep" && e.exe.ends_with("/sleep")) ++named;
    }
  }
  CHECK(named >= kRuns);
  CHECK(lost == 0);
}

TEST_CASE("live: forks and exits do not reach the agent, only execs") {
  auto events = OpenProcEvents("/proc");
  if (!events) return;  // the test above says why
  // Each child forks and exits without exec: two announcements each (fork, exit) that the
  // kernel's filter must drop. Other programs starting on the machine meanwhile do reach the
  // agent, but far fewer than 2 x kChildren in this short window.
  constexpr int kChildren = 300;
  const std::uint64_t before = (*events)->MessagesReceived();
  for (int i = 0; i < kChildren; ++i) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::uint64_t got = (*events)->MessagesReceived() - before;
  MESSAGE(got << " messages for " << kChildren << " forks without exec");
  CHECK(got < kChildren / 2);
}
