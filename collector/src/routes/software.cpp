// GET /api/v1/machines/{id}/software: the machine's last full package list (agents send it
// only when the inventory hash changes), with the latest report's hash, counts, changes and
// OS install date; GET /api/v1/software/installed?q=TEXT&limit=N: which machines have a
// package, searched across the fleet's last lists. The full inventory lives here and in the
// store, never in /metrics.
#include <charconv>
#include <mutex>

#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

namespace bhttp = http::bhttp;

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;
constexpr std::size_t kMaxQueryBytes = 100;
// Machines listed under each package (the count is always complete).
constexpr std::size_t kMaxMachinesListed = 100;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A query-string value: %XX and '+' (a space, as HTML forms send it) decoded.
Result<std::string> DecodeQueryValue(std::string_view name, std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '+') {
      out += ' ';
    } else if (raw[i] != '%') {
      out += raw[i];
    } else {
      const int hi = i + 2 < raw.size() ? HexDigit(raw[i + 1]) : -1;
      const int lo = hi >= 0 ? HexDigit(raw[i + 2]) : -1;
      if (lo < 0) {
        return MakeError(std::string(name) + ": bad percent-encoding \"" +
                         std::string(raw.substr(i, 3)) + "\"");
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

bool ValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80             ? 1
                            : (b & 0xE0) == 0xC0 ? 2
                            : (b & 0xF0) == 0xE0 ? 3
                            : (b & 0xF8) == 0xF0 ? 4
                                                 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

struct InstalledQuery {
  std::string q;
  std::size_t limit = kDefaultLimit;
};

// ?q=TEXT&limit=N; every problem names the parameter.
Result<InstalledQuery> ParseInstalledQuery(std::string_view target) {
  InstalledQuery out;
  const auto qmark = target.find('?');
  std::string_view rest = qmark == std::string_view::npos ? "" : target.substr(qmark + 1);
  bool seen_q = false, seen_limit = false;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? "" : rest.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view raw = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (key == "q") {
      if (seen_q) return MakeError("q: given more than once");
      seen_q = true;
      auto v = DecodeQueryValue("q", raw);
      if (!v.ok()) return MakeError(v.error());
      if (v->size() > kMaxQueryBytes) {
        return MakeError("q: at most " + std::to_string(kMaxQueryBytes) + " bytes, got " +
                         std::to_string(v->size()));
      }
      if (!ValidUtf8(*v)) return MakeError("q: not valid UTF-8");
      if (std::any_of(v->begin(), v->end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        return MakeError("q: control characters are not allowed");
      }
      out.q = std::move(*v);
    } else if (key == "limit") {
      if (seen_limit) return MakeError("limit: given more than once");
      seen_limit = true;
      std::size_t n = 0;
      auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
      if (ec != std::errc() || p != raw.data() + raw.size() || n < 1 || n > kMaxLimit) {
        return MakeError("limit: expected 1.." + std::to_string(kMaxLimit) + ", got \"" +
                         std::string(raw.substr(0, 32)) + "\"");
      }
      out.limit = n;
    } else {
      return MakeError("unknown parameter \"" + std::string(key.substr(0, 32)) +
                       "\" (expected q, limit)");
    }
  }
  return out;
}

// The index of the fleet's last package lists, rebuilt only when one of them changed.
class InstalledIndexCache {
 public:
  std::shared_ptr<const InstalledIndex> For(std::vector<InstalledListRef> lists) {
    std::lock_guard lock(mu_);
    if (!index_ || !index_->BuiltFrom(lists)) {
      index_ = std::make_shared<const InstalledIndex>(std::move(lists));
    }
    return index_;
  }

 private:
  std::mutex mu_;
  std::shared_ptr<const InstalledIndex> index_;
};

nlohmann::json InstalledJson(const InstalledIndex& index, const InstalledQuery& query,
                             const InstalledSearchResult& r) {
  auto packages = nlohmann::json::array();
  for (const InstalledMatch& m : r.packages) {
    const InstalledIndex::Entry& e = *m.entry;
    auto listed = nlohmann::json::array();
    for (std::size_t i = 0; i < e.machines.size() && i < kMaxMachinesListed; ++i) {
      const auto& machine = index.machines()[e.machines[i]];
      listed.push_back({{"machine_id", machine.id}, {"hostname", machine.hostname}});
    }
    packages.push_back({{"name", e.name},
                        {"version", e.version},
                        {"sources", e.sources},
                        {"machines", e.machines.size()},
                        {"name_machines", m.name_machines},
                        {"machine_list", std::move(listed)},
                        {"machine_list_truncated", e.machines.size() > kMaxMachinesListed}});
  }
  return {{"query", query.q},
          {"limit", query.limit},
          {"machines_total", index.machines().size()},
          {"machines_with_list", index.machines_with_list()},
          {"matched_packages", r.matched_packages},
          {"matched_machines", r.matched_machines},
          {"truncated", r.truncated},
          {"packages", std::move(packages)}};
}

}  // namespace

void AddSoftwareRoutes(http::Router& router, App& app) {
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/software/installed",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app, cache = std::make_shared<InstalledIndexCache>()](
                             http::RequestContext& ctx, http::Responder respond) {
                auto query = ParseInstalledQuery(ctx.message.target());
                if (!query.ok()) {
                  respond(http::JsonError(bhttp::status::bad_request, query.error()));
                  return;
                }
                std::vector<InstalledListRef> lists;
                for (const MachineState& m : app.fleet.Snapshot()) {
                  if (m.row.revoked) continue;
                  lists.push_back({m.row.id, m.row.hostname, m.software.packages});
                }
                auto index = cache->For(std::move(lists));
                const InstalledSearchResult r = SearchInstalled(*index, query->q, query->limit);
                respond(http::JsonResponse(bhttp::status::ok, InstalledJson(*index, *query, r)));
              }});
  router.Add(
      {.method = http::bhttp::verb::get,
       .pattern = "/api/v1/machines/{id}/software",
       .auth = http::AuthKind::kApiToken,
       .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
         const std::string& id = ctx.params.find("id")->second;
         auto m = app.fleet.Find(id);
         if (!m) {
           respond(http::JsonError(http::bhttp::status::not_found, "no machine " + id));
           return;
         }
         nlohmann::json j = {{"machine_id", id}};
         if (m->latest && m->latest->software) {
           const auto& s = *m->latest->software;
           j["sequence"] = m->latest->sequence;
           j["inventory_hash"] = s.inventory_hash;
           j["package_counts"] = s.package_counts;
           j["os_install_time"] =
               s.os_install_time ? nlohmann::json(*s.os_install_time) : nlohmann::json();
         }
         const auto& sw = m->software;
         if (sw.packages) {
           auto list = nlohmann::json::array();
           for (const auto& p : *sw.packages) {
             nlohmann::json e = {
                 {"name", p.name}, {"version", p.version}, {"source", p.source}, {"arch", p.arch}};
             if (p.install_time) e["install_time"] = *p.install_time;
             list.push_back(std::move(e));
           }
           j["packages_sequence"] = sw.packages_sequence;
           j["packages_hash"] = sw.packages_hash;
           j["packages"] = std::move(list);
         } else {
           // Not seen since the collector started; the agent sends it with the next change.
           j["packages"] = nullptr;
         }
         respond(http::JsonResponse(http::bhttp::status::ok, j));
       }});
}

}  // namespace wardwatch::collector::routes
