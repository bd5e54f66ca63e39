// The report as one self-contained HTML file: inline CSS laid out for A4 printing, charts as
// inline SVG, no external references.
#include <cstdio>

#include "report/report.h"

namespace wardwatch::collector::report {

namespace {

std::string Esc(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\n':
        o += "<br>";
        break;
      default:
        o.push_back(c);
    }
  }
  return o;
}

std::string Rgb(const double c[3]) {
  char b[32];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", static_cast<int>(c[0] * 255),
                static_cast<int>(c[1] * 255), static_cast<int>(c[2] * 255));
  return b;
}

std::string F(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string HeatSvg(const Block& b, bool vi) {
  static const char* kDaysVi[] = {"T2", "T3", "T4", "T5", "T6", "T7", "CN"};
  static const char* kDaysEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const double x0 = 34, y0 = 16, w = 24, h = 18;
  std::string s = "<svg width=\"" + F(x0 + 24 * w + 4) + "\" height=\"" + F(y0 + 7 * h + 4) +
                  "\" font-size=\"10\" role=\"img\">";
  for (int hr = 0; hr < 24; hr += 2) {
    s += "<text x=\"" + F(x0 + hr * w + w / 2) + "\" y=\"11\" text-anchor=\"middle\">" +
         std::to_string(hr) + "</text>";
  }
  for (int d = 0; d < 7; ++d) {
    s += "<text x=\"0\" y=\"" + F(y0 + d * h + 13) + "\">" + (vi ? kDaysVi[d] : kDaysEn[d]) +
         "</text>";
    for (int hr = 0; hr < 24; ++hr) {
      double c[3];
      const double v = b.heat[static_cast<std::size_t>(d * 24 + hr)];
      HeatColour(v, b.heat_mark, c);
      s += "<rect x=\"" + F(x0 + hr * w) + "\" y=\"" + F(y0 + d * h) + "\" width=\"" + F(w - 1) +
           "\" height=\"" + F(h - 1) + "\" fill=\"" + Rgb(c) + "\"><title>" + F(v * 100) +
           " %</title></rect>";
    }
  }
  return s + "</svg>";
}

std::string BarsSvg(const Block& b) {
  const double label = 130, width = 360, h = 16;
  std::string s = "<svg width=\"" + F(label + width + 60) + "\" height=\"" +
                  F(b.bars.size() * h + 6) + "\" font-size=\"10\" role=\"img\">";
  double y = 2;
  for (const Bar& bar : b.bars) {
    const double len = b.bar_max > 0 ? width * bar.value / b.bar_max : 0;
    char v[32];
    std::snprintf(v, sizeof v, b.percent ? "%.0f %%" : "%.0f",
                  b.percent ? bar.value * 100 : bar.value);
    s += "<text x=\"" + F(label - 4) + "\" y=\"" + F(y + 11) + "\" text-anchor=\"end\">" +
         Esc(bar.label) + "</text><rect x=\"" + F(label) + "\" y=\"" + F(y + 2) + "\" width=\"" +
         F(len) + "\" height=\"" + F(h - 5) + "\" fill=\"" +
         (b.bar_mark >= 0 && bar.value >= b.bar_mark ? "#b3261e" : "#4a6fa5") + "\"/><text x=\"" +
         F(label + len + 4) + "\" y=\"" + F(y + 11) + "\">" + v + "</text>";
    y += h;
  }
  if (b.bar_mark >= 0) {
    const double x = label + width * b.bar_mark / b.bar_max;
    s += "<line x1=\"" + F(x) + "\" y1=\"0\" x2=\"" + F(x) + "\" y2=\"" + F(y) +
         "\" stroke=\"#333\" stroke-dasharray=\"3,2\"/>";
  }
  return s + "</svg>";
}

constexpr const char* kCss = R"css(
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 13pt;
       line-height: 1.35; max-width: 165mm; margin: 0 auto; color: #000; }
.hdr { width: 100%; border-collapse: collapse; margin-bottom: 6mm; }
.hdr td { border: none; text-align: center; vertical-align: top; padding: 0; font-size: 12.5pt; }
.u { display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1px; font-weight: bold; }
.date { font-style: italic; }
h1.title { text-align: center; font-size: 14pt; margin: 4mm 0 0 0; }
p.sub { text-align: center; font-weight: bold; margin: 0; }
p.period { text-align: center; font-style: italic; margin: 0 0 5mm 0; }
h2 { font-size: 13pt; margin: 5mm 0 2mm 0; page-break-after: avoid; }
p { text-align: justify; margin: 1.5mm 0; }
li { margin: 1mm 0; }
table.t { width: 100%; border-collapse: collapse; font-size: 10.5pt; margin: 2mm 0; }
table.t th, table.t td { border: 0.6pt solid #444; padding: 1mm 1.5mm; vertical-align: top; }
table.t th { background: #e8e8e8; }
table.t thead { display: table-header-group; }
table.t tr { page-break-inside: avoid; }
td.r { text-align: right; white-space: nowrap; }
figure { margin: 2mm 0; page-break-inside: avoid; }
figcaption { font-style: italic; font-size: 11pt; }
.sig { width: 100%; margin-top: 8mm; page-break-inside: avoid; }
.sig td { vertical-align: top; width: 50%; border: none; }
)css";

}  // namespace

std::string RenderHtml(const Doc& d) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"" + std::string(d.vi ? "vi" : "en") +
                  "\"><head><meta charset=\"utf-8\"><title>" + Esc(d.title + " - " + d.subtitle) +
                  "</title><style>" + kCss + "</style></head><body>\n";
  if (d.vi) {
    s += "<table class=\"hdr\"><tr><td style=\"width:40%\"><span class=\"u\">" + Esc(d.office) +
         "</span><br>" + Esc(T(true, "number")) + "</td><td><b>" + Esc(T(true, "nation")) +
         "</b><br><span class=\"u\">" + Esc(T(true, "motto")) +
         "</span><br><br><span class=\"date\">" + Esc(d.date_line) + "</span></td></tr></table>\n";
  } else {
    s += "<p><b>" + Esc(d.office) + "</b><br>" + Esc(d.date_line) + "</p>\n";
  }
  s += "<h1 class=\"title\">" + Esc(d.title) + "</h1><p class=\"sub\">" + Esc(d.subtitle) +
       "</p><p class=\"period\">" + Esc(d.period) + "</p>\n";
  bool in_list = false;
  for (const Block& b : d.blocks) {
    if (in_list && b.kind != Block::kBullet) {
      s += "</ul>\n";
      in_list = false;
    }
    switch (b.kind) {
      case Block::kH1:
      case Block::kH2:
        s += "<h2>" + Esc(b.text) + "</h2>\n";
        break;
      case Block::kPara:
        s += "<p>" + Esc(b.text) + "</p>\n";
        break;
      case Block::kBullet:
        if (!in_list) s += "<ul>";
        in_list = true;
        s += "<li>" + Esc(b.text) + "</li>";
        break;
      case Block::kTable: {
        const Table& t = b.table;
        s += "<table class=\"t\"><colgroup>";
        for (double w : t.widths) s += "<col style=\"width:" + F(w * 100) + "%\">";
        s += "</colgroup><thead><tr>";
        for (const auto& h : t.head) s += "<th>" + Esc(h) + "</th>";
        s += "</tr></thead><tbody>\n";
        for (const auto& row : t.rows) {
          s += "<tr>";
          for (std::size_t i = 0; i < row.size(); ++i) {
            s += (i < t.right.size() && t.right[i]) ? "<td class=\"r\">" : "<td>";
            s += Esc(row[i]) + "</td>";
          }
          s += "</tr>\n";
        }
        s += "</tbody></table>\n";
        break;
      }
      case Block::kHeatmap:
        s += "<figure>" + HeatSvg(b, d.vi) + "<figcaption>" + Esc(b.text) + ". " +
             Esc(std::string(T(d.vi, "heat_legend"))
                     .replace(std::string(T(d.vi, "heat_legend")).find("%1"), 2,
                              F(b.heat_mark * 100) + " %")) +
             "</figcaption></figure>\n";
        break;
      case Block::kBars:
        s += "<figure>" + BarsSvg(b) + "<figcaption>" + Esc(b.text) + "</figcaption></figure>\n";
        break;
      case Block::kSignature:
        if (d.vi) {
          // Leadership approves (left), the preparer signs (right); recipients below.
          s += "<table class=\"sig\"><tr><td style=\"text-align:center\"><b>" +
               Esc(T(true, "approver")) + "</b><br><i>" + Esc(T(true, "sign_hint")) +
               "</i><br><br><br><br></td><td style=\"text-align:center\"><b>" +
               Esc(T(true, "signer")) + "</b><br><i>" + Esc(T(true, "sign_hint")) +
               "</i></td></tr><tr><td><b><i>" + Esc(T(true, "recipients")) + "</i></b><br><small>" +
               Esc(T(true, "recipients_list")) + "</small></td><td></td></tr></table>\n";
        } else {
          s += "<table class=\"sig\"><tr><td><b>" + Esc(T(false, "signer")) + "</b><br><br><br>" +
               Esc(T(false, "sign_hint")) + "</td><td><b>" + Esc(T(false, "approver")) +
               "</b><br><br><br>" + Esc(T(false, "sign_hint")) + "</td></tr></table>\n";
        }
        break;
    }
  }
  if (in_list) s += "</ul>\n";
  return s + "</body></html>\n";
}

}  // namespace wardwatch::collector::report
