// Pure parts of the disks collector: mountinfo, boot disk resolution, sysfs attributes.
#include "collectors/disks.h"

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::string Get(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : std::string(Trim(it->second));
}

const BlockNode* FindBy(const std::vector<BlockNode>& nodes, std::string BlockNode::*field,
                        const std::string& value) {
  for (const BlockNode& n : nodes) {
    if (n.*field == value) return &n;
  }
  return nullptr;
}

std::string Resolve(const BlockNode& n, const std::vector<BlockNode>& nodes, int depth) {
  if (n.slaves.empty() || depth > 8) return n.disk;
  for (const std::string& s : n.slaves) {
    if (const BlockNode* slave = FindBy(nodes, &BlockNode::name, s)) {
      std::string d = Resolve(*slave, nodes, depth + 1);
      if (!d.empty()) return d;
    }
  }
  return {};
}

}  // namespace

Result<std::string> RootDeviceNumber(std::string_view mountinfo) {
  std::string found;
  int line_no = 0;
  for (std::string_view line : SplitLines(mountinfo)) {
    ++line_no;
    auto f = SplitFields(line);
    if (f.empty()) continue;
    if (f.size() < 5 || f[2].find(':') == std::string_view::npos) {
      return MakeError("mountinfo line " + std::to_string(line_no) +
                       ": expected \"id parent MAJ:MIN root mountpoint ...\"");
    }
    if (f[4] == "/") found = std::string(f[2]);
  }
  if (found.empty()) return MakeError("mountinfo: nothing is mounted at /");
  return found;
}

std::string ResolveBootDisk(const std::string& dev, const std::vector<BlockNode>& nodes) {
  const BlockNode* n = FindBy(nodes, &BlockNode::dev, dev);
  return n == nullptr ? std::string() : Resolve(*n, nodes, 0);
}

Result<schema::Disk> DiskFromSysfs(const std::string& name,
                                   const std::map<std::string, std::string>& files) {
  schema::Disk d;
  d.name = name;
  const std::string size = Get(files, "size");
  auto sectors = ParseU64(size);
  if (!sectors) {
    return MakeError("/sys/block/" + name + "/size: not a sector count: \"" + size + "\"");
  }
  d.size_bytes = *sectors * 512;
  d.rotational = Get(files, "queue/rotational") == "1";
  d.removable = Get(files, "removable") == "1";
  d.model = Get(files, "device/model");
  d.serial = Get(files, "device/serial");
  if (d.serial.empty()) d.serial = Get(files, "serial");
  d.firmware = Get(files, "device/firmware_rev");
  if (d.firmware.empty()) d.firmware = Get(files, "device/rev");
  return d;
}

}  // namespace wardwatch::agent
