// The report as an A4 PDF drawn with cairo: DejaVu Serif through fontconfig/FreeType (covers
// Vietnamese; cairo embeds the subsets), Vietnamese administrative header, wrapped text,
// tables that break between rows with the header repeated, vector charts, "page n of N".
#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "report/report.h"

namespace wardwatch::collector::report {

namespace {

constexpr const char* kSerif = "DejaVu Serif";
constexpr const char* kCondensed = "DejaVu Serif Condensed";
constexpr double kMm = 72.0 / 25.4;

struct SurfaceDel {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CrDel {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  if (closure != nullptr)
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class Writer {
 public:
  Writer(const Doc& d, std::string* out, int total_pages) : d_(d), total_(total_pages) {
    surface_.reset(cairo_pdf_surface_create_for_stream(Append, out, W, H));
    cr_.reset(cairo_create(surface_.get()));
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE,
                                   (d.title + " - " + d.subtitle).c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "WardWatch");
    y_ = T;
  }

  Result<int> Run() {
    Header();
    for (std::size_t i = 0; i < d_.blocks.size(); ++i) {
      const Block& b = d_.blocks[i];
      // A heading, or a paragraph that introduces what follows (ends with ':'), stays on the
      // page of the next block's first unit (first table row, first lines, the chart).
      const bool intro = b.kind == Block::kH1 || b.kind == Block::kH2 ||
                         (b.kind == Block::kPara && !b.text.empty() && b.text.back() == ':');
      if (intro && i + 1 < d_.blocks.size()) Ensure(Height(b) + FirstUnitHeight(d_.blocks[i + 1]));
      // The signature never stands alone on the last page: the table before it carries its
      // last row over with it.
      keep_tail_ = i + 1 < d_.blocks.size() && d_.blocks[i + 1].kind == Block::kSignature
                       ? SignatureHeight() + 8
                       : 0;
      Draw(b);
    }
    Footer();
    cairo_show_page(cr_.get());
    cairo_surface_finish(surface_.get());
    if (auto st = cairo_surface_status(surface_.get()); st != CAIRO_STATUS_SUCCESS) {
      return MakeError(std::string("cairo: ") + cairo_status_to_string(st));
    }
    return page_;
  }

 private:
  static constexpr double W = 210 * kMm, H = 297 * kMm;
  static constexpr double L = 30 * kMm, R = W - 15 * kMm, T = 20 * kMm, B = H - 22 * kMm;
  static constexpr double TW = R - L;

  cairo_t* cr() { return cr_.get(); }

  void Font(double size, bool bold = false, bool italic = false, const char* family = kSerif) {
    cairo_select_font_face(cr(), family, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr(), size);
    size_ = size;
  }
  double Width(const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr(), s.c_str(), &e);
    return e.x_advance;
  }
  double Lh() const { return size_ * 1.3; }
  void Text(double x, double y, const std::string& s) {
    cairo_move_to(cr(), x, y);
    cairo_show_text(cr(), s.c_str());
  }
  void Centre(double cx, double y, const std::string& s) { Text(cx - Width(s) / 2, y, s); }
  void Line(double x1, double y1, double x2, double y2, double w = 0.6) {
    cairo_set_line_width(cr(), w);
    cairo_move_to(cr(), x1, y1);
    cairo_line_to(cr(), x2, y2);
    cairo_stroke(cr());
  }
  void Rgb(double r, double g, double b) { cairo_set_source_rgb(cr(), r, g, b); }

  // Greedy word wrap (explicit '\n' kept); a word wider than the line is cut between
  // UTF-8 characters.
  std::vector<std::string> Wrap(const std::string& text, double width) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t nl = text.find('\n', start);
      const std::string para =
          text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      std::string line;
      std::size_t i = 0;
      while (i < para.size()) {
        std::size_t j = para.find(' ', i);
        if (j == std::string::npos) j = para.size();
        std::string word = para.substr(i, j - i);
        i = j + 1;
        const std::string cand = line.empty() ? word : line + " " + word;
        if (Width(cand) <= width) {
          line = cand;
          continue;
        }
        if (!line.empty()) lines.push_back(line);
        line.clear();
        while (Width(word) > width) {  // cut a long word
          std::size_t k = 0, fit = 0;
          while (k < word.size()) {
            std::size_t n = k + 1;
            while (n < word.size() && (static_cast<unsigned char>(word[n]) & 0xC0) == 0x80) ++n;
            if (Width(word.substr(0, n)) > width) break;
            fit = k = n;
          }
          if (fit == 0) break;
          lines.push_back(word.substr(0, fit));
          word = word.substr(fit);
        }
        line = word;
      }
      lines.push_back(line);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return lines;
  }

