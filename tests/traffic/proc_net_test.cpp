// Tests the /proc/net/{tcp,tcp6,udp} parser on text fixtures and the Linux socket table on a
// procfs tree built by the test (fd links to socket inodes, comm files).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "packet_builder.h"
#include "wardwatch/traffic/decode.h"
#include "wardwatch/traffic/socket_table.h"

using namespace wardwatch::traffic;
using wardwatch::traffic::testing::Ip;
namespace fs = std::filesystem;

namespace {

// Captured from Linux 6.x (x86_64, little-endian), trimmed.
constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode                                                     \n"
    "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
    "0 585 1 0000000078fa5e7c 100 0 0 10 0                       \n"
    "   1: 0A01A8C0:C350 22D8B85D:01BB 01 00000000:00000000 02:0000A1B2 00000000  1000        "
    "0 91234 2 00000000a1b2c3d4 20 4 30 10 -1                     \n";
constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 17001 1 0000000000000000 100 0 0 10 "
    "0\n"
    "   1: B80D0120000000000000000001000000:D431 B80D0120000000000000000002000000:01BB 01 "
    "00000000:00000000 00:00000000 00000000  1000        0 17002 1 0000000000000000 20 4 30 10 "
    "-1\n";
constexpr const char* kUdp =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode ref pointer drops            \n"
    "  211: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   110        "
    "0 30001 2 0000000000000000 0         \n";

}  // namespace

