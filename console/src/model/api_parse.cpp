// Decodes the collector's read API into console data, tolerating absent and renamed fields.
#include "model/api_parse.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "model/format.h"
#include "model/i18n.h"
#include "wardwatch/json_decode.h"

namespace wardwatch::console {
namespace {

using Json = nlohmann::json;
namespace wj = wardwatch::json;

constexpr std::size_t kMaxItems = 100000;

// Reads fields leniently: accepts any of several names, skips values of the wrong type and
// notes them as warnings.
class Reader {
 public:
  explicit Reader(ParseWarnings* w) : w_(w) {}

  const Json* Find(const Json& obj, std::initializer_list<std::string_view> names,
                   std::string* found = nullptr) const {
    if (!obj.is_object()) return nullptr;
    for (std::string_view n : names) {
      auto it = obj.find(n);
      if (it != obj.end() && !it->is_null()) {
        if (found != nullptr) *found = std::string(n);
        return &*it;
      }
    }
    return nullptr;
  }

  double Number(const Json& obj, const std::string& path,
                std::initializer_list<std::string_view> names, double def = kNaN) {
    std::string key;
    const Json* v = Find(obj, names, &key);
    if (v == nullptr) return def;
    if (v->is_number()) return v->get<double>();
    Warn(path, key, "expected a number", *v);
    return def;
  }

  std::int64_t Int(const Json& obj, const std::string& path,
                   std::initializer_list<std::string_view> names, std::int64_t def = 0) {
    const double d = Number(obj, path, names, kNaN);
    return std::isnan(d) ? def : static_cast<std::int64_t>(d);
  }

  std::string String(const Json& obj, const std::string& path,
                     std::initializer_list<std::string_view> names) {
    std::string key;
    const Json* v = Find(obj, names, &key);
    if (v == nullptr) return {};
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number()) return v->dump();
    Warn(path, key, "expected a string", *v);
    return {};
  }

  bool Bool(const Json& obj, const std::string& path, std::initializer_list<std::string_view> names,
            bool def = false) {
    std::string key;
    const Json* v = Find(obj, names, &key);
    if (v == nullptr) return def;
    if (v->is_boolean()) return v->get<bool>();
    Warn(path, key, "expected true or false", *v);
    return def;
  }

  // A timestamp in ms, from *_ms fields (ms), *_seconds fields (s) or generic ones.
  std::int64_t Time(const Json& obj, const std::string& path, std::string_view base) {
    const std::string ms = std::string(base) + "_ms";
    const std::string s = std::string(base) + "_seconds";
    const std::string unix_s = std::string(base) + "_unix";
    const std::string ts = std::string(base) + "_timestamp_seconds";
    if (const Json* v = Find(obj, {ms}); v != nullptr) {
      if (v->is_number()) return static_cast<std::int64_t>(v->get<double>());
      Warn(path, ms, "expected a number", *v);
      return 0;
    }
    if (const Json* v = Find(obj, {s, unix_s, ts}); v != nullptr) {
      if (v->is_number()) return static_cast<std::int64_t>(v->get<double>() * 1000.0);
      Warn(path, s, "expected a number", *v);
      return 0;
    }
    if (const Json* v = Find(obj, {base, std::string(base) + "_at"}); v != nullptr) {
      return AnyTime(*v, path, std::string(base));
    }
    return 0;
  }

  std::int64_t AnyTime(const Json& v, const std::string& path, const std::string& key) {
    if (v.is_number()) {
      const double d = v.get<double>();
      return static_cast<std::int64_t>(d < 1e11 ? d * 1000.0 : d);
    }
    if (v.is_string()) {
      const std::int64_t t = TimestampFromText(v.get_ref<const std::string&>());
      if (t == 0) Warn(path, key, "expected a timestamp", v);
      return t;
    }
    Warn(path, key, "expected a timestamp", v);
    return 0;
  }

  Bilingual Text(const Json& obj, const std::string& path,
                 std::initializer_list<std::string_view> names) {
    Bilingual out;
    std::string key;
    const Json* v = Find(obj, names, &key);
    if (v != nullptr) {
      if (v->is_object()) {
        out.vi = String(*v, wj::JoinPath(path, key), {"vi"});
        out.en = String(*v, wj::JoinPath(path, key), {"en"});
      } else if (v->is_string()) {
        out.en = out.vi = v->get<std::string>();
      } else {
        Warn(path, key, "expected {\"vi\":..., \"en\":...}", *v);
      }
    }
    for (std::string_view n : names) {
      if (out.vi.empty()) out.vi = String(obj, path, {std::string(n) + "_vi"});
      if (out.en.empty()) out.en = String(obj, path, {std::string(n) + "_en"});
    }
    return out;
  }

  // An array member (or nullptr); warns when present but not an array, or too long.
  const Json* Array(const Json& obj, const std::string& path,
                    std::initializer_list<std::string_view> names, std::string* key_out) {
    std::string key;
    const Json* v = Find(obj, names, &key);
    if (key_out != nullptr) *key_out = key;
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      Warn(path, key, "expected an array", *v);
      return nullptr;
    }
    if (v->size() > kMaxItems) {
      Warn(path, key, "too many items", Json(v->size()));
      return nullptr;
    }
    return v;
  }

  template <typename T, typename F>
  std::vector<T> Objects(const Json& obj, const std::string& path,
                         std::initializer_list<std::string_view> names, F&& each) {
    std::vector<T> out;
    std::string key;
    const Json* arr = Array(obj, path, names, &key);
    if (arr == nullptr) return out;
    const std::string p = wj::JoinPath(path, key);
    out.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const Json& item = (*arr)[i];
      const std::string ip = wj::IndexPath(p, i);
      if (!item.is_object()) {
        if (w_ != nullptr) w_->Add(ip + ": expected an object, got " + wj::Describe(item));
        continue;
      }
      T value{};
      each(item, ip, value);
      out.push_back(std::move(value));
    }
    return out;
  }

  void Warn(const std::string& path, const std::string& key, const char* what, const Json& v) {
    if (w_ != nullptr) {
      w_->Add(wj::JoinPath(path, key) + ": " + what + ", got " + wj::Describe(v));
    }
  }

 private:
  ParseWarnings* w_;
};

Result<Json> ParseTopObject(std::string_view body, const char* what) {
  auto doc = wj::Parse(body);
  if (!doc.ok()) return MakeError(std::string(what) + ": " + doc.error());
  if (!doc->is_object() && !doc->is_array()) {
    return MakeError(std::string(what) + ": expected a JSON object, got " + wj::Describe(*doc));
  }
  return std::move(doc).value();
}