  void Footer() {
    // The footer must not change the font of the text that continues on the next page.
    cairo_save(cr());
    const double size = size_;
    Font(9.5, false, false);
    Rgb(0.3, 0.3, 0.3);
    std::string t(report::T(d_.vi, "page"));
    const auto p = t.find("%1");
    t.replace(p, 2, std::to_string(page_));
    const auto q = t.find("%2");
    t.replace(q, 2, total_ > 0 ? std::to_string(total_) : "?");
    Centre(W / 2, H - 12 * kMm, t);
    cairo_restore(cr());
    size_ = size;
  }
  void NewPage() {
    Footer();
    cairo_show_page(cr());
    ++page_;
    y_ = T;
  }
  void Ensure(double h) {
    if (y_ + h > B && y_ > T + 1) NewPage();  // never a blank page for a too-tall unit
  }

  void Header() {
    Rgb(0, 0, 0);
    if (d_.vi) {
      // Left: the office, underlined; right: national title and motto with the underline.
      const double lc = L + TW * 0.19, rc = L + TW * 0.66;
      Font(12, true);
      double yl = y_ + 12;
      for (const auto& l : Wrap(d_.office, TW * 0.38)) {
        Centre(lc, yl, l);
        yl += Lh();
      }
      Line(lc - 18 * kMm / 2, yl - Lh() + 4, lc + 18 * kMm / 2, yl - Lh() + 4);
      Font(12);
      Centre(lc, yl + 8, std::string(report::T(true, "number")));
      Font(11.5, true);
      Centre(rc, y_ + 12, std::string(report::T(true, "nation")));
      Font(12.5, true);
      const std::string motto(report::T(true, "motto"));
      Centre(rc, y_ + 28, motto);
      const double mw = Width(motto);
      Line(rc - mw / 2, y_ + 32, rc + mw / 2, y_ + 32);
      Font(12, false, true);
      Centre(rc, y_ + 52, d_.date_line);
      y_ = std::max(yl + 8, y_ + 52) + 26;
      Font(14, true);
      Centre(L + TW / 2, y_, d_.title);
      y_ += 18;
      Font(12.5, true);
      for (const auto& l : Wrap(d_.subtitle, TW)) {
        Centre(L + TW / 2, y_, l);
        y_ += Lh();
      }
    } else {
      Font(12, true);
      Text(L, y_ + 12, d_.office);
      Font(11);
      const double dw = Width(d_.date_line);
      Text(R - dw, y_ + 12, d_.date_line);
      Line(L, y_ + 18, R, y_ + 18, 0.8);
      y_ += 48;
      Font(16, true);
      Centre(L + TW / 2, y_, d_.title);
      y_ += 20;
      Font(13);
      Centre(L + TW / 2, y_, d_.subtitle);
      y_ += 17;
    }
    Font(11.5, false, true);
    Centre(L + TW / 2, y_, d_.period);
    y_ += 24;
  }

  void Paragraph(const std::string& text, bool bullet) {
    Font(12);
    const double indent = bullet ? 14 : 0;
    auto lines = Wrap(text, TW - indent);
    bool first = true;
    const std::size_t n = lines.size();
    for (std::size_t idx = 0; idx < n; ++idx) {
      const std::string& l = lines[idx];
      // No line left alone: a paragraph of up to 3 lines stays whole, a longer one starts
      // with at least 2 lines on a page and carries at least 2 to the next.
      if (idx == 0) {
        Ensure(Lh() * static_cast<double>(n <= 3 ? n : 2));
      } else if (n > 3 && n - idx == 2) {
        Ensure(Lh() * 2);
      } else {
        Ensure(Lh());
      }
      y_ += Lh();
      if (bullet && first) Text(L + 3, y_ - 3, "-");
      Text(L + indent, y_ - 3, l);
      first = false;
    }
    y_ += 3;
  }

