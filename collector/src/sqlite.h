// Thin RAII wrappers over sqlite3* and sqlite3_stmt* with Result-style errors.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "wardwatch/result.h"

namespace wardwatch::collector::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class Stmt;

// One open database connection.
class Db {
 public:
  static Result<Db> Open(const std::string& path, bool read_only);

  sqlite3* get() const { return db_.get(); }
  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Result<Stmt> Prepare(std::string_view sql);
  std::string Error() const { return sqlite3_errmsg(db_.get()); }
  Result<std::int64_t> UserVersion();

 private:
  std::unique_ptr<sqlite3, DbCloser> db_;
};

// One prepared statement; Bind* are 1-based like SQLite's.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  void Bind(int i, std::string_view text) {
    sqlite3_bind_text(s_.get(), i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view bytes) {
    sqlite3_bind_blob(s_.get(), i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, std::int64_t v) { sqlite3_bind_int64(s_.get(), i, v); }
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int Step() { return sqlite3_step(s_.get()); }
  void Reset() {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(s_.get(), col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(s_.get(), col);
    return p == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(p),
                             static_cast<std::size_t>(sqlite3_column_bytes(s_.get(), col)));
  }

 private:
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> s_;
};

}  // namespace wardwatch::collector::sqlite
