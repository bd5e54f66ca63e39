// `wardwatch-collector report --data-dir DIR --format html|pdf|csv --lang vi|en
// [--from YYYY-MM-DD --to YYYY-MM-DD | --period Nd] [--office NAME] [--site-config FILE]
// -o FILE`.
#include <chrono>
#include <fstream>
#include <iostream>

#include "analytics/engine.h"
#include "report/report.h"

namespace wardwatch::collector::report {

int RunReport(int argc, const char* const* argv) {
  constexpr const char* kUsage =
      "usage: wardwatch-collector report --data-dir DIR --format html|pdf|csv --lang vi|en\n"
      "         [--from YYYY-MM-DD --to YYYY-MM-DD | --period Nd] [--office NAME]\n"
      "         [--site-config FILE] -o FILE\n";
  std::string data_dir, format = "pdf", lang = "vi", out, site_path;
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) {
      std::cerr << "report: "
                << (a.rfind("-", 0) == 0 ? "option " + a + " needs a value"
                                         : "unexpected \"" + a + "\"")
                << "\n"
                << kUsage;
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--data-dir") {
      data_dir = v;
    } else if (a == "--format") {
      format = v;
    } else if (a == "--lang") {
      lang = v;
    } else if (a == "--from") {
      o.from = v;
    } else if (a == "--to") {
      o.to = v;
    } else if (a == "--period") {
      o.period = v;
    } else if (a == "--office") {
      o.office = v;
    } else if (a == "--site-config") {
      site_path = v;
    } else if (a == "-o" || a == "--output") {
      out = v;
    } else {
      std::cerr << "report: unknown option " << a << "\n" << kUsage;
      return 2;
    }
  }
  if (data_dir.empty() || out.empty()) {
    std::cerr << "report: --data-dir and -o are required\n" << kUsage;
    return 2;
  }
  auto f = ParseFormat(format);
  if (!f) {
    std::cerr << "report: --format: " << f.error() << "\n";
    return 2;
  }
  o.format = *f;
  if (lang != "vi" && lang != "en") {
    std::cerr << "report: --lang must be vi or en, got \"" << lang << "\"\n";
    return 2;
  }
  o.vi = lang == "vi";
  const auto t0 = std::chrono::steady_clock::now();
  auto site = LoadSiteConfig(data_dir, site_path);
  if (!site) {
    std::cerr << "report: " << site.error() << "\n";
    return 1;
  }
  auto model = LoadModel(data_dir, *site, o);
  if (!model) {
    std::cerr << "report: " << model.error() << "\n";
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  auto body = Render(*model, o.format);
  if (!body) {
    std::cerr << "report: " << body.error() << "\n";
    return 1;
  }
  const auto t2 = std::chrono::steady_clock::now();
  std::ofstream file(out, std::ios::binary);
  file << *body;
  file.close();
  if (!file) {
    std::cerr << "report: cannot write " << out << "\n";
    return 1;
  }
  std::cerr << "report: wrote " << out << " (" << body->size() << " bytes, "
            << model->findings.machines.size() << " machines; load+analysis "
            << std::chrono::duration<double>(t1 - t0).count() << " s, render "
            << std::chrono::duration<double>(t2 - t1).count() << " s)\n";
  return 0;
}

}  // namespace wardwatch::collector::report