std::vector<Point> ReadPoints(Reader& r, const Json& arr, const std::string& path) {
  std::vector<Point> out;
  if (!arr.is_array()) return out;
  out.reserve(std::min<std::size_t>(arr.size(), kMaxItems));
  for (std::size_t i = 0; i < arr.size() && i < kMaxItems; ++i) {
    const Json& p = arr[i];
    const std::string ip = wj::IndexPath(path, i);
    Point pt;
    if (p.is_array() && p.size() >= 2 && p[1].is_number()) {
      pt.t_ms = r.AnyTime(p[0], ip, "[0]");
      pt.v = p[1].get<double>();
    } else if (p.is_array() && p.size() >= 2 && p[1].is_null()) {
      pt.t_ms = r.AnyTime(p[0], ip, "[0]");
    } else if (p.is_object()) {
      pt.t_ms = r.Time(p, ip, "t");
      if (pt.t_ms == 0) pt.t_ms = r.Time(p, ip, "time");
      if (pt.t_ms == 0) pt.t_ms = r.Time(p, ip, "ts");
      if (pt.t_ms == 0) pt.t_ms = r.Time(p, ip, "hour_start");
      pt.v = r.Number(p, ip, {"v", "value", "ratio", "utilisation_ratio", "seconds"});
    } else if (p.is_number()) {
      pt.t_ms = static_cast<std::int64_t>(i);
      pt.v = p.get<double>();
    } else {
      r.Warn(path, "[" + std::to_string(i) + "]", "expected [time, value]", p);
      continue;
    }
    out.push_back(pt);
  }
  return out;
}

bool IsTimeKey(const std::string& k) {
  return k == "hour_start" || k == "t" || k == "t_ms" || k == "time" || k == "ts" ||
         k == "seconds" || k.ends_with("_attempts") || k == "hour_start_ms";
}

// The collector's hourly rows carry more fields than the machine view charts: keep the
// charted ones in the view's order, add received + sent into one WAN and one LAN series,
// chart the portal's median; drop bookkeeping (seconds covered, probe attempts, p95, swap
// pages). Fields this list does not know stay, after the known ones.
std::vector<Series> ShapeHourly(std::vector<Series> in) {
  auto take = [&in](std::string_view name) -> std::optional<Series> {
    for (auto it = in.begin(); it != in.end(); ++it) {
      if (it->name == name) {
        Series s = std::move(*it);
        in.erase(it);
        return s;
      }
    }
    return std::nullopt;
  };
  auto sum = [&take](std::string_view a, std::string_view b, std::string name) {
    std::optional<Series> x = take(a), y = take(b);
    if (!x && !y) return std::optional<Series>();
    std::map<std::int64_t, double> by_t;
    for (const auto* s : {&x, &y}) {
      if (!*s) continue;
      for (const Point& pt : (*s)->points) {
        if (std::isnan(pt.v)) continue;
        auto [it, added] = by_t.emplace(pt.t_ms, pt.v);
        if (!added) it->second += pt.v;
      }
    }
    Series out{std::move(name), "bytes", {}};
    for (const auto& [t, v] : by_t) out.points.push_back({t, v});
    return std::optional<Series>(std::move(out));
  };
  std::vector<Series> out;
  for (const char* n :
       {"cpu_busy_ratio", "memory_pressure_ratio", "io_pressure_ratio", "disk_busy_ratio"}) {
    if (auto s = take(n)) out.push_back(std::move(*s));
  }
  if (auto s = sum("wan_receive_bytes", "wan_transmit_bytes", "wan_bytes")) {
    out.push_back(std::move(*s));
  }
  if (auto s = sum("lan_receive_bytes", "lan_transmit_bytes", "lan_bytes")) {
    out.push_back(std::move(*s));
  }
  if (auto s = take("portal_latency_p50_seconds")) {
    s->name = "portal_latency_seconds";
    out.push_back(std::move(*s));
  }
  for (const char* n : {"seconds", "swap_in_pages", "swap_out_pages", "portal_latency_p95_seconds",
                        "portal_probe_attempts", "portal_probe_failures"}) {
    take(n);
  }
  for (Series& s : in) out.push_back(std::move(s));
  return out;
}

std::vector<Series> PivotRows(Reader& r, const Json& rows, const std::string& path) {
  std::vector<Series> out;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < rows.size() && i < kMaxItems; ++i) {
    const Json& row = rows[i];
    if (!row.is_object()) continue;
    const std::string ip = wj::IndexPath(path, i);
    std::int64_t t = r.Time(row, ip, "hour_start");
    if (t == 0) t = r.Time(row, ip, "t");
    for (auto it = row.begin(); it != row.end(); ++it) {
      if (IsTimeKey(it.key()) || !(it->is_number() || it->is_null())) continue;
      auto [pos, added] = index.emplace(it.key(), out.size());
      if (added) {
        if (out.size() >= 64) {
          index.erase(pos);
          continue;
        }
        out.push_back(Series{it.key(), "", {}});
      }
      out[pos->second].points.push_back({t, it->is_number() ? it->get<double>() : kNaN});
    }
  }
  return out;
}

std::vector<Series> ReadSeriesSet(Reader& r, const Json& obj, const std::string& path,
                                  std::initializer_list<std::string_view> names) {
  std::vector<Series> out;
  std::string key;
  const Json* v = r.Find(obj, names, &key);
  if (v == nullptr) return out;
  const std::string p = wj::JoinPath(path, key);
  if (v->is_object()) {
    // {"cpu_busy_ratio": [[t, v], ...], ...} or {"series": [...]}
    if (const Json* inner = r.Find(*v, {"series"}); inner != nullptr && inner->is_array()) {
      return ReadSeriesSet(r, *v, p, {"series"});
    }
    // {"step_seconds": 3600, "points": [{"hour_start": t, "cpu_busy_ratio": 0.4, ...}, ...]}:
    // one row per hour, pivoted into one series per numeric field.
    if (const Json* rows = r.Find(*v, {"points", "rows"}); rows != nullptr && rows->is_array()) {
      return ShapeHourly(PivotRows(r, *rows, wj::JoinPath(p, "points")));
    }
    for (auto it = v->begin(); it != v->end() && out.size() < 64; ++it) {
      Series s;
      s.name = it.key();
      if (it->is_object()) {
        s.unit = r.String(*it, wj::JoinPath(p, it.key()), {"unit"});
        if (const Json* pts = r.Find(*it, {"points", "values", "data"}); pts != nullptr) {
          s.points = ReadPoints(r, *pts, wj::JoinPath(wj::JoinPath(p, it.key()), "points"));
        }
      } else {
        s.points = ReadPoints(r, *it, wj::JoinPath(p, it.key()));
      }
      out.push_back(std::move(s));
    }
  } else if (v->is_array()) {
    for (std::size_t i = 0; i < v->size() && out.size() < 64; ++i) {
      const Json& item = (*v)[i];
      const std::string ip = wj::IndexPath(p, i);
      if (!item.is_object()) continue;
      Series s;
      s.name = r.String(item, ip, {"name", "metric", "key"});
      s.unit = r.String(item, ip, {"unit"});
      if (const Json* pts = r.Find(item, {"points", "values", "data"}); pts != nullptr) {
        s.points = ReadPoints(r, *pts, wj::JoinPath(ip, "points"));
      }
      out.push_back(std::move(s));
    }
  } else {
    r.Warn(path, key, "expected an object or array of series", *v);
  }
  return out;
}

