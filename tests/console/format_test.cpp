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

TEST_CASE("evidence values in their units") {
  CHECK(FormatMeasure(Lang::kEn, 0.1927, "ratio") == "19%");
  CHECK(FormatMeasure(Lang::kEn, 4.123e9, "bytes") == "3.8 GiB");
  CHECK(FormatMeasure(Lang::kEn, 1.25e7, "bytes_per_second") == "100 Mb/s");
  CHECK(FormatMeasure(Lang::kEn, 1, "bool") == "yes");
  CHECK(FormatMeasure(Lang::kVi, 0, "bool") == "không");
  CHECK(FormatMeasure(Lang::kVi, 8.805, "years") == "8,8 năm");
  CHECK(FormatMeasure(Lang::kEn, 410, "days") == "410 days");
  CHECK(FormatMeasure(Lang::kVi, 410, "days") == "410 ngày");
  CHECK(FormatMeasure(Lang::kEn, 12, "sectors") == "12 sector");
  CHECK(FormatMeasure(Lang::kEn, -76, "dbm") == "-76 dBm");
  CHECK(FormatMeasure(Lang::kEn, kNaN, "ratio") == "\xE2\x80\x94");
}

TEST_CASE("inventory entries: labels, units, hidden identity and boot disk") {
  std::string label, shown;
  CHECK_FALSE(InventoryEntry(Lang::kEn, "machine_id", "9f2c", &label, &shown));
  CHECK_FALSE(InventoryEntry(Lang::kEn, "boot_disk.size_bytes", "500107862016", &label, &shown));
  CHECK_FALSE(InventoryEntry(Lang::kEn, "last_seen", "1795775400", &label, &shown));
  REQUIRE(InventoryEntry(Lang::kEn, "ram_bytes", "4123000000", &label, &shown));
  CHECK(label == "RAM");
  CHECK(shown == "3.8 GiB");
  REQUIRE(InventoryEntry(Lang::kEn, "nic_speed_bytes", "12500000", &label, &shown));
  CHECK(label == "Link speed");
  CHECK(shown == "100 Mb/s");
  REQUIRE(InventoryEntry(Lang::kVi, "chassis_type", "3", &label, &shown));
  CHECK(label == "Kiểu vỏ máy");
  CHECK(shown == "máy để bàn");
  REQUIRE(InventoryEntry(Lang::kVi, "nic_wireless", "false", &label, &shown));
  CHECK(shown == "không");
  REQUIRE(InventoryEntry(Lang::kEn, "something_new", "42", &label, &shown));
  CHECK(label == "something_new");
  CHECK(shown == "42");
}
