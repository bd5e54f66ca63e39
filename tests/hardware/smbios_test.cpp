// SMBIOS type 17 parser: hand-built structures (each row one layout rule) and the fixture
// machines' DMI tables.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "collectors/memory_modules.h"

using namespace wardwatch::agent;

namespace {

void Put16(std::string& s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v & 0xff);
  s[at + 1] = static_cast<char>(v >> 8);
}
void Put32(std::string& s, std::size_t at, std::uint32_t v) {
  Put16(s, at, static_cast<std::uint16_t>(v & 0xffff));
  Put16(s, at + 2, static_cast<std::uint16_t>(v >> 16));
}

// A type 17 structure of `len` formatted bytes with strings 1=locator 2=maker 3=part.
std::string Type17(std::uint8_t len, std::uint16_t size, std::uint8_t type, std::uint16_t speed,
                   std::uint32_t ext_size = 0, std::uint32_t ext_speed = 0) {
  std::string s(len, '\0');
  s[0] = 17;
  s[1] = static_cast<char>(len);
  Put16(s, 0x0C, size);
  s[0x0E] = 0x09;  // DIMM
  s[0x10] = 1;
  s[0x12] = static_cast<char>(type);
  if (len >= 0x17) Put16(s, 0x15, speed);
  if (len > 0x17) s[0x17] = 2;
  if (len > 0x1A) s[0x1A] = 3;
  if (len >= 0x20) Put32(s, 0x1C, ext_size);
  if (len >= 0x58) Put32(s, 0x54, ext_speed);
  return s + std::string("DIMM_A1\0Kingston\0KVR24N17S8/8  \0\0", 33);
}

std::string End() { return std::string("\x7f\x04\xff\xfe\0\0", 6); }

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("ParseSmbiosMemoryDevices: layouts") {
  struct Row {
    const char* what;
    std::string table;
    std::uint64_t size_bytes;
    const char* type;
    std::uint64_t speed;
  } rows[] = {
      {"DDR4 8 GiB in MB units", Type17(0x28, 8192, 0x1A, 2400), 8ULL << 30, "DDR4", 2400},
      {"size in KB units (bit 15)", Type17(0x28, 0x8000 | 512, 0x18, 1333), 512ULL << 10, "DDR3",
       1333},
      {"extended size for 32 GiB and more", Type17(0x28, 0x7FFF, 0x22, 4800, 65536), 64ULL << 30,
       "DDR5", 4800},
      {"extended speed", Type17(0x5C, 16384, 0x22, 0xFFFF, 0, 8400), 16ULL << 30, "DDR5", 8400},
      {"SMBIOS 2.1 short structure (no speed)", Type17(0x15, 1024, 0x13, 0), 1ULL << 30, "DDR2", 0},
      {"unknown size", Type17(0x28, 0xFFFF, 0x1A, 2133), 0, "DDR4", 2133},
  };
  for (const Row& r : rows) {
    CAPTURE(r.what);
    auto inv = ParseSmbiosMemoryDevices(r.table + End());
    REQUIRE(inv.ok());
    CHECK(inv->slots == 1);
    REQUIRE(inv->modules.size() == 1);
    const auto& m = inv->modules[0];
    CHECK(m.size_bytes == r.size_bytes);
    CHECK(m.type == r.type);
    CHECK(m.speed_mts == r.speed);
    CHECK(m.locator == "DIMM_A1");
    CHECK(m.form_factor == "DIMM");
  }
  auto full = ParseSmbiosMemoryDevices(Type17(0x28, 8192, 0x1A, 2400) + End());
  CHECK(full->modules[0].manufacturer == "Kingston");
  CHECK(full->modules[0].part_number == "KVR24N17S8/8");  // trailing spaces trimmed
}

TEST_CASE("ParseSmbiosMemoryDevices: empty slots count, other structures are skipped") {
  std::string other("\x04\x06\x00\x01\x01\x00Intel\0\0", 13);  // type 4 (processor)
  const std::string table = other + Type17(0x28, 8192, 0x1A, 2400) + Type17(0x28, 0, 0x02, 0) +
                            End() + Type17(0x28, 8192, 0x1A, 2400);  // after end-of-table: ignored
  auto inv = ParseSmbiosMemoryDevices(table);
  REQUIRE(inv.ok());
  CHECK(inv->slots == 2);
  CHECK(inv->modules.size() == 1);
}

TEST_CASE("ParseSmbiosMemoryDevices: damaged tables name the byte offset") {
  const std::string good = Type17(0x28, 8192, 0x1A, 2400);
  struct Row {
    std::string table;
    const char* error;
  } rows[] = {
      {good + std::string("\x11\x28", 2), "structure header at byte 73 is cut off"},
      {good + std::string("\x11\x02\x00\x00", 4), "structure type 17 at byte 73 has bad length 2"},
      {good + std::string("\x11\x40\x00\x00", 4), "has bad length 64"},
      {good.substr(0, good.size() - 1), "strings of structure type 17 at byte 0"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.error);
    auto inv = ParseSmbiosMemoryDevices(r.table);
    REQUIRE_FALSE(inv.ok());
    CHECK(inv.error().find(r.error) != std::string::npos);
  }
}

TEST_CASE("ParseSmbiosMemoryDevices: fixture machines") {
  const std::string dir = std::string(WARDWATCH_FIXTURES) + "/machines/";
  struct Row {
    const char* machine;
    std::uint32_t slots;
    std::size_t modules;
    const char* type;
    std::uint64_t size_bytes;
    std::uint64_t speed;
    const char* form;
  } rows[] = {
      {"new-desktop-nvme", 4, 2, "DDR5", 16ULL << 30, 4800, "DIMM"},
      {"old-desktop-hdd", 2, 1, "DDR4", 4ULL << 30, 2400, "DIMM"},
      {"laptop-worn-battery", 2, 1, "DDR4", 8ULL << 30, 2400, "SODIMM"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.machine);
    const std::string table = ReadAll(dir + r.machine + "/sys/firmware/dmi/tables/DMI");
    REQUIRE_FALSE(table.empty());
    auto inv = ParseSmbiosMemoryDevices(table);
    REQUIRE(inv.ok());
    CHECK(inv->slots == r.slots);
    REQUIRE(inv->modules.size() == r.modules);
    CHECK(inv->modules[0].type == r.type);
    CHECK(inv->modules[0].size_bytes == r.size_bytes);
    CHECK(inv->modules[0].speed_mts == r.speed);
    CHECK(inv->modules[0].form_factor == r.form);
  }
}
