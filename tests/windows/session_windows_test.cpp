// The session helpers' folder on Windows (session_file_windows.cpp), on the running system: the
// folder made with its ACL, a helper's file written and read back, and hostile entries (another
// user's file under a SID's name, an oversized, stale, linked or folder entry) refused and
// removed. Under Wine, which does not enforce ACLs, what Wine keeps is checked and the rest
// says so (docs/windows.md). With WARDWATCH_SESSION_E2E_DIR set (session_e2e_test.py), the file
// wardwatch-session.exe wrote there is read and its pid must be WARDWATCH_SESSION_E2E_EXE's.
#include <doctest/doctest.h>
// clang-format off
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <tlhelp32.h>
// clang-format on

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "collectors/session_file.h"
#include "win32.h"

namespace fs = std::filesystem;
using namespace wardwatch::agent;

namespace {

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string File(std::int64_t time, const std::string& pid, const std::string& idle) {
  return "wardwatch-session 1\ntime " + std::to_string(time) + "\npid " + pid + "\nidle_ms " +
         idle + "\n";
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device r;
    path = fs::temp_directory_path() / ("ww-sessions-" + std::to_string(r()));
    // PrepareSessionDir makes it (the parents exist).
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
};

// A file created with `owner` as its owner (Wine lets a process set any owner; Windows only its
// own SID or a group it may own with).
bool WriteOwned(const fs::path& p, const std::string& owner, const std::string& text) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW((L"O:" + win::ToWide(owner)).c_str(),
                                                              SDDL_REVISION_1, &sd, nullptr)) {
    return false;
  }
  SECURITY_ATTRIBUTES sa{sizeof sa, sd, FALSE};
  win::UniqueHandle h(::CreateFileW(p.wstring().c_str(), GENERIC_WRITE, 0, &sa, CREATE_ALWAYS,
                                    FILE_ATTRIBUTE_NORMAL, nullptr));
  ::LocalFree(sd);
  if (!h) return false;
  DWORD n = 0;
  return ::WriteFile(h.get(), text.data(), static_cast<DWORD>(text.size()), &n, nullptr) != 0;
}

std::optional<std::string> OwnerOf(const fs::path& p) {
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (::GetNamedSecurityInfoW(p.wstring().c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION,
                              &owner, nullptr, nullptr, nullptr, &sd) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  wchar_t* text = nullptr;
  std::optional<std::string> out;
  if (::ConvertSidToStringSidW(owner, &text)) {
    out = win::ToUtf8(text);
    ::LocalFree(text);
  }
  ::LocalFree(sd);
  return out;
}

std::string DaclOf(const fs::path& p) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (::GetNamedSecurityInfoW(p.wstring().c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                              nullptr, nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS) {
    return "";
  }
  wchar_t* text = nullptr;
  std::string out;
  if (::ConvertSecurityDescriptorToStringSecurityDescriptorW(
          sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, nullptr)) {
    out = win::ToUtf8(text);
    ::LocalFree(text);
  }
  ::LocalFree(sd);
  return out;
}

constexpr const char* kOtherUser = "S-1-5-21-1111111111-2222222222-333333333-1001";

}  // namespace

TEST_CASE("session folder ACL: Windows' own SDDL parser reads the ACEs meant") {
  // Wine's advapi32 parses and prints SDDL as Windows does, although its files keep no ACL.
  PSECURITY_DESCRIPTOR raw = nullptr;
  REQUIRE(::ConvertStringSecurityDescriptorToSecurityDescriptorW(
      win::ToWide(kSessionDirSddl).c_str(), SDDL_REVISION_1, &raw, nullptr));
  std::unique_ptr<void, decltype(&::LocalFree)> sd(raw, &::LocalFree);
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  REQUIRE(::GetSecurityDescriptorControl(sd.get(), &control, &revision));
  CHECK((control & SE_DACL_PROTECTED) != 0);  // nothing inherited from ProgramData
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = nullptr;
  REQUIRE(::GetSecurityDescriptorDacl(sd.get(), &present, &dacl, &defaulted));
  REQUIRE(present);
  REQUIRE(dacl->AceCount == 4);
  struct Want {
    WELL_KNOWN_SID_TYPE who;
    DWORD mask;
    BYTE flags;
  };
  const Want want[] = {
      {WinLocalSystemSid, FILE_ALL_ACCESS, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE},
      {WinBuiltinAdministratorsSid, FILE_ALL_ACCESS, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE},
      {WinBuiltinUsersSid, FILE_ADD_FILE | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE, 0},
      {WinCreatorOwnerSid, FILE_ALL_ACCESS,
       OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE},
  };
  for (DWORD i = 0; i < 4; ++i) {
    CAPTURE(i);
    void* ace = nullptr;
    REQUIRE(::GetAce(dacl, i, &ace));
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    CHECK(allowed->Header.AceType == ACCESS_ALLOWED_ACE_TYPE);
    CHECK(allowed->Mask == want[i].mask);
    CHECK(allowed->Header.AceFlags == want[i].flags);
    CHECK(::IsWellKnownSid(&allowed->SidStart, want[i].who));
  }
  // Users: none of list, read, write data of others, subfolders, delete-child, DACL or owner.
  void* users = nullptr;
  REQUIRE(::GetAce(dacl, 2, &users));
  const DWORD forbidden = FILE_LIST_DIRECTORY | FILE_ADD_SUBDIRECTORY | FILE_DELETE_CHILD | DELETE |
                          WRITE_DAC | WRITE_OWNER | FILE_READ_EA | FILE_WRITE_EA;
  CHECK((static_cast<ACCESS_ALLOWED_ACE*>(users)->Mask & forbidden) == 0);
}