std::uint32_t ReadFlags(Reader& r, const Json& m, const std::string& path, bool* present) {
  std::uint32_t flags = 0;
  std::string key;
  const Json* v = r.Find(m, {"flags"}, &key);
  *present = v != nullptr;
  if (v == nullptr) return 0;
  if (v->is_array()) {
    for (const Json& f : *v) {
      if (f.is_string()) {
        flags |= FlagFromName(f.get_ref<const std::string&>());
      } else if (f.is_object()) {
        const std::string n = r.String(f, path, {"name", "kind", "flag", "id"});
        flags |= FlagFromName(n);
      }
    }
  } else if (v->is_object()) {
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (it->is_boolean() && it->get<bool>()) flags |= FlagFromName(it.key());
    }
  } else {
    r.Warn(path, key, "expected an array of flag names", *v);
  }
  return flags;
}

void ReadRecommendation(Reader& r, const Json& m, const std::string& path, MachineSummary& out) {
  std::string key;
  const Json* v = r.Find(m, {"recommendation", "action"}, &key);
  if (v == nullptr) return;
  if (v->is_string()) {
    out.recommendation = RecommendationFromName(v->get_ref<const std::string&>());
  } else if (v->is_object()) {
    const std::string p = wj::JoinPath(path, key);
    out.recommendation = RecommendationFromName(r.String(*v, p, {"action", "kind", "name"}));
    out.recommendation_detail = r.String(*v, p, {"detail", "upgrade", "what", "items"});
    if (out.recommendation_detail.empty()) {
      if (const Json* items = r.Find(*v, {"items", "upgrades"}); items && items->is_array()) {
        for (const Json& i : *items) {
          if (!i.is_string()) continue;
          if (!out.recommendation_detail.empty()) out.recommendation_detail += ", ";
          out.recommendation_detail += i.get<std::string>();
        }
      }
    }
    const double c = r.Number(*v, p, {"cost_vnd", "estimated_cost_vnd"});
    if (!std::isnan(c)) out.cost_vnd = c;
  } else {
    r.Warn(path, key, "expected a string or object", *v);
  }
}

void ReadSummary(Reader& r, const Json& m, const std::string& path, MachineSummary& out) {
  out.id = r.String(m, path, {"machine_id", "id", "instance"});
  out.name = r.String(m, path, {"hostname", "name"});
  if (out.name.empty()) out.name = out.id;
  const Json* meta = r.Find(m, {"meta", "metadata"});
  const Json& mo = (meta != nullptr && meta->is_object()) ? *meta : m;
  const std::string mp = meta != nullptr ? wj::JoinPath(path, "meta") : path;
  out.department = r.String(m, path, {"department"});
  if (out.department.empty()) out.department = r.String(mo, mp, {"department"});
  out.room = r.String(m, path, {"room"});
  if (out.room.empty()) out.room = r.String(mo, mp, {"room"});
  out.user = r.String(m, path, {"primary_user", "user"});
  if (out.user.empty()) out.user = r.String(mo, mp, {"primary_user", "user"});

  if (const Json* age = r.Find(m, {"age"}); age != nullptr && age->is_object()) {
    out.age_years = r.Number(*age, wj::JoinPath(path, "age"), {"years", "age_years"});
    out.age_source = r.String(*age, wj::JoinPath(path, "age"), {"source"});
  } else {
    out.age_years = r.Number(m, path, {"age_years"});
    if (std::isnan(out.age_years)) {
      const double s = r.Number(m, path, {"age_seconds"});
      if (!std::isnan(s)) out.age_years = s / (365.25 * 86400.0);
    }
    out.age_source = r.String(m, path, {"age_source"});
  }

  std::string score_key;
  const Json* score = r.Find(m, {"aging_score", "score"}, &score_key);
  if (score != nullptr && score->is_object()) {
    out.score = r.Number(*score, wj::JoinPath(path, score_key), {"value", "score", "total"});
  } else if (score != nullptr) {
    out.score = r.Number(m, path, {score_key});
  }
  ReadRecommendation(r, m, path, out);
  if (std::isnan(out.cost_vnd))
    out.cost_vnd = r.Number(m, path, {"estimated_cost_vnd", "cost_vnd"});
  // The fleet list's "actions" (["ssd", "add_ram"]): what to do, shown in the fleet's row.
  if (const Json* acts = r.Find(m, {"actions"});
      acts != nullptr && acts->is_array() && out.recommendation_detail.empty()) {
    for (const Json& x : *acts) {
      if (!x.is_string()) continue;
      if (!out.recommendation_detail.empty()) out.recommendation_detail += ", ";
      out.recommendation_detail += x.get<std::string>();
    }
  }

  const Json* hw = r.Find(m, {"hardware", "inventory"});
  const Json& h = (hw != nullptr && hw->is_object()) ? *hw : m;
  const std::string hp = hw != nullptr ? wj::JoinPath(path, "hardware") : path;
  out.cpu_model = r.String(h, hp, {"cpu_model", "cpu"});
  out.cpu_short = ShortCpuName(out.cpu_model);
  out.cpu_cores =
      static_cast<int>(r.Int(h, hp, {"cpu_threads", "cpu_cores", "cpu_logical_cores", "cores"}));
  out.ram_bytes = r.Number(h, hp, {"memory_bytes", "ram_bytes", "memory_total_bytes"});
  if (const Json* bd = r.Find(h, {"boot_disk"}); bd != nullptr && bd->is_object()) {
    const std::string bp = wj::JoinPath(hp, "boot_disk");
    out.boot_disk_type = r.String(*bd, bp, {"type", "kind", "media"});
    out.boot_disk_bytes = r.Number(*bd, bp, {"size_bytes", "bytes"});
  } else {
    out.boot_disk_type = r.String(h, hp, {"boot_disk_type"});
    out.boot_disk_bytes = r.Number(h, hp, {"boot_disk_bytes", "boot_disk_size_bytes"});
  }
  if (out.boot_disk_type.empty()) {
    if (const Json* rot = r.Find(h, {"boot_disk_rotational"}); rot && rot->is_boolean()) {
      out.boot_disk_type = rot->get<bool>() ? "hdd" : "ssd";
    }
  }
  out.os = r.String(m, path, {"os", "os_pretty", "os_name", "os_pretty_name", "platform"});
  if (out.os.empty() && hw != nullptr) out.os = r.String(h, hp, {"os", "os_pretty", "os_name"});
  out.last_seen_ms = r.Time(m, path, "last_seen");
  out.summary = r.Text(m, path, {"summary", "reason"});

  bool flags_present = false;
  out.flags = ReadFlags(r, m, path, &flags_present);
  if (!flags_present) {
    // No flag list (older collector, or analytics not run yet): derive what the fields say.
    if (out.boot_disk_type == "hdd") out.flags |= kFlagHddBoot;
    if (!std::isnan(out.ram_bytes) && out.ram_bytes <= 4.5 * 1024 * 1024 * 1024) {
      out.flags |= kFlagLowRam;
    }
  }
  if (const Json* online = r.Find(m, {"online"}); online != nullptr && online->is_boolean()) {
    if (!online->get<bool>()) out.flags |= kFlagOffline;
  }
  if (r.Bool(m, path, {"offline"})) out.flags |= kFlagOffline;
}

MachineMeta ReadMeta(Reader& r, const Json& m, const std::string& path) {
  MachineMeta meta;
  meta.purchase_date = r.String(m, path, {"purchase_date"});
  meta.asset_tag = r.String(m, path, {"asset_tag"});
  meta.department = r.String(m, path, {"department"});
  meta.room = r.String(m, path, {"room"});
  meta.user = r.String(m, path, {"primary_user", "user"});
  meta.notes = r.String(m, path, {"notes"});
  return meta;
}

