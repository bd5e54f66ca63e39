// DeviceIoControl on \\.\PhysicalDriveN and the system volume (see physical_drive_windows.h).
#include "collectors/physical_drive_windows.h"

#include <algorithm>
#include <cstddef>

namespace wardwatch::agent::win {

// The byte parser in windows_ioctl.cpp reads STORAGE_DEVICE_DESCRIPTOR at these offsets.
static_assert(offsetof(STORAGE_DEVICE_DESCRIPTOR, RemovableMedia) == 10);
static_assert(offsetof(STORAGE_DEVICE_DESCRIPTOR, VendorIdOffset) == 12);
static_assert(offsetof(STORAGE_DEVICE_DESCRIPTOR, SerialNumberOffset) == 24);
static_assert(offsetof(STORAGE_DEVICE_DESCRIPTOR, BusType) == 28);
static_assert(BusTypeNvme == 17 && BusTypeSata == 11 && BusTypeFileBackedVirtual == 15);

UniqueHandle OpenPhysicalDrive(std::uint32_t number, DWORD access) {
  const std::wstring path = L"\\\\.\\PhysicalDrive" + std::to_wstring(number);
  return UniqueHandle(::CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                    nullptr, OPEN_EXISTING, 0, nullptr));
}

std::vector<std::uint32_t> PhysicalDriveNumbers() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t n = 0; n < 64; ++n) {
    if (OpenPhysicalDrive(n, 0)) out.push_back(n);
  }
  return out;
}

IoctlAnswer Ioctl(HANDLE h, DWORD code, const void* in, DWORD in_size, DWORD out_size) {
  IoctlAnswer a;
  a.bytes.resize(out_size);
  DWORD returned = 0;
  if (!::DeviceIoControl(h, code, const_cast<void*>(in), in_size, a.bytes.data(), out_size,
                         &returned, nullptr)) {
    a.error = ::GetLastError();
    a.bytes.clear();
    return a;
  }
  a.bytes.resize(returned);
  return a;
}

Result<winconv::StorageDescriptor> QueryStorageDescriptor(HANDLE drive) {
  STORAGE_PROPERTY_QUERY q{};
  q.PropertyId = StorageDeviceProperty;
  q.QueryType = PropertyStandardQuery;
  // The header says how large the whole descriptor is (the strings and the bus's raw
  // properties follow the fixed fields); then the whole of it.
  STORAGE_DESCRIPTOR_HEADER header{};
  DWORD returned = 0;
  if (!::DeviceIoControl(drive, IOCTL_STORAGE_QUERY_PROPERTY, &q, sizeof q, &header, sizeof header,
                         &returned, nullptr)) {
    return MakeError("IOCTL_STORAGE_QUERY_PROPERTY (StorageDeviceProperty) failed: " +
                     ErrorText(::GetLastError()));
  }
  constexpr DWORD kMaxDescriptor = 64 << 10;
  const DWORD size =
      std::clamp<DWORD>(header.Size, sizeof(STORAGE_DEVICE_DESCRIPTOR), kMaxDescriptor);
  auto a = Ioctl(drive, IOCTL_STORAGE_QUERY_PROPERTY, &q, sizeof q, size);
  if (!a) {
    return MakeError("IOCTL_STORAGE_QUERY_PROPERTY (StorageDeviceProperty) failed: " +
                     ErrorText(a.error));
  }
  return winconv::ParseStorageDeviceDescriptor(a.bytes);
}

std::optional<bool> QuerySeekPenalty(HANDLE drive) {
  STORAGE_PROPERTY_QUERY q{};
  q.PropertyId = StorageDeviceSeekPenaltyProperty;
  q.QueryType = PropertyStandardQuery;
  auto a = Ioctl(drive, IOCTL_STORAGE_QUERY_PROPERTY, &q, sizeof q,
                 sizeof(DEVICE_SEEK_PENALTY_DESCRIPTOR));
  if (!a || a.bytes.size() < sizeof(DEVICE_SEEK_PENALTY_DESCRIPTOR)) return std::nullopt;
  return a.bytes[offsetof(DEVICE_SEEK_PENALTY_DESCRIPTOR, IncursSeekPenalty)] != 0;
}

std::optional<std::uint64_t> QueryDiskSize(HANDLE drive) {
  DISK_GEOMETRY_EX g{};
  DWORD returned = 0;
  if (::DeviceIoControl(drive, IOCTL_DISK_GET_DRIVE_GEOMETRY_EX, nullptr, 0, &g, sizeof g,
                        &returned, nullptr) &&
      returned >= offsetof(DISK_GEOMETRY_EX, DiskSize) + sizeof g.DiskSize) {
    return static_cast<std::uint64_t>(g.DiskSize.QuadPart);
  }
  GET_LENGTH_INFORMATION len{};
  if (::DeviceIoControl(drive, IOCTL_DISK_GET_LENGTH_INFO, nullptr, 0, &len, sizeof len, &returned,
                        nullptr)) {
    return static_cast<std::uint64_t>(len.Length.QuadPart);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> SystemDiskNumber() {
  wchar_t windir[MAX_PATH] = {};
  if (::GetSystemWindowsDirectoryW(windir, MAX_PATH) < 2 || windir[1] != L':') {
    return std::nullopt;
  }
  const std::wstring volume = std::wstring(L"\\\\.\\") + windir[0] + L":";
  UniqueHandle h(::CreateFileW(volume.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                               OPEN_EXISTING, 0, nullptr));
  if (!h) return std::nullopt;
  // Room for a few extents (a volume spanning disks); the first is the one that boots.
  alignas(VOLUME_DISK_EXTENTS)
      std::uint8_t buf[sizeof(VOLUME_DISK_EXTENTS) + 7 * sizeof(DISK_EXTENT)];
  DWORD returned = 0;
  if (!::DeviceIoControl(h.get(), IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, nullptr, 0, buf, sizeof buf,
                         &returned, nullptr) ||
      returned < sizeof(VOLUME_DISK_EXTENTS)) {
    return std::nullopt;
  }
  const auto* ext = reinterpret_cast<const VOLUME_DISK_EXTENTS*>(buf);
  if (ext->NumberOfDiskExtents == 0) return std::nullopt;
  return ext->Extents[0].DiskNumber;
}

}  // namespace wardwatch::agent::win
