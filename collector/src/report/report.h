// The upgrade-justification report for leadership: the model (findings + data coverage read
// from a data folder), a neutral document of blocks built from it, and the HTML, PDF and CSV
// renderers. `wardwatch-collector report` and GET /api/v1/reports/upgrade both end here.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/analytics/findings.h"
#include "wardwatch/analytics/site_config.h"
#include "wardwatch/result.h"

namespace wardwatch::collector::report {

enum class Format { kHtml, kPdf, kCsv };
Result<Format> ParseFormat(std::string_view s);
const char* ContentType(Format f);

struct Options {
  Format format = Format::kPdf;
  bool vi = true;
  std::string from, to;  // YYYY-MM-DD, local dates, both inclusive; empty: the site's window
  std::string period;    // "Nd": the N days (1..400) up to the latest report; "": the site's
  std::string office;    // overrides the site's office_name
  std::int64_t now = 0;  // Unix seconds for the date line; 0: the wall clock
};

// Which hours one machine reported in the window (no claim without data).
struct Coverage {
  std::string machine_id, hostname;
  std::int64_t first = 0, last = 0;  // hour starts; 0 when nothing was reported
  int office_days_total = 0, office_days_reported = 0;
  int longest_gap_days = 0;   // working days in a row without any report
  std::int64_t gap_from = 0;  // local midnight of the first day of that gap
};

struct Model {
  bool vi = true;
  std::string office;
  std::int64_t now = 0, from = 0, to = 0;  // window [from, to)
  analytics::SiteConfig site;
  analytics::Findings findings;
  std::map<std::string, analytics::MachineInventory> inventory;  // by machine id
  std::vector<Coverage> coverage;                                // by hostname
};

// Reads DATA_DIR/wardwatch.db (machines, latest reports) and DATA_DIR/analytics.db (hourly
// rollups, site buckets, metadata) read-only and computes the findings for the window.
Result<Model> LoadModel(const std::string& data_dir, const analytics::SiteConfig& site,
                        const Options& o);
// Coverage from machines' hourly rollups (pure; exposed for tests).
Coverage ComputeCoverage(const std::string& id, const std::string& host,
                         const std::vector<analytics::MachineHour>& hours,
                         const analytics::SiteConfig& site, std::int64_t from, std::int64_t to);

// Localised strings: every key has vi and en.
struct Phrase {
  std::string_view key, vi, en;
};
std::span<const Phrase> Phrases();
std::string_view T(bool vi, std::string_view key);  // "?key?" when unknown

// The document both HTML and PDF draw.
struct Table {
  std::vector<std::string> head;
  std::vector<double> widths;  // fractions of the text width, summing to 1
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right;  // right-aligned columns (numbers)
};
struct Bar {
  std::string label;
  double value = 0;
};
struct Block {
  enum Kind { kH1, kH2, kPara, kBullet, kTable, kHeatmap, kBars, kSignature } kind = kPara;
  std::string text;  // title of charts, caption
  Table table;
  std::vector<Bar> bars;              // kBars
  double bar_max = 1, bar_mark = -1;  // scale, threshold line (-1: none)
  bool percent = false;               // bar values are ratios shown as %
  std::array<double, 168> heat{};     // kHeatmap: weekday*24+hour, <0 no data
  double heat_mark = 0.8;             // the bottleneck threshold
};
struct Doc {
  bool vi = true;
  std::string office, date_line, title, subtitle, period;
  std::vector<Block> blocks;
};
Doc BuildDoc(const Model& m);
// Heatmap cell colour (0-1 RGB) for utilisation v (< 0: no data) against the threshold.
void HeatColour(double v, double mark, double rgb[3]);

std::string RenderHtml(const Doc& d);
Result<std::string> RenderPdf(const Doc& d);
std::string RenderCsv(const Model& m);
std::string CsvField(std::string_view s);  // RFC 4180 quoting when needed

Result<std::string> Render(const Model& m, Format f);

// `wardwatch-collector report ...`
int RunReport(int argc, const char* const* argv);

}  // namespace wardwatch::collector::report
