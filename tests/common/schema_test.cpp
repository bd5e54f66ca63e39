// Report schema: round trip, and a table of invalid documents with the exact error each gives.
#include <doctest/doctest.h>

#include <string>

#include "wardwatch/json_decode.h"
#include "wardwatch/report.h"

using wardwatch::DecodeReport;
using wardwatch::EncodeReport;
using wardwatch::Report;

namespace {

Report SampleReport() {
  Report r;
  r.machine_id = "abc123";
  r.hostname = "pc-01";
  r.agent_version = "0.1.0";
  r.platform = "linux";
  r.sequence = 42;
  r.collected_at_ms = 1700000000123;
  r.interval_seconds = 60;
  r.collectors.push_back({"cpu", true, 0.001, ""});
  r.collectors.push_back({"dmi", false, 0.002, "cannot read x: permission denied"});
  wardwatch::schema::CpuTimes c;
  c.cpu = 1;
  c.user = 12.5;
  c.idle = 1000.25;
  r.system.cpus.push_back(c);
  r.system.meminfo["MemTotal"] = 4000000000ULL;
  r.system.meminfo["Active_anon"] = 123;
  r.system.filesystems.push_back({"/dev/sda2", "/", "ext4", 100, 50, 40, 10, 5, false});
  r.system.dmi["bios_date"] = "03/15/2016";
  wardwatch::schema::OsInfo os;
  os.sysname = "Linux";
  os.release = "6.1.0";
  os.os_release["ID"] = "debian";
  os.boot_time_seconds = 1700000000;
  r.system.os = os;
  wardwatch::schema::NetInterface ni;
  ni.name = "eth0";
  ni.receive_bytes = 18446744073709551615ULL;  // counters use the full unsigned range
  ni.transmit_bytes = 7;
  ni.speed_bytes = 12500000;
  ni.operstate = "up";
  r.network.interfaces.push_back(ni);
  r.hardware.emplace();
  wardwatch::schema::Disk d;
  d.name = "sda";
  d.rotational = true;
  d.boot = true;
  d.smart_passed = true;
  d.attributes.push_back({5, "Reallocated_Sector_Ct", 100, 100, 36, 14, "PO--CK"});
  r.hardware->disks.push_back(d);
  r.software.emplace();
  r.software->apps.push_back({"Zalo", 2, 1, 30.5, 600, 600, 120, 120, 1 << 20, 1 << 19});
  r.agent_health.emplace();
  r.agent_health->spool_bytes = 4096;
  return r;
}

}  // namespace

TEST_CASE("a report survives encode then decode unchanged") {
  const Report original = SampleReport();
  const std::string text = EncodeReport(original);
  auto decoded = DecodeReport(text);
  INFO((decoded.ok() ? std::string() : decoded.error()));
  REQUIRE(decoded.ok());
  CHECK(EncodeReport(*decoded) == text);
  CHECK(decoded->network.interfaces.at(0).receive_bytes == 18446744073709551615ULL);
  CHECK(decoded->hardware->disks.at(0).attributes.at(0).raw == 14);
  CHECK(decoded->software->apps.at(0).app == "Zalo");
  CHECK(decoded->system.meminfo.at("MemTotal") == 4000000000ULL);
}

