// dlopen'ed plugins (see plugin_linux.h).
#include "plugin/plugin_linux.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace wardwatch::agent::plugin {
namespace {

// dlerror()'s text without the path it starts with when that is the file itself (the caller
// names it already): "cannot open shared object file: No such file or directory".
std::string DlError(const std::string& path, const std::string& fallback) {
  const char* e = ::dlerror();
  if (e == nullptr) return fallback;
  std::string_view why(e);
  if (why.starts_with(path + ": ")) why.remove_prefix(path.size() + 2);
  return std::string(why);
}

}  // namespace

std::string Directory() {
  if (const char* dir = std::getenv("WARDWATCH_PLUGIN_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "/usr/lib/wardwatch";  // no /proc: where the package installs them
  return (exe.parent_path() / ".." / "lib" / "wardwatch").lexically_normal().string();
}

void Library::Close::operator()(void* handle) const { ::dlclose(handle); }

Result<std::shared_ptr<Library>> Library::Open(const std::string& path, const char* symbol,
                                               std::string_view feature) {
  const std::string what = std::string(feature) + " needs " + path + ": ";
  ::dlerror();  // forget an older error on this thread
  auto lib = std::make_shared<Library>();
  lib->handle_.reset(::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!lib->handle_) return MakeError(what + DlError(path, "cannot load"));
  lib->symbol_ = ::dlsym(lib->handle_.get(), symbol);
  if (lib->symbol_ == nullptr) return MakeError(what + DlError(path, std::string("no ") + symbol));
  return lib;
}

}  // namespace wardwatch::agent::plugin
