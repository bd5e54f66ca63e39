// libFuzzer targets. Each is a function over bytes that must never crash, hang or leak, and
// checks an invariant where there is one. Built as libFuzzer binaries by bench/fuzz/run.sh
// (clang -fsanitize=fuzzer) and, in the test suite, replayed over tests/fuzz/corpus by
// replay_main.cpp with whatever compiler builds the project.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "collector/src/gzip.h"  // by path: collector/src/options.h is not the agent's
#include "collectors/cpu.h"
#include "collectors/filesystem.h"
#include "collectors/meminfo.h"
#include "collectors/netdev.h"
#include "collectors/os.h"
#include "options.h"
#include "spool.h"
#include "wardwatch/analytics/intervals.h"
#include "wardwatch/analytics/site_config.h"
#include "wardwatch/report.h"
#ifdef WARDWATCH_FUZZ_PACKETS
#include "wardwatch/traffic/decode.h"
#include "wardwatch/traffic/names.h"
#endif

namespace {

[[noreturn]] void Violated(const char* what) {
  __builtin_trap();
  (void)what;
}

// Report decoder: decode -> encode -> decode gives the same document.
[[maybe_unused]] int FuzzReport(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = wardwatch::DecodeReport(text);
  if (!first.ok()) {
    if (first.error().empty()) Violated("an error without a message");
    return 0;
  }
  const std::string once = wardwatch::EncodeReport(*first);
  auto second = wardwatch::DecodeReport(once);
  if (!second.ok()) Violated("an encoded report does not decode");
  if (wardwatch::EncodeReport(*second) != once) Violated("round trip changed the report");
  return 0;
}

// Stored hour rollups (analytics.db): any bytes are a record, older JSON or an error with a
// message; a decoded hour encodes, decodes and encodes again to the same bytes.
[[maybe_unused]] int FuzzHour(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto first = wardwatch::analytics::DecodeMachineHour(bytes);
  if (!first.ok()) {
    if (first.error().empty()) Violated("an error without a message");
    return 0;
  }
  const std::string once = wardwatch::analytics::EncodeMachineHour(*first);
  auto second = wardwatch::analytics::DecodeMachineHour(once);
  if (!second.ok()) Violated("an encoded hour does not decode");
  if (wardwatch::analytics::EncodeMachineHour(*second) != once) Violated("round trip changed it");
  return 0;
}

// Spool reader: any bytes in a segment file decode to valid records only.
[[maybe_unused]] int FuzzSpool(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::uint64_t corrupt = 0;
  auto records = wardwatch::agent::Spool::DecodeSegment(bytes, &corrupt);
  std::size_t total = 0;
  for (const auto& r : records) {
    total += wardwatch::agent::Spool::EncodeRecord(r).size();
  }
  if (total > bytes.size()) Violated("decoded more bytes than there were");
  return 0;
}

// /proc and /etc parsers: never crash, errors always say something.
[[maybe_unused]] int FuzzProc(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace wardwatch::agent;
  auto a = ParseProcStat(text, 100);
  auto b = ParseMeminfo(text);
  auto c = ParseNetDev(text);
  auto d = ParseMounts(text);
  auto e = ParseOsRelease(text);
  auto f = ParseBootTime(text);
  if ((!a.ok() && a.error().empty()) || (!b.ok() && b.error().empty()) ||
      (!c.ok() && c.error().empty()) || (!d.ok() && d.error().empty()) ||
      (!e.ok() && e.error().empty()) || (!f.ok() && f.error().empty())) {
    Violated("an error without a message");
  }
  return 0;
}

// The collector's report route before storage: the body inflated with its bound, then decoded.
// A gzip bomb stops at the bound; every failure says why.
[[maybe_unused]] int FuzzIngest(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kLimit = 256 * 1024;
  const std::string_view wire(reinterpret_cast<const char*>(data), size);
  auto inflated = wardwatch::collector::GunzipBounded(wire, kLimit);
  if (inflated.kind != wardwatch::collector::InflateResult::Kind::kOk) {
    if (inflated.message.empty()) Violated("a refused body without a reason");
    return 0;
  }
  if (inflated.data.size() > kLimit) Violated("inflated past the bound");
  auto report = wardwatch::DecodeReport(inflated.data);
  if (!report.ok() && report.error().empty()) Violated("an error without a message");
  return 0;
}

// Configuration files: the agent's INI file (through the same ParseOptions that --config uses)
// and the collector's site.json. Bad input ends in a message, never a crash or an exception.
[[maybe_unused]] int FuzzConfig(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto site = wardwatch::analytics::ParseSiteConfig(text);
  if (!site.ok() && site.error().empty()) Violated("a site.json error without a message");
  struct TempFile {  // removed when the process exits
    std::string path = (std::filesystem::temp_directory_path() /
                        ("wardwatch-fuzz-config-" + std::to_string(::getpid()) + ".ini"))
                           .string();
    ~TempFile() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  };
  static const TempFile file;
  const std::string& path = file.path;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  const char* argv[] = {"wardwatch-agent", "--config", path.c_str(), "--collector",
                        "http://127.0.0.1:9"};
  std::ostringstream said;
  const auto parsed = wardwatch::agent::ParseOptions(5, argv, said);
  if (parsed.exit_now && parsed.exit_code != 0 && said.str().empty()) {
    Violated("a refused config file without a message");
  }
  return 0;
}

#ifdef WARDWATCH_FUZZ_PACKETS
// Packet decoder, DNS and TLS SNI parsers: never read out of bounds.
[[maybe_unused]] int FuzzPacket(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr int kLinks[] = {1, 113, 276, 0, 101, 12};  // EN10MB, SLL, SLL2, NULL, RAW
  const int link = kLinks[data[0] % 6];
  std::span<const std::uint8_t> bytes(data + 1, size - 1);
  wardwatch::traffic::DecodedPacket p;
  (void)wardwatch::traffic::DecodePacket(bytes, static_cast<std::uint32_t>(bytes.size()), link, p);
  (void)wardwatch::traffic::ParseDnsResponse(bytes);
  (void)wardwatch::traffic::ParseTlsClientHelloSni(bytes);
  return 0;
}
#endif

}  // namespace

// One binary per target: WARDWATCH_FUZZ_TARGET picks the function.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return WARDWATCH_FUZZ_TARGET(data, size);
}
