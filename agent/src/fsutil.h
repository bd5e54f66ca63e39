// Small file helpers with error messages that name the path and the reason. File access is
// per platform: fsutil_linux.cpp, fsutil_windows.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::agent {

// Whole file (bounded to max_bytes; /proc files report size 0, so read until EOF).
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = 4 << 20);
// First line without trailing whitespace; for one-value /sys files.
Result<std::string> ReadTrimmed(const std::string& path);
// Names in a directory (no "." / ".."), sorted.
Result<std::vector<std::string>> ListDir(const std::string& path);
bool Exists(const std::string& path);

// Writes `data` to `path` atomically and durably (temp file, flush to disk, replace, and on
// Linux fsync of the folder).
Status WriteFileAtomic(const std::string& path, const std::string& data, unsigned mode = 0600);
// Creates the folder (and parents) if missing; on Linux with mode 0700.
Status EnsureDir(const std::string& path);
// Appends and flushes to the disk before returning; errors read "cannot open <what> <path>: ...".
Status AppendFileDurably(const std::string& path, std::string_view bytes, std::string_view what);
// Best effort: a file that is already gone is fine.
void RemoveFile(const std::string& path);
// This machine's host name.
std::string HostName();

std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitFields(std::string_view line);  // on runs of whitespace
std::vector<std::string_view> SplitLines(std::string_view text);
std::optional<std::uint64_t> ParseU64(std::string_view s);
std::optional<std::int64_t> ParseI64(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);

}  // namespace wardwatch::agent
