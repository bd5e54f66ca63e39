// filesystem collector for Windows: GetLogicalDriveStrings, then per drive GetDriveType,
// GetVolumeInformation and GetDiskFreeSpaceEx for fixed and removable drives. A drive that
// cannot be read (empty card reader) is left out, not an error.
#include "collectors/filesystem.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

class FilesystemCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    wchar_t drives[512] = {};
    const DWORD n = ::GetLogicalDriveStringsW(511, drives);
    if (n == 0 || n > 511) {
      return MakeError("GetLogicalDriveStrings failed: " + win::ErrorText(::GetLastError()));
    }
    // Do not ask the user to insert a disk into an empty drive.
    const UINT old_mode = ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    for (const wchar_t* root = drives; *root != L'\0'; root += std::wcslen(root) + 1) {
      winconv::Volume v;
      v.root = win::ToUtf8(root);
      v.drive_type = ::GetDriveTypeW(root);
      // Network shares and optical drives are left out anyway; asking a disconnected share
      // for its volume information can block for a long time.
      if (v.drive_type != DRIVE_FIXED && v.drive_type != DRIVE_REMOVABLE) continue;
      wchar_t fs[MAX_PATH + 1] = {};
      DWORD flags = 0;
      if (::GetVolumeInformationW(root, nullptr, 0, nullptr, nullptr, &flags, fs, MAX_PATH + 1)) {
        v.fstype = win::ToUtf8(fs);
        v.readonly = (flags & FILE_READ_ONLY_VOLUME) != 0;
      }
      wchar_t guid[MAX_PATH + 1] = {};
      if (::GetVolumeNameForVolumeMountPointW(root, guid, MAX_PATH + 1)) {
        v.volume_name = win::ToUtf8(guid);
      }
      ULARGE_INTEGER avail{}, total{}, free{};
      if (::GetDiskFreeSpaceExW(root, &avail, &total, &free)) {
        v.avail = avail.QuadPart;
        v.total = total.QuadPart;
        v.free = free.QuadPart;
      }
      if (winconv::KeepVolume(v)) {
        report.system.filesystems.push_back(winconv::FilesystemFromVolume(v));
      }
    }
    ::SetErrorMode(old_mode);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewFilesystemCollector() {
  return std::make_unique<FilesystemCollector>();
}

}  // namespace wardwatch::agent