std::vector<Contributor> ReadContributors(Reader& r, const Json& obj, const std::string& path,
                                          std::initializer_list<std::string_view> names) {
  std::vector<Contributor> out;
  std::string key;
  const Json* arr = r.Array(obj, path, names, &key);
  if (arr == nullptr) return out;
  for (std::size_t i = 0; i < arr->size() && i < 100; ++i) {
    const Json& c = (*arr)[i];
    Contributor ct;
    if (c.is_string()) {
      ct.name = c.get<std::string>();
    } else if (c.is_object()) {
      const std::string ip = wj::IndexPath(wj::JoinPath(path, key), i);
      ct.name = r.String(c, ip, {"name", "hostname", "app", "service", "host", "machine_id"});
      ct.bytes = r.Number(c, ip, {"bytes", "wan_bytes", "total_bytes", "receive_bytes"});
      ct.share = r.Number(c, ip, {"share", "share_ratio", "ratio"});
    } else {
      continue;
    }
    out.push_back(std::move(ct));
  }
  return out;
}

const Json& Root(const Json& doc, std::initializer_list<std::string_view> wrappers) {
  if (doc.is_object()) {
    for (std::string_view w : wrappers) {
      auto it = doc.find(w);
      if (it != doc.end() && it->is_object()) return *it;
    }
  }
  return doc;
}

int WeekdayFrom(const Json& v) {
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_string()) {
    static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const std::string& s = v.get_ref<const std::string&>();
    for (int i = 0; i < 7; ++i) {
      if (s.size() >= 3 && std::string_view(s).substr(0, 3) == kDays[i]) return i;
    }
  }
  return -1;
}

}  // namespace

void ParseWarnings::Add(std::string message) {
  if (items.size() < kMax) {
    items.push_back(std::move(message));
  } else {
    ++dropped;
  }
}

std::uint32_t FlagFromName(std::string_view n) {
  if (n == "failing_disk" || n == "disk_failing" || n == "smart_warning" || n == "smart") {
    return kFlagFailingDisk;
  }
  if (n == "hdd" || n == "hdd_boot" || n == "boot_hdd" || n == "hdd_boot_disk") {
    return kFlagHddBoot;
  }
  if (n == "low_ram" || n == "low_memory" || n == "ram") return kFlagLowRam;
  if (n == "os_unsupported" || n == "os_out_of_support" || n == "os_end_of_support" ||
      n == "os_eol" || n == "unsupported_os") {
    return kFlagOsUnsupported;
  }
  // The network flags the analytics set: a 100 Mb/s card, weak Wi-Fi, a slow LAN speed test.
  if (n == "slow_nic" || n == "nic_100mbps" || n == "nic_slow" || n == "nic" || n == "weak_wifi" ||
      n == "slow_lan") {
    return kFlagSlowNic;
  }
  if (n == "offline" || n == "stale") return kFlagOffline;
  return 0;
}

const char* FlagName(Flag flag) {
  switch (flag) {
    case kFlagFailingDisk:
      return "failing_disk";
    case kFlagHddBoot:
      return "hdd_boot";
    case kFlagLowRam:
      return "low_ram";
    case kFlagOsUnsupported:
      return "os_unsupported";
    case kFlagSlowNic:
      return "slow_nic";
    case kFlagOffline:
      return "offline";
  }
  return "unknown";
}

Recommendation RecommendationFromName(std::string_view n) {
  if (n == "replace") return Recommendation::kReplace;
  if (n == "upgrade" || n.starts_with("upgrade_") || n == "add_ram" || n == "ssd") {
    return Recommendation::kUpgrade;
  }
  if (n == "watch" || n == "monitor") return Recommendation::kWatch;
  if (n == "fine" || n == "ok" || n == "keep" || n == "none") return Recommendation::kFine;
  return Recommendation::kUnknown;
}

const char* RecommendationName(Recommendation r) {
  switch (r) {
    case Recommendation::kReplace:
      return "replace";
    case Recommendation::kUpgrade:
      return "upgrade";
    case Recommendation::kWatch:
      return "watch";
    case Recommendation::kFine:
      return "fine";
    case Recommendation::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::int64_t TimestampFromText(std::string_view text) {
  std::string s(text.substr(0, 64));
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  const int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &sec);
  if (n < 3 || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31) return 0;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = n >= 4 ? h : 0;
  tm.tm_min = n >= 5 ? mi : 0;
  tm.tm_sec = 0;
  const std::time_t t = timegm(&tm);
  std::int64_t ms = static_cast<std::int64_t>(t) * 1000 + static_cast<std::int64_t>(sec * 1000);
  // An explicit offset such as +07:00 (the office's zone) moves the instant back to UTC.
  const auto plus = s.find_last_of("+-");
  if (n >= 5 && plus != std::string::npos && plus > 10) {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + plus + 1, "%d:%d", &oh, &om) >= 1) {
      const std::int64_t off = (oh * 60 + om) * 60 * 1000;
      ms += s[plus] == '+' ? -off : off;
    }
  }
  return ms;
}

Result<FleetData> ParseMachines(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/machines");
  if (!doc.ok()) return MakeError(doc.error());
  Reader r(warnings);
  FleetData out;
  const Json* list = doc->is_array() ? &*doc : r.Find(*doc, {"machines", "items", "fleet"});
  if (list == nullptr || !list->is_array()) {
    return MakeError("GET /api/v1/machines: expected a \"machines\" array");
  }
  if (list->size() > kMaxItems) {
    return MakeError("GET /api/v1/machines: too many machines (" + std::to_string(list->size()) +
                     ")");
  }
  if (doc->is_object()) {
    out.generated_at_ms = r.Time(*doc, "", "generated_at");
    if (out.generated_at_ms == 0) out.generated_at_ms = r.Time(*doc, "", "now");
    const Json& site = Root(*doc, {"site", "totals", "network"});
    out.utilisation_now = r.Number(
        site, "site", {"uplink_utilisation_now_ratio", "utilisation_now_ratio", "utilisation_now"});
  }
  out.machines.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& m = (*list)[i];
    const std::string path = wj::IndexPath("machines", i);
    if (!m.is_object()) {
      if (warnings != nullptr) warnings->Add(path + ": expected an object, got " + wj::Describe(m));
      continue;
    }
    MachineSummary s;
    ReadSummary(r, m, path, s);
    if (s.id.empty()) {
      if (warnings != nullptr) warnings->Add(path + ".machine_id: required field is missing");
      continue;
    }
    out.machines.push_back(std::move(s));
  }
  return out;
}

namespace {

// The collector sends ATA SMART raw values keyed by attribute id ("5": 12); the officer reads
// a name, and the attributes that count failing sectors are warnings when not zero.
SmartAttribute AtaSmartAttribute(const std::string& id, double raw) {
  static constexpr std::string_view kFailingSectors[] = {"5", "187", "196", "197", "198"};
  const char* name = SmartAttributeName(Lang::kEn, id);
  const bool counts_failures = std::find(std::begin(kFailingSectors), std::end(kFailingSectors),
                                         id) != std::end(kFailingSectors);
  return {name != nullptr ? id + " " + name : id, raw, counts_failures && raw > 0};
}

}  // namespace

