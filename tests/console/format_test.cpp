// Number formatting shown in the views.
#include "model/format.h"

#include <doctest/doctest.h>

using namespace wardwatch::console;

TEST_CASE("formatting table") {
  CHECK(FormatBytes(4294967296.0) == "4.0 GiB");
  CHECK(FormatBytes(500107862016.0) == "466 GiB");
  CHECK(FormatBytes(512) == "512 B");
  CHECK(FormatBytes(kNaN) == "\xE2\x80\x94");
  CHECK(FormatPercent(0.834) == "83%");
  CHECK(FormatSeconds(0.25) == "250 ms");
  CHECK(FormatSeconds(7500) == "2 h 05 min");
  CHECK(FormatVnd(15000000) == "15.000.000 \xE2\x82\xAB");
  CHECK(FormatMbps(100) == "100 Mb/s");
  CHECK(FormatYears(Lang::kEn, 8.44) == "8.4 y");
  CHECK(FormatYears(Lang::kVi, 8.44) == "8,4 năm");
  CHECK(FormatAgo(Lang::kEn, 1000, 1000 + 180000) == "3 min ago");
  CHECK(FormatAgo(Lang::kVi, 1000, 1000 + 180000) == "3 phút trước");
  CHECK(FormatAgo(Lang::kEn, 0, 5) == "never");
}
