// Reads and writes console.ini.
#include "model/settings.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wardwatch::console {
namespace {

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<Settings> ParseSettings(std::string_view text) {
  Settings s;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = TrimView(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        return MakeError("line " + std::to_string(line_no) + ": unterminated section header");
      }
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return MakeError("line " + std::to_string(line_no) + ": expected key = value, got \"" +
                       std::string(line.substr(0, 80)) + "\"");
    }
    const std::string key(TrimView(line.substr(0, eq)));
    const std::string value(TrimView(line.substr(eq + 1)));
    if (key == "collector_url") {
      s.collector_url = value;
    } else if (key == "language") {
      s.language = value;
    } else if (key == "view") {
      s.view = value;
    } else if (key == "history_hours") {
      char* end = nullptr;
      const long v = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || v < 1 || v > 24 * 400) {
        return MakeError("line " + std::to_string(line_no) +
                         ": history_hours: expected 1..9600, got \"" + value + "\"");
      }
      s.history_hours = static_cast<int>(v);
    } else if (key == "sort_column") {
      s.sort_column = value;
    } else if (key == "sort_descending") {
      if (value != "true" && value != "false") {
        return MakeError("line " + std::to_string(line_no) +
                         ": sort_descending: expected true or false, got \"" + value + "\"");
      }
      s.sort_descending = value == "true";
    } else if (key == "report_dir") {
      s.report_dir = value;
    }
  }
  return s;
}

std::string FormatSettings(const Settings& s) {
  std::ostringstream out;
  out << "# wardwatch-console settings (written by the console)\n[console]\n"
      << "collector_url = " << s.collector_url << "\n"
      << "language = " << s.language << "\n"
      << "view = " << s.view << "\n"
      << "history_hours = " << s.history_hours << "\n"
      << "sort_column = " << s.sort_column << "\n"
      << "sort_descending = " << (s.sort_descending ? "true" : "false") << "\n"
      << "report_dir = " << s.report_dir << "\n";
  return out.str();
}

std::string DefaultSettingsPath() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    return std::string(x) + "/wardwatch/console.ini";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.config/wardwatch/console.ini";
}

Result<Settings> LoadSettings(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Settings{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 64 * 1024) return MakeError(path + ": larger than 64 KiB");
  auto parsed = ParseSettings(text);
  if (!parsed.ok()) return MakeError(path + ": " + parsed.error());
  return parsed;
}

Status SaveSettings(const std::string& path, const Settings& settings) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return MakeError("cannot create " + p.parent_path().string() + ": " + ec.message());
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return MakeError("cannot write " + tmp);
    out << FormatSettings(settings);
    if (!out.flush()) return MakeError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return MakeError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace wardwatch::console
