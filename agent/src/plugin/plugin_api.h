// What the agent and each of its plugins (plugin_linux.h) agree on: every plugin's exported
// table starts with a Header naming the interface and the build it was made for.
#pragma once

namespace wardwatch::agent::plugin {

// Bumped whenever a plugin's table or the classes it hands out change.
inline constexpr int kInterfaceVersion = 1;

// A plugin is loaded only by the agent it was built with: the same version and compiler, so
// the C++ classes on both sides (std::string, std::unique_ptr, vtables) are laid out alike.
inline constexpr const char* kBuild = WARDWATCH_VERSION "+" __VERSION__;

struct Header {
  int interface_version;
  const char* build;
};

}  // namespace wardwatch::agent::plugin
