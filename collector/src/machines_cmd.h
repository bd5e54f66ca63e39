// `wardwatch-collector machines list|revoke ID --data-dir DIR`, and the stamp file through which
// a running collector learns about revocations made by this command.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "fleet.h"
#include "store.h"

namespace wardwatch::collector {

int RunMachines(int argc, const char* const* argv);

// DATA_DIR/revocations: rewritten (atomically) after every revocation committed by the CLI.
std::string RevocationStampPath(const std::string& data_dir);

// Watches the stamp file. Check() costs one stat() when nothing changed; when the stamp
// changed it re-reads the machines table and marks every revoked machine revoked in the fleet
// (its token stops working at once). Thread-safe.
class RevocationWatch {
 public:
  RevocationWatch(std::string data_dir, Store& store, Fleet& fleet);
  void Check();
  std::uint64_t reloads() const { return reloads_; }

 private:
  std::string stamp_;
  Store& store_;
  Fleet& fleet_;
  std::mutex mu_;
  std::string seen_;  // device, inode, size, mtime of the stamp last applied
  std::uint64_t reloads_ = 0;
};

}  // namespace wardwatch::collector
