// Parsers over raw DeviceIoControl / EStats answers (see windows_ioctl.h).
#include "collectors/windows_ioctl.h"

#include <algorithm>

namespace wardwatch::agent::winconv {
namespace {

std::uint64_t LE(std::span<const std::uint8_t> b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | b[at + i];
  return v;
}

// NVMe 128-bit counters: the low 64 bits (an office disk never passes 2^64).
std::uint64_t LE128(std::span<const std::uint8_t> b, std::size_t at) {
  return LE(b, at + 8, 8) != 0 ? ~std::uint64_t{0} : LE(b, at, 8);
}

const char* AtaName(std::uint32_t id) {
  switch (id) {
    case 5:
      return "Reallocated_Sector_Ct";
    case 9:
      return "Power_On_Hours";
    case 10:
      return "Spin_Retry_Count";
    case 12:
      return "Power_Cycle_Count";
    case 177:
      return "Wear_Leveling_Count";
    case 184:
      return "End-to-End_Error";
    case 187:
      return "Reported_Uncorrect";
    case 188:
      return "Command_Timeout";
    case 190:
      return "Airflow_Temperature_Cel";
    case 194:
      return "Temperature_Celsius";
    case 196:
      return "Reallocated_Event_Count";
    case 197:
      return "Current_Pending_Sector";
    case 198:
      return "Offline_Uncorrectable";
    case 199:
      return "UDMA_CRC_Error_Count";
    case 231:
      return "SSD_Life_Left";
    case 233:
      return "Media_Wearout_Indicator";
    default:
      return "Unknown_Attribute";
  }
}

}  // namespace

Result<SmartResult> ParseAtaSmartData(std::span<const std::uint8_t> data,
                                      std::span<const std::uint8_t> thresholds) {
  if (data.size() < 362) {
    return MakeError("ATA SMART data is " + std::to_string(data.size()) + " bytes, expected 512");
  }
  const bool have_thresh = thresholds.size() >= 362;
  SmartResult r;
  r.protocol = "ATA";
  std::optional<double> temp194, temp190;
  for (std::size_t slot = 0; slot < 30; ++slot) {
    const std::size_t at = 2 + slot * 12;
    const std::uint32_t id = data[at];
    if (id == 0) continue;
    if (std::find(std::begin(kKeptAtaAttributes), std::end(kKeptAtaAttributes), id) ==
        std::end(kKeptAtaAttributes)) {
      continue;
    }
    schema::SmartAttribute a;
    a.id = id;
    a.name = AtaName(id);
    const auto flags = static_cast<std::uint32_t>(LE(data, at + 1, 2));
    a.value = data[at + 3];
    a.worst = data[at + 4];
    a.raw = LE(data, at + 5, 6);
    // smartctl's flags.string letters: P(refailure) O(nline) S(peed) R(ate) C(ount) K(eep).
    const char letters[] = "POSRCK";
    for (int bit = 0; bit < 6; ++bit) a.flags += (flags & (1u << bit)) ? letters[bit] : '-';
    if (have_thresh) {
      for (std::size_t t = 0; t < 30; ++t) {
        if (thresholds[2 + t * 12] == id) a.thresh = thresholds[2 + t * 12 + 1];
      }
    }
    if (id == 9) r.power_on_hours = a.raw & 0xffffffffu;
    if (id == 12) r.power_cycles = a.raw;
    if (id == 194) temp194 = static_cast<double>(a.raw & 0xff);
    if (id == 190) temp190 = static_cast<double>(a.raw & 0xff);
    r.attributes.push_back(std::move(a));
  }
  r.temperature_celsius = temp194 ? temp194 : temp190;
  return r;
}

std::optional<bool> AtaSmartStatus(std::uint8_t lba_mid, std::uint8_t lba_high) {
  if (lba_mid == 0x4f && lba_high == 0xc2) return true;
  if (lba_mid == 0xf4 && lba_high == 0x2c) return false;
  return std::nullopt;
}

Result<std::span<const std::uint8_t>> ProtocolSpecificPayload(std::span<const std::uint8_t> b) {
  constexpr std::size_t kSpecific = 8;  // after Version and Size
  if (b.size() < kSpecific + 28) {
    return MakeError("STORAGE_PROTOCOL_DATA_DESCRIPTOR is " + std::to_string(b.size()) +
                     " bytes, shorter than its header");
  }
  const std::uint64_t offset = LE(b, kSpecific + 16, 4);  // ProtocolDataOffset
  const std::uint64_t length = LE(b, kSpecific + 20, 4);  // ProtocolDataLength
  if (kSpecific + offset + length > b.size()) {
    return MakeError("ProtocolDataOffset " + std::to_string(offset) + " + ProtocolDataLength " +
                     std::to_string(length) + " is past the " + std::to_string(b.size()) +
                     "-byte answer");
  }
  return b.subspan(kSpecific + offset, length);
}

Result<SmartResult> ParseNvmeHealthLog(std::span<const std::uint8_t> log) {
  if (log.size() < 192) {
    return MakeError("NVMe health log is " + std::to_string(log.size()) + " bytes, expected 512");
  }
  SmartResult r;
  r.protocol = "NVMe";
  schema::NvmeHealth n;
  n.critical_warning = log[0];
  const auto kelvin = LE(log, 1, 2);
  if (kelvin > 0) n.temperature_celsius = static_cast<double>(kelvin) - 273.0;
  n.available_spare = log[3];
  n.available_spare_threshold = log[4];
  n.percentage_used = log[5];
  n.power_cycles = LE128(log, 112);
  n.power_on_hours = LE128(log, 128);
  n.unsafe_shutdowns = LE128(log, 144);
  n.media_errors = LE128(log, 160);
  r.power_on_hours = n.power_on_hours;
  r.power_cycles = n.power_cycles;
  r.temperature_celsius = n.temperature_celsius;
  // As smartctl: any critical warning bit means the overall check failed.
  r.passed = n.critical_warning == 0;
  r.nvme = n;
  return r;
}

Result<StorageDescriptor> ParseStorageDeviceDescriptor(std::span<const std::uint8_t> b) {
  constexpr std::size_t kFixed = 36;  // through RawPropertiesLength
  if (b.size() < kFixed) {
    return MakeError("STORAGE_DEVICE_DESCRIPTOR is " + std::to_string(b.size()) +
                     " bytes, shorter than its fixed fields");
  }
  // Size says how much the driver filled; never read past what was returned.
  const std::size_t size = std::min<std::size_t>(b.size(), LE(b, 4, 4));
  const auto text = [&](std::size_t field, const char* what) -> Result<std::string> {
    const std::size_t off = LE(b, field, 4);
    if (off == 0) return std::string();
    if (off < kFixed || off >= size) {
      return MakeError(std::string(what) + " " + std::to_string(off) + " is outside the " +
                       std::to_string(size) + "-byte descriptor");
    }
    std::size_t end = off;
    while (end < size && b[end] != 0) ++end;
    std::string s(reinterpret_cast<const char*>(b.data() + off), end - off);
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  };
  StorageDescriptor d;
  d.removable = b[10] != 0;
  d.bus_type = static_cast<std::uint32_t>(LE(b, 28, 4));
  auto vendor = text(12, "VendorIdOffset");
  auto product = text(16, "ProductIdOffset");
  auto revision = text(20, "ProductRevisionOffset");
  auto serial = text(24, "SerialNumberOffset");
  for (auto* r : {&vendor, &product, &revision, &serial}) {
    if (!*r) return MakeError(r->error());
  }
  d.vendor = *vendor;
  d.product = *product;
  d.revision = *revision;
  d.serial = *serial;
  return d;
}

schema::Disk DiskFromStorage(const std::string& name, const StorageDescriptor& d,
                             std::optional<bool> incurs_seek_penalty, std::uint64_t size_bytes) {
  constexpr std::uint32_t kNvme = 17;
  schema::Disk disk;
  disk.name = name;
  const bool placeholder_vendor = d.vendor.empty() || d.vendor == "ATA" || d.vendor == "NVMe";
  if (placeholder_vendor || d.product.rfind(d.vendor, 0) == 0) {
    disk.model = d.product;
  } else {
    disk.model = d.product.empty() ? d.vendor : d.vendor + " " + d.product;
  }
  disk.serial = d.serial;
  disk.firmware = d.revision;
  disk.size_bytes = size_bytes;
  disk.rotational = incurs_seek_penalty ? *incurs_seek_penalty : false;
  if (d.bus_type == kNvme) disk.rotational = false;
  disk.removable = d.removable;
  return disk;
}

bool KeepDisk(const StorageDescriptor& d, std::uint64_t size_bytes) {
  constexpr std::uint32_t kFileBackedVirtual = 15;
  return size_bytes > 0 && d.bus_type != kFileBackedVirtual;
}

std::string SmartProtocolForBus(std::uint32_t bus_type) {
  switch (bus_type) {
    case 3:   // BusTypeAta
    case 11:  // BusTypeSata
      return "ATA";
    case 17:  // BusTypeNvme
      return "NVMe";
    default:
      return "";
  }
}

std::string BusTypeName(std::uint32_t bus_type) {
  static const char* const kNames[] = {"unknown",
                                       "SCSI",
                                       "ATAPI",
                                       "ATA",
                                       "1394",
                                       "SSA",
                                       "Fibre Channel",
                                       "USB",
                                       "RAID",
                                       "iSCSI",
                                       "SAS",
                                       "SATA",
                                       "SD",
                                       "MMC",
                                       "virtual",
                                       "file-backed virtual",
                                       "Storage Spaces",
                                       "NVMe",
                                       "SCM",
                                       "UFS"};
  if (bus_type < std::size(kNames)) return kNames[bus_type];
  return "bus type " + std::to_string(bus_type);
}

Result<TcpDataStats> ParseTcpEstatsData(std::span<const std::uint8_t> rod) {
  if (rod.size() < 48) {
    return MakeError("TCP_ESTATS_DATA_ROD_v0 is " + std::to_string(rod.size()) +
                     " bytes, expected 96");
  }
  TcpDataStats s;
  s.bytes_out = LE(rod, 0, 8);
  s.segs_out = LE(rod, 8, 8);
  s.bytes_in = LE(rod, 16, 8);
  s.segs_in = LE(rod, 24, 8);
  s.all_segs_out = LE(rod, 32, 8);
  s.all_segs_in = LE(rod, 40, 8);
  return s;
}

std::map<std::string, TcpDataStats> TcpBytesByApp(
    std::span<const TcpConnectionBytes> connections,
    const std::map<std::uint32_t, std::string>& app_of_pid) {
  std::map<std::string, TcpDataStats> out;
  for (const auto& c : connections) {
    auto it = app_of_pid.find(c.pid);
    auto& acc = out[it == app_of_pid.end() ? std::string("other") : it->second];
    acc.bytes_in += c.stats.bytes_in;
    acc.bytes_out += c.stats.bytes_out;
    acc.segs_in += c.stats.segs_in;
    acc.segs_out += c.stats.segs_out;
  }
  return out;
}

Result<std::vector<TcpOwnerRow>> ParseTcpTableOwnerPid(std::span<const std::uint8_t> t) {
  constexpr std::size_t kRow = 24;
  if (t.size() < 4) return MakeError("MIB_TCPTABLE_OWNER_PID shorter than its count");
  const auto count = static_cast<std::size_t>(LE(t, 0, 4));
  if (count > (t.size() - 4) / kRow) {
    return MakeError("MIB_TCPTABLE_OWNER_PID says " + std::to_string(count) +
                     " rows, has room for " + std::to_string((t.size() - 4) / kRow));
  }
  // Ports are the low 16 bits of a DWORD, in network byte order.
  auto port = [&](std::size_t at) { return static_cast<std::uint16_t>((t[at] << 8) | t[at + 1]); };
  std::vector<TcpOwnerRow> rows;
  rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 4 + i * kRow;
    TcpOwnerRow r;
    r.state = static_cast<std::uint32_t>(LE(t, at, 4));
    r.local_addr = static_cast<std::uint32_t>(LE(t, at + 4, 4));
    r.local_port = port(at + 8);
    r.remote_addr = static_cast<std::uint32_t>(LE(t, at + 12, 4));
    r.remote_port = port(at + 16);
    r.pid = static_cast<std::uint32_t>(LE(t, at + 20, 4));
    rows.push_back(r);
  }
  return rows;
}