Result<MachineDetail> ParseMachineDetail(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/machines/{id}");
  if (!doc.ok()) return MakeError(doc.error());
  if (!doc->is_object()) return MakeError("GET /api/v1/machines/{id}: expected a JSON object");
  Reader r(warnings);
  const Json& m = Root(*doc, {"machine"});
  MachineDetail out;
  ReadSummary(r, m, "", out.summary);
  if (out.summary.id.empty()) ReadSummary(r, *doc, "", out.summary);
  // The collector nests the score in "aging" and the hardware in "inventory".
  const Json* aging = r.Find(*doc, {"aging"});
  if (aging != nullptr && aging->is_object()) {
    MachineSummary a;
    ReadSummary(r, *aging, "aging", a);
    out.summary.score = a.score;
    out.summary.recommendation = a.recommendation;
    out.summary.flags |= a.flags;
    if (!std::isnan(a.cost_vnd)) out.summary.cost_vnd = a.cost_vnd;
    if (!std::isnan(a.age_years)) out.summary.age_years = a.age_years;
    if (!a.age_source.empty()) out.summary.age_source = a.age_source;
    out.summary.summary = a.summary;
    if (const Json* acts = r.Find(*aging, {"actions"}); acts && acts->is_array()) {
      for (const Json& x : *acts) {
        if (!x.is_string()) continue;
        if (!out.summary.recommendation_detail.empty()) out.summary.recommendation_detail += ", ";
        out.summary.recommendation_detail += x.get<std::string>();
      }
    }
  }
  const Json* inv_obj = r.Find(*doc, {"inventory"});
  if (inv_obj != nullptr && inv_obj->is_object()) {
    MachineSummary hw;
    ReadSummary(r, *inv_obj, "inventory", hw);
    MachineSummary& s = out.summary;
    if (s.cpu_model.empty()) {
      s.cpu_model = hw.cpu_model;
      s.cpu_short = hw.cpu_short;
    }
    if (s.cpu_cores == 0)
      s.cpu_cores = static_cast<int>(r.Int(*inv_obj, "inventory", {"cpu_threads", "cpu_cores"}));
    if (std::isnan(s.ram_bytes)) s.ram_bytes = hw.ram_bytes;
    if (s.os.empty()) s.os = hw.os;
    if (s.boot_disk_type.empty()) s.boot_disk_type = hw.boot_disk_type;
    if (std::isnan(s.boot_disk_bytes)) s.boot_disk_bytes = hw.boot_disk_bytes;
    if (const Json* bd = r.Find(*inv_obj, {"boot_disk"}); bd && bd->is_object()) {
      if (const Json* rot = r.Find(*bd, {"rotational"});
          rot && rot->is_boolean() && s.boot_disk_type.empty()) {
        s.boot_disk_type = rot->get<bool>() ? "hdd" : "ssd";
      }
    }
  }
  if (out.summary.id.empty()) {
    return MakeError("GET /api/v1/machines/{id}: machine_id is missing");
  }

  // Inventory: an object of label → value (nested objects flattened one level), or pairs.
  if (const Json* inv = r.Find(*doc, {"inventory"}); inv != nullptr) {
    auto add = [&out](const std::string& k, const Json& v) {
      if (out.inventory.size() >= 200) return;
      if (v.is_string()) {
        out.inventory.emplace_back(k, v.get<std::string>());
      } else if (v.is_number() || v.is_boolean()) {
        out.inventory.emplace_back(k, v.dump());
      } else if (v.is_array() && !v.empty() && v.size() <= 16 && v[0].is_string()) {
        std::string joined;
        for (const Json& e : v) {
          if (!e.is_string()) continue;
          if (!joined.empty()) joined += ", ";
          joined += e.get<std::string>();
        }
        out.inventory.emplace_back(k, joined);
      }
    };
    if (inv->is_object()) {
      for (auto it = inv->begin(); it != inv->end(); ++it) {
        if (it->is_object()) {
          for (auto jt = it->begin(); jt != it->end(); ++jt) add(it.key() + "." + jt.key(), *jt);
        } else {
          add(it.key(), *it);
        }
      }
    } else if (inv->is_array()) {
      for (const Json& e : *inv) {
        if (e.is_object()) {
          add(r.String(e, "inventory", {"label", "name", "key"}), e.value("value", Json("")));
        }
      }
    }
  }

  const bool nested_evidence = aging != nullptr && aging->is_object() &&
                               r.Find(*doc, {"evidence", "score_evidence"}) == nullptr;
  out.evidence = r.Objects<EvidenceItem>(
      nested_evidence ? *aging : *doc, nested_evidence ? "aging" : "",
      {"evidence", "score_evidence"},
      [&r](const Json& e, const std::string& p, EvidenceItem& item) {
        item.key = r.String(e, p, {"key", "factor", "name", "id"});
        item.value = r.Number(e, p, {"value", "measured", "measured_value"});
        item.threshold = r.Number(e, p, {"threshold"});
        item.weight = r.Number(e, p, {"weight", "points", "contribution"});
        item.unit = r.String(e, p, {"unit"});
        item.text = r.Text(e, p, {"text", "sentence", "message", "description"});
        if (item.text.vi.empty() && item.text.en.empty()) {
          item.text.vi = r.String(e, p, {"vi"});
          item.text.en = r.String(e, p, {"en"});
        }
      });
  if (const Json* score = r.Find(*doc, {"aging_score", "score"}); score && score->is_object()) {
    if (out.evidence.empty()) {
      out.evidence =
          r.Objects<EvidenceItem>(*score, "aging_score", {"evidence"},
                                  [&r](const Json& e, const std::string& p, EvidenceItem& item) {
                                    item.key = r.String(e, p, {"key", "factor", "name", "id"});
                                    item.value = r.Number(e, p, {"value", "measured"});
                                    item.threshold = r.Number(e, p, {"threshold"});
                                    item.weight = r.Number(e, p, {"weight", "points"});
                                    item.unit = r.String(e, p, {"unit"});
                                    item.text = r.Text(e, p, {"text", "sentence", "message"});
                                  });
    }
  }

  out.history = ReadSeriesSet(r, *doc, "", {"history", "series"});
  out.platform = r.String(*doc, "", {"platform"});
  if (out.platform.empty() && inv_obj != nullptr) {
    out.platform = r.String(*inv_obj, "inventory", {"platform"});
  }
  out.last_report_ms = r.Time(*doc, "", "latest_collected_at");

  auto read_disk = [&r](const Json& d, const std::string& p, Disk& disk) {
    disk.name = r.String(d, p, {"name", "device"});
    disk.model = r.String(d, p, {"model"});
    disk.type = r.String(d, p, {"type", "kind", "media"});
    if (disk.type.empty() && d.contains("rotational") && d["rotational"].is_boolean()) {
      disk.type = d["rotational"].get<bool>() ? "hdd" : "ssd";
    }
    disk.size_bytes = r.Number(d, p, {"size_bytes", "bytes"});
    disk.boot = r.Bool(d, p, {"boot", "is_boot"});
    disk.health = r.String(d, p, {"health", "status", "smart_status"});
    disk.power_on_hours = r.Number(d, p, {"power_on_hours"});
    const Json* smart = r.Find(d, {"smart", "smart_raw", "smart_attributes", "attributes"});
    if (smart != nullptr && smart->is_object()) {
      for (auto it = smart->begin(); it != smart->end() && disk.smart.size() < 64; ++it) {
        if (it->is_number()) {
          disk.smart.push_back(AtaSmartAttribute(it.key(), it->get<double>()));
        } else if (it->is_object()) {
          SmartAttribute a{it.key(), r.Number(*it, p, {"raw", "value", "raw_value"}),
                           r.Bool(*it, p, {"warning", "failing"})};
          disk.smart.push_back(a);
        }
      }
    } else if (smart != nullptr && smart->is_array()) {
      for (const Json& a : *smart) {
        if (!a.is_object() || disk.smart.size() >= 64) continue;
        std::string name = r.String(a, p, {"name"});
        const std::string id = r.String(a, p, {"id"});
        if (!id.empty()) name = id + (name.empty() ? "" : " " + name);
        disk.smart.push_back(
            {name, r.Number(a, p, {"raw", "raw_value", "value"}), r.Bool(a, p, {"warning"})});
      }
    }
    if (disk.power_on_hours != disk.power_on_hours) {
      for (const auto& a : disk.smart) {
        if (a.name == "power_on_hours" || a.name == "9 power-on hours") {
          disk.power_on_hours = a.value;
        }
      }
    }
    // ATA ids in numeric order (the JSON object gives them as text: "12" before "5").
    std::stable_sort(disk.smart.begin(), disk.smart.end(),
                     [](const SmartAttribute& a, const SmartAttribute& b) {
                       return std::atoi(a.name.c_str()) < std::atoi(b.name.c_str());
                     });
    // The drive's own overall verdict: "passed" is what it says, not that the disk is fine
    // (a disk reallocating sectors usually still passes).
    if (const Json* passed = r.Find(d, {"smart_passed"});
        passed && passed->is_boolean() && disk.health.empty()) {
      disk.health = passed->get<bool>() ? "passed" : "failing";
    }
    for (const char* k : {"nvme_percentage_used", "nvme_media_errors"}) {
      const double v = r.Number(d, p, {k});
      if (!std::isnan(v))
        disk.smart.push_back({k, v, std::string(k) == "nvme_media_errors" && v > 0});
    }
  };
  out.disks = r.Objects<Disk>(*doc, "", {"disks"}, read_disk);
  if (out.disks.empty() && inv_obj != nullptr && inv_obj->is_object()) {
    if (const Json* bd = r.Find(*inv_obj, {"boot_disk"}); bd && bd->is_object()) {
      Disk disk;
      read_disk(*bd, "inventory.boot_disk", disk);
      disk.boot = true;
      out.disks.push_back(std::move(disk));
    }
  }

  auto read_app = [&r](const Json& a, const std::string& p, AppUsage& app) {
    app.name = r.String(a, p, {"name", "app", "application"});
    app.office_hours_seconds =
        r.Number(a, p, {"office_hours_seconds", "running_seconds", "cpu_seconds", "seconds"});
    app.foreground_seconds = r.Number(a, p, {"foreground_seconds"});
    app.wan_bytes = r.Number(a, p, {"wan_bytes", "network_bytes", "bytes"});
    app.machines = static_cast<int>(r.Int(a, p, {"machines", "machine_count"}));
  };
  out.top_apps = r.Objects<AppUsage>(*doc, "", {"top_apps", "apps", "applications"}, read_app);
  out.probes = r.Objects<
      Probe>(*doc, "", {"probes"}, [&r](const Json& p, const std::string& path, Probe& probe) {
    probe.name = r.String(p, path, {"name"});
    probe.target = r.String(p, path, {"target", "url", "host"});
    probe.latency_seconds = r.Number(p, path, {"latency_seconds", "p50_seconds", "median_seconds"});
    probe.baseline_seconds = r.Number(p, path, {"baseline_seconds", "baseline"});
    probe.failure_ratio = r.Number(p, path, {"failure_ratio", "failures_ratio"});
  });
  if (const Json* meta = r.Find(*doc, {"meta", "metadata"}); meta && meta->is_object()) {
    out.meta = ReadMeta(r, *meta, "meta");
  }
  if (out.meta.department.empty()) out.meta.department = out.summary.department;
  if (out.meta.room.empty()) out.meta.room = out.summary.room;
  if (out.meta.user.empty()) out.meta.user = out.summary.user;
  if (out.summary.department.empty()) out.summary.department = out.meta.department;
  if (out.summary.room.empty()) out.summary.room = out.meta.room;
  return out;
}

