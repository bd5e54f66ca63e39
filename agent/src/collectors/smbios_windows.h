// The raw SMBIOS table through GetSystemFirmwareTable('RSMB'), for the chassis and
// memory_modules collectors (no administrator rights needed). Included only by *_windows.cpp.
#pragma once

#include <windows.h>

#include <optional>
#include <string>

#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent::win {

// The RawSMBIOSData answer (header + table); nullopt when the firmware provides no SMBIOS
// (some virtual machines): absent, not an error.
inline Result<std::optional<std::string>> ReadRawSmbios() {
  constexpr DWORD kRsmb = 'R' << 24 | 'S' << 16 | 'M' << 8 | 'B';
  for (int attempt = 0; attempt < 3; ++attempt) {  // the table may grow between the calls
    const UINT size = ::GetSystemFirmwareTable(kRsmb, 0, nullptr, 0);
    if (size == 0) {
      const DWORD err = ::GetLastError();
      if (err == ERROR_NOT_FOUND || err == ERROR_INVALID_FUNCTION || err == ERROR_SUCCESS ||
          err == ERROR_NOT_SUPPORTED) {
        return std::optional<std::string>();
      }
      return MakeError("GetSystemFirmwareTable('RSMB'): " + ErrorText(err));
    }
    std::string raw(size, '\0');
    const UINT got = ::GetSystemFirmwareTable(kRsmb, 0, raw.data(), size);
    if (got == 0)
      return MakeError("GetSystemFirmwareTable('RSMB'): " + ErrorText(::GetLastError()));
    if (got <= size) {
      raw.resize(got);
      return std::optional<std::string>(std::move(raw));
    }
  }
  return MakeError("GetSystemFirmwareTable('RSMB'): the table kept growing");
}

}  // namespace wardwatch::agent::win