TEST_CASE("invalid documents are refused with the exact field and problem") {
  // Each case replaces part of a valid report and names the error it must give.
  struct Case {
    const char* name;
    std::string document;
    std::string error;
  };
  const std::string valid = EncodeReport(SampleReport());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = valid;
    const auto pos = s.find(from);
    REQUIRE_MESSAGE(pos != std::string::npos, from);
    s.replace(pos, from.size(), to);
    return s;
  };
  const Case cases[] = {
      {"not JSON", "{",
       "invalid JSON: parse error at line 1, column 2: syntax error while parsing object key - "
       "unexpected "
       "end of input; expected string literal"},
      {"top level array", "[]", "expected an object, got an array"},
      {"string counter",
       with("\"receive_bytes\":18446744073709551615", "\"receive_bytes\":\"abc\""),
       "network.interfaces[0].receive_bytes: expected an unsigned integer, got \"abc\""},
      {"negative counter", with("\"transmit_bytes\":7", "\"transmit_bytes\":-7"),
       "network.interfaces[0].transmit_bytes: expected an unsigned integer, got -7"},
      {"huge number", with("\"transmit_bytes\":7", "\"transmit_bytes\":1e400"),
       "invalid JSON: number overflow parsing '1e400'"},
      {"missing sequence", with("\"sequence\":42,", ""), "sequence: required field is missing"},
      {"future major version", with("\"schema_version\":\"1.0\"", "\"schema_version\":\"2.0\""),
       "schema_version: unsupported major version 2 (this collector reads 1.x)"},
      {"malformed version", with("\"schema_version\":\"1.0\"", "\"schema_version\":\"one\""),
       "schema_version: expected \"MAJOR.MINOR\", got \"one\""},
      {"empty machine id", with("\"id\":\"abc123\"", "\"id\":\"\""),
       "machine.id: must not be empty"},
      {"wrong type deep", with("\"raw\":14", "\"raw\":true"),
       "hardware.disks[0].attributes[0].raw: expected an unsigned integer, got true"},
      {"NUL in string", with("\"hostname\":\"pc-01\"", "\"hostname\":\"pc\\u0000x\""),
       "machine.hostname: string contains a NUL character"},
      {"bad meminfo key", with("\"Active_anon\":123", "\"Active anon\":123"),
       "system.meminfo.Active anon: invalid key (use letters, digits, '_', '.', ':' or '-', at "
       "most 128)"},
      {"cpu times not a number", with("\"user\":12.5", "\"user\":null"),
       "system.cpus[0].user: expected a number, got null"},
      {"collectors not an array", with("\"collectors\":[", "\"collectors\":{},\"old\":["),
       "collectors: expected an array, got an object"},
      {"invalid UTF-8", "{\"hostname\":\"pc\xff\"}",
       "invalid JSON: parse error at line 1, column 16: syntax error while parsing value - "
       "invalid string: ill-formed UTF-8 byte; last read: '\"pc\\xff'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = DecodeReport(c.document);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == c.error);
  }
}

TEST_CASE("deep nesting is refused, not recursed into") {
  std::string deep(100000, '[');
  auto r = DecodeReport(deep);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "invalid JSON: nesting deeper than 32 levels");
}

TEST_CASE("the nesting limit is exactly 32 levels, and brackets inside strings do not count") {
  auto nest = [](int levels, std::string inner) {
    return std::string(static_cast<std::size_t>(levels), '[') + inner +
           std::string(static_cast<std::size_t>(levels), ']');
  };
  struct Case {
    std::string name, text;
    bool ok;
  };
  const Case cases[] = {
      {"32 levels", nest(32, "1"), true},
      {"33 levels", nest(33, "1"), false},
      {"objects count too",
       std::string(16, '[') + R"({"a":)" + nest(15, "1") + "}" + std::string(16, ']'), true},
      {"33 with an object",
       std::string(17, '[') + R"({"a":)" + nest(15, "1") + "}" + std::string(17, ']'), false},
      {"brackets in a string", nest(31, R"("[[[[{{{{\"[[[[")"), true},
      {"escaped quote does not end the string",
       nest(2, R"("\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")"), true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = wardwatch::json::Parse(c.text);
    CHECK(r.ok() == c.ok);
    if (!c.ok) CHECK(r.error() == "invalid JSON: nesting deeper than 32 levels");
  }
}

TEST_CASE("a newer minor version with unknown fields is accepted") {
  std::string text = EncodeReport(SampleReport());
  text.replace(text.find("\"schema_version\":\"1.0\""), 22, "\"schema_version\":\"1.7\"");
  text.insert(1, "\"future_section\":{\"x\":1},");
  auto r = DecodeReport(text);
  INFO((r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  CHECK(r->sequence == 42);
}