Result<Heatmap> ParseHeatmap(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/network/heatmap");
  if (!doc.ok()) return MakeError(doc.error());
  Reader r(warnings);
  Heatmap out;
  const Json& root = Root(*doc, {"heatmap"});
  out.weeks = static_cast<int>(r.Int(root, "", {"weeks"}));
  out.direction = r.String(root, "", {"direction"});
  if (out.direction.empty()) out.direction = "receive";
  out.capacity_down_mbps = r.Number(root, "", {"uplink_down_mbps", "capacity_down_mbps"});
  out.capacity_up_mbps = r.Number(root, "", {"uplink_up_mbps", "capacity_up_mbps"});
  out.baseline_latency_seconds = r.Number(root, "", {"baseline_latency_seconds"});
  out.peak_demand_down_mbps = r.Number(root, "", {"peak_demand_down_mbps"});
  std::string key;
  const Json* cells =
      root.is_array()
          ? &root
          : r.Find(root, {"cells", "p95_utilisation_ratio", "utilisation", "grid"}, &key);
  if (cells == nullptr || !cells->is_array()) {
    return MakeError("GET /api/v1/network/heatmap: expected a \"cells\" array");
  }
  if (cells->size() == 7 && (*cells)[0].is_array()) {  // [weekday][hour]
    for (int d = 0; d < 7; ++d) {
      const Json& row = (*cells)[d];
      if (!row.is_array()) continue;
      for (int h = 0; h < 24 && h < static_cast<int>(row.size()); ++h) {
        if (row[h].is_number()) out.cells[d][h] = row[h].get<double>();
      }
    }
    return out;
  }
  for (std::size_t i = 0; i < cells->size() && i < 7 * 24 * 8; ++i) {
    const Json& c = (*cells)[i];
    if (!c.is_object()) continue;
    const Json* wd = r.Find(c, {"weekday", "day", "dow"});
    const int day = wd != nullptr ? WeekdayFrom(*wd) : -1;
    const int hour = static_cast<int>(r.Int(c, "cells", {"hour"}, -1));
    if (day < 0 || day > 6 || hour < 0 || hour > 23) {
      r.Warn(wj::IndexPath("cells", i), "weekday", "expected weekday 0..6 and hour 0..23", c);
      continue;
    }
    out.max_cell_samples = std::max(
        out.max_cell_samples, static_cast<int>(r.Int(c, wj::IndexPath("cells", i), {"samples"})));
    out.cells[day][hour] =
        r.Number(c, wj::IndexPath("cells", i),
                 {"p95_utilisation_down", "p95_utilisation_ratio", "p95_utilisation",
                  "utilisation_ratio", "p95_ratio", "value", "utilisation"});
  }
  return out;
}

