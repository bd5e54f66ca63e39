// Pure conversions from what Windows APIs return into report fields. No <windows.h>: the raw
// structs below mirror the API outputs field by field, so these functions build and are
// table-tested on Linux too (tests/windows/convert_test.cpp); the *_windows.cpp collectors
// only call the API and fill the raw struct.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"
#include "collectors/processes.h"

namespace wardwatch::agent::winconv {

// FILETIME / 100-ns intervals.
inline constexpr double kTicksPerSecond = 1e7;
// 100-ns ticks from 1601-01-01 (FILETIME) to Unix seconds.
double FileTimeToUnixSeconds(std::uint64_t filetime);

// --- cpu: SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION per CPU (NtQuerySystemInformation) or one
// GetSystemTimes triple; all in 100-ns ticks. KernelTime includes IdleTime (and DPC and
// interrupt time), as Windows counts them.
struct CpuTicks {
  std::uint64_t idle = 0, kernel = 0, user = 0, dpc = 0, interrupt = 0;
};
// user, system (= kernel - idle - dpc - interrupt), idle, irq (= interrupt), softirq (= DPC).
std::vector<schema::CpuTimes> CpuTimesFromTicks(std::span<const CpuTicks> cpus);

// --- meminfo: MEMORYSTATUSEX (+ the system cache from GetPerformanceInfo when known).
struct MemoryStatus {
  std::uint64_t total_phys = 0, avail_phys = 0, total_page_file = 0, avail_page_file = 0;
  std::optional<std::uint64_t> system_cache_bytes;
};
// MemTotal, MemAvailable, MemFree (= available), SwapTotal/SwapFree (the page file beyond RAM:
// Windows' commit limit is RAM + page files), Cached when known.
std::map<std::string, std::uint64_t> MeminfoFromStatus(const MemoryStatus& m);

// --- vmstat: NtQuerySystemInformation(SystemPerformanceInformation), the memory manager's
// counters since boot behind the "Memory" performance counters. Its paging counts are 32-bit
// and wrap.
struct PagingCounters {
  std::uint32_t page_faults = 0;             // PageFaultCount: all faults, soft and hard
  std::uint32_t pages_read = 0;              // PageReadCount: pages read to resolve hard faults
  std::uint32_t page_read_ios = 0;           // PageReadIoCount: those reads (operations)
  std::uint32_t pagefile_pages_written = 0;  // DirtyPagesWriteCount: pages written to page files
  std::uint32_t pagefile_write_ios = 0;      // DirtyWriteIoCount
};
// The structure's paging fields (offsets 60, 80, 84, 96, 100; mingw-w64's winternl.h spells
// the layout out, and the reader pins it with static_asserts). Errors when it is cut short.
Result<PagingCounters> ParseSystemPerformanceInformation(std::span<const std::uint8_t> spi);

// A 32-bit counter made 64-bit: every step back is a wrap. The first value is taken as is,
// so the result counts since boot as long as the counter had not wrapped before the agent
// started (otherwise it is short by a multiple of 2^32 until the next boot).
class CounterWidener {
 public:
  std::uint64_t Next(std::uint32_t raw);

