// The session helpers' folder on Windows (%ProgramData%\WardWatch\sessions): the service
// gives it an ACL in place of Linux's sticky bit and reads one file per user SID, trusting
// nothing in it (any user may create files there); the helper replaces its own file atomically.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>

#include "collectors/session_file.h"
#include "win32.h"
// aclapi.h, sddl.h and shlobj.h need windows.h (from win32.h) first.
#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>

namespace wardwatch::agent {
namespace {

constexpr int kMaxEntries = 1024;  // a folder flooded with names costs a bounded scan

struct LocalFreeDeleter {
  void operator()(void* p) const { ::LocalFree(p); }
};
using LocalPtr = std::unique_ptr<void, LocalFreeDeleter>;

struct FindCloser {
  void operator()(HANDLE h) const { ::FindClose(h); }
};
using UniqueFind = std::unique_ptr<std::remove_pointer_t<HANDLE>, FindCloser>;

std::string Join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && (dir.back() == '\\' || dir.back() == '/')) return dir + name;
  return dir + "\\" + name;
}

std::string WinText(DWORD code) { return win::ErrorText(code); }

Result<LocalPtr> SidFromText(const std::string& text) {
  PSID sid = nullptr;
  if (!::ConvertStringSidToSidW(win::ToWide(text).c_str(), &sid)) {
    return MakeError("not a SID: " + WinText(::GetLastError()));
  }
  return LocalPtr(sid);
}

Result<std::string> ProcessUserSid() {
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) {
    return MakeError("cannot open the process token: " + WinText(::GetLastError()));
  }
  win::UniqueHandle token(raw);
  alignas(TOKEN_USER) unsigned char buf[256];
  DWORD len = 0;
  if (!::GetTokenInformation(token.get(), TokenUser, buf, sizeof buf, &len)) {
    return MakeError("cannot read the process token's user: " + WinText(::GetLastError()));
  }
  wchar_t* text = nullptr;
  if (!::ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buf)->User.Sid, &text)) {
    return MakeError("cannot convert the process user's SID: " + WinText(::GetLastError()));
  }
  LocalPtr owner(text);
  return win::ToUtf8(text);
}

SessionEntry ReadEntry(const std::string& path, const std::string& sid_text, double now) {
  SessionEntry e;
  const std::string what = "session helper file";  // no SID: the report names no user
  // FILE_FLAG_OPEN_REPARSE_POINT: a symbolic link or junction is opened itself, not followed,
  // and refused below. Without FILE_FLAG_BACKUP_SEMANTICS a folder does not open at all.
  win::UniqueHandle h(::CreateFileW(win::ToWide(path).c_str(), GENERIC_READ | READ_CONTROL,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                    OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!h) {
    const DWORD err = ::GetLastError();
    e.sample.unavailable_reason = what + ": " + WinText(err);
    // Whatever cannot be opened (a folder, a file made unreadable) goes, unless it has just
    // gone by itself or is being replaced by its helper at this moment.
    e.remove = err != ERROR_FILE_NOT_FOUND && err != ERROR_SHARING_VIOLATION;
    return e;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(h.get(), &info)) {
    e.sample.unavailable_reason = what + ": " + WinText(::GetLastError());
    return e;
  }
  const std::uint64_t size = (std::uint64_t{info.nFileSizeHigh} << 32) | info.nFileSizeLow;
  e.remove = true;
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
    e.sample.unavailable_reason = what + ": a reparse point (link; not followed)";
  } else if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    e.sample.unavailable_reason = what + ": not a regular file";
  } else if (info.nNumberOfLinks != 1) {
    e.sample.unavailable_reason = what + ": has " + std::to_string(info.nNumberOfLinks) + " links";
  } else if (size > kSessionFileMaxBytes) {
    e.sample.unavailable_reason =
        what + ": larger than " + std::to_string(kSessionFileMaxBytes) + " bytes";
  } else {
    e.remove = false;
  }
  if (e.remove) return e;
  // The owner must be the user the name names: anyone may create a file under any name, but
  // only the user's own process can make it theirs (the helper sets itself as owner).
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR raw_sd = nullptr;
  const DWORD rc = ::GetSecurityInfo(h.get(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner,
                                     nullptr, nullptr, nullptr, &raw_sd);
  LocalPtr sd(raw_sd);
  if (rc != ERROR_SUCCESS || owner == nullptr) {
    e.sample.unavailable_reason = what + ": cannot read its owner: " + WinText(rc);
    return e;
  }
  auto named = SidFromText(sid_text);
  if (!named || !::EqualSid(owner, named->get())) {
    e.sample.unavailable_reason = what + ": another user's file under a user's name";
    e.remove = true;
    return e;
  }
  char buf[kSessionFileMaxBytes + 1];
  std::size_t got = 0;
  while (got < sizeof buf) {  // the size may have grown since it was read: one byte more
    DWORD n = 0;
    if (!::ReadFile(h.get(), buf + got, static_cast<DWORD>(sizeof buf - got), &n, nullptr) ||
        n == 0) {
      break;
    }
    got += n;
  }
  return SessionEntryFromText(std::string_view(buf, got), what, now);
}