TEST_CASE("ParseProcNetSockets reads endpoints, state, uid and inode") {
  struct Want {
    const char* local;
    std::uint16_t local_port;
    const char* remote;
    std::uint16_t remote_port;
    std::uint8_t state;
    std::uint32_t uid;
    std::uint64_t inode;
  };
  struct Case {
    const char* name;
    const char* text;
    std::vector<Want> want;
  };
  const Case cases[] = {
      {"tcp",
       kTcp,
       {{"0.0.0.0", 2024, "0.0.0.0", 0, 0x0A, 0, 585},
        {"192.168.1.10", 50000, "93.184.216.34", 443, 0x01, 1000, 91234}}},
      {"tcp6",
       kTcp6,
       {{"::1", 631, "::", 0, 0x0A, 0, 17001},
        {"2001:db8::1", 54321, "2001:db8::2", 443, 0x01, 1000, 17002}}},
      {"udp", kUdp, {{"0.0.0.0", 5353, "0.0.0.0", 0, 0x07, 110, 30001}}},
      {"header only", "  sl  local_address rem_address st\n", {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = ParseProcNetSockets(c.text);
    REQUIRE_MESSAGE(r, r.error());
    REQUIRE(r->size() == c.want.size());
    for (std::size_t i = 0; i < c.want.size(); ++i) {
      const auto& got = (*r)[i];
      const auto& w = c.want[i];
      CHECK(FormatIpAddr(got.local) == w.local);
      CHECK(got.local_port == w.local_port);
      CHECK(FormatIpAddr(got.remote) == w.remote);
      CHECK(got.remote_port == w.remote_port);
      CHECK(got.state == w.state);
      CHECK(got.uid == w.uid);
      CHECK(got.inode == w.inode);
    }
  }
}

TEST_CASE("ParseProcNetSockets names the line and field that is wrong") {
  const std::string header = "  sl  local_address rem_address   st\n";
  struct Case {
    const char* name;
    std::string text;
    const char* reason;
  };
  const Case cases[] = {
      {"empty", "", "empty file"},
      {"no header", "   0: 00000000:07E8 00000000:0000 0A 0:0 0:0 0 0 0 585\n",
       "line 1: expected the header"},
      {"few fields", header + "   0: 00000000:07E8 00000000:0000 0A\n",
       "line 2: expected at least 10 fields, got 4"},
      {"bad local", header + "   0: 0000000:07E8 00000000:0000 0A 0:0 0:0 0 0 0 585\n",
       "line 2: bad local address '0000000:07E8'"},
      {"bad port", header + "   0: 00000000:1FFFF 00000000:0000 0A 0:0 0:0 0 0 0 585\n",
       "bad local address"},
      {"bad remote", header + "   0: 00000000:07E8 zz000000:0000 0A 0:0 0:0 0 0 0 585\n",
       "bad remote address"},
      {"bad inode", header + "   0: 00000000:07E8 00000000:0000 0A 0:0 0:0 0 0 0 58x\n",
       "bad inode '58x'"},
      {"bad uid", header + "   0: 00000000:07E8 00000000:0000 0A 0:0 0:0 0 -1 0 585\n",
       "bad uid '-1'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = ParseProcNetSockets(c.text);
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error().find(c.reason) != std::string::npos, r.error());
  }
}

TEST_CASE("ParseSocketLink accepts only socket:[N]") {
  CHECK(ParseSocketLink("socket:[91234]") == 91234);
  CHECK(ParseSocketLink("socket:[]") == 0);
  CHECK(ParseSocketLink("pipe:[91234]") == 0);
  CHECK(ParseSocketLink("/dev/null") == 0);
  CHECK(ParseSocketLink("socket:[12x]") == 0);
}

TEST_CASE("SocketTableLinux maps local ports to process names on a fixture procfs") {
  fs::path root = fs::temp_directory_path() / ("ww-procfs-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "net");
  std::ofstream(root / "net/tcp") << kTcp;
  std::ofstream(root / "net/tcp6") << kTcp6;
  std::ofstream(root / "net/udp") << kUdp;
  // udp6 missing: a machine without IPv6 is normal.
  auto process = [&](const char* pid, const char* comm, std::vector<std::uint64_t> inodes) {
    fs::create_directories(root / pid / "fd");
    if (comm) std::ofstream(root / pid / "comm") << comm << "\n";
    int fd = 3;
    for (auto inode : inodes) {
      fs::create_symlink("socket:[" + std::to_string(inode) + "]",
                         root / pid / "fd" / std::to_string(fd++));
    }
    fs::create_symlink("/dev/null", root / pid / "fd" / "0");
  };
  process("100", "sshd", {585});
  process("2001", "chrome", {91234, 17002});
  process("3000", "avahi-daemon", {30001});
  fs::create_directories(root / "self");  // non-numeric entries are skipped

  SocketTableLinux table({root.string(), std::chrono::milliseconds(0)});
  REQUIRE(table.Refresh());
  CHECK(table.Lookup(kProtoTcp, Ip("192.168.1.10"), 50000) == "chrome");
  CHECK(table.Lookup(kProtoTcp, Ip("192.168.1.10"), 2024) == "sshd");  // wildcard bind
  CHECK(table.Lookup(kProtoTcp, Ip("2001:db8::1"), 54321) == "chrome");
  CHECK(table.Lookup(kProtoUdp, Ip("192.168.1.10"), 5353) == "avahi-daemon");
  CHECK(table.Lookup(kProtoUdp, Ip("192.168.1.10"), 2024) == "");  // wrong protocol
  CHECK(table.Lookup(kProtoTcp, Ip("::1"), 631) == "");            // socket with no owner process

  // A miss rescans, but at most once per interval.
  SocketTableLinux limited({root.string(), std::chrono::hours(1)});
  CHECK(limited.Lookup(kProtoTcp, Ip("192.168.1.10"), 50000) == "chrome");
  CHECK(limited.Lookup(kProtoTcp, Ip("192.168.1.10"), 1) == "");
  CHECK(limited.Lookup(kProtoTcp, Ip("192.168.1.10"), 2) == "");
  CHECK(limited.refreshes() == 1);
  CHECK(limited.rate_limited_misses() == 2);

  SocketTableLinux missing({(root / "nope").string(), std::chrono::milliseconds(0)});
  auto st = missing.Refresh();
  REQUIRE_FALSE(st);
  CHECK(st.error().find("cannot read " + (root / "nope/net/tcp").string()) != std::string::npos);
  fs::remove_all(root);
}