  void DrawTable(const Table& t) {
    const double pad = 3, fs = 9.5;
    std::vector<double> xs = {L};
    for (double w : FitWidths(t, fs, pad)) xs.push_back(xs.back() + w);
    auto row_lines = [&](const std::vector<std::string>& cells, bool bold) {
      Font(fs, bold, false, kCondensed);
      std::vector<std::vector<std::string>> out;
      std::size_t n = 1;
      for (std::size_t i = 0; i < cells.size() && i + 1 < xs.size(); ++i) {
        out.push_back(Wrap(cells[i], xs[i + 1] - xs[i] - 2 * pad));
        n = std::max(n, out.back().size());
      }
      return std::make_pair(out, n);
    };
    auto draw_row = [&](const std::vector<std::string>& cells, bool head) {
      auto [lines, n] = row_lines(cells, head);
      const double lh = fs * 1.25, h = static_cast<double>(n) * lh + 2 * pad;
      if (head) {
        Rgb(0.9, 0.9, 0.9);
        cairo_rectangle(cr(), L, y_, TW, h);
        cairo_fill(cr());
        Rgb(0, 0, 0);
      }
      Font(fs, head, false, kCondensed);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        double yy = y_ + pad + fs;
        for (const auto& l : lines[i]) {
          const bool right = !head && i < t.right.size() && t.right[i];
          Text(right ? xs[i + 1] - pad - Width(l) : xs[i] + pad, yy, l);
          yy += lh;
        }
      }
      cairo_set_line_width(cr(), 0.5);
      for (std::size_t i = 0; i + 1 < xs.size(); ++i)
        cairo_rectangle(cr(), xs[i], y_, xs[i + 1] - xs[i], h);
      cairo_stroke(cr());
      y_ += h;
    };
    auto height = [&](const std::vector<std::string>& cells, bool head) {
      return static_cast<double>(row_lines(cells, head).second) * fs * 1.25 + 2 * pad;
    };
    const double hh = height(t.head, true);
    y_ += 4;
    Ensure(hh + (t.rows.empty() ? 0 : height(t.rows.front(), false)) +
           (t.rows.size() == 1 ? keep_tail_ : 0));
    draw_row(t.head, true);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto& row = t.rows[r];
      const double keep = r + 1 == t.rows.size() ? keep_tail_ : 0;
      if (y_ + height(row, false) + keep > B && (r > 0 || keep == 0)) {
        NewPage();
        draw_row(t.head, true);
      }
      draw_row(row, false);
    }
    y_ += 8;
  }

  // Column widths in points: the table's fractions of the text width, each column widened to
  // hold its longest word (bold in the header) so that no word is cut, the extra taken from
  // the columns with room to spare, widest first.
  std::vector<double> FitWidths(const Table& t, double fs, double pad) {
    const std::size_t n = t.widths.size();
    std::vector<double> w(n), need(n, 0);
    for (std::size_t i = 0; i < n; ++i) w[i] = t.widths[i] * TW;
    auto longest_word = [&](const std::string& cell) {
      double m = 0;
      std::size_t i = 0;
      while (i <= cell.size()) {
        std::size_t j = cell.find_first_of(" \n", i);
        if (j == std::string::npos) j = cell.size();
        if (j > i) m = std::max(m, Width(cell.substr(i, j - i)));
        i = j + 1;
      }
      return m;
    };
    Font(fs, true, false, kCondensed);
    for (std::size_t i = 0; i < n && i < t.head.size(); ++i)
      need[i] = longest_word(t.head[i]) + 2 * pad + 1;
    Font(fs, false, false, kCondensed);
    for (const auto& row : t.rows) {
      for (std::size_t i = 0; i < n && i < row.size(); ++i)
        need[i] = std::max(need[i], longest_word(row[i]) + 2 * pad + 1);
    }
    for (std::size_t i = 0; i < n; ++i) {
      double extra = need[i] - w[i];
      if (extra <= 0) continue;
      // Take from the columns with the most spare room.
      while (extra > 0.01) {
        std::size_t best = n;
        double spare = 0;
        for (std::size_t k = 0; k < n; ++k) {
          if (k != i && w[k] - need[k] > spare) {
            spare = w[k] - need[k];
            best = k;
          }
        }
        if (best == n) break;
        const double take = std::min(extra, spare);
        w[best] -= take;
        w[i] += take;
        extra -= take;
      }
    }
    return w;
  }

  // Heights for keeping a heading with what follows it.
  double Height(const Block& b) {
    Font(12.5, true);
    return Lh() * static_cast<double>(Wrap(b.text, TW).size()) + 11;
  }
  double FirstUnitHeight(const Block& b) {
    switch (b.kind) {
      case Block::kTable: {
        const double pad = 3, fs = 9.5;
        const auto w = FitWidths(b.table, fs, pad);
        auto h = [&](const std::vector<std::string>& cells, bool bold) {
          Font(fs, bold, false, kCondensed);
          std::size_t lines = 1;
          for (std::size_t i = 0; i < cells.size() && i < w.size(); ++i)
            lines = std::max(lines, Wrap(cells[i], w[i] - 2 * pad).size());
          return static_cast<double>(lines) * fs * 1.25 + 2 * pad;
        };
        return 4 + h(b.table.head, true) + (b.table.rows.empty() ? 0 : h(b.table.rows[0], false));
      }
      case Block::kPara:
      case Block::kBullet: {
        Font(12);
        return Lh() * static_cast<double>(std::min<std::size_t>(Wrap(b.text, TW).size(), 2));
      }
      case Block::kHeatmap:
        return 12 + 7 * 14 + 40;
      case Block::kBars:
        return static_cast<double>(b.bars.size()) * 12 + 30;
      case Block::kSignature:
        return SignatureHeight();
      case Block::kH1:
      case Block::kH2:
        return Height(b);
    }
    return 0;
  }

  void Caption(const std::string& s) {
    Font(10.5, false, true);
    for (const auto& l : Wrap(s, TW)) {
      y_ += Lh();
      Text(L, y_ - 2, l);
    }
    y_ += 6;
  }

  void Heatmap(const Block& b) {
    static const char* kVi[] = {"T2", "T3", "T4", "T5", "T6", "T7", "CN"};
    static const char* kEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    const double x0 = L + 28, cw = (TW - 30) / 24, ch = 14;
    Ensure(12 + 7 * ch + 40);
    Font(8, false, false, kCondensed);
    for (int hr = 0; hr < 24; ++hr) Centre(x0 + hr * cw + cw / 2, y_ + 9, std::to_string(hr));
    const double y0 = y_ + 12;
    for (int d = 0; d < 7; ++d) {
      Rgb(0, 0, 0);
      Font(8, false, false, kCondensed);
      Text(L, y0 + d * ch + 10, d_.vi ? kVi[d] : kEn[d]);
      for (int hr = 0; hr < 24; ++hr) {
        double c[3];
        HeatColour(b.heat[static_cast<std::size_t>(d * 24 + hr)], b.heat_mark, c);
        Rgb(c[0], c[1], c[2]);
        cairo_rectangle(cr(), x0 + hr * cw, y0 + d * ch, cw - 1, ch - 1);
        cairo_fill(cr());
      }
    }
    Rgb(0, 0, 0);
    y_ = y0 + 7 * ch;
    std::string legend(report::T(d_.vi, "heat_legend"));
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f %%", b.heat_mark * 100);
    legend.replace(legend.find("%1"), 2, pct);
    Caption(b.text + ". " + legend);
  }

  void Bars(const Block& b) {
    const double bh = 12, label = 120, width = TW - label - 50;
    Ensure(static_cast<double>(b.bars.size()) * bh + 30);
    const double top = y_ + 4;
    y_ = top;
    for (const Bar& bar : b.bars) {
      Ensure(bh + 24);
      Font(9, false, false, kCondensed);
      Rgb(0, 0, 0);
      Text(L + label - 4 - Width(bar.label), y_ + 9, bar.label);
      const double len = b.bar_max > 0 ? width * bar.value / b.bar_max : 0;
      if (b.bar_mark >= 0 && bar.value >= b.bar_mark) {
        Rgb(0.70, 0.15, 0.12);
      } else {
        Rgb(0.29, 0.44, 0.65);
      }
      cairo_rectangle(cr(), L + label, y_ + 1.5, len, bh - 3);
      cairo_fill(cr());
      Rgb(0, 0, 0);
      char v[32];
      std::snprintf(v, sizeof v, b.percent ? "%.0f %%" : "%.0f",
                    b.percent ? bar.value * 100 : bar.value);
      Text(L + label + len + 3, y_ + 9, v);
      y_ += bh;
    }
    if (b.bar_mark >= 0 && b.bar_max > 0) {
      const double x = L + label + width * b.bar_mark / b.bar_max;
      const double dash[] = {3, 2};
      cairo_set_dash(cr(), dash, 2, 0);
      Line(x, std::max(top, T), x, y_, 0.7);
      cairo_set_dash(cr(), nullptr, 0, 0);
    }
    Caption(b.text);
  }

  double SignatureHeight() const { return d_.vi ? 150 : 110; }
  void Signature() {
    Ensure(SignatureHeight());
    y_ += 16;
    const double rc = L + TW * 0.7;
    if (d_.vi) {
      // Leadership approves (left), the preparer signs (right), room to sign, then the
      // recipients.
      const double lc = L + TW * 0.22;
      Font(12, true);
      Centre(lc, y_, std::string(report::T(true, "approver")));
      Centre(rc, y_, std::string(report::T(true, "signer")));
      Font(11, false, true);
      Centre(lc, y_ + 16, std::string(report::T(true, "sign_hint")));
      Centre(rc, y_ + 16, std::string(report::T(true, "sign_hint")));
      y_ += 90;
      Font(11, true, true);
      Text(L, y_, std::string(report::T(true, "recipients")));
      Font(10);
      for (const auto& l : Wrap(std::string(report::T(true, "recipients_list")), TW * 0.4)) {
        y_ += Lh();
        Text(L, y_, l);
      }
      y_ += 10;
      return;
    }
    {
      const double lc = L + TW * 0.2;
      Font(11, true);
      Centre(lc, y_, std::string(report::T(false, "signer")));
      Centre(rc, y_, std::string(report::T(false, "approver")));
      Line(lc - 60, y_ + 60, lc + 60, y_ + 60, 0.5);
      Line(rc - 60, y_ + 60, rc + 60, y_ + 60, 0.5);
      Font(10, false, true);
      Centre(lc, y_ + 74, std::string(report::T(false, "sign_hint")));
      Centre(rc, y_ + 74, std::string(report::T(false, "sign_hint")));
    }
    y_ += 90;
  }

  void Draw(const Block& b) {
    switch (b.kind) {
      case Block::kH1:
      case Block::kH2: {
        Font(12.5, true);
        auto lines = Wrap(b.text, TW);
        Ensure(Lh() * static_cast<double>(lines.size() + 3));
        y_ += 8;
        for (const auto& l : lines) {
          y_ += Lh();
          Text(L, y_ - 3, l);
        }
        y_ += 3;
        break;
      }
      case Block::kPara:
        Paragraph(b.text, false);
        break;
      case Block::kBullet:
        Paragraph(b.text, true);
        break;
      case Block::kTable:
        DrawTable(b.table);
        break;
      case Block::kHeatmap:
        Heatmap(b);
        break;
      case Block::kBars:
        Bars(b);
        break;
      case Block::kSignature:
        Signature();
        break;
    }
  }

  const Doc& d_;
  int total_ = 0, page_ = 1;
  double keep_tail_ = 0;  // room the next block needs beside the current table's last row
  double y_ = 0, size_ = 12;
  std::unique_ptr<cairo_surface_t, SurfaceDel> surface_;
  std::unique_ptr<cairo_t, CrDel> cr_;
};

}  // namespace

Result<std::string> RenderPdf(const Doc& d) {
  // First pass counts the pages for "page n of N"; the second writes.
  int pages = 0;
  {
    Writer w(d, nullptr, 0);
    auto n = w.Run();
    if (!n) return MakeError(n.error());
    pages = *n;
  }
  std::string out;
  Writer w(d, &out, pages);
  auto n = w.Run();
  if (!n) return MakeError(n.error());
  return out;
}

Result<std::string> Render(const Model& m, Format f) {
  switch (f) {
    case Format::kCsv:
      return RenderCsv(m);
    case Format::kHtml:
      return RenderHtml(BuildDoc(m));
    case Format::kPdf:
      return RenderPdf(BuildDoc(m));
  }
  return MakeError("unknown format");
}

}  // namespace wardwatch::collector::report
