// Parses /proc/diskstats into per-disk counters.
#include "collectors/diskstats.h"

#include <cctype>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "<prefix><digits>p<digits>" as in nvme0n1p2 and mmcblk0p1.
bool IsNumberedPartition(std::string_view name, std::string_view prefix) {
  if (!StartsWith(name, prefix)) return false;
  const auto p = name.rfind('p');
  return p != std::string_view::npos && p > prefix.size() && AllDigits(name.substr(p + 1));
}

}  // namespace

bool IsWholeDiskName(std::string_view name) {
  if (name.empty()) return false;
  for (std::string_view skip : {"loop", "ram", "zram", "fd", "sr"}) {
    if (StartsWith(name, skip)) return false;
  }
  if (IsNumberedPartition(name, "nvme") || IsNumberedPartition(name, "mmcblk")) return false;
  // sda1, vdb2, xvda1, hda3: letters after the prefix, then a partition number.
  for (std::string_view prefix : {"sd", "vd", "hd", "xvd"}) {
    if (!StartsWith(name, prefix)) continue;
    std::size_t i = prefix.size();
    while (i < name.size() && std::isalpha(static_cast<unsigned char>(name[i]))) ++i;
    return i == name.size();
  }
  return true;
}

Result<std::vector<schema::DiskStats>> ParseDiskstats(std::string_view text) {
  std::vector<schema::DiskStats> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    auto f = SplitFields(line);
    if (f.empty()) continue;
    if (f.size() < 14) {
      return MakeError("/proc/diskstats line " + std::to_string(line_no) +
                       ": expected at least 14 fields, got " + std::to_string(f.size()));
    }
    if (!IsWholeDiskName(f[2])) continue;
    std::uint64_t v[11] = {};
    for (int i = 0; i < 11; ++i) {
      auto n = ParseU64(f[3 + i]);
      if (!n) {
        return MakeError("/proc/diskstats line " + std::to_string(line_no) + ": field " +
                         std::to_string(4 + i) + " of " + std::string(f[2]) +
                         " is not a number: \"" + std::string(f[3 + i]) + "\"");
      }
      v[i] = *n;
    }
    schema::DiskStats d;
    d.device = std::string(f[2]);
    d.reads_completed = v[0];
    d.reads_merged = v[1];
    d.read_bytes = v[2] * 512;
    d.read_time_seconds = static_cast<double>(v[3]) / 1000.0;
    d.writes_completed = v[4];
    d.writes_merged = v[5];
    d.written_bytes = v[6] * 512;
    d.write_time_seconds = static_cast<double>(v[7]) / 1000.0;
    d.io_now = v[8];
    d.io_time_seconds = static_cast<double>(v[9]) / 1000.0;
    d.io_time_weighted_seconds = static_cast<double>(v[10]) / 1000.0;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace wardwatch::agent
