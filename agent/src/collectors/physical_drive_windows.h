// \\.\PhysicalDriveN and the DeviceIoControl queries the disks, diskstats and smart collectors
// share. Opened without read/write access, a disk answers its descriptor, size, seek penalty
// and I/O counters to any user; SMART needs read/write access (administrator).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "collectors/windows_ioctl.h"
#include "win32.h"
// clang-format off
#include <winioctl.h>  // after <windows.h>
// clang-format on

namespace wardwatch::agent::win {

// The numbers N for which \\.\PhysicalDriveN opens (0..63: numbers have gaps after a USB disk
// is unplugged).
std::vector<std::uint32_t> PhysicalDriveNumbers();
// \\.\PhysicalDriveN with `access` (0 for queries, GENERIC_READ | GENERIC_WRITE for SMART);
// an empty handle with GetLastError() set when it cannot be opened.
UniqueHandle OpenPhysicalDrive(std::uint32_t number, DWORD access);

// One DeviceIoControl: the answer's bytes, or the Win32 error code.
struct IoctlAnswer {
  DWORD error = ERROR_SUCCESS;
  std::vector<std::uint8_t> bytes;
  explicit operator bool() const { return error == ERROR_SUCCESS; }
};
IoctlAnswer Ioctl(HANDLE h, DWORD code, const void* in, DWORD in_size, DWORD out_size);

Result<winconv::StorageDescriptor> QueryStorageDescriptor(HANDLE drive);
std::optional<bool> QuerySeekPenalty(HANDLE drive);
// IOCTL_DISK_GET_DRIVE_GEOMETRY_EX (any user), else IOCTL_DISK_GET_LENGTH_INFO (read access).
std::optional<std::uint64_t> QueryDiskSize(HANDLE drive);
// The disk holding the Windows directory's volume (IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS on
// \\.\C:); the first extent's disk when the volume spans several.
std::optional<std::uint32_t> SystemDiskNumber();

}  // namespace wardwatch::agent::win
