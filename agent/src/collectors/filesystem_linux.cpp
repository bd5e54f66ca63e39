// filesystem collector for Linux: /proc/1/mounts (or /proc/mounts) + statvfs(3).
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "collectors/filesystem.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class FilesystemCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("1/mounts"));
    if (!text) text = ReadFile(ctx.paths.Proc("mounts"));
    if (!text) return MakeError(text.error());
    auto mounts = ParseMounts(*text);
    if (!mounts) return MakeError(mounts.error());
    std::string first_error;
    for (const auto& m : *mounts) {
      struct statvfs st {};
      const std::string path = ctx.paths.Root(m.mountpoint);
      if (::statvfs(path.c_str(), &st) != 0) {
        if (first_error.empty()) first_error = "statvfs " + path + ": " + std::strerror(errno);
        continue;
      }
      schema::Filesystem f;
      f.device = m.device;
      f.mountpoint = m.mountpoint;
      f.fstype = m.fstype;
      f.size_bytes = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize;
      f.free_bytes = static_cast<std::uint64_t>(st.f_bfree) * st.f_frsize;
      f.avail_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
      f.files = st.f_files;
      f.files_free = st.f_ffree;
      f.readonly = m.readonly || (st.f_flag & ST_RDONLY) != 0;
      report.system.filesystems.push_back(std::move(f));
    }
    // A filesystem we cannot stat (stale network mount) is left out, not fatal.
    (void)first_error;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewFilesystemCollector() {
  return std::make_unique<FilesystemCollector>();
}

}  // namespace wardwatch::agent
