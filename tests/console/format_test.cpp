// Number formatting shown in the views.
#include "model/format.h"

#include <doctest/doctest.h>

using namespace wardwatch::console;

TEST_CASE("formatting table") {
  CHECK(FormatBytes(Lang::kEn, 4294967296.0) == "4.0 GiB");
  CHECK(FormatBytes(Lang::kEn, 500107862016.0) == "466 GiB");
  CHECK(FormatBytes(Lang::kEn, 512) == "512 B");
  CHECK(FormatBytes(Lang::kEn, kNaN) == "\xE2\x80\x94");
  CHECK(FormatPercent(0.834) == "83%");
  CHECK(FormatSeconds(Lang::kEn, 0.25) == "250 ms");
  CHECK(FormatSeconds(Lang::kEn, 7500) == "2 h 05 min");
  CHECK(FormatVnd(Lang::kVi, 15000000) == "15.000.000 \xE2\x82\xAB");
  CHECK(FormatVnd(Lang::kEn, 15000000) == "15,000,000 \xE2\x82\xAB");
  CHECK(FormatMbps(Lang::kEn, 100) == "100 Mb/s");
  CHECK(FormatYears(Lang::kEn, 8.44) == "8.4 y");
  CHECK(FormatYears(Lang::kVi, 8.44) == "8,4 năm");
  CHECK(FormatAgo(Lang::kEn, 1000, 1000 + 180000) == "3 min ago");
  CHECK(FormatAgo(Lang::kVi, 1000, 1000 + 180000) == "3 phút trước");
  CHECK(FormatAgo(Lang::kEn, 0, 5) == "never");
}

TEST_CASE("one decimal separator per language: comma in Vietnamese, dot in English") {
  // Sizes and years used to disagree in Vietnamese ("3.8 GiB" beside "8,8 năm").
  CHECK(FormatBytes(Lang::kVi, 4.123e9) == "3,8 GiB");
  CHECK(FormatBytes(Lang::kEn, 4.123e9) == "3.8 GiB");
  CHECK(FormatYears(Lang::kVi, 8.805) == "8,8 năm");
  CHECK(FormatSeconds(Lang::kVi, 1.5) == "1,5 s");
  CHECK(FormatSeconds(Lang::kEn, 1.5) == "1.5 s");
  CHECK(FormatMbps(Lang::kVi, 2.5) == "2,5 Mb/s");
  CHECK(FormatMbps(Lang::kEn, 2.5) == "2.5 Mb/s");
  CHECK(FormatNumber(Lang::kVi, "%.3g", 0.25) == "0,25");
  CHECK(FormatNumber(Lang::kEn, "%.3g", 0.25) == "0.25");
  CHECK(FormatNumber(Lang::kVi, "%.1f", kNaN) == "\xE2\x80\x94");
  CHECK(FormatMeasure(Lang::kVi, 4.123e9, "bytes") == "3,8 GiB");
  CHECK(FormatMeasure(Lang::kVi, 0.25, "events") == "0,25 lần");
  CHECK(LocalizeNumber(Lang::kVi, "1,234.5") == "1.234,5");
  CHECK(LocalizeNumber(Lang::kEn, "1,234.5") == "1,234.5");
  // Every formatter that prints a decimal uses the same separator within one language.
  for (const Lang lang : {Lang::kEn, Lang::kVi}) {
    const char want = lang == Lang::kVi ? ',' : '.';
    const char other = lang == Lang::kVi ? '.' : ',';
    for (const std::string& s :
         {FormatBytes(lang, 4.123e9), FormatYears(lang, 8.805), FormatSeconds(lang, 1.5),
          FormatMbps(lang, 2.5), FormatMeasure(lang, 4.123e9, "bytes"),
          FormatMeasure(lang, 0.25, "errors"), FormatNumber(lang, "%.1f", 1.25)}) {
      CAPTURE(s);
      CHECK(s.find(want) != std::string::npos);
      CHECK(s.find(other) == std::string::npos);
    }
  }
}

TEST_CASE("usage times: none is a dash, not 0 ms") {
  CHECK(FormatUsageSeconds(Lang::kEn, 0) == "\xE2\x80\x94");
  CHECK(FormatUsageSeconds(Lang::kEn, kNaN) == "\xE2\x80\x94");
  CHECK(FormatUsageSeconds(Lang::kEn, 7500) == "2 h 05 min");
  CHECK(FormatUsageSeconds(Lang::kVi, 0.5) == "500 ms");
}

TEST_CASE("CPU names without trademarks and clock") {
  CHECK(ShortCpuName("Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz") == "Intel Core i5-8500");
  CHECK(ShortCpuName("Intel(R) Pentium(R) CPU G2030 @ 3.00GHz") == "Intel Pentium G2030");
  CHECK(ShortCpuName("AMD Ryzen 5 5600G with Radeon Graphics") ==
        "AMD Ryzen 5 5600G with Radeon Graphics");
  CHECK(ShortCpuName("12th Gen Intel(R) Core(TM) i5-12500") == "12th Gen Intel Core i5-12500");
  CHECK(ShortCpuName("") == "");
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

TEST_CASE("hard page faults an hour: grouped, with a unit the officer reads, not per_hour") {
  // The evidence table showed "95799 per_hour", cut off by its column.
  CHECK(FormatMeasure(Lang::kEn, 95799.4, "per_hour") == "95,799/h");
  CHECK(FormatMeasure(Lang::kVi, 95799.4, "per_hour") == "95.799/giờ");
  CHECK(FormatMeasure(Lang::kEn, 18000, "per_hour") == "18,000/h");
  CHECK(FormatMeasure(Lang::kEn, 250, "per_hour") == "250/h");
  CHECK(FormatMeasure(Lang::kEn, 18000, "events") == "18,000 events");
  CHECK(FormatMeasure(Lang::kVi, 18000, "events") == "18.000 lần");
  CHECK(FormatMeasure(Lang::kEn, 9999, "events") == "9999 events");
  CHECK(GroupedInteger(Lang::kVi, -1234567) == "-1.234.567");
}

TEST_CASE("the BIOS date is shown as YYYY-MM-DD, not SMBIOS's month-first form") {
  // "02/08/2018" is 8 February 2018; a Vietnamese reader takes it for 2 August.
  std::string label, shown;
  REQUIRE(InventoryEntry(Lang::kVi, "bios_date", "02/08/2018", &label, &shown));
  CHECK(label == "Ngày BIOS");
  CHECK(shown == "2018-02-08");
  REQUIRE(InventoryEntry(Lang::kEn, "bios_date", "12/31/2009", &label, &shown));
  CHECK(shown == "2009-12-31");
  CHECK(IsoDateFromSmbios("2018-02-08") == "2018-02-08");
  CHECK(IsoDateFromSmbios("13/01/2018") == "13/01/2018");  // not month-first: as it is
  CHECK(IsoDateFromSmbios("") == "");
}

TEST_CASE("durations in the language's words") {
  // The Vietnamese top applications read "40 h 00 min".
  CHECK(FormatSeconds(Lang::kVi, 7500) == "2 giờ 05 phút");
  CHECK(FormatSeconds(Lang::kVi, 600) == "10 phút");
  CHECK(FormatSeconds(Lang::kEn, 600) == "10 min");
  CHECK(FormatUsageSeconds(Lang::kVi, 144000) == "40 giờ 00 phút");
}
