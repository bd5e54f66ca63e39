// The session helper's file format and its strict parser. Written by a user's process and read
// by the agent, so the parser accepts exactly what FormatSessionFile writes: fixed lines in a
// fixed order, decimal digits without signs or leading zeros, every value within its range.
#include "collectors/session_file.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace wardwatch::agent {
namespace {

constexpr std::string_view kMagic = "wardwatch-session 1";
constexpr std::int64_t kMaxPid = 4194304;                   // PID_MAX_LIMIT on 64-bit Linux
constexpr std::int64_t kMaxIdleMs = 10LL * 366 * 86400000;  // ten years
constexpr std::int64_t kMinTime = 946684800;                // 2000-01-01
constexpr std::int64_t kMaxTime = 4102444800;               // 2100-01-01
constexpr double kFutureSlackSeconds = 5;

struct Word {
  SessionUnavailable value;
  std::string_view word;
  std::string_view text;
};
constexpr std::array<Word, 7> kWords{{
    {SessionUnavailable::kNoDisplay, "no-display", "DISPLAY is not set in the session"},
    {SessionUnavailable::kWayland, "wayland", "a Wayland session (only X11 windows are seen)"},
    {SessionUnavailable::kCannotOpen, "cannot-open", "cannot open the session's X11 display"},
    {SessionUnavailable::kNoWindowManager, "no-window-manager", "no EWMH window manager"},
    {SessionUnavailable::kNoX11, "no-x11", "libX11.so.6 not installed"},
    {SessionUnavailable::kLost, "lost", "X11 connection lost"},
    {SessionUnavailable::kNoDesktop, "no-desktop", "no interactive desktop in the session"},
}};

// The probe's reason (foreground_linux.cpp, foreground_windows.cpp) as one of the fixed words.
SessionUnavailable ClassifyReason(std::string_view reason) {
  auto has = [&](std::string_view s) { return reason.find(s) != std::string_view::npos; };
  if (has("interactive desktop")) return SessionUnavailable::kNoDesktop;
  if (has("Wayland")) return SessionUnavailable::kWayland;
  if (has("DISPLAY is not set")) return SessionUnavailable::kNoDisplay;
  if (has("window manager")) return SessionUnavailable::kNoWindowManager;
  if (has("libX11")) return SessionUnavailable::kNoX11;
  if (has("lost")) return SessionUnavailable::kLost;
  return SessionUnavailable::kCannotOpen;
}

// Decimal digits only, no sign, no leading zero (but "0"), at most 18 digits.
std::optional<std::int64_t> StrictNumber(std::string_view s) {
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "key value" with exactly one space; the value is returned.
std::optional<std::string_view> KeyValue(std::string_view line, std::string_view key) {
  if (line.size() <= key.size() + 1 || line.substr(0, key.size()) != key ||
      line[key.size()] != ' ') {
    return std::nullopt;
  }
  return line.substr(key.size() + 1);
}

}  // namespace

std::string FormatSessionFile(const ForegroundSample& sample, std::int64_t now) {
  std::string out = std::string(kMagic) + "\ntime " + std::to_string(now) + "\n";
  if (!sample.available) {
    const SessionUnavailable why = ClassifyReason(sample.unavailable_reason);
    for (const auto& w : kWords) {
      if (w.value == why) out += "unavailable " + std::string(w.word) + "\n";
    }
    return out;
  }
  out += "pid ";
  out += sample.pid && *sample.pid > 0 && *sample.pid <= kMaxPid ? std::to_string(*sample.pid)
                                                                 : std::string("-");
  out += "\nidle_ms ";
  if (sample.idle_seconds && *sample.idle_seconds >= 0) {
    const double ms = std::min(std::round(*sample.idle_seconds * 1000), double(kMaxIdleMs));
    out += std::to_string(static_cast<std::int64_t>(ms));
  } else {
    out += "-";
  }
  out += "\n";
  return out;
}

Result<SessionRecord> ParseSessionFile(std::string_view text) {
  if (text.size() > kSessionFileMaxBytes) {
    return MakeError("larger than " + std::to_string(kSessionFileMaxBytes) + " bytes");
  }
  if (text.empty() || text.back() != '\n') return MakeError("does not end with a newline");
  std::array<std::string_view, 4> lines{};
  std::size_t count = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    if (count == lines.size()) return MakeError("more than 4 lines");
    lines[count++] = text.substr(start, end - start);
    start = end + 1;
  }
  for (std::size_t i = 0; i < count; ++i) {
    for (char c : lines[i]) {
      if (c < 0x20 || c > 0x7e) {
        return MakeError("line " + std::to_string(i + 1) + ": not printable ASCII");
      }
    }
  }
  if (lines[0] != kMagic) return MakeError("line 1: not a wardwatch-session 1 file");
  SessionRecord r;
  auto time = count >= 2 ? KeyValue(lines[1], "time") : std::nullopt;
  auto time_value = time ? StrictNumber(*time) : std::nullopt;
  if (!time_value || *time_value < kMinTime || *time_value > kMaxTime) {
    return MakeError("line 2: expected 'time <Unix seconds>'");
  }
  r.time = *time_value;
  if (count == 3) {
    auto word = KeyValue(lines[2], "unavailable");
    for (const auto& w : kWords) {
      if (word && *word == w.word) r.unavailable = w.value;
    }
    if (!r.unavailable) return MakeError("line 3: expected 'unavailable <known reason>'");
    return r;
  }
  if (count != 4) return MakeError("expected 3 or 4 lines");
  auto pid = KeyValue(lines[2], "pid");
  if (!pid) return MakeError("line 3: expected 'pid <pid>' or 'pid -'");
  if (*pid != "-") {
    r.pid = StrictNumber(*pid);
    if (!r.pid || *r.pid < 1 || *r.pid > kMaxPid) return MakeError("line 3: pid out of range");
  }
  auto idle = KeyValue(lines[3], "idle_ms");
  if (!idle) return MakeError("line 4: expected 'idle_ms <milliseconds>' or 'idle_ms -'");
  if (*idle != "-") {
    r.idle_ms = StrictNumber(*idle);
    if (!r.idle_ms || *r.idle_ms > kMaxIdleMs) return MakeError("line 4: idle_ms out of range");
  }
  return r;
}