TEST_CASE("session folder: made with its ACL; the helper's file written, owned and read back") {
  TempDir dir;
  REQUIRE(PrepareSessionDir(dir.str()));
  REQUIRE(fs::is_directory(dir.path));
  REQUIRE(PrepareSessionDir(dir.str()));  // again over an existing folder (every service start)
  const std::string dacl = DaclOf(dir.path);
  MESSAGE("session folder DACL as read back: " << dacl);
  // Wine 8 keeps a security descriptor set on a file in an extended attribute when the
  // filesystem has them; then the DACL reads back as set.
  if (dacl.find("D:P") != std::string::npos) {
    CHECK(dacl.find("(A;OICI;FA;;;SY)") != std::string::npos);
    CHECK(dacl.find("(A;OICI;FA;;;BA)") != std::string::npos);
    CHECK(dacl.find("(A;OICIIO;FA;;;CO)") != std::string::npos);
    CHECK(dacl.find(";;;BU)") != std::string::npos);
    CHECK(dacl.find("(A;;FA;;;BU)") == std::string::npos);  // Users never get full control
  } else {
    MESSAGE("this Wine does not keep the folder's DACL: the ACL is checked on Windows only");
  }

  const auto me = OwnSessionFileName();
  REQUIRE(me);
  CHECK(IsSidFileName(*me));
  const std::string def = DefaultSessionDir();
  MESSAGE("default session folder: " << def);
  CHECK(def.size() > 20);
  CHECK(def.substr(def.size() - 19) == "\\WardWatch\\sessions");
  CHECK(def.find("ProgramData") != std::string::npos);
  const auto now = static_cast<std::int64_t>(UnixNow());
  REQUIRE(WriteSessionFile(dir.str(), *me, File(now, "40", "0")));
  REQUIRE(WriteSessionFile(dir.str(), *me, File(now, "44", "1250")));  // replaces it
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);  // no temporary file left behind
  CHECK(OwnerOf(dir.path / *me) == *me);
  auto s = ReadSessionDir(dir.str(), UnixNow());
  CHECK(s.available);
  CHECK(s.pid == 44);
  CHECK(s.idle_seconds == doctest::Approx(1.25));
  RemoveSessionFile(dir.str(), *me);
  s = ReadSessionDir(dir.str(), UnixNow());
  CHECK_FALSE(s.available);
  CHECK(s.unavailable_reason.find("no session helper file") != std::string::npos);
  CHECK_FALSE(WriteSessionFile(dir.str(), "1000", "x"));  // not a SID
  CHECK_FALSE(ReadSessionDir(dir.str() + "\\missing", UnixNow()).available);
}

