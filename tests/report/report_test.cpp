// Report unit tests: CSV quoting and BOM, HTML without external references, every phrase in
// Vietnamese and English, data coverage gaps, a PDF that cairo finishes.
#include "report/report.h"

#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "wardwatch/analytics/local_time.h"

namespace rp = wardwatch::collector::report;
namespace an = wardwatch::analytics;

namespace {

rp::Model SampleModel(bool vi) {
  rp::Model m;
  m.vi = vi;
  m.office = "UBND Phường Bến Thành";
  m.now = an::LocalMidnight(2026, 11, 28, 420);
  m.to = m.now;
  m.from = m.to - 28 * 86400;
  an::AgingResult a;
  a.machine_id = "m-1";
  a.hostname = "KT-01, \"old\"";
  a.score = 80;
  a.recommendation = an::Recommendation::kReplace;
  a.cost_vnd = 15000000;
  a.actions = {"replace_pc"};
  a.evidence.push_back({"age", 9, "years", 8, 30, 30, "Máy đã dùng 9 năm", "9 years in use"});
  an::AgingResult b = a;
  b.machine_id = "m-2";
  b.hostname = "TN-02";
  b.score = 40;
  b.recommendation = an::Recommendation::kUpgrade;
  b.actions = {"ssd", "add_ram"};
  b.cost_vnd = 1800000;
  m.findings.machines = {a, b};
  m.findings.replace_first = {"m-1", "m-2"};
  m.findings.total_cost_vnd = 16800000;
  for (auto* x : {&a, &b}) {
    an::MachineInventory inv;
    inv.machine_id = x->machine_id;
    inv.hostname = x->hostname;
    m.inventory[x->machine_id] = inv;
    m.findings.usage[x->machine_id].cpu_saturated_share = 0.3;
  }
  return m;
}

}  // namespace

TEST_CASE("CSV fields are quoted only when needed, quotes doubled") {
  CHECK(rp::CsvField("plain") == "plain");
  CHECK(rp::CsvField("a,b") == "\"a,b\"");
  CHECK(rp::CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(rp::CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(rp::CsvField("Phường") == "Phường");
}

TEST_CASE("CSV starts with a UTF-8 BOM and lists machines in replace-first order") {
  const std::string csv = rp::RenderCsv(SampleModel(true));
  REQUIRE(csv.size() > 3);
  CHECK(csv.substr(0, 3) == "\xEF\xBB\xBF");
  const auto first = csv.find("\r\n");
  REQUIRE(first != std::string::npos);
  const std::string row1 = csv.substr(first + 2, csv.find("\r\n", first + 2) - first - 2);
  CHECK(row1.rfind("1,m-1,\"KT-01, \"\"old\"\"\",Thay mới,80,", 0) == 0);
  CHECK(csv.find("2,m-2,TN-02,Nâng cấp,40,") != std::string::npos);
}

TEST_CASE("HTML is self-contained: no external src/href, no @import, no url()") {
  for (bool vi : {true, false}) {
    const std::string html = rp::RenderHtml(rp::BuildDoc(SampleModel(vi)));
    CHECK(html.find("<svg") != std::string::npos);
    CHECK_FALSE(std::regex_search(
        html, std::regex(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase)));
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("KT-01, &quot;old&quot;") != std::string::npos);  // escaped
    if (vi) {
      CHECK(html.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") != std::string::npos);
      CHECK(html.find("Độc lập - Tự do - Hạnh phúc") != std::string::npos);
    }
  }
}

TEST_CASE("every phrase has Vietnamese and English and a unique key") {
  std::set<std::string_view> keys;
  for (const rp::Phrase& p : rp::Phrases()) {
    INFO(p.key);
    CHECK_FALSE(p.vi.empty());
    CHECK_FALSE(p.en.empty());
    CHECK(keys.insert(p.key).second);
    // Placeholders match between the languages.
    for (const char* ph : {"%1", "%2", "%3", "%4"}) {
      CHECK((p.vi.find(ph) == std::string_view::npos) == (p.en.find(ph) == std::string_view::npos));
    }
  }
  CHECK(rp::T(true, "no-such-key").starts_with("?"));
}

TEST_CASE("coverage counts working days with data and finds the longest gap") {
  an::SiteConfig site;
  const std::int64_t mon = an::LocalMidnight(2026, 11, 2, 420);  // a Monday
  std::vector<an::MachineHour> hours;
  for (int d : {0, 1, 7, 8, 9, 10, 11}) {  // Tue..Fri of week one missing (plus the weekend)
    an::MachineHour h;
    h.hour_start = mon + d * 86400 + 9 * 3600;
    h.seconds = 3600;
    hours.push_back(h);
  }
  const auto c = rp::ComputeCoverage("m", "h", hours, site, mon, mon + 14 * 86400);
  CHECK(c.office_days_total == 10);
  CHECK(c.office_days_reported == 7);
  CHECK(c.longest_gap_days == 3);
  CHECK(c.gap_from == mon + 2 * 86400);
  CHECK(c.first == mon + 9 * 3600);
}

TEST_CASE("the PDF renders with a header and every page finished") {
  auto pdf = rp::RenderPdf(rp::BuildDoc(SampleModel(true)));
  REQUIRE(pdf);
  CHECK(pdf->rfind("%PDF-", 0) == 0);
  CHECK(pdf->find("/FontFile") != std::string::npos);  // embedded font programs
  CHECK(pdf->find("%%EOF") != std::string::npos);
}
