// The session helper's file: the strict parser over hostile text (table), freshness, and the
// agent's folder reader over hostile entries (symbolic link, FIFO, oversized, garbage, another
// user's file under someone's uid, hard link, stale), each in a folder of its own.
#include "collectors/session_file.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace wardwatch::agent;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kNow = 1795939200;  // 2026-11-29

std::string File(std::int64_t time, const std::string& pid, const std::string& idle) {
  return "wardwatch-session 1\ntime " + std::to_string(time) + "\npid " + pid + "\nidle_ms " +
         idle + "\n";
}

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "ww-session-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
    ::chmod(path.c_str(), 01733);  // as the unit makes it
  }
  ~TempDir() { fs::remove_all(path); }
};

void Write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("ParseSessionFile: exactly what the helper writes, nothing else") {
  struct Case {
    const char* what;
    std::string text;
    bool ok;
    const char* error_part;  // when !ok
  };
  const std::string good = File(kNow, "4321", "1500");
  const Case cases[] = {
      {"the helper's file", good, true, ""},
      {"no focused pid, no idle time", File(kNow, "-", "-"), true, ""},
      {"unavailable with a known word",
       "wardwatch-session 1\ntime 1795939200\nunavailable wayland\n", true, ""},
      {"unavailable with a word of the user's",
       "wardwatch-session 1\ntime 1795939200\nunavailable hi\n", false, "known reason"},
      {"empty", "", false, "newline"},
      {"no final newline", good.substr(0, good.size() - 1), false, "newline"},
      {"oversized", good + std::string(200, '#') + "\n", false, "larger than 128"},
      {"binary garbage",
       std::string("\x7f"
                   "ELF\x02\x01\x01\0\0\n",
                   10),
       false, "line 1"},
      {"a fifth line", good + "extra 1\n", false, "more than 4"},
      {"CRLF", "wardwatch-session 1\r\ntime 1795939200\r\npid 1\r\nidle_ms 0\r\n", false,
       "printable"},
      {"another version", "wardwatch-session 2\ntime 1795939200\npid 1\nidle_ms 0\n", false,
       "line 1"},
      {"time before 2000", File(12, "1", "0"), false, "line 2"},
      {"time with a sign", "wardwatch-session 1\ntime +1795939200\npid 1\nidle_ms 0\n", false,
       "line 2"},
      {"two spaces", "wardwatch-session 1\ntime  1795939200\npid 1\nidle_ms 0\n", false, "line 2"},
      {"pid 0", File(kNow, "0", "0"), false, "pid out of range"},
      {"negative pid", File(kNow, "-5", "0"), false, "pid out of range"},
      {"pid with a leading zero", File(kNow, "0123", "0"), false, "pid out of range"},
      {"pid past PID_MAX_LIMIT", File(kNow, "4194305", "0"), false, "pid out of range"},
      {"pid overflowing 64 bits", File(kNow, "99999999999999999999", "0"), false,
       "pid out of range"},
      {"pid in hex", File(kNow, "0x10", "0"), false, "pid out of range"},
      {"idle past ten years", File(kNow, "1", "999999999999999"), false, "idle_ms out of range"},
      {"idle with a fraction", File(kNow, "1", "1.5"), false, "idle_ms out of range"},
      {"keys swapped", "wardwatch-session 1\ntime 1795939200\nidle_ms 0\npid 1\n", false, "line 3"},
      {"three lines without unavailable", "wardwatch-session 1\ntime 1795939200\npid 1\n", false,
       "line 3"},
      {"a NUL inside",
       std::string("wardwatch-session 1\ntime 1795939200\npid 1") + '\0' + "\nidle_ms 0\n", false,
       "printable"},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    auto r = ParseSessionFile(c.text);
    CHECK(r.ok() == c.ok);
    if (!c.ok) CHECK(r.error().find(c.error_part) != std::string::npos);
  }
  auto r = ParseSessionFile(good);
  REQUIRE(r);
  CHECK(r->time == kNow);
  CHECK(r->pid == 4321);
  CHECK(r->idle_ms == 1500);
  CHECK_FALSE(r->unavailable);
}

