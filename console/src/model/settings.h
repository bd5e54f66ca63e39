// Console settings remembered between runs (~/.config/wardwatch/console.ini). The API token
// is not stored here: it comes from --token or WARDWATCH_API_TOKEN.
#pragma once

#include <string>
#include <string_view>

#include "wardwatch/result.h"

namespace wardwatch::console {

struct Settings {
  std::string collector_url;
  std::string language;  // vi | en | empty (from the environment)
  std::string view = "fleet";
  int history_hours = 168;
  std::string sort_column = "score";
  bool sort_descending = true;
  std::string report_dir;  // where reports are saved; empty: home folder
  bool operator==(const Settings&) const = default;
};

// "key = value" lines, '#' or ';' comments, an optional [console] section. Unknown keys are
// ignored (newer versions may add some); a malformed line fails naming its line number.
Result<Settings> ParseSettings(std::string_view text);
std::string FormatSettings(const Settings& settings);

// $XDG_CONFIG_HOME/wardwatch/console.ini, else $HOME/.config/wardwatch/console.ini.
std::string DefaultSettingsPath();
// A missing file gives the defaults; an unreadable or malformed one is an error.
Result<Settings> LoadSettings(const std::string& path);
// Writes through a temporary file and rename, creating the folder when needed.
Status SaveSettings(const std::string& path, const Settings& settings);

}  // namespace wardwatch::console
