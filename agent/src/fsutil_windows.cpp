// File access for Windows: UTF-8 paths through the wide-character API, durable writes with
// FlushFileBuffers, atomic replace with MoveFileExW(MOVEFILE_REPLACE_EXISTING |
// MOVEFILE_WRITE_THROUGH).
#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

#include "fsutil.h"
#include "win32.h"
// sddl.h needs windows.h (from win32.h) first.
#include <sddl.h>

namespace wardwatch::agent {
namespace {

Error WinError(const std::string& what, const std::string& path, DWORD code = ::GetLastError()) {
  return MakeError("cannot " + what + " " + path + ": " + win::ErrorText(code));
}

Status WriteAll(HANDLE h, std::string_view data, const std::string& what, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(data.size() - done, 1u << 30));
    DWORD wrote = 0;
    if (!::WriteFile(h, data.data() + done, chunk, &wrote, nullptr)) {
      return WinError("write " + what, path);
    }
    done += wrote;
  }
  if (!::FlushFileBuffers(h)) return WinError("flush " + what, path);
  return Status::Ok();
}

struct LocalFreeDeleter {
  void operator()(void* p) const { ::LocalFree(p); }
};
using LocalPtr = std::unique_ptr<void, LocalFreeDeleter>;

// A protected DACL (nothing inherited from the folder) that lets only SYSTEM, Administrators
// and the account the agent runs as in: for files that must stay private (the machine token).
// ProgramData, where the service keeps its state, lets every local user read new files.
Result<LocalPtr> PrivateSecurityDescriptor() {
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) {
    return WinError("open", "the process token");
  }
  win::UniqueHandle token(raw);
  alignas(TOKEN_USER) unsigned char buf[256];
  DWORD len = 0;
  if (!::GetTokenInformation(token.get(), TokenUser, buf, sizeof buf, &len)) {
    return WinError("read", "the process token's user");
  }
  wchar_t* sid_text = nullptr;
  if (!::ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buf)->User.Sid, &sid_text)) {
    return WinError("convert", "the process token's user");
  }
  LocalPtr sid_owner(sid_text);
  const std::wstring sddl = std::wstring(L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;") + sid_text + L")";
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                              nullptr)) {
    return WinError("build", "a private security descriptor");
  }
  return LocalPtr(sd);
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  win::UniqueHandle h(::CreateFileW(win::ToWide(path).c_str(), GENERIC_READ,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!h) return WinError("read", path);
  std::string out;
  char buf[8192];
  for (;;) {
    DWORD n = 0;
    if (!::ReadFile(h.get(), buf, sizeof buf, &n, nullptr)) return WinError("read", path);
    if (n == 0) break;
    if (out.size() + n > max_bytes) {
      return MakeError("cannot read " + path + ": larger than " + std::to_string(max_bytes) +
                       " bytes");
    }
    out.append(buf, n);
  }
  return out;
}

Result<std::vector<std::string>> ListDir(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> names;
  std::filesystem::directory_iterator it(std::filesystem::u8path(path), ec), end;
  if (ec) return MakeError("cannot list " + path + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return MakeError("cannot list " + path + ": " + ec.message());
    const auto u8 = it->path().filename().u8string();
    names.emplace_back(u8.begin(), u8.end());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool Exists(const std::string& path) {
  return ::GetFileAttributesW(win::ToWide(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

Status EnsureDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::u8path(path), ec);
  if (ec) return MakeError("cannot create folder " + path + ": " + ec.message());
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, const std::string& data, unsigned mode) {
  // Windows has no mode bits: a file that is owner-only on Linux (mode & 077 == 0: the machine
  // token) gets a protected DACL instead (PrivateSecurityDescriptor); others inherit the
  // folder's ACL. The rename keeps the file's own DACL.
  const std::string tmp = path + ".tmp";
  SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
  LocalPtr sd;
  if ((mode & 077) == 0) {
    auto made = PrivateSecurityDescriptor();
    if (!made) return MakeError("cannot write " + path + " privately: " + made.error());
    sd = std::move(*made);
    sa.lpSecurityDescriptor = sd.get();
  }
  ::DeleteFileW(win::ToWide(tmp).c_str());  // a leftover keeps its old DACL under CREATE_ALWAYS
  {
    win::UniqueHandle h(::CreateFileW(win::ToWide(tmp).c_str(), GENERIC_WRITE, 0, &sa,
                                      CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!h) return WinError("write", tmp);
    if (auto s = WriteAll(h.get(), data, "", tmp); !s) return s;
  }
  if (!::MoveFileExW(win::ToWide(tmp).c_str(), win::ToWide(path).c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    return WinError("rename to", path);
  }
  return Status::Ok();
}

Status AppendFileDurably(const std::string& path, std::string_view bytes, std::string_view what) {
  const std::string name = std::string(what) + " " + path;
  // Spool segments hold reports: private like the folder is on Linux (0700). The DACL applies
  // when OPEN_ALWAYS creates the file.
  auto sd = PrivateSecurityDescriptor();
  if (!sd) return MakeError("cannot open " + name + " privately: " + sd.error());
  SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), sd->get(), FALSE};
  win::UniqueHandle h(::CreateFileW(win::ToWide(path).c_str(), FILE_APPEND_DATA,
                                    FILE_SHARE_READ | FILE_SHARE_DELETE, &sa, OPEN_ALWAYS,
                                    FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!h) return MakeError("cannot open " + name + ": " + win::ErrorText(::GetLastError()));
  return WriteAll(h.get(), bytes, std::string(what), path);
}

void RemoveFile(const std::string& path) { ::DeleteFileW(win::ToWide(path).c_str()); }

std::string HostName() {
  wchar_t buf[256] = {};
  DWORD n = 256;
  if (!::GetComputerNameExW(ComputerNameDnsHostname, buf, &n)) return "";
  return win::ToUtf8(std::wstring_view(buf, n));
}

}  // namespace wardwatch::agent
