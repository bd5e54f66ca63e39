// session_file: what a desktop session's helper (wardwatch-session, run by the session through
// XDG autostart) tells the system agent, which has no right to the user's X server: the pid
// that owns the focused window and the user's idle time, nothing else (no title, no name). One
// small text file per user in a folder where users may create files but not list or touch
// other users' files: on Linux one per uid in the unit's sticky RuntimeDirectory (mode 1733), on
// Windows one per user SID in %ProgramData%\WardWatch\sessions (an ACL instead of the sticky
// bit). The format and its strict parser are here (pure, every platform); the folder is read
// and written in session_file_linux.cpp / session_file_windows.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/apps.h"
#include "wardwatch/result.h"

namespace wardwatch::agent {

// A file is four short lines; anything longer was not written by the helper.
inline constexpr std::size_t kSessionFileMaxBytes = 128;
// The helper writes every 5 s; a file older than this is from a helper that stopped (logout,
// killed, suspended session) and is not used.
inline constexpr double kSessionFileStaleSeconds = 30;
inline constexpr unsigned kSessionHelperIntervalSeconds = 5;

// Why a helper cannot see its display: a fixed set of words, so a user can put no text of
// their own into a report.
enum class SessionUnavailable {
  kNoDisplay,
  kWayland,
  kCannotOpen,
  kNoWindowManager,
  kNoX11,
  kLost,
  kNoDesktop  // Windows: the helper was started where there is no interactive desktop
};

struct SessionRecord {
  std::int64_t time = 0;  // Unix seconds when the helper wrote the file
  std::optional<SessionUnavailable> unavailable;
  std::optional<std::int64_t> pid;      // owner of the focused window
  std::optional<std::int64_t> idle_ms;  // the user's idle time
};

// The helper's side: the file for one sample taken at `now` (Unix seconds).
std::string FormatSessionFile(const ForegroundSample& sample, std::int64_t now);
// The agent's side: exactly what FormatSessionFile writes, or an error naming the line (never
// quoting the file: its content is not ours to log).
Result<SessionRecord> ParseSessionFile(std::string_view text);
// The sample a record stands for at `now`: stale or future files are unavailable with the
// reason (which names no user).
ForegroundSample SessionSample(const SessionRecord& record, double now);

// One entry of the session folder: a sample, or the reason it is not one. `remove` is set for
// entries that must not stay (they could keep the named user's helper from writing its file).
struct SessionEntry {
  ForegroundSample sample;
  bool remove = false;
};
// The entry for a file's bytes, read up to kSessionFileMaxBytes + 1 so that a file that grew
// is seen as too big (and removed). `what` names the file in the reason.
SessionEntry SessionEntryFromText(std::string_view text, const std::string& what, double now);

// Chooses among the folder's entries as ReadSessionDir does on both platforms: the available
// sample with the least idle time (fast user switching, Remote Desktop: that session is in
// use), else the first entry's reason, else "no session helper file in DIR".
class SessionChoice {
 public:
  void Add(ForegroundSample sample);
  ForegroundSample Take(const std::string& dir) &&;

 private:
  std::optional<ForegroundSample> best_;
  std::string problem_;
};

// Windows: the session folder's security descriptor (SDDL), the Windows side of Linux's mode
// 1733 owned by the service: a protected DACL (nothing inherited from ProgramData, which lets
// Users read); SYSTEM and Administrators full control of the folder and everything in it;
// Users on the folder only: create files (0x2), traverse (0x20), read attributes (0x80),
// synchronize (0x100000) — no listing, no delete-child, no subfolders; CREATOR OWNER (inherit
// only): full control of each file for the user who made it, no one else but SYSTEM and
// Administrators. PrepareSessionDir sets it, with SYSTEM (the service) as owner.
inline constexpr std::string_view kSessionDirSddl =
    "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;;0x1000a2;;;BU)(A;OICIIO;FA;;;CO)";

// Windows: a file name that is a user's SID as text ("S-1-5-21-…-1001"): "S-1-", then 1 to 15
// sub-authorities, each decimal digits without a leading zero and at most 2^32 - 1 (the
// identifier authority at most 2^48 - 1). Anything else in the folder is not a helper's file.
bool IsSidFileName(std::string_view name);

// --- Platform parts (session_file_linux.cpp, session_file_windows.cpp) ---
// Also per platform: DefaultSessionDir(), declared in options.h.
// The name of this process's user's file: the uid in decimal (Linux), the user's SID as text
// (Windows).
Result<std::string> OwnSessionFileName();
// Reads every helper file in `dir` and keeps the fresh one of the user with the least idle
// time (the one at the keyboard when several are logged in). Each file is opened without
// following links (Linux: O_NOFOLLOW; Windows: FILE_FLAG_OPEN_REPARSE_POINT, and a reparse
// point is refused), must be a regular file of at most kSessionFileMaxBytes with one link,
// owned by the user its name names (uid; SID); entries that are not (a link, a FIFO, another
// user's file under someone's name, an oversized file) are removed when the caller may (the
// folder's owner on Linux; SYSTEM or an administrator on Windows), so they cannot keep a
// user's helper out.
ForegroundSample ReadSessionDir(const std::string& dir, double now);
// Replaces `dir`/`name` atomically (a new file under a random name, then rename / MoveFileEx).
// Linux: mode 0644. Windows: owned by the user's SID, the folder's inherited ACL.
Status WriteSessionFile(const std::string& dir, const std::string& name, std::string_view text);
void RemoveSessionFile(const std::string& dir, const std::string& name);
// Windows only: creates `dir` (and its parents) if needed and sets its owner (this process's
// user) and ACL (kSessionDirSddl), replacing any it had; a link or file in its place is an
// error. The service calls it at its first sample.
Status PrepareSessionDir(const std::string& dir);

}  // namespace wardwatch::agent