TEST_CASE("FormatSessionFile: what the parser reads back; reasons become fixed words") {
  wardwatch::agent::ForegroundSample s;
  s.available = true;
  s.pid = 777;
  s.idle_seconds = 12.3456;
  auto r = ParseSessionFile(FormatSessionFile(s, kNow));
  REQUIRE(r);
  CHECK(r->pid == 777);
  CHECK(r->idle_ms == 12346);

  struct Reason {
    const char* probe_says;
    const char* agent_says;
  };
  const Reason reasons[] = {
      {"no X11 display: DISPLAY is not set for the agent", "DISPLAY is not set"},
      {"Wayland session without an X11 display (DISPLAY not set)", "Wayland"},
      {"cannot open X11 display :0", "cannot open"},
      {"X11 display :0 has no EWMH window manager", "window manager"},
      {"libX11.so.6 not installed", "libX11"},
      {"X11 connection to :0 lost", "lost"},
      // Windows (foreground_windows.cpp): a helper started outside an interactive desktop.
      {"no interactive desktop in this session (service in session 0?)", "interactive desktop"},
  };
  for (const auto& reason : reasons) {
    CAPTURE(reason.probe_says);
    wardwatch::agent::ForegroundSample u;
    u.unavailable_reason = reason.probe_says;
    const std::string text = FormatSessionFile(u, kNow);
    CHECK(text.find(":0") == std::string::npos);  // the probe's own words never travel
    auto ur = ParseSessionFile(text);
    REQUIRE(ur);
    auto sample = SessionSample(*ur, static_cast<double>(kNow));
    CHECK_FALSE(sample.available);
    CHECK(sample.unavailable_reason.find("session helper") != std::string::npos);
    CHECK(sample.unavailable_reason.find(reason.agent_says) != std::string::npos);
  }
}

TEST_CASE("SessionSample: fresh, stale and future files") {
  auto r = ParseSessionFile(File(kNow, "55", "2000"));
  REQUIRE(r);
  auto fresh = SessionSample(*r, kNow + 29.0);
  CHECK(fresh.available);
  CHECK(fresh.pid == 55);
  CHECK(fresh.idle_seconds == doctest::Approx(2.0));
  auto stale = SessionSample(*r, kNow + 31.0);
  CHECK_FALSE(stale.available);
  CHECK(stale.unavailable_reason.find("stale") != std::string::npos);
  auto future = SessionSample(*r, kNow - 60.0);
  CHECK_FALSE(future.available);
  CHECK(future.unavailable_reason.find("future") != std::string::npos);
}

