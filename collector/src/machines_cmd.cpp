// `wardwatch-collector machines list|revoke ID --data-dir DIR` (see machines_cmd.h).
#include "machines_cmd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "log.h"
#include "sqlite.h"

namespace wardwatch::collector {
namespace {

constexpr const char* kUsage =
    "Usage: wardwatch-collector machines list --data-dir DIR\n"
    "       wardwatch-collector machines revoke ID --data-dir DIR\n"
    "list: every enrolled machine with its hostname, enrollment time, last report and whether\n"
    "      it is revoked.\n"
    "revoke: the machine's token stops working (HTTP 401), also in a running collector on the\n"
    "      same data folder. The machine can report again only after enrolling anew with a\n"
    "      valid enroll token; to keep a stolen PC out, also change --enroll-token.\n";

std::string Utc(std::int64_t ms) {
  if (ms <= 0) return "never";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<sqlite::Db> OpenDb(const std::string& data_dir) {
  const auto path = std::filesystem::path(data_dir) / "wardwatch.db";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return MakeError("no database at " + path.string() +
                     " (is --data-dir the collector's data folder?)");
  }
  auto db = sqlite::Db::Open(path.string(), /*read_only=*/false);
  if (!db) return MakeError(db.error());
  if (auto s = db->Exec("PRAGMA busy_timeout = 5000;"); !s) return MakeError(s.error());
  return db;
}

int List(sqlite::Db& db) {
  auto st = db.Prepare(
      "SELECT m.id, m.hostname, m.enrolled_at_ms, m.last_seen_ms, m.revoked, "
      "(SELECT count(*) FROM reports r WHERE r.machine_id = m.id) FROM machines m ORDER BY m.id");
  if (!st) {
    std::cerr << "machines: " << st.error() << "\n";
    return 1;
  }
  std::cout << std::left << std::setw(24) << "ID" << ' ' << std::setw(20) << "HOSTNAME" << ' '
            << std::setw(20) << "ENROLLED" << ' ' << std::setw(20) << "LAST SEEN" << ' '
            << std::setw(8) << "REVOKED"
            << " REPORTS\n";
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    std::cout << std::setw(24) << st->Text(0) << ' ' << std::setw(20) << st->Text(1) << ' '
              << std::setw(20) << Utc(st->Int(2)) << ' ' << std::setw(20) << Utc(st->Int(3)) << ' '
              << std::setw(8) << (st->Int(4) != 0 ? "yes" : "no") << ' ' << st->Int(5) << "\n";
  }
  if (rc != SQLITE_DONE) {
    std::cerr << "machines: cannot read the machines table: " << db.Error() << "\n";
    return 1;
  }
  return 0;
}

Status WriteStamp(const std::string& data_dir, const std::string& id) {
  const std::string path = RevocationStampPath(data_dir);
  const std::string tmp = path + ".tmp";
  const std::string line = std::to_string(std::time(nullptr)) + " " + id + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("cannot write " + tmp + ": " + std::strerror(errno));
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return MakeError("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

int Revoke(sqlite::Db& db, const std::string& data_dir, const std::string& id) {
  auto st = db.Prepare("UPDATE machines SET revoked = 1 WHERE id = ?");
  if (!st) {
    std::cerr << "machines: " << st.error() << "\n";
    return 1;
  }
  st->Bind(1, id);
  if (st->Step() != SQLITE_DONE) {
    std::cerr << "machines: cannot revoke " << id << ": " << db.Error() << "\n";
    return 1;
  }
  if (sqlite3_changes(db.get()) == 0) {
    std::cerr << "machines: no machine \"" << id << "\" (see `machines list`)\n";
    return 1;
  }
  // After the commit: a running collector that sees the new stamp re-reads the table.
  if (auto s = WriteStamp(data_dir, id); !s) {
    std::cerr << "machines: " << id << " is revoked in the database, but " << s.error()
              << "; restart the collector so that it notices\n";
    return 1;
  }
  std::cout << "revoked " << id
            << ": its token is refused with 401 (a running collector notices at the next "
               "request); it can report again only after enrolling with a valid enroll token\n";
  return 0;
}

}  // namespace

std::string RevocationStampPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "revocations").string();
}

int RunMachines(int argc, const char* const* argv) {
  std::string data_dir, action, id;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data-dir" && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (a.rfind("--data-dir=", 0) == 0) {
      data_dir = a.substr(11);
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (action.empty() && a.rfind("--", 0) != 0) {
      action = a;
    } else if (action == "revoke" && id.empty() && a.rfind("--", 0) != 0) {
      id = a;
    } else {
      std::cerr << "machines: unexpected argument \"" << a << "\"\n" << kUsage;
      return 2;
    }
  }
  if (data_dir.empty() || (action != "list" && action != "revoke") ||
      (action == "revoke" && id.empty())) {
    std::cerr << kUsage;
    return 2;
  }
  auto db = OpenDb(data_dir);
  if (!db) {
    std::cerr << "machines: " << db.error() << "\n";
    return 1;
  }
  return action == "list" ? List(*db) : Revoke(*db, data_dir, id);
}

RevocationWatch::RevocationWatch(std::string data_dir, Store& store, Fleet& fleet)
    : stamp_(RevocationStampPath(data_dir)), store_(store), fleet_(fleet) {
  std::lock_guard lock(mu_);
  struct stat st {};
  if (::stat(stamp_.c_str(), &st) == 0) {
    // Revocations older than this start are already in the fleet loaded from the database.
    seen_ = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
            std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
            std::to_string(st.st_mtim.tv_nsec);
  }
}

void RevocationWatch::Check() {
  struct stat st {};
  if (::stat(stamp_.c_str(), &st) != 0) return;  // no revocation since the database was made
  const std::string key = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
                          std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
                          "." + std::to_string(st.st_mtim.tv_nsec);
  std::lock_guard lock(mu_);
  if (key == seen_) return;
  auto rows = store_.LoadMachines();
  if (!rows) {
    LogError("revocations: cannot re-read the machines table: " + rows.error());
    return;  // tried again at the next request
  }
  std::size_t revoked = 0;
  for (const auto& row : *rows) {
    if (row.revoked && fleet_.Revoke(row.id, row.token_hash)) ++revoked;
  }
  seen_ = key;
  ++reloads_;
  if (revoked > 0) LogInfo("revocations: " + std::to_string(revoked) + " machine(s) revoked");
}

}  // namespace wardwatch::collector