// SYSTEM and Administrators may delete anything in the folder; for anyone else this does
// nothing. A symbolic link or junction is removed itself, never its target.
void RemoveEntry(const std::string& path) {
  const std::wstring w = win::ToWide(path);
  if (::DeleteFileW(w.c_str())) return;
  ::RemoveDirectoryW(w.c_str());
}

}  // namespace

std::string DefaultSessionDir() {
  // The known folder, not %ProgramData%: a service's environment need not have it right (Wine
  // 8's service host sets it to C:\users\Public), and the MSI's CommonAppDataFolder is this.
  wchar_t* path = nullptr;
  std::string base = "C:\\ProgramData";
  if (SUCCEEDED(::SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &path))) {
    base = win::ToUtf8(path);
  }
  ::CoTaskMemFree(path);
  return Join(base, "WardWatch\\sessions");
}

Result<std::string> OwnSessionFileName() { return ProcessUserSid(); }

Status PrepareSessionDir(const std::string& dir) {
  const std::wstring w = win::ToWide(dir);
  // The parents (ProgramData\WardWatch) with their inherited ACLs; the folder itself with its
  // own from the start.
  const auto slash = dir.find_last_of("\\/");
  if (slash != std::string::npos && slash > 0) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::u8path(dir.substr(0, slash)), ec);
  }
  PSECURITY_DESCRIPTOR raw_sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(win::ToWide(kSessionDirSddl).c_str(),
                                                              SDDL_REVISION_1, &raw_sd, nullptr)) {
    return MakeError("cannot build the session folder's ACL: " + WinText(::GetLastError()));
  }
  LocalPtr sd(raw_sd);
  SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), sd.get(), FALSE};
  if (!::CreateDirectoryW(w.c_str(), &sa) && ::GetLastError() != ERROR_ALREADY_EXISTS) {
    return MakeError("cannot create folder " + dir + ": " + WinText(::GetLastError()));
  }
  // It may have been there before the service (ProgramData lets users make folders): open the
  // entry itself, refuse a link, and set owner and ACL through that handle.
  win::UniqueHandle h(
      ::CreateFileW(w.c_str(), READ_CONTROL | WRITE_DAC | WRITE_OWNER,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!h) return MakeError("cannot open folder " + dir + ": " + WinText(::GetLastError()));
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(h.get(), &info)) {
    return MakeError("cannot read folder " + dir + ": " + WinText(::GetLastError()));
  }
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 ||
      (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0) {
    return MakeError(dir + " is a link or a file, not a folder: remove it and restart the agent");
  }
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = nullptr;
  ::GetSecurityDescriptorDacl(sd.get(), &present, &dacl, &defaulted);
  // The owner: this process's user (SYSTEM for the service), so a user who made the folder
  // first cannot rewrite its ACL later.
  HANDLE raw = nullptr;
  PSID me = nullptr;
  alignas(TOKEN_USER) unsigned char buf[256];
  if (::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) {
    win::UniqueHandle token(raw);
    DWORD len = 0;
    if (::GetTokenInformation(token.get(), TokenUser, buf, sizeof buf, &len)) {
      me = reinterpret_cast<TOKEN_USER*>(buf)->User.Sid;
    }
  }
  const SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION |
                                    PROTECTED_DACL_SECURITY_INFORMATION |
                                    (me != nullptr ? OWNER_SECURITY_INFORMATION : 0);
  if (const DWORD rc = ::SetSecurityInfo(h.get(), SE_FILE_OBJECT, what, me, nullptr, dacl, nullptr);
      rc != ERROR_SUCCESS) {
    return MakeError("cannot set the ACL of " + dir + ": " + WinText(rc));
  }
  return Status::Ok();
}