Result<std::vector<TcpOwnerRow6>> ParseTcp6TableOwnerPid(std::span<const std::uint8_t> t) {
  constexpr std::size_t kRow = 56;
  if (t.size() < 4) return MakeError("MIB_TCP6TABLE_OWNER_PID shorter than its count");
  const auto count = static_cast<std::size_t>(LE(t, 0, 4));
  if (count > (t.size() - 4) / kRow) {
    return MakeError("MIB_TCP6TABLE_OWNER_PID says " + std::to_string(count) +
                     " rows, has room for " + std::to_string((t.size() - 4) / kRow));
  }
  auto port = [&](std::size_t at) { return static_cast<std::uint16_t>((t[at] << 8) | t[at + 1]); };
  std::vector<TcpOwnerRow6> rows;
  rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 4 + i * kRow;
    TcpOwnerRow6 r;
    std::copy_n(t.begin() + static_cast<std::ptrdiff_t>(at), 16, r.local_addr.begin());
    r.local_scope_id = static_cast<std::uint32_t>(LE(t, at + 16, 4));
    r.local_port = port(at + 20);
    std::copy_n(t.begin() + static_cast<std::ptrdiff_t>(at + 24), 16, r.remote_addr.begin());
    r.remote_scope_id = static_cast<std::uint32_t>(LE(t, at + 40, 4));
    r.remote_port = port(at + 44);
    r.state = static_cast<std::uint32_t>(LE(t, at + 48, 4));
    r.pid = static_cast<std::uint32_t>(LE(t, at + 52, 4));
    rows.push_back(r);
  }
  return rows;
}

}  // namespace wardwatch::agent::winconv