Result<NetworkStatus> ParseBottlenecks(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/network/bottlenecks");
  if (!doc.ok()) return MakeError(doc.error());
  if (!doc->is_object()) return MakeError("GET /api/v1/network/bottlenecks: expected an object");
  Reader r(warnings);
  NetworkStatus out;
  const Json& up = Root(*doc, {"uplink", "site", "capacity"});
  out.capacity_down_mbps =
      r.Number(up, "uplink", {"capacity_down_mbps", "down_mbps", "uplink_down_mbps"});
  out.capacity_up_mbps = r.Number(up, "uplink", {"capacity_up_mbps", "up_mbps", "uplink_up_mbps"});
  if (std::isnan(out.capacity_down_mbps)) {
    out.capacity_down_mbps = r.Number(*doc, "", {"capacity_down_mbps", "uplink_down_mbps"});
  }
  if (std::isnan(out.capacity_up_mbps)) {
    out.capacity_up_mbps = r.Number(*doc, "", {"capacity_up_mbps", "uplink_up_mbps"});
  }
  out.utilisation_now = r.Number(
      *doc, "", {"utilisation_now_ratio", "utilisation_now", "uplink_utilisation_now_ratio"});
  out.utilisation_now_reported =
      doc->contains("utilisation_now_ratio") || doc->contains("uplink_utilisation_now_ratio");
  if (std::isnan(out.utilisation_now)) {
    out.utilisation_now = r.Number(up, "uplink", {"utilisation_now_ratio", "utilisation_now"});
  }
  if (const Json* today = r.Find(*doc, {"today", "today_utilisation"}); today != nullptr) {
    if (today->is_array()) {
      out.today = ReadPoints(r, *today, "today");
    } else if (today->is_object()) {
      if (const Json* pts = r.Find(*today, {"points", "utilisation", "series"}); pts) {
        out.today = ReadPoints(r, *pts, "today.points");
      }
    }
  }
  out.bottlenecks = r.Objects<BottleneckHour>(
      *doc, "", {"bottlenecks", "hours", "bottleneck_hours"},
      [&r](const Json& b, const std::string& p, BottleneckHour& h) {
        if (const Json* wd = r.Find(b, {"weekday", "day", "dow"}); wd) h.weekday = WeekdayFrom(*wd);
        h.hour = static_cast<int>(r.Int(b, p, {"hour", "hour_of_day"}, -1));
        h.p95_utilisation = r.Number(
            b, p, {"p95_utilisation", "p95_utilisation_ratio", "utilisation_ratio", "p95"});
        h.latency_ratio =
            r.Number(b, p, {"latency_factor", "latency_ratio", "probe_latency_ratio"});
        h.latency_seconds = r.Number(b, p, {"latency_seconds"});
        h.direction = r.String(b, p, {"direction"});
        h.machines = ReadContributors(r, b, p, {"top_machines", "machines"});
        h.apps = ReadContributors(r, b, p, {"top_apps", "apps", "applications"});
        h.services = ReadContributors(
            r, b, p, {"top_services", "top_remote_services", "services", "remotes"});
        h.text = r.Text(b, p, {"text", "evidence", "sentence"});
      });
  const Json& portal = Root(*doc, {"portal", "portal_latency"});
  out.portal_latency_seconds = r.Number(portal, "portal",
                                        {"latency_seconds", "now_seconds", "portal_latency_seconds",
                                         "p50_seconds", "current_seconds"});
  out.portal_baseline_seconds = r.Number(
      portal, "portal",
      {"baseline_seconds", "portal_baseline_seconds", "baseline", "baseline_latency_seconds"});
  if (std::isnan(out.portal_baseline_seconds)) {
    out.portal_baseline_seconds = r.Number(*doc, "", {"baseline_latency_seconds"});
  }
  if (const Json* s = r.Find(portal, {"series", "today", "points"}); s && &portal != &*doc) {
    out.portal_latency = ReadPoints(r, *s, "portal.series");
  }
  if (const Json* v = r.Find(*doc, {"verdict"}); v != nullptr) {
    if (v->is_object()) {
      out.verdict.kind = r.String(*v, "verdict", {"kind", "decision", "type"});
      out.verdict.current_mbps = r.Number(*v, "verdict", {"current_mbps", "capacity_mbps"});
      out.verdict.required_mbps = r.Number(*v, "verdict", {"required_mbps", "required_down_mbps"});
      out.verdict.recommended_plan_mbps =
          r.Number(*v, "verdict", {"recommended_plan_mbps", "next_plan_mbps", "plan_mbps"});
      out.verdict.text = r.Text(*v, "verdict", {"text", "sentence", "message"});
      out.verdict.peak_demand_mbps = r.Number(*v, "verdict", {"peak_demand_mbps"});
      if (const Json* lan = r.Find(*v, {"lan_side_machines"}); lan && lan->is_array()) {
        for (const Json& name : *lan) {
          if (name.is_string() && out.verdict.lan_side_machines.size() < 64) {
            out.verdict.lan_side_machines.push_back(name.get<std::string>());
          }
        }
      }
      if (const Json* plan = r.Find(*v, {"plan"}); plan && plan->is_object()) {
        out.verdict.plan_name = r.String(*plan, "verdict.plan", {"name"});
        if (std::isnan(out.verdict.recommended_plan_mbps)) {
          out.verdict.recommended_plan_mbps =
              r.Number(*plan, "verdict.plan", {"down_mbps", "mbps"});
        }
      }
    } else if (v->is_string()) {
      out.verdict.text.vi = out.verdict.text.en = v->get<std::string>();
    }
  }
  return out;
}

Result<SoftwareData> ParseSoftware(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/software");
  if (!doc.ok()) return MakeError(doc.error());
  if (!doc->is_object()) return MakeError("GET /api/v1/software: expected an object");
  Reader r(warnings);
  SoftwareData out;
  out.ranking = r.Objects<AppUsage>(
      *doc, "", {"ranking", "usage", "apps", "applications"},
      [&r](const Json& a, const std::string& p, AppUsage& app) {
        app.name = r.String(a, p, {"name", "app", "application"});
        app.office_hours_seconds = r.Number(
            a, p, {"office_hours_seconds", "office_running_seconds", "running_seconds", "seconds"});
        app.foreground_seconds =
            r.Number(a, p, {"office_foreground_seconds", "foreground_seconds"});
        app.wan_bytes = r.Number(a, p, {"wan_bytes", "network_bytes", "bytes"});
        app.machines = static_cast<int>(r.Int(a, p, {"machines", "machine_count"}));
      });
  out.unsupported_os = r.Objects<UnsupportedOs>(
      *doc, "", {"unsupported_os", "os_unsupported", "unsupported"},
      [&r](const Json& a, const std::string& p, UnsupportedOs& u) {
        u.machine_id = r.String(a, p, {"machine_id", "id"});
        u.machine_name = r.String(a, p, {"hostname", "name"});
        if (u.machine_name.empty()) u.machine_name = u.machine_id;
        u.os = r.String(a, p, {"os", "os_name", "os_pretty_name"});
        u.end_of_support = r.String(a, p, {"end_of_support", "eol", "end_of_support_date", "flag"});
      });
  return out;
}

