// `wardwatch-collector import-meta --data-dir DIR FILE.csv`: machine metadata from a
// spreadsheet. Header names the columns (machine_id or hostname, then any of purchase_date,
// asset_tag, department, room, primary_user, notes); every row is validated and the file is
// imported in one transaction or not at all.
#include "analytics/import_meta.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "sqlite.h"
#include "wardwatch/analytics/aging.h"

namespace wardwatch::collector {

namespace an = wardwatch::analytics;

Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  std::size_t line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // Excel's BOM
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
      ++line;
    } else {
      field.push_back(c);
      any = true;
    }
    if (rows.size() > 100000) return MakeError("more than 100000 rows");
  }
  if (quoted) return MakeError("line " + std::to_string(line) + ": unterminated quoted field");
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

int RunImportMeta(int argc, const char* const* argv) {
  std::string data_dir, file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data-dir" && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (a.rfind("--data-dir=", 0) == 0) {
      data_dir = a.substr(11);
    } else if (a == "--help" || a == "-h") {
      std::cout << "Usage: wardwatch-collector import-meta --data-dir DIR FILE.csv\n"
                   "Columns: machine_id or hostname, then any of purchase_date (YYYY-MM-DD), "
                   "asset_tag, department, room, primary_user, notes.\n";
      return 0;
    } else if (file.empty() && a.rfind("--", 0) != 0) {
      file = a;
    } else {
      std::cerr << "import-meta: unexpected argument \"" << a << "\"\n";
      return 2;
    }
  }
  if (data_dir.empty() || file.empty()) {
    std::cerr << "import-meta: usage: wardwatch-collector import-meta --data-dir DIR FILE.csv\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "import-meta: cannot read " << file << "\n";
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto rows = ParseCsv(ss.str());
  if (!rows) {
    std::cerr << "import-meta: " << file << ": " << rows.error() << "\n";
    return 1;
  }
  if (rows->empty()) {
    std::cerr << "import-meta: " << file << " is empty\n";
    return 1;
  }
  const std::vector<std::string> header = rows->front();
  int key_col = -1;
  bool by_host = false;
  static const std::set<std::string> kFields = {"purchase_date", "asset_tag",    "department",
                                                "room",          "primary_user", "notes"};
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "machine_id" || header[c] == "hostname") {
      key_col = static_cast<int>(c);
      by_host = header[c] == "hostname";
    } else if (!kFields.count(header[c])) {
      std::cerr << "import-meta: " << file << ": line 1: unknown column \"" << header[c] << "\"\n";
      return 1;
    }
  }
  if (key_col < 0) {
    std::cerr << "import-meta: " << file << ": line 1: needs a machine_id or hostname column\n";
    return 1;
  }
  // Machines known to the collector: id and hostname.
  const auto wdb = (std::filesystem::path(data_dir) / "wardwatch.db").string();
  auto raw = sqlite::Db::Open(wdb, true);
  if (!raw) {
    std::cerr << "import-meta: " << raw.error() << "\n";
    return 1;
  }
  std::map<std::string, std::string> host_to_id;
  std::set<std::string> ids;
  {
    auto st = raw->Prepare("SELECT id, hostname FROM machines");
    if (!st) {
      std::cerr << "import-meta: " << st.error() << "\n";
      return 1;
    }
    while (st->Step() == SQLITE_ROW) {
      ids.insert(st->Text(0));
      host_to_id[st->Text(1)] = st->Text(0);
    }
  }
  auto db = sqlite::Db::Open((std::filesystem::path(data_dir) / "analytics.db").string(), false);
  if (!db) {
    std::cerr << "import-meta: " << db.error() << "\n";
    return 1;
  }
  if (auto s = db->Exec("PRAGMA busy_timeout = 5000; CREATE TABLE IF NOT EXISTS machine_meta "
                        "(machine_id TEXT PRIMARY KEY, data TEXT NOT NULL); BEGIN IMMEDIATE;");
      !s) {
    std::cerr << "import-meta: " << s.error() << "\n";
    return 1;
  }
  std::size_t imported = 0;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    const std::string where = file + ": line " + std::to_string(r + 1);
    auto fail = [&](const std::string& m) {
      (void)db->Exec("ROLLBACK");
      std::cerr << "import-meta: " << where << ": " << m << " (nothing imported)\n";
      return 1;
    };
    if (row.size() != header.size()) {
      return fail("expected " + std::to_string(header.size()) + " fields, got " +
                  std::to_string(row.size()));
    }
    std::string id = row[static_cast<std::size_t>(key_col)];
    if (by_host) {
      auto it = host_to_id.find(id);
      if (it == host_to_id.end()) return fail("no enrolled machine with hostname \"" + id + "\"");
      id = it->second;
    } else if (!ids.count(id)) {
      return fail("no enrolled machine with id \"" + id + "\"");
    }
    nlohmann::json patch = nlohmann::json::object();
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (static_cast<int>(c) != key_col) patch[header[c]] = row[c];
    }
    an::MachineMeta base;
    {
      auto st = db->Prepare("SELECT data FROM machine_meta WHERE machine_id = ?");
      if (!st) return fail(st.error());
      st->Bind(1, id);
      if (st->Step() == SQLITE_ROW) {
        if (auto m = an::MetaFromJson(nlohmann::json::parse(st->Text(0), nullptr, false)))
          base = *m;
      }
    }
    auto meta = an::MetaFromJson(patch, base);
    if (!meta) return fail(meta.error());
    auto put = db->Prepare("INSERT OR REPLACE INTO machine_meta (machine_id, data) VALUES (?, ?)");
    if (!put) return fail(put.error());
    put->Bind(1, id);
    put->Bind(2, an::MetaToJson(*meta).dump());
    if (put->Step() != SQLITE_DONE) return fail("cannot write: " + db->Error());
    ++imported;
  }
  if (auto s = db->Exec("COMMIT"); !s) {
    std::cerr << "import-meta: " << s.error() << "\n";
    return 1;
  }
  std::cout << "imported metadata of " << imported << " machine(s) from " << file << "\n";
  return 0;
}

}  // namespace wardwatch::collector
