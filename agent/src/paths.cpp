// Filesystem roots for collectors (overridable with --path.procfs/sysfs/rootfs).
#include "collector.h"

namespace wardwatch::agent {
namespace {

std::string Join(const std::string& root, std::string_view rel) {
  std::string out = root;
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (!rel.empty() && rel.front() != '/') out += '/';
  out += rel;
  return out.empty() ? "/" : out;
}

}  // namespace

std::string Paths::Proc(std::string_view rel) const { return Join(procfs, rel); }
std::string Paths::Sys(std::string_view rel) const { return Join(sysfs, rel); }
std::string Paths::Root(std::string_view rel) const { return Join(rootfs, rel); }

}  // namespace wardwatch::agent