 private:
  std::optional<std::uint32_t> last_;
  std::uint64_t high_ = 0;
};

// node_exporter's /proc/vmstat keys where the meaning matches: pgfault (all page faults),
// pgmajfault (disk reads that resolved hard faults: Linux counts faults, Windows read
// operations, each of which may serve several pages) and pswpout (pages written to the page
// file). Not pswpin: Windows counts page-file and mapped-file (program image) reads together.
// Empty when the system counts no page faults at all (Wine): absent, not zero.
std::map<std::string, std::uint64_t> VmstatFromPaging(std::uint64_t page_faults,
                                                      std::uint64_t page_read_ios,
                                                      std::uint64_t pagefile_pages_written);

// --- filesystem: GetLogicalDriveStrings + GetDriveType + GetVolumeInformation +
// GetDiskFreeSpaceEx for one drive.
struct Volume {
  std::string root;         // "C:\"
  unsigned drive_type = 0;  // DRIVE_FIXED = 3, DRIVE_REMOVABLE = 2, DRIVE_REMOTE = 4, CDROM = 5
  std::string fstype;       // "NTFS", "FAT32", "" when not mounted
  std::string volume_name;  // \\?\Volume{...}\ when known
  bool readonly = false;    // FILE_READ_ONLY_VOLUME
  std::uint64_t total = 0, free = 0, avail = 0;  // total, total free, free for this user
};
// Fixed and removable drives with a filesystem; network shares and optical drives are left
// out like node_exporter leaves out network and pseudo filesystems.
bool KeepVolume(const Volume& v);
// mountpoint "C:" ... device is the volume GUID path (or the root), fstype lower case.
schema::Filesystem FilesystemFromVolume(const Volume& v);

// --- netdev: one MIB_IF_ROW2 of GetIfTable2.
struct IfRow {
  std::string alias;              // "Ethernet", "Wi-Fi" (what the user sees)
  std::string description;        // driver description
  std::uint32_t if_type = 0;      // IF_TYPE_ETHERNET_CSMACD 6, IEEE80211 71, LOOPBACK 24, ...
  std::uint32_t oper_status = 0;  // IfOperStatusUp 1, Down 2, Testing 3, Unknown 4, Dormant 5,
                                  // NotPresent 6, LowerLayerDown 7
  bool hardware_interface = false, filter_interface = false;
  std::uint64_t in_octets = 0, out_octets = 0;
  std::uint64_t in_ucast = 0, in_nucast = 0, out_ucast = 0, out_nucast = 0;
  std::uint64_t in_errors = 0, out_errors = 0, in_discards = 0, out_discards = 0;
  std::uint64_t receive_link_speed = 0, transmit_link_speed = 0;  // bits per second
  std::uint32_t mtu = 0;
  std::vector<std::uint8_t> physical_address;
};
// Real adapters and loopback; leaves out the filter / WFP / miniport shadows Windows lists
// beside every adapter (they repeat its counters).
bool KeepInterface(const IfRow& r);
schema::NetInterface InterfaceFromRow(const IfRow& r);
std::string OperState(std::uint32_t oper_status);  // node_exporter's words: up, down, ...
// Whether an interface has a carrier, for counting carrier changes (netlink_windows.cpp), from
// MIB_IF_ROW2's OperStatus and MediaConnectState (Unknown 0, Connected 1, Disconnected 2):
// down when the media is disconnected or the interface is down, lower-layer-down or not
// present; up when it is up and the media is not disconnected; nullopt for testing, unknown and
// dormant (a Wi-Fi link still authenticating), which say nothing about the carrier.
std::optional<bool> CarrierUp(std::uint32_t oper_status, std::uint32_t media_connect_state);

// --- wireless: the Native Wifi API's view of a connected interface. `quality` is
// WLAN_ASSOCIATION_ATTRIBUTES.wlanSignalQuality (0..100); `rssi_dbm` is what
// WlanQueryInterface(wlan_intf_opcode_rssi) answered, when it did. Without an RSSI the signal
// is Microsoft's documented mapping of quality (0 = -100 dBm, 100 = -50 dBm, linear).
// link_quality is the 0..100 quality (Linux drivers report 0..70); no noise on Windows.
schema::Wireless WirelessFromWlan(std::uint32_t quality, std::optional<std::int32_t> rssi_dbm);
std::uint32_t ArphrdFromIfType(std::uint32_t if_type);  // so the collector treats them alike

// --- dmi: values of HKLM\HARDWARE\DESCRIPTION\System\BIOS (strings; the two release numbers
// as decimal text). Keys follow /sys/class/dmi/id; placeholders are left out.
std::map<std::string, std::string> DmiFromBiosKey(const std::map<std::string, std::string>& values);

// --- os: RtlGetVersion + HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion.
struct WindowsVersion {
  std::uint32_t major = 0, minor = 0, build = 0;
  std::optional<std::uint32_t> ubr;  // update build revision (the ".2861" in 22631.2861)
  std::string product_name;          // "Windows 10 Pro" (still "Windows 10" on Windows 11)
  std::string display_version;       // "23H2" (ReleaseId "2009" on older builds)
  std::string edition_id;            // "Professional"
  std::string hostname, arch;        // "x86_64"
  std::optional<double> boot_time_seconds;
};
// os_release: NAME=Windows, ID=windows, VERSION_ID=10|11 (11 from build 22000), VERSION,
// PRETTY_NAME ("Windows 11 Pro 23H2 (build 22631.2861)"), BUILD_ID, VARIANT_ID.
schema::OsInfo OsInfoFromVersion(const WindowsVersion& v);

// --- packages: one subkey of ...\CurrentVersion\Uninstall (64- or 32-bit view; HKLM or HKCU).
// Values as text (DWORDs in decimal).
// Entries without DisplayName, system components, and updates (ParentKeyName,
// ReleaseType Update/Hotfix/Security Update) are not programs: std::nullopt.
std::optional<schema::Package> PackageFromUninstallKey(
    const std::map<std::string, std::string>& values, std::string_view arch);
// InstallDate "20231015" -> Unix seconds at 00:00 UTC.
std::optional<std::uint64_t> ParseInstallDate(std::string_view yyyymmdd);

// --- processes: CreateToolhelp32Snapshot entry + GetProcessTimes + QueryFullProcessImageName
// + GetProcessMemoryInfo.
struct ProcessRaw {
  std::uint32_t pid = 0;
  std::string exe_file;    // PROCESSENTRY32W.szExeFile ("chrome.exe")
  std::string image_path;  // "C:\Program Files\...\chrome.exe"; empty when not allowed
  std::uint64_t creation_filetime = 0, kernel_ticks = 0, user_ticks = 0;
  std::uint64_t working_set_bytes = 0;
};
// exe: the path with '/' separators and without ".exe", so the application table's basename
// rows ("chrome", "msedge", "winword") match; comm: the file name without ".exe".
ProcessSample ProcessFromRaw(const ProcessRaw& p);

// --- foreground: GetLastInputInfo's tick and GetTickCount at the same moment (both wrap at
// 2^32 ms, the subtraction is done modulo 2^32).
double IdleSecondsFromTicks(std::uint32_t now_ms, std::uint32_t last_input_ms);

// --- netstat: MIB_TCPSTATS(2) of GetTcpStatisticsEx(2), MIB_UDPSTATS(2) of
// GetUdpStatisticsEx(2), MIB_IPSTATS.dwForwarding and MIB_ICMP_EX message counts, per address
// family. Segment and datagram counts are 64-bit where Windows 10's *Ex2 calls give them.
struct TcpStats {
  std::uint64_t active_opens = 0, passive_opens = 0, attempt_fails = 0, estab_resets = 0;
  std::uint64_t curr_estab = 0, in_segs = 0, out_segs = 0, retrans_segs = 0, in_errs = 0;
  std::uint64_t out_rsts = 0;
};
struct UdpStats {
  std::uint64_t in_datagrams = 0, no_ports = 0, in_errors = 0, out_datagrams = 0;
};
struct IcmpCounts {
  std::uint64_t in_msgs = 0, in_errors = 0, out_msgs = 0;
};
struct NetStats {
  std::optional<TcpStats> tcp4, tcp6;
  std::optional<UdpStats> udp4, udp6;
  std::optional<IcmpCounts> icmp4, icmp6;
  std::optional<std::uint32_t> ip_forwarding;  // 1 forwarding, 2 not (as SNMP and Linux)
  bool shared_tcp_mib = false;                 // tcp6 is tcp4 again (Wine), not IPv6's own counts
};
// node_exporter's keys as Linux fills them: Tcp_* counts IPv4 and IPv6 together (Linux keeps
// one TCP MIB for both; Windows one per family), Udp_ / Icmp_ are IPv4, Udp6_ / Icmp6_ IPv6,
// Ip_Forwarding. A family Windows did not answer for is left out, not counted as zero. With
// `shared_tcp_mib` (Wine, which answers both families from Linux's one /proc/net/snmp) the
// IPv6 TCP answer repeats the IPv4 one and is not added.
std::map<std::string, std::uint64_t> NetstatFromStats(const NetStats& s);

// --- routes: rows of GetIpForwardTable2 and, per adapter, GetAdaptersAddresses.
struct IpAddress {
  std::uint8_t version = 0;              // 4 or 6; 0 = none
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 in the first 4
};
std::string FormatIp(const IpAddress& a);  // "192.168.1.1", "fe80::1"; "" when not 4 or 6
struct RouteRow {
  std::uint8_t prefix_length = 0;  // DestinationPrefix.PrefixLength (0 = a default route)
  IpAddress next_hop;              // unspecified (0.0.0.0, ::) for on-link routes
  std::uint32_t metric = 0;        // route metric + the interface's metric
  std::string interface_alias;     // "Ethernet" (ConvertInterfaceLuidToAlias)
  bool interface_up = false;       // the interface's OperStatus is IfOperStatusUp
};
// Default gateways of the default routes (0.0.0.0/0, ::/0) with a next hop on an up interface:
// IPv4 before IPv6, each lowest metric first (the one Windows uses), without duplicates;
// link-local IPv6 next hops carry their interface ("fe80::1%Ethernet"), as on Linux.
std::vector<std::string> DefaultGatewaysFromRoutes(std::span<const RouteRow> routes);
struct AdapterDns {
  std::string alias;
  std::uint32_t if_type = 0;      // IF_TYPE_SOFTWARE_LOOPBACK = 24
  std::uint32_t oper_status = 0;  // IfOperStatusUp = 1
  std::vector<IpAddress> dns_servers;
};
// DNS servers of the up, non-loopback adapters in adapter order, without duplicates. Windows
// lists fec0:0:0:ffff::1..3 (deprecated site-local placeholders) on adapters without an IPv6
// resolver: those are left out.
std::vector<std::string> DnsServersFromAdapters(std::span<const AdapterDns> adapters);

// --- diskstats: DISK_PERFORMANCE of IOCTL_DISK_PERFORMANCE on \\.\PhysicalDriveN. Times are
// 100-ns ticks; IdleTime counts from when the disk's counters started (boot, or plug-in).
struct DiskPerformance {
  std::uint64_t bytes_read = 0, bytes_written = 0, read_time = 0, write_time = 0, idle_time = 0;
  std::uint32_t read_count = 0, write_count = 0, queue_depth = 0;
};
// "PhysicalDrive0": the name disks and diskstats share (Disk 0 in Disk Management).
std::string PhysicalDriveName(std::uint32_t number);
// Linux's fields: reads/writes completed, bytes, read/write time. Windows counts no merges.
// io_time_seconds (time the disk was busy) is `uptime_ticks` (since boot, at the query) minus
// IdleTime, never negative: a disk whose counters started after boot (plugged in later) is
// over-counted by a constant, which rates do not see. io_time_weighted_seconds is the summed
// duration of all requests (ReadTime + WriteTime), as Linux's weighted time is.
schema::DiskStats DiskStatsFromPerformance(const std::string& name, const DiskPerformance& p,
                                           std::uint64_t uptime_ticks);

// --- battery: GetSystemPowerStatus (SYSTEM_POWER_STATUS) and, per battery device,
// IOCTL_BATTERY_QUERY_INFORMATION (BATTERY_INFORMATION) and IOCTL_BATTERY_QUERY_STATUS.
struct PowerStatus {
  std::uint8_t ac_line = 255;       // 0 offline, 1 online, 255 unknown
  std::uint8_t battery_flag = 255;  // 1 high, 2 low, 4 critical, 8 charging, 128 none, 255 unknown
  std::uint8_t life_percent = 255;  // 0..100, 255 unknown
};
struct BatteryDevice {
  std::string manufacturer, device_name;  // BatteryManufactureName, BatteryDeviceName
  std::uint32_t capabilities = 0;         // BATTERY_CAPACITY_RELATIVE 0x40000000: not mWh
  std::uint8_t technology = 1;            // 0 primary (not rechargeable), 1 rechargeable
  std::string chemistry;                  // "LION", "LiP", "NiMH", "PbAc" (4 chars, padded)
  std::uint32_t designed_capacity = 0, full_charged_capacity = 0, cycle_count = 0;  // mWh
  std::optional<std::uint32_t> power_state;         // BATTERY_STATUS.PowerState bits
  std::optional<std::uint32_t> remaining_capacity;  // BATTERY_STATUS.Capacity, mWh
};
// A battery from its device: status words as Linux's power_supply writes them ("Charging",
// "Discharging", "Full", "Not charging"), capacity = remaining / full-charge, energy in Wh,
// wear = 1 - full / design (0..1). Relative-capacity batteries (no mWh) get no energy or wear.
schema::Battery BatteryFromDevice(std::string name, const BatteryDevice& d);
// A battery from GetSystemPowerStatus alone (no device could be read); nullopt when Windows
// says there is no system battery or does not know.
std::optional<schema::Battery> BatteryFromPowerStatus(const PowerStatus& p);

// --- probes: the phases of one WinHTTP request (http:// and https:// probes).
// WINHTTP_OPTION_REQUEST_TIMES (Windows 10 1903+): QueryPerformanceCounter values indexed by
// WINHTTP_REQUEST_TIME_ENTRY, 0 where the request never reached that point. The indices used:
namespace winhttp_time {
inline constexpr std::size_t kNameResolutionStart = 5, kNameResolutionEnd = 6,
                             kConnectionEstablishmentStart = 7, kConnectionEstablishmentEnd = 8,
                             kTlsLeg1Start = 9, kTlsLeg3End = 14, kSendRequestStart = 17,
                             kReceiveResponseHeadersEnd = 25, kCount = 36;
}  // namespace winhttp_time
struct WinHttpTiming {
  bool secure = false;  // https
  // From WINHTTP_OPTION_REQUEST_TIMES; empty where WinHTTP does not answer it (Wine, older
  // Windows).
  std::vector<std::uint64_t> request_times;
  std::uint64_t qpc_frequency = 0;  // QueryPerformanceFrequency
  // From the status callback, seconds since the probe began; negative = not seen.
  // RESOLVING_NAME, NAME_RESOLVED, CONNECTING_TO_SERVER, CONNECTED_TO_SERVER, SENDING_REQUEST,
  // RESPONSE_RECEIVED (the first: the answer's head has been read).
  double resolving = -1, resolved = -1, connecting = -1, connected = -1, sending = -1,
         response_received = -1;
  double total = 0;  // seconds from the probe's start to the last byte read
};
// Phases as the Linux probes name them (seconds, durations, not cumulative): dns, connect,
// tls (https), first_byte (connection ready -> the answer's head received), total.
// From the request times when they are complete; else from the callbacks, where https
// "connect" includes the TLS handshake and no "tls" phase is reported: WinHTTP announces
// CONNECTED_TO_SERVER after the handshake on Wine and gives no moment between TCP and TLS.
// A phase whose moments are missing is left out, never reported as 0.
std::map<std::string, double> ProbePhasesFromWinHttp(const WinHttpTiming& t);

// --- cpuinfo: CPUID leaves as __cpuid answers them, the topology from
// GetLogicalProcessorInformationEx(RelationAll), the registry's ~MHz and the per-CPU
// CurrentMhz of CallNtPowerInformation(ProcessorInformation).
struct CpuidLeaf {
  std::uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};
struct Cpuid {
  CpuidLeaf leaf0, leaf1, leaf7;     // leaf 7 subleaf 0: zero when the CPU has no leaf 7
  std::optional<CpuidLeaf> leaf16;   // 0x16 frequencies (Intel Skylake+), when answered
  std::array<CpuidLeaf, 3> brand{};  // 0x80000002..4: the brand string; zero when absent
};
struct CpuTopology {
  std::uint32_t packages = 0, cores = 0, threads = 0;
};
// SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX records (Relationship, Size, then for
// RelationProcessorCore / RelationProcessorPackage a PROCESSOR_RELATIONSHIP whose GroupCount
// is at +30 and GROUP_AFFINITY masks of 16 bytes from +32): packages, cores, and threads as
// the bits set in the cores' masks. Errors name the record that does not fit.
Result<CpuTopology> ParseLogicalProcessorInformationEx(std::span<const std::uint8_t> buffer);
// vendor ("GenuineIntel"), model name (brand string), family/model/stepping as Linux computes
// them (extended family added for family 15, extended model for family >= 6), the generation
// flags (kGenerationFlags: sse4_2, aes, avx with OSXSAVE, avx2, avx512f), sockets/cores/
// threads; base Hz from leaf 0x16 else the registry's ~MHz, max Hz from leaf 0x16 only,
// current Hz per CPU as the power manager reports it (0 = unknown, left out).
schema::CpuInfo CpuInfoFromCpuid(const Cpuid& id, const CpuTopology& topology,
                                 std::optional<std::uint32_t> registry_mhz,
                                 std::span<const std::uint32_t> current_mhz);

// --- SMBIOS through GetSystemFirmwareTable('RSMB'): a RawSMBIOSData header (calling method,
// major, minor, DMI revision, DWORD Length) before the structure table Linux reads from
// /sys/firmware/dmi/tables/DMI. The table, or an error when Length does not fit.
Result<std::string_view> SmbiosTableFromRsmb(std::string_view raw);
// The chassis type (SMBIOS type 3, byte 5 without its lock bit) of the first chassis
// structure; nullopt when there is none. Errors for a cut-off structure.
Result<std::optional<std::uint32_t>> SmbiosChassisType(std::string_view table);

}  // namespace wardwatch::agent::winconv
