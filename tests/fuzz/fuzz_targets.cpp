// libFuzzer targets. Each is a function over bytes that must never crash, hang or leak, and
// checks an invariant where there is one. Built as libFuzzer binaries by bench/fuzz/run.sh
// (clang -fsanitize=fuzzer) and, in the test suite, replayed over tests/fuzz/corpus by
// replay_main.cpp with whatever compiler builds the project.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "collectors/cpu.h"
#include "collectors/filesystem.h"
#include "collectors/meminfo.h"
#include "collectors/netdev.h"
#include "collectors/os.h"
#include "spool.h"
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