bool IsSidFileName(std::string_view name) {
  // Windows' own limits: SECURITY_MAX_SID_STRING_CHARACTERS is 187 with the terminator.
  if (name.size() > 186 || name.substr(0, 4) != "S-1-") return false;
  name.remove_prefix(4);
  int parts = 0;
  while (true) {
    const std::size_t dash = name.find('-');
    const std::string_view part = name.substr(0, dash);
    auto v = StrictNumber(part);
    // The first part is the identifier authority (48 bits), the rest sub-authorities (32).
    if (!v || *v > (parts == 0 ? 0xffffffffffffLL : 0xffffffffLL)) return false;
    ++parts;
    if (dash == std::string_view::npos) break;
    name.remove_prefix(dash + 1);
  }
  return parts >= 2 &&
         parts <= 16;  // an authority and 1..15 sub-authorities (SID_MAX_SUB_AUTHORITIES)
}

ForegroundSample SessionSample(const SessionRecord& record, double now) {
  ForegroundSample s;
  const std::string who = "session helper";  // no uid: the report names no user
  const double age = now - static_cast<double>(record.time);
  if (age > kSessionFileStaleSeconds) {
    s.unavailable_reason = who + ": stale file (written " + std::to_string(std::lround(age)) +
                           " s ago; is wardwatch-session still running?)";
    return s;
  }
  if (age < -kFutureSlackSeconds) {
    s.unavailable_reason = who + ": file dated in the future";
    return s;
  }
  if (record.unavailable) {
    for (const auto& w : kWords) {
      if (w.value == *record.unavailable) s.unavailable_reason = who + ": " + std::string(w.text);
    }
    return s;
  }
  s.available = true;
  s.pid = record.pid;
  if (record.idle_ms) s.idle_seconds = static_cast<double>(*record.idle_ms) / 1000;
  return s;
}

SessionEntry SessionEntryFromText(std::string_view text, const std::string& what, double now) {
  SessionEntry e;
  auto record = ParseSessionFile(text);
  if (!record) {
    e.sample.unavailable_reason = what + ": " + record.error();
    e.remove = text.size() > kSessionFileMaxBytes;
    return e;
  }
  e.sample = SessionSample(*record, now);
  return e;
}

void SessionChoice::Add(ForegroundSample sample) {
  if (!sample.available) {
    if (problem_.empty()) problem_ = std::move(sample.unavailable_reason);
    return;
  }
  const double idle = sample.idle_seconds.value_or(1e18);
  if (!best_ || idle < best_->idle_seconds.value_or(1e18)) best_ = std::move(sample);
}

ForegroundSample SessionChoice::Take(const std::string& dir) && {
  if (best_) return std::move(*best_);
  ForegroundSample none;
  none.unavailable_reason = problem_.empty()
                                ? "no session helper file in " + dir +
                                      " (wardwatch-session not running in a desktop session)"
                                : std::move(problem_);
  return none;
}

}  // namespace wardwatch::agent
