// Thin RAII wrappers over sqlite3* and sqlite3_stmt* with Result-style errors.
#include "sqlite.h"

namespace wardwatch::collector::sqlite {

Result<Db> Db::Open(const std::string& path, bool read_only) {
  sqlite3* raw = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db;
  db.db_.reset(raw);  // sqlite3_open_v2 may return a handle even on failure; close it either way
  if (rc != SQLITE_OK) {
    return MakeError("cannot open " + path + ": " +
                     (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err != nullptr ? err : Error();
    sqlite3_free(err);
    return MakeError(message);
  }
  return Status::Ok();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw);
    return MakeError("cannot prepare \"" + std::string(sql.substr(0, 60)) + "\": " + Error());
  }
  return Stmt(raw);
}

Result<std::int64_t> Db::UserVersion() {
  auto stmt = Prepare("PRAGMA user_version");
  if (!stmt) return MakeError(stmt.error());
  if (stmt->Step() != SQLITE_ROW) return MakeError("cannot read user_version: " + Error());
  const std::int64_t version = stmt->Int(0);
  stmt->Reset();
  return version;
}

}  // namespace wardwatch::collector::sqlite
