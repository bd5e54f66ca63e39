// Table-driven tests of the foundation collectors' pure parsers.
#include <doctest/doctest.h>

#include "collectors/cpu.h"
#include "collectors/dmi.h"
#include "collectors/filesystem.h"
#include "collectors/meminfo.h"
#include "collectors/netdev.h"
#include "collectors/os.h"

using namespace wardwatch::agent;

TEST_CASE("ParseProcStat") {
  struct Case {
    const char* name;
    const char* text;
    std::size_t cpus;
    double cpu1_user, cpu1_steal;
    const char* error;
  };
  const Case cases[] = {
      {"two cpus, 10 fields",
       "cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 100 0 0 0\ncpu1 250 0 5 7 1 2 3 40 0 0\n", 2, 2.5, 0.4,
       nullptr},
      {"old kernel: 4 fields", "cpu0 10 0 0 0\ncpu1 300 1 2 3\n", 2, 3.0, 0.0, nullptr},
      {"aggregate line only", "cpu  1 2 3 4\nintr 5\n", 0, 0, 0,
       "/proc/stat: no per-CPU lines found"},
      {"bad number", "cpu0 1 x 3 4\n", 0, 0, 0,
       "/proc/stat line 1: field 2 of cpu0 is not a number: \"x\""},
      {"too few fields", "cpu0 1 2\n", 0, 0, 0,
       "/proc/stat line 1: expected at least 4 counters after cpu0, got 2"},
      {"bad cpu name", "cpuX 1 2 3 4\n", 0, 0, 0, "/proc/stat line 1: bad cpu name \"cpuX\""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = ParseProcStat(c.text, 100);
    if (c.error) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error() == c.error);
      continue;
    }
    REQUIRE(r.ok());
    REQUIRE(r->size() == c.cpus);
    CHECK(r->at(1).cpu == 1);
    CHECK(r->at(1).user == doctest::Approx(c.cpu1_user));
    CHECK(r->at(1).steal == doctest::Approx(c.cpu1_steal));
  }
  CHECK(*ParseBootTime("cpu 1\nbtime 1700000000\n") == 1700000000.0);
  CHECK(ParseBootTime("cpu 1\n").error() == "/proc/stat: no btime line");
}

TEST_CASE("ParseMeminfo") {
  auto m = ParseMeminfo("MemTotal:  100 kB\nActive(anon):  2 kB\nHugePages_Total: 5\n");
  REQUIRE(m.ok());
  CHECK(m->at("MemTotal") == 102400);
  CHECK(m->at("Active_anon") == 2048);
  CHECK(m->count("HugePages_Total") == 0);  // a count, not bytes
  CHECK(ParseMeminfo("MemFree: 1 kB\n").error() == "/proc/meminfo: no MemTotal line");
  CHECK(ParseMeminfo("MemTotal: lots kB\n").error() ==
        "/proc/meminfo line 1: MemTotal is not a number: \"lots\"");
  CHECK(ParseMeminfo("garbage\n").error() == "/proc/meminfo line 1: no \"name:\"");
}

TEST_CASE("ParseMounts keeps real filesystems and decodes escapes") {
  auto m = ParseMounts(
      "proc /proc proc rw 0 0\n"
      "/dev/sda2 / ext4 rw,relatime 0 0\n"
      "tmpfs /run tmpfs rw 0 0\n"
      "overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0\n"
      "/dev/sdb1 /media/USB\\040DISK vfat ro,nosuid 0 0\n"
      "/dev/sda3 / ext4 rw 0 0\n");
  REQUIRE(m.ok());
  REQUIRE(m->size() == 2);
  CHECK(m->at(0).mountpoint == "/");
  CHECK(m->at(0).device == "/dev/sda3");  // the later mount over / is the visible one
  CHECK(m->at(1).mountpoint == "/media/USB DISK");
  CHECK(m->at(1).readonly);
  CHECK_FALSE(m->at(0).readonly);
  CHECK(ParseMounts("a b\n").error() == "mounts line 1: expected at least 4 fields");
  CHECK(IsPseudoFilesystem("cgroup2"));
  CHECK_FALSE(IsPseudoFilesystem("ext4"));
}

TEST_CASE("ParseNetDev") {
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "  eth0: 100 2 3 4 0 0 0 0 500 6 7 8 0 0 0 0\n"
      "lo:1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n";
  auto r = ParseNetDev(text);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK(r->at(0).name == "eth0");
  CHECK(r->at(0).receive_bytes == 100);
  CHECK(r->at(0).receive_drop == 4);
  CHECK(r->at(0).transmit_bytes == 500);
  CHECK(r->at(0).transmit_drop == 8);
  CHECK(r->at(1).name == "lo");  // no space after the colon on long names
  CHECK(ParseNetDev("eth0: 1 2 3\n").error() ==
        "/proc/net/dev line 1: expected an interface name and 16 counters");
}

TEST_CASE("ParseOsRelease") {
  auto r = ParseOsRelease(
      "NAME=\"Debian GNU/Linux\"\nID=debian\n# c\n\nVERSION='12 (x)'\nQ=\"a\\\"b\"\n");
  REQUIRE(r.ok());
  CHECK(r->at("NAME") == "Debian GNU/Linux");
  CHECK(r->at("ID") == "debian");
  CHECK(r->at("VERSION") == "12 (x)");
  CHECK(r->at("Q") == "a\"b");
  CHECK(ParseOsRelease("NAME=\"open\n").error() == "os-release line 1: unterminated quote");
  CHECK(ParseOsRelease("just words\n").error() == "os-release line 1: expected KEY=value");
}

TEST_CASE("DMI placeholders are not facts") {
  CHECK(IsPlaceholderDmiValue("To Be Filled By O.E.M."));
  CHECK(IsPlaceholderDmiValue("Default string"));
  CHECK(IsPlaceholderDmiValue("0000000"));
  CHECK_FALSE(IsPlaceholderDmiValue("OptiPlex 3040"));
}