ForegroundSample ReadSessionDir(const std::string& dir, double now) {
  ForegroundSample none;
  WIN32_FIND_DATAW found{};
  UniqueFind find(::FindFirstFileExW(win::ToWide(Join(dir, "*")).c_str(), FindExInfoBasic, &found,
                                     FindExSearchNameMatch, nullptr, FIND_FIRST_EX_LARGE_FETCH));
  if (find.get() == INVALID_HANDLE_VALUE) {
    find.release();  // nothing to close
    const DWORD err = ::GetLastError();
    none.unavailable_reason = err == ERROR_FILE_NOT_FOUND
                                  ? "no session helper file in " + dir +
                                        " (wardwatch-session not running in a desktop session)"
                                  : "no session helper folder " + dir + ": " + WinText(err);
    return none;
  }
  SessionChoice choice;
  int seen = 0;
  do {
    const std::string name = win::ToUtf8(found.cFileName);
    if (name.empty() || name[0] == '.') continue;  // ".", "..", helpers' files being written
    if (++seen > kMaxEntries) break;
    if (!IsSidFileName(name)) continue;
    const std::string path = Join(dir, name);
    SessionEntry e = ReadEntry(path, name, now);
    if (e.remove) RemoveEntry(path);
    choice.Add(std::move(e.sample));
  } while (::FindNextFileW(find.get(), &found));
  return std::move(choice).Take(dir);
}

Status WriteSessionFile(const std::string& dir, const std::string& name, std::string_view text) {
  if (!IsSidFileName(name)) return MakeError("not a SID: " + name);
  // Owned by the user's SID, whatever the token's default owner (an administrator's files are
  // otherwise owned by Administrators, and the agent would refuse them). No DACL: the folder's
  // inherited one applies.
  PSECURITY_DESCRIPTOR raw_sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW((L"O:" + win::ToWide(name)).c_str(),
                                                              SDDL_REVISION_1, &raw_sd, nullptr)) {
    return MakeError("cannot build the session file's owner: " + WinText(::GetLastError()));
  }
  LocalPtr sd(raw_sd);
  SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), sd.get(), FALSE};
  // A random temporary name: another user could have put a file under any name we can guess.
  std::random_device random;
  std::wstring tmp;
  win::UniqueHandle h;
  for (int attempt = 0; attempt < 8 && !h; ++attempt) {
    tmp = win::ToWide(Join(dir, "." + name + "." + std::to_string(random())));
    h.reset(::CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, &sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                          nullptr));
    if (!h && ::GetLastError() != ERROR_FILE_EXISTS) {
      return MakeError("cannot create a file in " + dir + ": " + WinText(::GetLastError()));
    }
  }
  if (!h) return MakeError("cannot create a file in " + dir + ": names taken");
  const std::string target = Join(dir, name);
  auto fail = [&](const std::string& what) {
    const DWORD err = ::GetLastError();
    h.reset();
    ::DeleteFileW(tmp.c_str());
    return MakeError("cannot " + what + " " + target + ": " + WinText(err));
  };
  DWORD wrote = 0;
  if (!::WriteFile(h.get(), text.data(), static_cast<DWORD>(text.size()), &wrote, nullptr) ||
      wrote != text.size()) {
    return fail("write");
  }
  h.reset();
  // The agent may be reading the old file this very moment (a sharing conflict); try again
  // shortly rather than skip a sample.
  for (int attempt = 0;; ++attempt) {
    if (::MoveFileExW(tmp.c_str(), win::ToWide(target).c_str(), MOVEFILE_REPLACE_EXISTING)) {
      return Status::Ok();
    }
    const DWORD err = ::GetLastError();
    if (attempt == 3 || (err != ERROR_SHARING_VIOLATION && err != ERROR_ACCESS_DENIED)) {
      // ERROR_ACCESS_DENIED for good: another user's file has our name; the agent removes it.
      return fail("replace");
    }
    ::Sleep(50);
  }
}

void RemoveSessionFile(const std::string& dir, const std::string& name) {
  if (IsSidFileName(name)) ::DeleteFileW(win::ToWide(Join(dir, name)).c_str());
}

}  // namespace wardwatch::agent