TEST_CASE("session folder: hostile entries are refused and removed, never followed") {
  TempDir dir;
  REQUIRE(PrepareSessionDir(dir.str()));
  const auto me = OwnSessionFileName();
  REQUIRE(me);
  const auto now = static_cast<std::int64_t>(UnixNow());
  const fs::path mine = dir.path / *me;

  struct Case {
    const char* what;
    std::function<bool()> make;  // false: this system cannot make it (said, not failed)
    const char* reason;          // in the agent's reason
    bool removed;
  };
  const Case cases[] = {
      {"our file under another user's SID (squatting their name)",
       [&] { return WriteOwned(dir.path / kOtherUser, *me, File(now, "1", "0")); },
       "another user's file", true},
      {"oversized",
       [&] { return WriteOwned(mine, *me, File(now, "1", "0") + std::string(200, 'x')); },
       "larger than 128 bytes", true},
      {"stale (the helper stopped)",
       [&] { return WriteOwned(mine, *me, File(now - 100, "1", "0")); }, "stale file", false},
      {"not the format", [&] { return WriteOwned(mine, *me, "pid 1\n"); }, "line 1", false},
      {"a folder under our SID",
       [&] { return ::CreateDirectoryW(mine.wstring().c_str(), nullptr) != 0; }, "", true},
      {"a hard link to another file",
       [&] {
         const fs::path other = dir.path / "elsewhere";
         return WriteOwned(other, *me, File(now, "1", "0")) &&
                ::CreateHardLinkW(mine.wstring().c_str(), other.wstring().c_str(), nullptr);
       },
       "2 links", true},
      {"a symbolic link to a valid file",
       [&] {
         const fs::path target = dir.path / "target";
         return WriteOwned(target, *me, File(now, "1", "0")) &&
                ::CreateSymbolicLinkW(mine.wstring().c_str(), target.wstring().c_str(), 0);
       },
       "reparse point", true},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.what));
    std::error_code ec;
    fs::remove_all(dir.path, ec);
    REQUIRE(PrepareSessionDir(dir.str()));
    if (!c.make()) {
      MESSAGE("cannot make '" << std::string(c.what)
                              << "' here: " << win::ErrorText(::GetLastError()));
      continue;
    }
    if (!fs::exists(fs::symlink_status(mine)) &&
        !fs::exists(fs::symlink_status(dir.path / kOtherUser))) {
      MESSAGE("'" << std::string(c.what) << "' was reported made but is not there here");
      continue;
    }
    auto s = ReadSessionDir(dir.str(), UnixNow());
    CHECK_FALSE(s.available);
    MESSAGE(std::string(c.what) << " -> " << s.unavailable_reason);
    CHECK(s.unavailable_reason.find(c.reason) != std::string::npos);
    const bool gone = !fs::exists(fs::symlink_status(mine)) &&
                      !fs::exists(fs::symlink_status(dir.path / kOtherUser));
    CHECK(gone == c.removed);
    if (std::string(c.what).find("link") != std::string::npos) {
      CHECK(fs::exists(dir.path / (std::string(c.what).find("hard") != std::string::npos
                                       ? "elsewhere"
                                       : "target")));  // the target is never touched
    }
  }

  // A file under our SID that another user owns: Windows lets no one make that but SYSTEM or an
  // administrator (and they are trusted); Wine lets any process set any owner, so it is tried.
  fs::remove_all(dir.path);
  REQUIRE(PrepareSessionDir(dir.str()));
  REQUIRE(WriteOwned(mine, kOtherUser, File(now, "1", "0")));
  if (OwnerOf(mine) == std::string(kOtherUser)) {
    auto s = ReadSessionDir(dir.str(), UnixNow());
    CHECK_FALSE(s.available);
    CHECK(s.unavailable_reason.find("another user's file") != std::string::npos);
    CHECK_FALSE(fs::exists(mine));
  } else {
    MESSAGE("this Wine does not keep a file's owner: the wrong-owner case is checked by name only");
    fs::remove(mine);
  }

  // Names that are not SIDs are not helpers' files: left alone, not read.
  REQUIRE(WriteOwned(dir.path / "notes.txt", *me, "hello"));
  CHECK(ReadSessionDir(dir.str(), UnixNow()).unavailable_reason.find("no session helper file") !=
        std::string::npos);
  CHECK(fs::exists(dir.path / "notes.txt"));
}

TEST_CASE("session folder: of two fresh sessions, the user with the least idle time") {
  TempDir dir;
  REQUIRE(PrepareSessionDir(dir.str()));
  const auto me = OwnSessionFileName();
  REQUIRE(me);
  const auto now = static_cast<std::int64_t>(UnixNow());
  REQUIRE(WriteOwned(dir.path / *me, *me, File(now, "11", "600000")));  // idle 10 minutes
  REQUIRE(WriteOwned(dir.path / kOtherUser, kOtherUser, File(now, "22", "800")));
  if (OwnerOf(dir.path / kOtherUser) != std::string(kOtherUser)) {
    MESSAGE("this Wine does not keep a file's owner: two users' files cannot be made here");
    return;
  }
  auto s = ReadSessionDir(dir.str(), UnixNow());
  CHECK(s.available);
  CHECK(s.pid == 22);
}

// Run by session_e2e_test.py after wardwatch-session.exe wrote its file under Xvfb.
TEST_CASE("session folder: the file wardwatch-session.exe wrote names the foreground program") {
  const char* dir = std::getenv("WARDWATCH_SESSION_E2E_DIR");
  const char* exe = std::getenv("WARDWATCH_SESSION_E2E_EXE");
  if (dir == nullptr || exe == nullptr) return;  // only from session_e2e_test.py
  auto s = ReadSessionDir(dir, UnixNow());
  INFO(s.unavailable_reason);
  REQUIRE(s.available);
  REQUIRE(s.pid);
  // The agent names the program from its own process snapshot, as the apps collector does.
  win::UniqueHandle snap(::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
  REQUIRE(snap);
  PROCESSENTRY32W pe{};
  pe.dwSize = sizeof pe;
  std::string name;
  for (BOOL ok = ::Process32FirstW(snap.get(), &pe); ok; ok = ::Process32NextW(snap.get(), &pe)) {
    if (static_cast<std::int64_t>(pe.th32ProcessID) == *s.pid) name = win::ToUtf8(pe.szExeFile);
  }
  MESSAGE("foreground pid " << *s.pid << " is " << name << ", idle " << s.idle_seconds.value_or(-1)
                            << " s");
  CHECK(_stricmp(name.c_str(), exe) == 0);
}
