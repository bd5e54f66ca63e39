// One-line, timestamped log events on stderr.
#include "log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace wardwatch::collector {

void Log(LogLevel level, std::string_view message) {
  static std::mutex mu;
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  const char* name = level == LogLevel::kInfo   ? "INFO "
                     : level == LogLevel::kWarn ? "WARN "
                                                : "ERROR";
  std::string line;
  line.reserve(message.size() + 40);
  line.append(stamp).append(" ").append(name).append(" ");
  for (char c : message) line.push_back(c == '\n' ? ' ' : c);  // one event, one line
  line.push_back('\n');
  std::lock_guard lock(mu);
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace wardwatch::collector
