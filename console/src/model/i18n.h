// Console strings in Vietnamese and English; one table (i18n.cpp) holds both.
#pragma once

#include <string>
#include <string_view>

#include "model/types.h"

namespace wardwatch::console {

enum class Lang { kVi, kEn };

// X(id, English, Vietnamese). Kept out of clang-format: version 14 measures the UTF-8 lines
// wrongly and moves every backslash of the table past the column limit.
// clang-format off
#define WARDWATCH_CONSOLE_STRINGS(X)                                                               \
  X(kAppTitle, "WardWatch console", "WardWatch - bảng điều khiển")                                 \
  X(kViewFleet, "Fleet", "Máy tính")                                                               \
  X(kViewMachine, "Machine", "Chi tiết máy")                                                       \
  X(kViewNetwork, "Network", "Mạng")                                                               \
  X(kViewSoftware, "Software", "Phần mềm")                                                         \
  X(kViewReports, "Reports", "Báo cáo")                                                            \
  X(kTotalMachines, "machines", "máy")                                                             \
  X(kTotalReplace, "to replace", "cần thay")                                                       \
  X(kTotalUpgrade, "to upgrade", "cần nâng cấp")                                                   \
  X(kTotalOffline, "offline", "mất kết nối")                                                       \
  X(kUplinkNow, "uplink now", "đường truyền hiện tại")                                             \
  X(kConnecting, "Connecting to the collector...", "Đang kết nối tới máy chủ thu thập...")         \
  X(kOnline, "Connected", "Đã kết nối")                                                            \
  X(kOffline, "Collector unreachable - showing data from",                                         \
    "Không kết nối được máy chủ - dữ liệu từ")                                                     \
  X(kAgo, "ago", "trước")                                                                          \
  X(kNoDataYet, "No data yet", "Chưa có dữ liệu")                                                  \
  X(kRetrying, "retrying by itself", "đang tự kết nối lại")                                        \
  X(kFilter, "Filter", "Lọc")                                                                      \
  X(kFilterHint, "name, department, room, user, OS...",                                            \
    "tên, phòng ban, phòng, người dùng, HĐH...")                                                   \
  X(kShowing, "showing", "đang hiện")                                                              \
  X(kColName, "Name", "Tên máy")                                                                   \
  X(kColDepartment, "Department / room", "Phòng ban / phòng")                                      \
  X(kColAge, "Age", "Tuổi")                                                                        \
  X(kColScore, "Aging score", "Điểm lão hóa")                                                      \
  X(kColRecommendation, "Recommendation", "Khuyến nghị")                                           \
  X(kColCpu, "CPU", "CPU")                                                                         \
  X(kColRam, "RAM", "RAM")                                                                         \
  X(kColBootDisk, "Boot disk", "Ổ khởi động")                                                      \
  X(kColLastSeen, "Last seen", "Lần cuối")                                                         \
  X(kColFlags, "Flags", "Cảnh báo")                                                                \
  X(kFlagFailingDisk, "failing disk", "ổ cứng sắp hỏng")                                           \
  X(kFlagHdd, "HDD boot disk", "ổ khởi động HDD")                                                  \
  X(kFlagLowRam, "low RAM", "thiếu RAM")                                                           \
  X(kFlagOsUnsupported, "OS out of support", "HĐH hết hỗ trợ")                                     \
  X(kFlagSlowNic, "slow network (card/Wi-Fi/LAN)", "mạng chậm (card/Wi-Fi/LAN)")                   \
  X(kFlagOffline, "offline", "mất kết nối")                                                        \
  X(kRecReplace, "Replace", "Thay mới")                                                            \
  X(kRecUpgrade, "Upgrade", "Nâng cấp")                                                            \
  X(kRecWatch, "Watch", "Theo dõi")                                                                \
  X(kRecFine, "Fine", "Tốt")                                                                       \
  X(kRecUnknown, "-", "-")                                                                         \
  X(kYears, "y", "năm")                                                                            \
  X(kNever, "never", "chưa bao giờ")                                                               \
  X(kSelectMachine, "Select a machine in the Fleet view.", "Chọn một máy ở mục Máy tính.")         \
  X(kLoading, "Loading...", "Đang tải...")                                                         \
  X(kInventory, "Inventory", "Cấu hình")                                                           \
  X(kEvidence, "Why this score (evidence)", "Vì sao có điểm này (bằng chứng)")                     \
  X(kMeasured, "measured", "đo được")                                                              \
  X(kThreshold, "threshold", "ngưỡng")                                                             \
  X(kWeight, "weight", "trọng số")                                                                 \
  X(kHistory, "History", "Lịch sử")                                                                \
  X(kRange, "Range", "Khoảng thời gian")                                                           \
  X(kRange24h, "24 hours", "24 giờ")                                                               \
  X(kRange7d, "7 days", "7 ngày")                                                                  \
  X(kRange28d, "28 days", "28 ngày")                                                               \
  X(kRange90d, "90 days", "90 ngày")                                                               \
  X(kRange365d, "365 days", "365 ngày")                                                            \
  X(kDisks, "Disks and SMART", "Ổ đĩa và SMART")                                                   \
  X(kTopApps, "Top applications", "Ứng dụng dùng nhiều")                                           \
  X(kProbes, "Probes", "Kiểm tra kết nối")                                                         \
  X(kMetadata, "Details kept by the IT officer", "Thông tin do cán bộ IT quản lý")                 \
  X(kPurchaseDate, "Purchase date (YYYY-MM-DD)", "Ngày mua (YYYY-MM-DD)")                          \
  X(kAssetTag, "Asset tag", "Mã tài sản")                                                          \
  X(kDepartment, "Department", "Phòng ban")                                                        \
  X(kRoom, "Room", "Phòng")                                                                        \
  X(kUser, "Primary user", "Người sử dụng")                                                        \
  X(kNotes, "Notes", "Ghi chú")                                                                    \
  X(kSave, "Save", "Lưu")                                                                          \
  X(kSaving, "Saving...", "Đang lưu...")                                                           \
  X(kSaved, "Saved to the collector", "Đã lưu lên máy chủ")                                        \
  X(kHeatmap, "Uplink utilisation (p95) by hour and weekday",                                      \
    "Mức dùng đường truyền (p95) theo giờ và thứ")                                                 \
  X(kWeeks, "weeks", "tuần")                                                                       \
  X(kToday, "Today: utilisation against capacity", "Hôm nay: mức dùng so với dung lượng")          \
  X(kCapacity, "capacity", "dung lượng")                                                           \
  X(kBottlenecks, "Bottleneck hours", "Giờ nghẽn mạng")                                            \
  X(kNoBottlenecks, "No bottleneck hours found.", "Không có giờ nghẽn mạng.")                      \
  X(kTopMachines, "top machines", "máy dùng nhiều")                                                \
  X(kTopAppsShort, "top applications", "ứng dụng")                                                 \
  X(kTopServices, "remote services", "dịch vụ bên ngoài")                                          \
  X(kPortal, "Public-service portal latency", "Độ trễ cổng dịch vụ công")                          \
  X(kBaseline, "baseline", "bình thường")                                                          \
  X(kVerdict, "Bandwidth verdict", "Kết luận về băng thông")                                       \
  X(kRequired, "required", "cần")                                                                  \
  X(kPlan, "next plan", "gói cước đề xuất")                                                        \
  X(kUsageRanking, "Usage ranking across the fleet", "Xếp hạng sử dụng toàn cơ quan")              \
  X(kApplication, "Application", "Ứng dụng")                                                       \
  X(kOfficeHours, "Office hours", "Giờ hành chính")                                                \
  X(kForeground, "In use", "Đang dùng")                                                            \
  X(kRankingNote,                                                                                  \
    "Ranked by time in use (the program's window in front) during office hours; "                  \
    "\"Office hours\" is the time it ran then.",                                                   \
    "Xếp theo thời gian đang dùng (cửa sổ ở trên cùng) trong giờ hành chính; "                     \
    "\"Giờ hành chính\" là thời gian chương trình chạy trong giờ đó.")                             \
  X(kMachinesCol, "Machines", "Số máy")                                                            \
  X(kInstalled, "Installed software", "Phần mềm đã cài")                                           \
  X(kSearch, "Search", "Tìm")                                                                      \
  X(kInstalledHint, "program name, e.g. zalo (Enter searches)",                                    \
    "tên phần mềm, ví dụ zalo (Enter để tìm)")                                                     \
  X(kSearching, "Searching...", "Đang tìm...")                                                     \
  X(kEntriesOn, "entries, on", "mục, trên")                                                        \
  X(kFirstShown, "first ones shown; type more of the name to narrow",                              \
    "chỉ hiện các mục đầu; gõ thêm tên để thu hẹp")                                                \
  X(kNoListYet, "machines have not sent their package list since the collector started",           \
    "máy chưa gửi danh sách phần mềm kể từ khi máy chủ khởi động")                                 \
  X(kNoMatch, "No installed program matches", "Không có phần mềm nào khớp")                        \
  X(kInstalledOn, "Installed on", "Cài trên")                                                      \
  X(kMoreMachines, "more", "máy khác")                                                             \
  X(kVersion, "Version", "Phiên bản")                                                              \
  X(kUnsupportedOs, "Machines on an unsupported operating system",                                 \
    "Máy dùng hệ điều hành hết hỗ trợ")                                                            \
  X(kOs, "Operating system", "Hệ điều hành")                                                       \
  X(kEndOfSupport, "End of support", "Hết hỗ trợ từ")                                              \
  X(kReportTitle, "Upgrade-justification report", "Báo cáo đề xuất nâng cấp")                      \
  X(kFormat, "Format", "Định dạng")                                                                \
  X(kLanguage, "Language", "Ngôn ngữ")                                                             \
  X(kPeriod, "Period", "Thời kỳ")                                                                  \
  X(kSaveTo, "Save to", "Lưu vào")                                                                 \
  X(kGenerate, "Generate and save", "Tạo và lưu")                                                  \
  X(kGenerating, "Generating...", "Đang tạo...")                                                   \
  X(kReportSaved, "Report saved to", "Đã lưu báo cáo tại")                                         \
  X(kReportHelp,                                                                                   \
    "The report lists the machines to replace first, the bandwidth to buy and the evidence, for "  \
    "leadership to sign.",                                                                         \
    "Báo cáo liệt kê máy cần thay trước, băng thông cần mua và bằng chứng, để lãnh đạo ký duyệt.") \
  X(kNotAvailable, "not available from this collector", "máy chủ chưa cung cấp")                   \
  X(kError, "Error", "Lỗi")                                                                        \
  X(kRefresh, "Refresh", "Làm mới")                                                                \
  X(kCost, "est. cost", "chi phí ước tính")                                                        \
  X(kDay0, "Mon", "T2")                                                                            \
  X(kDay1, "Tue", "T3")                                                                            \
  X(kDay2, "Wed", "T4")                                                                            \
  X(kDay3, "Thu", "T5")                                                                            \
  X(kDay4, "Fri", "T6")                                                                            \
  X(kDay5, "Sat", "T7")                                                                            \
  X(kDay6, "Sun", "CN")                                                                            \
  X(kHour, "hour", "giờ")                                                                          \
  X(kNow, "now", "hiện tại")                                                                       \
  X(kLatency, "latency", "độ trễ")                                                                 \
  X(kFailures, "failures", "lỗi")                                                                  \
  X(kHealth, "Health", "Tình trạng")                                                               \
  X(kSeries_cpu, "CPU busy", "CPU bận")                                                            \
  X(kSeries_mem, "Memory pressure", "Áp lực bộ nhớ")                                               \
  X(kSeries_disk, "Disk busy", "Ổ đĩa bận")                                                        \
  X(kSeries_wan, "Network WAN", "Mạng WAN")                                                        \
  X(kSeries_lan, "Network LAN", "Mạng LAN")                                                        \
  X(kSeries_portal, "Portal latency", "Độ trễ cổng dịch vụ công")                                  \
  X(kSeries_io, "I/O pressure (waiting for disk)", "Áp lực I/O (chờ ổ đĩa)")                       \
  X(kYes, "yes", "có")                                                                             \
  X(kNo, "no", "không")                                                                            \
  X(kInv_bios_date, "BIOS date", "Ngày BIOS")                                                      \
  X(kInv_chassis, "Chassis", "Kiểu vỏ máy")                                                        \
  X(kInv_cpu_threads, "CPU threads", "Số luồng CPU")                                               \
  X(kThreadsShort, "threads", "luồng")                                                             \
  X(kInv_nic, "Network card", "Card mạng")                                                         \
  X(kInv_nic_speed, "Link speed", "Tốc độ liên kết")                                               \
  X(kInv_wifi, "Wi-Fi", "Wi-Fi")                                                                   \
  X(kInv_vendor, "Manufacturer", "Hãng sản xuất")                                                  \
  X(kInv_product, "Model", "Mẫu máy")                                                              \
  X(kNeedsAttention, "need attention", "cần xử lý")                                                \
  X(kTypicalDay, "Typical", "Thường ngày")                                                         \
  X(kTypicalNote, "p95 by hour; this collector does not publish today's live series",              \
    "p95 theo giờ; máy chủ chưa cung cấp số liệu trực tiếp hôm nay")                               \
  X(kEolEnded, "ended", "đã hết")                                                                  \
  X(kEolSoon, "ending soon", "sắp hết")                                                            \
  X(kPeakDemand, "peak demand", "nhu cầu cao điểm")                                                \
  X(kBootDiskMark, "(boot)", "(khởi động)")                                                        \
  X(kPowerOn, "power on", "thời gian chạy")                                                        \
  X(kHealthPassed, "passed (the drive's own verdict)", "đạt (ổ đĩa tự đánh giá)")                  \
  X(kHealthFailing, "failing", "sắp hỏng")                                                         \
  X(kHealthWarning, "warning", "cảnh báo")                                                         \
  X(kSmart1, "read error rate", "tỉ lệ lỗi đọc")                                                   \
  X(kSmart5, "reallocated sectors", "sector bị ánh xạ lại")                                        \
  X(kSmart9, "power-on hours", "số giờ hoạt động")                                                 \
  X(kSmart12, "power cycles", "số lần bật máy")                                                    \
  X(kSmart187, "reported uncorrectable", "lỗi không sửa được (ổ đĩa báo)")                         \
  X(kSmart188, "command timeouts", "lệnh quá thời gian")                                           \
  X(kSmart194, "temperature (°C)", "nhiệt độ (°C)")                                                \
  X(kSmart196, "reallocation events", "số lần ánh xạ lại")                                         \
  X(kSmart197, "pending sectors", "sector chờ ánh xạ lại")                                         \
  X(kSmart198, "offline uncorrectable", "sector lỗi không sửa được")                               \
  X(kSmart199, "UDMA CRC errors", "lỗi CRC đường truyền")                                          \
  X(kChartMax, "max", "cao nhất")                                                                  \
  X(kChartLast, "last", "gần nhất")                                                                \
  X(kAppOther, "other", "khác")                                                                    \
  X(kAgeFromPurchase, "purchase date", "ngày mua")                                                 \
  X(kAgeFromBios, "BIOS date", "ngày BIOS")                                                        \
  X(kAgeFromPowerOn, "disk power-on hours", "giờ chạy ổ đĩa")                                      \
  X(kAgeUnknown, "unknown", "không rõ")                                                            \
  X(kActionReplacePc, "replace the PC", "thay máy mới")                                            \
  X(kActionSsd, "fit an SSD", "thay ổ SSD")                                                        \
  X(kActionAddRam, "add RAM", "nâng RAM")                                                          \
  X(kActionBattery, "replace the battery", "thay pin")                                             \
  X(kActionNic, "fit a gigabit network card", "lắp card mạng gigabit")                             \
  X(kActionOsUpgrade, "upgrade the operating system", "nâng cấp hệ điều hành")                     \
  X(kHistoryHourly, "Hourly values", "Giá trị theo giờ")                                           \
  X(kHistoryGaps, "hours without reports, such as nights and weekends, are left out",              \
    "bỏ qua các giờ không có báo cáo, như ban đêm và cuối tuần")                                   \
  X(kNoReportsIn, "No reports in the last", "Không có báo cáo trong")                              \
  X(kLastReported, "the PC last reported at", "lần báo cáo cuối của máy lúc")                      \
  X(kNotMeasuredWindows,                                                                           \
    "not measured on Windows (it has no pressure counters; a memory shortage shows as hard page "  \
    "faults in the evidence)",                                                                     \
    "Windows không đo chỉ số này (không có bộ đếm áp lực; thiếu bộ nhớ thể hiện "                  \
    "qua lỗi trang cứng trong phần bằng chứng)")                                                   \
  X(kNotMeasuredWindowsShort, "not measured on Windows", "Windows không đo chỉ số này")            \
  X(kPerHour, "/h", "/giờ")                                                                        \
  X(kLanSideMachines, "PCs held back by their own network card or Wi-Fi",                          \
    "Máy bị giới hạn bởi card mạng/Wi-Fi của chính nó")                                            \
  X(kUsuallyFull, "usually full", "thường nghẽn")                                                  \
  X(kDataFor, "data for", "có dữ liệu")                                                            \
  X(kShortReplacePc, "new PC", "máy mới")                                                          \
  X(kShortSsd, "SSD", "SSD")                                                                       \
  X(kShortRam, "RAM", "RAM")                                                                       \
  X(kShortBattery, "battery", "pin")                                                               \
  X(kShortNic, "network card", "card mạng")                                                        \
  X(kShortOs, "OS", "HĐH")                                                                         \
  X(kProbePortal, "public-service portal", "cổng dịch vụ công")                                    \
  X(kProbeGateway, "gateway (router)", "gateway (bộ định tuyến)")                                  \
  X(kProbeCollector, "collector", "máy chủ thu thập")
// clang-format on

enum class Str {
#define WARDWATCH_X(id, en, vi) id,
  WARDWATCH_CONSOLE_STRINGS(WARDWATCH_X)
#undef WARDWATCH_X
      kCount
};

// The text of `id` in `lang` (never null).
const char* Tr(Lang lang, Str id);
// Vietnamese when LC_ALL, LC_MESSAGES or LANG (first set, in that order) starts with "vi".
Lang LanguageFromEnvironment();
Lang LanguageFromName(std::string_view name, Lang fallback);
const char* LanguageName(Lang lang);  // "vi" | "en"

const char* FlagLabel(Lang lang, Flag flag);
// Name of an ATA SMART attribute by its id ("5": reallocated sectors); null when unknown.
const char* SmartAttributeName(Lang lang, std::string_view id);
// A disk's health word ("passed", "failing", "warning") in `lang`; others as they are.
const char* DiskHealthLabel(Lang lang, const std::string& health);
const char* RecommendationLabel(Lang lang, Recommendation r);
// The collector's codes in words: where a machine's age comes from ("bios_date"), an action
// ("replace_pc"; a comma-separated list is translated item by item) and the top-applications
// bucket "other". Unknown codes are returned as they are.
std::string AgeSourceLabel(Lang lang, std::string_view code);
std::string ActionsLabel(Lang lang, std::string_view codes);
// The same in a word each, for the fleet's row: "SSD, RAM, OS" / "SSD, RAM, HĐH".
std::string ShortActionsLabel(Lang lang, std::string_view codes);
std::string AppLabel(Lang lang, std::string_view name);
// The well-known probe labels in words ("portal" → "cổng dịch vụ công"); others as they are
// (a label the office chose with --probe NAME=URL).
std::string ProbeLabel(Lang lang, std::string_view name);
// The sentence in the chosen language, the other one when it is missing.
const std::string& Pick(Lang lang, const Bilingual& text);

}  // namespace wardwatch::console
