// Parsers over the raw bytes Windows returns for what Wine cannot show: disk SMART through
// DeviceIoControl (ATA SMART READ DATA / THRESHOLDS via SMART_RCV_DRIVE_DATA, the NVMe
// SMART / Health log via IOCTL_STORAGE_QUERY_PROPERTY) and per-connection TCP statistics
// (GetPerTcpConnectionEStats, TcpConnectionEstatsData). Pure functions over byte spans, so
// they are tested on Linux and under Wine with captured and hand-built buffers
// (tests/windows/convert_test.cpp); the reader that issues the calls needs administrator
// rights and real hardware.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "collectors/smart.h"

namespace wardwatch::agent::winconv {

// ATA SMART READ DATA (512 bytes: revision, 30 attribute slots of 12 bytes from offset 2) and
// READ THRESHOLDS (same layout, threshold in byte 1 of each slot; may be empty). Keeps the
// attributes of kKeptAtaAttributes; power-on hours (9), power cycles (12) and temperature
// (194, else 190) also go to their own fields.
Result<SmartResult> ParseAtaSmartData(std::span<const std::uint8_t> data,
                                      std::span<const std::uint8_t> thresholds);
// SMART RETURN STATUS: LBA mid/high 0x4F/0xC2 = passed, 0xF4/0x2C = threshold exceeded.
std::optional<bool> AtaSmartStatus(std::uint8_t lba_mid, std::uint8_t lba_high);

// The payload of an IOCTL_STORAGE_QUERY_PROPERTY answer for StorageDeviceProtocolSpecificProperty
// (STORAGE_PROTOCOL_DATA_DESCRIPTOR: Version, Size, then STORAGE_PROTOCOL_SPECIFIC_DATA whose
// ProtocolDataOffset counts from its own start). Errors name the field that does not fit.
Result<std::span<const std::uint8_t>> ProtocolSpecificPayload(std::span<const std::uint8_t> answer);
// NVMe SMART / Health Information log (page 02h, 512 bytes).
Result<SmartResult> ParseNvmeHealthLog(std::span<const std::uint8_t> log);

// STORAGE_DEVICE_DESCRIPTOR (IOCTL_STORAGE_QUERY_PROPERTY, StorageDeviceProperty): fixed
// fields, then NUL-terminated strings at VendorIdOffset, ProductIdOffset,
// ProductRevisionOffset and SerialNumberOffset (0 = none), counted from its start.
struct StorageDescriptor {
  std::string vendor, product, revision, serial;  // trimmed
  std::uint32_t bus_type = 0;  // STORAGE_BUS_TYPE: Usb 7, Sata 11, Nvme 17, FileBackedVirtual 15
  bool removable = false;      // RemovableMedia (card readers, not USB hard disks)
};
Result<StorageDescriptor> ParseStorageDeviceDescriptor(std::span<const std::uint8_t> answer);
// A disk as Linux's disks collector fills it: model is the product, with the vendor in front
// when it is a real maker's name (Windows puts "NVMe" or "ATA" there, or splits "WDC" off
// "WDC WD10EZEX"); rotational from the seek-penalty answer (unknown: only an NVMe disk is
// known not to spin, anything else is reported as not rotational).
schema::Disk DiskFromStorage(const std::string& name, const StorageDescriptor& d,
                             std::optional<bool> incurs_seek_penalty, std::uint64_t size_bytes);
// Disks the agent lists: not mounted disk images (VHD/ISO, BusTypeFileBackedVirtual) and
// not empty card readers (size 0).
bool KeepDisk(const StorageDescriptor& d, std::uint64_t size_bytes);
// How SMART is read on this bus: "ATA" (SMART_RCV_DRIVE_DATA), "NVMe" (the health log
// through IOCTL_STORAGE_QUERY_PROPERTY), or "" (USB bridges, RAID, SAS: not read).
std::string SmartProtocolForBus(std::uint32_t bus_type);
std::string BusTypeName(std::uint32_t bus_type);  // "USB", "SATA", "bus type 42"

// TCP_ESTATS_DATA_ROD_v0 (96 bytes on x64): data bytes and data segments (retransmissions
// included), and all segments (pure ACKs too: what a capture counts as packets).
struct TcpDataStats {
  std::uint64_t bytes_out = 0, segs_out = 0, bytes_in = 0, segs_in = 0;
  std::uint64_t all_segs_out = 0, all_segs_in = 0;
  friend bool operator==(const TcpDataStats&, const TcpDataStats&) = default;
};
Result<TcpDataStats> ParseTcpEstatsData(std::span<const std::uint8_t> rod);
// One connection from GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) with its EStats.
struct TcpConnectionBytes {
  std::uint32_t pid = 0;
  TcpDataStats stats;
};
// Bytes in and out per application name (pid -> name from the process sweep; unknown pids
// are "other").
std::map<std::string, TcpDataStats> TcpBytesByApp(
    std::span<const TcpConnectionBytes> connections,
    const std::map<std::uint32_t, std::string>& app_of_pid);

// MIB_TCPTABLE_OWNER_PID (GetExtendedTcpTable, AF_INET, TCP_TABLE_OWNER_PID_ALL): a DWORD
// count, then 24-byte MIB_TCPROW_OWNER_PID rows (state, local address and port, remote
// address and port, owning pid). Addresses stay in network byte order as Windows gives them
// (the row is handed back to GetPerTcpConnectionEStats as is); ports are converted to host
// order. Errors when the count does not fit the buffer.
struct TcpOwnerRow {
  std::uint32_t state = 0;                        // MIB_TCP_STATE: 2 LISTEN, 5 ESTABLISHED, ...
  std::uint32_t local_addr = 0, remote_addr = 0;  // network byte order
  std::uint16_t local_port = 0, remote_port = 0;  // host order
  std::uint32_t pid = 0;
};
Result<std::vector<TcpOwnerRow>> ParseTcpTableOwnerPid(std::span<const std::uint8_t> table);

// MIB_TCP6TABLE_OWNER_PID (GetExtendedTcpTable, AF_INET6, TCP_TABLE_OWNER_PID_ALL): a DWORD
// count, then 56-byte MIB_TCP6ROW_OWNER_PID rows (local address[16], scope id, port; remote
// address[16], scope id, port; state; owning pid). Addresses as bytes in network order, ports
// in host order; the scope ids are kept to hand the row back to GetPerTcp6ConnectionEStats.
struct TcpOwnerRow6 {
  std::uint32_t state = 0;
  std::array<std::uint8_t, 16> local_addr{}, remote_addr{};
  std::uint32_t local_scope_id = 0, remote_scope_id = 0;
  std::uint16_t local_port = 0, remote_port = 0;  // host order
  std::uint32_t pid = 0;
};
Result<std::vector<TcpOwnerRow6>> ParseTcp6TableOwnerPid(std::span<const std::uint8_t> table);

}  // namespace wardwatch::agent::winconv
