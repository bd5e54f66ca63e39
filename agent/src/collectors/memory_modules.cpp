// Parses SMBIOS type 17 (Memory Device) structures from a raw DMI table.
#include "collectors/memory_modules.h"

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr std::uint8_t kMemoryDevice = 17;
constexpr std::uint8_t kEndOfTable = 127;

std::uint8_t U8(std::string_view s, std::size_t at) { return static_cast<std::uint8_t>(s[at]); }
std::uint16_t U16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(U8(s, at) | (U8(s, at + 1) << 8));
}
std::uint32_t U32(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(U16(s, at)) |
         (static_cast<std::uint32_t>(U16(s, at + 2)) << 16);
}

}  // namespace

std::string_view SmbiosMemoryTypeName(std::uint8_t code) {
  switch (code) {
    case 0x01:
      return "Other";
    case 0x03:
      return "DRAM";
    case 0x07:
      return "RAM";
    case 0x0F:
      return "SDRAM";
    case 0x12:
      return "DDR";
    case 0x13:
      return "DDR2";
    case 0x14:
      return "DDR2 FB-DIMM";
    case 0x18:
      return "DDR3";
    case 0x1A:
      return "DDR4";
    case 0x1B:
      return "LPDDR";
    case 0x1C:
      return "LPDDR2";
    case 0x1D:
      return "LPDDR3";
    case 0x1E:
      return "LPDDR4";
    case 0x22:
      return "DDR5";
    case 0x23:
      return "LPDDR5";
    default:
      return "Unknown";
  }
}

std::string_view SmbiosFormFactorName(std::uint8_t code) {
  switch (code) {
    case 0x01:
      return "Other";
    case 0x03:
      return "SIMM";
    case 0x05:
      return "Chip";
    case 0x09:
      return "DIMM";
    case 0x0C:
      return "RIMM";
    case 0x0D:
      return "SODIMM";
    case 0x0F:
      return "FB-DIMM";
    case 0x10:
      return "Die";
    default:
      return "Unknown";
  }
}

Result<MemoryInventory> ParseSmbiosMemoryDevices(std::string_view t) {
  MemoryInventory inv;
  std::size_t at = 0;
  while (at < t.size()) {
    if (at + 4 > t.size()) {
      return MakeError("SMBIOS table: structure header at byte " + std::to_string(at) +
                       " is cut off");
    }
    const std::uint8_t type = U8(t, at);
    const std::uint8_t len = U8(t, at + 1);
    if (len < 4 || at + len > t.size()) {
      return MakeError("SMBIOS table: structure type " + std::to_string(type) + " at byte " +
                       std::to_string(at) + " has bad length " + std::to_string(len));
    }
    // String set: NUL-terminated strings, then one more NUL (two NULs when there are none).
    const std::size_t strings = at + len;
    const std::size_t end = t.find(std::string_view("\0\0", 2), strings);
    if (end == std::string_view::npos) {
      return MakeError("SMBIOS table: strings of structure type " + std::to_string(type) +
                       " at byte " + std::to_string(at) + " are not terminated");
    }
    std::vector<std::string_view> strs;
    if (end > strings) {
      const std::string_view region = t.substr(strings, end - strings);
      for (std::size_t s = 0;;) {
        const std::size_t nul = region.find('\0', s);
        strs.push_back(region.substr(s, nul == std::string_view::npos ? nul : nul - s));
        if (nul == std::string_view::npos) break;
        s = nul + 1;
      }
    }
    auto str = [&](std::size_t field) -> std::string {
      if (field >= len) return {};
      const std::uint8_t idx = U8(t, at + field);
      if (idx == 0 || idx > strs.size()) return {};
      return std::string(Trim(strs[idx - 1]));
    };
    if (type == kEndOfTable) break;
    if (type == kMemoryDevice && len >= 0x15) {
      ++inv.slots;
      const std::uint16_t size = U16(t, at + 0x0C);
      if (size != 0) {
        schema::MemoryModule m;
        if (size == 0x7FFF && len >= 0x20) {
          m.size_bytes = static_cast<std::uint64_t>(U32(t, at + 0x1C) & 0x7FFFFFFF) << 20;
        } else if (size != 0xFFFF) {
          m.size_bytes = (size & 0x8000) ? static_cast<std::uint64_t>(size & 0x7FFF) << 10
                                         : static_cast<std::uint64_t>(size) << 20;
        }
        m.form_factor = std::string(SmbiosFormFactorName(U8(t, at + 0x0E)));
        m.locator = str(0x10);
        m.type = std::string(SmbiosMemoryTypeName(U8(t, at + 0x12)));
        if (len >= 0x17) {
          const std::uint16_t speed = U16(t, at + 0x15);
          m.speed_mts = speed == 0xFFFF && len >= 0x58 ? U32(t, at + 0x54) : speed;
        }
        m.manufacturer = str(0x17);
        m.part_number = str(0x1A);
        inv.modules.push_back(std::move(m));
      }
    }
    at = end + 2;
  }
  return inv;
}

}  // namespace wardwatch::agent
