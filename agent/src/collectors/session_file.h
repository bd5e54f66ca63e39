// session_file: what a desktop session's helper (wardwatch-session, run by the session through
// XDG autostart) tells the system agent, which has no right to the user's X server: the pid
// that owns the focused window and the user's idle time, nothing else (no title, no name). One
// small text file per uid in a sticky, write-only-for-others folder (the unit's
// RuntimeDirectory). The format and its strict parser are here (pure, every platform); the
// folder is read and written in session_file_linux.cpp.
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
// Where the packaged agent's unit makes the folder (RuntimeDirectory=wardwatch-agent, 1733).
inline constexpr const char* kDefaultSessionDir = "/run/wardwatch-agent";

// Why a helper cannot see its display: a fixed set of words, so a user can put no text of
// their own into a report.
enum class SessionUnavailable {
  kNoDisplay,
  kWayland,
  kCannotOpen,
  kNoWindowManager,
  kNoX11,
  kLost
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

// Linux (session_file_linux.cpp). Reads every helper file in `dir` and keeps the fresh one of
// the user with the least idle time (the one at the keyboard when several are logged in). Each
// file is opened without following symbolic links, must be a regular file of at most
// kSessionFileMaxBytes, named after its owner's uid and with one link; entries that are not
// (a symbolic link, a FIFO, another user's file under someone's uid, an oversized file) are
// removed when the caller owns the folder, so they cannot keep a user's helper out.
ForegroundSample ReadSessionDir(const std::string& dir, double now);
// Replaces `dir`/<uid> atomically (a new file under a random name, then rename), mode 0644.
Status WriteSessionFile(const std::string& dir, std::uint32_t uid, std::string_view text);
void RemoveSessionFile(const std::string& dir, std::uint32_t uid);

}  // namespace wardwatch::agent
