// wardwatch-collector entry point: a subcommand when argv[1] names one, else the server.
#include <cstring>
#include <iostream>
#include <string_view>

#include "analytics/import_meta.h"
#include "machines_cmd.h"
#include "report/report.h"
#include "serve.h"

namespace {

struct Subcommand {
  std::string_view name;
  int (*run)(int argc, const char* const* argv);  // argv[0] is the subcommand
  std::string_view summary;
};

// Later work adds lines here: {"report", RunReport, ...}, {"machines", RunMachines, ...}.
constexpr Subcommand kSubcommands[] = {
    {"serve", wardwatch::collector::RunServe, "run the server (the default)"},
    {"import-meta", wardwatch::collector::RunImportMeta, "import machine metadata from CSV"},
    {"report", wardwatch::collector::report::RunReport,
     "write the upgrade report (html, pdf, csv)"},
    {"machines", wardwatch::collector::RunMachines, "list enrolled machines, revoke one"},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    for (const auto& sub : kSubcommands) {
      if (sub.name == argv[1]) return sub.run(argc - 1, argv + 1);
    }
  }
  return wardwatch::collector::RunServe(argc, argv);
}