TEST_CASE("SessionEntryFromText and SessionChoice: the rule both platforms' readers share") {
  // A file that grew past the limit is removed; a malformed one is kept and named.
  const std::string big(kSessionFileMaxBytes + 1, 'x');
  auto oversized = SessionEntryFromText(big, "session helper file", kNow);
  CHECK_FALSE(oversized.sample.available);
  CHECK(oversized.remove);
  auto malformed = SessionEntryFromText("hello\n", "session helper file", kNow);
  CHECK_FALSE(malformed.remove);
  CHECK(malformed.sample.unavailable_reason.starts_with("session helper file: line 1"));
  auto one = SessionEntryFromText(File(kNow, "55", "9000"), "f", kNow);
  auto two = SessionEntryFromText(File(kNow, "66", "250"), "f", kNow);
  REQUIRE(one.sample.available);
  REQUIRE(two.sample.available);

  struct Case {
    const char* name;
    std::vector<ForegroundSample> entries;
    std::optional<std::int64_t> pid;  // nullopt: unavailable
    const char* reason;               // part of the reason when unavailable
  };
  const std::vector<Case> cases = {
      {"no entries", {}, std::nullopt, "no session helper file in /dir"},
      {"only a bad entry: its reason", {malformed.sample}, std::nullopt, "line 1"},
      {"the first reason of several", {malformed.sample, oversized.sample}, std::nullopt, "line 1"},
      {"a good entry beats a bad one", {malformed.sample, one.sample}, 55, ""},
      {"least idle wins, either order", {one.sample, two.sample}, 66, ""},
      {"least idle wins, other order", {two.sample, one.sample}, 66, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    SessionChoice choice;
    for (const auto& e : c.entries) choice.Add(e);
    const ForegroundSample got = std::move(choice).Take("/dir");
    CHECK(got.available == c.pid.has_value());
    if (c.pid) CHECK(got.pid == *c.pid);
    if (!c.pid) CHECK(got.unavailable_reason.find(c.reason) != std::string::npos);
  }
}

TEST_CASE("ReadSessionDir: hostile entries are refused, never followed, and removed") {
  const std::string me = std::to_string(::getuid());
  const std::int64_t now = static_cast<std::int64_t>(UnixNow());
  enum class Kind { kFile, kSymlink, kFifo, kDir, kHardLink, kNone };
  struct Case {
    const char* what;
    Kind kind;
    std::string name;
    std::string text;
    bool available;
    const char* reason_part;  // when unavailable
    bool removed;
  };
  const Case cases[] = {
      {"a fresh file", Kind::kFile, me, File(now, "4242", "1500"), true, "", false},
      {"no file", Kind::kNone, me, "", false, "no session helper file", false},
      {"a helper's temporary file only", Kind::kFile, "." + me + ".123", File(now, "1", "0"), false,
       "no session helper file", false},
      {"a stale file", Kind::kFile, me, File(now - 120, "4242", "0"), false, "stale", false},
      {"garbage", Kind::kFile, me, "SECRET-CONTENT\n", false, "line 1", false},
      {"oversized", Kind::kFile, me, File(now, "1", "0") + std::string(4096, 'x'), false,
       "larger than 128", true},
      {"a symbolic link to a valid file", Kind::kSymlink, me, File(now, "4242", "0"), false,
       "symbolic link", true},
      {"a FIFO (must not block)", Kind::kFifo, me, "", false, "not a regular file", true},
      {"a folder", Kind::kDir, me, "", false, "not a regular file", true},
      {"a hard link", Kind::kHardLink, me, File(now, "4242", "0"), false, "2 links", true},
      {"my file under another uid's name", Kind::kFile, "4000000000", File(now, "4242", "0"), false,
       "another user's file", true},
      {"a name that is not a uid", Kind::kFile, "x" + me, File(now, "4242", "0"), false,
       "no session helper file", false},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    TempDir dir;
    const fs::path entry = dir.path / c.name;
    const fs::path outside = dir.path.string() + "-target";
    switch (c.kind) {
      case Kind::kFile:
        Write(entry, c.text);
        break;
      case Kind::kSymlink:
        Write(outside, c.text);
        fs::create_symlink(outside, entry);
        break;
      case Kind::kFifo:
        REQUIRE(::mkfifo(entry.c_str(), 0644) == 0);
        break;
      case Kind::kDir:  // not empty: it cannot simply be removed
        fs::create_directory(entry);
        Write(entry / "inside", "x");
        break;
      case Kind::kHardLink:
        Write(dir.path / ".other", c.text);
        fs::create_hard_link(dir.path / ".other", entry);
        break;
      case Kind::kNone:
        break;
    }
    auto s = ReadSessionDir(dir.path.string(), UnixNow());
    CHECK(s.available == c.available);
    if (c.available) {
      CHECK(s.pid == 4242);
      CHECK(s.idle_seconds == doctest::Approx(1.5));
    } else {
      CHECK(s.unavailable_reason.find(c.reason_part) != std::string::npos);
      CHECK(s.unavailable_reason.find("SECRET") == std::string::npos);  // content is never logged
      CHECK(s.unavailable_reason.find("4000000000") == std::string::npos);  // names no uid
    }
    if (c.kind != Kind::kNone) CHECK(fs::exists(fs::symlink_status(entry)) == !c.removed);
    if (c.kind == Kind::kSymlink) CHECK(fs::exists(outside));  // the link's target is untouched
    fs::remove(outside);
  }
  auto missing = ReadSessionDir("/nonexistent/wardwatch-session", UnixNow());
  CHECK_FALSE(missing.available);
  CHECK(missing.unavailable_reason.find("no session helper folder /nonexistent") !=
        std::string::npos);
}

TEST_CASE("WriteSessionFile: atomic replace, mode 0644, read back by the agent's reader") {
  TempDir dir;
  const auto uid = static_cast<std::uint32_t>(::getuid());
  const auto name = OwnSessionFileName();
  REQUIRE(name);
  CHECK(*name == std::to_string(uid));
  const std::int64_t now = static_cast<std::int64_t>(UnixNow());
  REQUIRE(WriteSessionFile(dir.path.string(), *name, File(now, "10", "0")));
  REQUIRE(WriteSessionFile(dir.path.string(), *name, File(now, "20", "250")));
  struct stat st {};
  REQUIRE(::lstat((dir.path / std::to_string(uid)).c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);  // no temporary file left behind
  auto s = ReadSessionDir(dir.path.string(), UnixNow());
  CHECK(s.available);
  CHECK(s.pid == 20);
  CHECK(s.idle_seconds == doctest::Approx(0.25));
  RemoveSessionFile(dir.path.string(), *name);
  CHECK_FALSE(ReadSessionDir(dir.path.string(), UnixNow()).available);
  CHECK_FALSE(WriteSessionFile("/nonexistent/wardwatch-session", *name, "x"));
  CHECK_FALSE(WriteSessionFile(dir.path.string(), "../x", "x"));
}

TEST_CASE("ReadSessionDir: of two fresh sessions, the user with the least idle time") {
  if (::getuid() != 0) {
    MESSAGE("not root: files of two users cannot be made; skipped");
    return;
  }
  TempDir dir;
  const std::int64_t now = static_cast<std::int64_t>(UnixNow());
  Write(dir.path / "0", File(now, "11", "600000"));  // root's session, idle 10 minutes
  Write(dir.path / "65534", File(now, "22", "800"));
  REQUIRE(::chown((dir.path / "65534").c_str(), 65534, 65534) == 0);
  auto s = ReadSessionDir(dir.path.string(), UnixNow());
  CHECK(s.available);
  CHECK(s.pid == 22);
}
