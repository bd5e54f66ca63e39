// The agent's optional features in their own shared objects, loaded with dlopen only when a
// feature is first used, so an agent that never uses it never maps the libraries behind it:
// libwardwatch-tls.so (OpenSSL, for https://) and libwardwatch-pcap.so (libpcap, for traffic
// capture). Each exports one C-linkage table (`Api`) whose first fields say which interface
// and which build it was made for; the agent refuses any other.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "plugin/plugin_api.h"
#include "wardwatch/result.h"

namespace wardwatch::agent::plugin {

// The folder the plugins are loaded from: $WARDWATCH_PLUGIN_DIR when set (the tests), else
// `../lib/wardwatch` beside the running program's folder, which is /usr/lib/wardwatch for the
// installed /usr/bin/wardwatch-agent and build/<preset>/lib/wardwatch in a build tree.
std::string Directory();

// One loaded shared object (dlopen RTLD_NOW | RTLD_LOCAL), closed when the last owner goes.
class Library {
 public:
  // Loads `path` and finds `symbol` in it. Errors name the file and say why, prefixed by
  // `feature` ("https needs /usr/lib/wardwatch/libwardwatch-tls.so: <dlerror>").
  static Result<std::shared_ptr<Library>> Open(const std::string& path, const char* symbol,
                                               std::string_view feature);
  const void* symbol() const { return symbol_; }

 private:
  struct Close {
    void operator()(void* handle) const;
  };
  std::unique_ptr<void, Close> handle_;
  const void* symbol_ = nullptr;
};

// Loads Directory()/file and returns its table `symbol` (a struct whose `header` is a Header),
// keeping the library loaded for as long as the returned pointer, or a copy of it, lives.
template <typename Api>
Result<std::shared_ptr<const Api>> Load(std::string_view file, const char* symbol,
                                        std::string_view feature) {
  const std::string path = Directory() + "/" + std::string(file);
  auto lib = Library::Open(path, symbol, feature);
  if (!lib) return MakeError(lib.error());
  const auto* api = static_cast<const Api*>((*lib)->symbol());
  const Header& h = api->header;
  if (h.interface_version != kInterfaceVersion || std::string_view(h.build) != kBuild) {
    return MakeError(std::string(feature) + " needs " + path + ": made for another build (" +
                     h.build + ", interface " + std::to_string(h.interface_version) +
                     "; this agent: " + kBuild + ", interface " +
                     std::to_string(kInterfaceVersion) + ")");
  }
  // Aliasing: the table pointer owns the library.
  return std::shared_ptr<const Api>(std::move(*lib), api);
}

}  // namespace wardwatch::agent::plugin
