// wardwatch-traffic: runs the traffic analysis over a capture file and prints the summary JSON
// (the same section `wardwatch-agent --pcap-file FILE --print --once` reports).
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "wardwatch/traffic/capture.h"

namespace {

constexpr std::string_view kUsage =
    "usage: wardwatch-traffic --pcap-file FILE [--local-net CIDR ...] [--office-net CIDR ...]\n"
    "                         [--top N] [--flow-capacity N]\n"
    "  --local-net   this host's address or subnet (decides in/out); repeatable.\n"
    "                Default: the addresses of this machine's interfaces.\n"
    "  --office-net  an office subnet counted as LAN besides the private ranges; repeatable.\n"
    "  --top         hosts, ports and applications listed before 'other' (default 10).\n";

int Fail(const std::string& message) {
  std::cerr << "wardwatch-traffic: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wardwatch::traffic;
  std::string file;
  std::vector<Cidr> local;
  AnalyzerOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) return Fail("missing value after " + std::string(arg));
    std::string value = argv[++i];
    if (arg == "--pcap-file") {
      file = value;
    } else if (arg == "--local-net" || arg == "--office-net") {
      auto cidr = ParseCidr(value);
      if (!cidr) return Fail(std::string(arg) + ": " + cidr.error());
      (arg == "--local-net" ? local : options.office_subnets).push_back(*cidr);
    } else if (arg == "--top" || arg == "--flow-capacity") {
      char* end = nullptr;
      unsigned long n = std::strtoul(value.c_str(), &end, 10);
      if (end == value.c_str() || *end != '\0' || n == 0 || n > 10'000'000) {
        return Fail(std::string(arg) + ": expected a positive number, got '" + value + "'");
      }
      (arg == "--top" ? options.top_n : options.flow_capacity) = n;
    } else {
      return Fail("unknown option " + std::string(arg));
    }
  }
  if (file.empty()) return Fail("--pcap-file is required");
  if (local.empty()) {
    auto sys = LocalAddressesFromSystem();
    if (!sys) return Fail(sys.error());
    options.local = *sys;
  } else {
    options.local = AddressSet(std::move(local));
  }
  auto summary = AnalyzeFile(file, std::move(options));
  if (!summary) {
    std::cerr << "wardwatch-traffic: " << summary.error() << "\n";
    return 1;
  }
  std::cout << ToJson(*summary).dump(2) << "\n";
  return 0;
}
