// Reading registry keys as text (Windows only): REG_SZ/REG_EXPAND_SZ as UTF-8, DWORD/QWORD as
// decimal. Included only by *_windows.cpp files.
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "win32.h"

namespace wardwatch::agent::win {

// `view`: 0, KEY_WOW64_64KEY or KEY_WOW64_32KEY. A missing key is an empty result.
inline UniqueHkey OpenKey(HKEY root, const std::wstring& path, REGSAM view = 0) {
  UniqueHkey key;
  ::RegOpenKeyExW(root, path.c_str(), 0, KEY_READ | view, key.put());
  return key;
}

inline std::map<std::string, std::string> ReadValues(HKEY key) {
  std::map<std::string, std::string> out;
  if (key == nullptr) return out;
  for (DWORD i = 0;; ++i) {
    wchar_t name[16384];
    DWORD name_len = 16384;
    DWORD type = 0;
    DWORD size = 0;
    LONG rc = ::RegEnumValueW(key, i, name, &name_len, nullptr, &type, nullptr, &size);
    if (rc == ERROR_NO_MORE_ITEMS) break;
    if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA) break;
    std::vector<BYTE> data(size + sizeof(wchar_t) * 2, 0);
    name_len = 16384;
    DWORD data_size = size;
    if (::RegEnumValueW(key, i, name, &name_len, nullptr, &type, data.data(), &data_size) !=
        ERROR_SUCCESS) {
      continue;
    }
    const std::string n = ToUtf8(std::wstring_view(name, name_len));
    if (type == REG_SZ || type == REG_EXPAND_SZ) {
      std::wstring_view w(reinterpret_cast<const wchar_t*>(data.data()),
                          data_size / sizeof(wchar_t));
      while (!w.empty() && w.back() == L'\0') w.remove_suffix(1);
      out[n] = ToUtf8(w);
    } else if (type == REG_DWORD && data_size >= 4) {
      DWORD v = 0;
      std::memcpy(&v, data.data(), 4);
      out[n] = std::to_string(v);
    } else if (type == REG_QWORD && data_size >= 8) {
      unsigned long long v = 0;
      std::memcpy(&v, data.data(), 8);
      out[n] = std::to_string(v);
    }
  }
  return out;
}

inline std::vector<std::wstring> SubkeyNames(HKEY key) {
  std::vector<std::wstring> out;
  if (key == nullptr) return out;
  for (DWORD i = 0;; ++i) {
    wchar_t name[256];
    DWORD len = 256;
    const LONG rc = ::RegEnumKeyExW(key, i, name, &len, nullptr, nullptr, nullptr, nullptr);
    if (rc == ERROR_NO_MORE_ITEMS) break;
    if (rc == ERROR_SUCCESS) out.emplace_back(name, len);
  }
  return out;
}

}  // namespace wardwatch::agent::win