Result<InstalledSearch> ParseInstalledSearch(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/software/installed");
  if (!doc.ok()) return MakeError(doc.error());
  if (!doc->is_object() || !doc->contains("packages")) {
    return MakeError("GET /api/v1/software/installed: expected an object with \"packages\"");
  }
  Reader r(warnings);
  InstalledSearch out;
  out.query = r.String(*doc, "", {"query", "q"});
  out.machines_total = static_cast<int>(r.Int(*doc, "", {"machines_total"}));
  out.machines_with_list = static_cast<int>(r.Int(*doc, "", {"machines_with_list"}));
  out.matched_machines = static_cast<int>(r.Int(*doc, "", {"matched_machines"}));
  out.matched_packages = static_cast<int>(r.Int(*doc, "", {"matched_packages"}));
  if (const Json* t = r.Find(*doc, {"truncated"}); t != nullptr && t->is_boolean()) {
    out.truncated = t->get<bool>();
  }
  out.packages = r.Objects<InstalledSoftware>(
      *doc, "", {"packages"}, [&r](const Json& a, const std::string& p, InstalledSoftware& s) {
        s.name = r.String(a, p, {"name"});
        s.version = r.String(a, p, {"version"});
        s.machines = static_cast<int>(r.Int(a, p, {"machines"}));
        s.name_machines = static_cast<int>(r.Int(a, p, {"name_machines"}));
        if (s.name_machines < s.machines) s.name_machines = s.machines;
        if (const Json* src = r.Find(a, {"sources"}); src != nullptr && src->is_array()) {
          for (const Json& v : *src) {
            if (v.is_string()) s.sources.push_back(v.get<std::string>());
          }
        }
        s.machine_list = r.Objects<MachineRef>(
            a, p, {"machine_list"}, [&r](const Json& m, const std::string& mp, MachineRef& ref) {
              ref.id = r.String(m, mp, {"machine_id", "id"});
              ref.name = r.String(m, mp, {"hostname", "name"});
              if (ref.name.empty()) ref.name = ref.id;
            });
        if (const Json* t = r.Find(a, {"machine_list_truncated"}); t && t->is_boolean()) {
          s.machine_list_truncated = t->get<bool>();
        }
      });
  return out;
}

Result<std::vector<Finding>> ParseFindings(std::string_view body, ParseWarnings* warnings) {
  auto doc = ParseTopObject(body, "GET /api/v1/findings");
  if (!doc.ok()) return MakeError(doc.error());
  Reader r(warnings);
  Json wrapper = doc->is_array() ? Json{{"findings", *doc}} : *doc;
  if (wrapper.is_object() && !wrapper.contains("findings") && wrapper.contains("machines")) {
    // The collector's findings document: one recommendation per machine.
    return r.Objects<Finding>(wrapper, "", {"machines"},
                              [&r](const Json& f, const std::string& p, Finding& out) {
                                out.kind = "recommendation";
                                out.machine_id = r.String(f, p, {"machine_id"});
                                out.severity = r.String(f, p, {"recommendation"});
                                out.text = r.Text(f, p, {"summary"});
                              });
  }
  return r.Objects<Finding>(wrapper, "", {"findings", "items"},
                            [&r](const Json& f, const std::string& p, Finding& out) {
                              out.kind = r.String(f, p, {"kind", "type", "finding"});
                              out.machine_id = r.String(f, p, {"machine_id", "instance"});
                              out.severity = r.String(f, p, {"severity", "level"});
                              out.text = r.Text(f, p, {"text", "sentence", "message"});
                            });
}

std::string EncodeMeta(const MachineMeta& m) {
  Json j = {{"purchase_date", m.purchase_date}, {"asset_tag", m.asset_tag},
            {"department", m.department},       {"room", m.room},
            {"primary_user", m.user},           {"notes", m.notes}};
  return j.dump();
}

Status ValidateMeta(const MachineMeta& m) {
  if (!m.purchase_date.empty()) {
    int y = 0, mo = 0, d = 0;
    char tail = 0;
    if (m.purchase_date.size() != 10 ||
        std::sscanf(m.purchase_date.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 ||
        y < 1980 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) {
      return MakeError("purchase_date: expected YYYY-MM-DD, got \"" + m.purchase_date + "\"");
    }
  }
  const std::pair<const char*, const std::string*> fields[] = {{"asset_tag", &m.asset_tag},
                                                               {"department", &m.department},
                                                               {"room", &m.room},
                                                               {"primary_user", &m.user}};
  for (const auto& [name, value] : fields) {
    if (value->size() > 128) {
      return MakeError(std::string(name) + ": at most 128 bytes, got " +
                       std::to_string(value->size()));
    }
  }
  if (m.notes.size() > 2000) {
    return MakeError("notes: at most 2000 bytes, got " + std::to_string(m.notes.size()));
  }
  return Status::Ok();
}

MachineMeta NormaliseMeta(MachineMeta m) {
  std::string& date = m.purchase_date;
  while (!date.empty() && (date.front() == ' ' || date.front() == '\t')) date.erase(0, 1);
  while (!date.empty() && (date.back() == ' ' || date.back() == '\t')) date.pop_back();
  int day = 0, month = 0, year = 0, used = 0;
  char sep1 = 0, sep2 = 0;
  if (std::sscanf(date.c_str(), "%2d%c%2d%c%4d%n", &day, &sep1, &month, &sep2, &year, &used) == 5 &&
      used == static_cast<int>(date.size()) && sep1 == sep2 &&
      (sep1 == '/' || sep1 == '-' || sep1 == '.') && year >= 1000 && month >= 1 && month <= 12 &&
      day >= 1 && day <= 31) {
    char iso[40];  // room for any int, so GCC's -Wformat-truncation (Release) stays quiet
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
    date = iso;
  }
  return m;
}

std::string MetaProblem(Lang lang, const MachineMeta& m) {
  const Status st = ValidateMeta(m);
  if (st.ok()) return {};
  const bool vi = lang == Lang::kVi;
  const std::string& e = st.error();
  if (e.rfind("purchase_date", 0) == 0) {
    return std::string(vi ? "Ngày mua: hãy viết theo dạng YYYY-MM-DD hoặc DD/MM/YYYY (đã nhập \""
                          : "Purchase date: write it as YYYY-MM-DD or DD/MM/YYYY (typed \"") +
           m.purchase_date + "\")";
  }
  const std::pair<const char*, Str> fields[] = {{"asset_tag", Str::kAssetTag},
                                                {"department", Str::kDepartment},
                                                {"room", Str::kRoom},
                                                {"primary_user", Str::kUser},
                                                {"notes", Str::kNotes}};
  for (const auto& [name, label] : fields) {
    if (e.rfind(name, 0) == 0) {
      const char* limit = std::string_view(name) == "notes" ? "2000" : "128";
      return std::string(Tr(lang, label)) + (vi ? ": quá dài (tối đa " : ": too long (at most ") +
             limit + (vi ? " byte)" : " bytes)");
    }
  }
  return e;
}

}  // namespace wardwatch::console
