// One-line, timestamped log events on stderr.
#pragma once

#include <string_view>

namespace wardwatch::collector {

enum class LogLevel { kInfo, kWarn, kError };

// Writes "2026-11-28T10:07:29.123Z LEVEL message\n" to stderr as one write.
void Log(LogLevel level, std::string_view message);
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace wardwatch::collector
