// wardwatch-console's command line: parsed by a pure function so it is unit-tested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::console {

struct CliOptions {
  std::string collector_url;  // empty: from the settings file
  std::string token;          // --token, else $WARDWATCH_API_TOKEN, else --token-file
  std::string token_file;
  std::string lang;           // vi | en | empty
  std::string settings_path;  // --config; empty: DefaultSettingsPath()
  std::string screenshot;     // PNG path
  std::string view;           // fleet | machine[:<id>] | network | software | reports
  int width = 1440;
  int height = 900;
  double timeout_seconds = 30;  // screenshot / dump: how long to wait for data
  std::string search;           // installed-software search text, sent at start (software view)
  bool scroll_end = false;      // screenshot: panels scrolled to their end (Machine: probes)
  std::string wait_search;      // screenshot: wait until this is typed + Enter (tests)
  bool dump_model = false;
  int bench_frames = 0;
  int synthetic_machines = 0;  // > 0: no collector, a synthetic fleet (bench, demos)
  double refresh_seconds = 15;
  bool help = false;
};

Result<CliOptions> ParseCli(const std::vector<std::string>& args);
const char* CliUsage();

}  // namespace wardwatch::console
