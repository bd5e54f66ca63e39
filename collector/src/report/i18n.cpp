// The report's fixed wording in Vietnamese and English (one table; tests check every key has
// both).
#include "report/report.h"

namespace wardwatch::collector::report {
namespace {

constexpr Phrase kPhrases[] = {
    {"nation", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM"},
    {"motto", "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"},
    {"number", "Số: ....../BC-UBND", "Ref.: ......"},
    {"place", "TP. Hồ Chí Minh", "Ho Chi Minh City"},
    {"title", "BÁO CÁO", "UPGRADE-JUSTIFICATION REPORT"},
    {"subtitle", "Đề xuất nâng cấp trang thiết bị và đường truyền CNTT",
     "Proposed upgrade of IT equipment and the internet line"},
    {"period", "Số liệu đo từ ngày %1 đến ngày %2", "Measured from %1 to %2"},
    {"s_summary", "I. TÓM TẮT", "1. Executive summary"},
    {"s_replace", "II. DANH SÁCH MÁY ĐỀ NGHỊ THAY THẾ / NÂNG CẤP (theo thứ tự ưu tiên)",
     "2. Replace-first ranking"},
    {"s_upgrade", "III. NÂNG CẤP TẠI CHỖ (RAM, SSD, ...)", "3. Upgrade in place (RAM, SSD, ...)"},
    {"s_fleet", "IV. TÌNH TRẠNG CHUNG CỦA MÁY TÍNH", "4. The fleet at a glance"},
    {"s_bandwidth", "V. ĐƯỜNG TRUYỀN INTERNET", "5. Internet line"},
    {"s_os", "VI. HỆ ĐIỀU HÀNH HẾT HỖ TRỢ", "6. Operating systems out of support"},
    {"s_coverage", "VII. PHẠM VI SỐ LIỆU", "7. Data coverage"},
    {"s_method", "PHỤ LỤC: PHƯƠNG PHÁP VÀ NGƯỠNG ĐÁNH GIÁ", "Appendix: method and thresholds"},
    {"sum_replace", "Số máy đề nghị thay mới: %1.", "PCs to replace: %1."},
    {"sum_upgrade", "Số máy đề nghị nâng cấp tại chỗ: %1.", "PCs to upgrade in place: %1."},
    {"sum_cost", "Tổng kinh phí thiết bị ước tính: %1.", "Estimated equipment cost: %1."},
    {"sum_line", "Đường truyền: %1", "Internet line: %1"},
    {"sum_line_cost", "Cước đường truyền đề xuất: gói %1, %2/tháng (hiện tại %3 Mb/s).",
     "Proposed line: %1 plan at %2 per month (now %3 Mb/s)."},
    {"sum_fleet", "Đã đánh giá %1 máy tính có báo cáo trong kỳ.",
     "%1 PCs that reported during the period were assessed."},
    {"effect",
     "Hiệu quả dự kiến: các máy được thay hoặc nâng cấp hết tình trạng treo, chậm khi xử lý hồ "
     "sơ; giảm nguy cơ mất dữ liệu do ổ cứng hỏng; đường truyền đủ băng thông vào giờ cao điểm "
     "để giải quyết hồ sơ dịch vụ công trực tuyến đúng hạn.",
     "Expected effect: the replaced or upgraded PCs stop freezing and slowing down while staff "
     "process files; the risk of losing data on failing disks goes away; the line keeps enough "
     "headroom at peak hours for online public-service files to be handled on time."},
    {"if_nothing",
     "Nếu không đầu tư: máy cũ tiếp tục chậm và có thể hỏng bất cứ lúc nào (mất dữ liệu), giờ "
     "cao điểm vẫn nghẽn mạng, hồ sơ trực tuyến bị chậm xử lý.",
     "If nothing is done: the old PCs keep slowing staff down and may fail at any time (with "
     "data loss), the line stays congested at peak hours, and online files are delayed."},
    {"no_claim",
     "Chỉ đưa ra kết luận khi có số liệu đo được; máy thiếu số liệu được nêu ở mục VII.",
     "Only measured facts are claimed; machines with missing data are listed in section 7."},
    {"c_rank", "TT", "#"},
    {"c_machine", "Máy", "Machine"},
    {"c_machine_id", "Mã máy", "Machine ID"},
    {"c_score", "Điểm", "Score"},
    {"c_rec", "Đề nghị", "Recommendation"},
    {"c_evidence", "Căn cứ (số liệu đo được)", "Evidence (measured)"},
    {"c_cost", "Kinh phí", "Cost"},
    {"c_actions", "Hạng mục", "Work"},
    {"c_age", "Tuổi máy (năm)", "Age (years)"},
    {"c_cpu_sat", "CPU quá tải giờ hành chính", "Office-hour CPU saturation"},
    {"c_ram", "RAM (GB)", "RAM (GB)"},
    {"c_disk", "Ổ đĩa", "Disk"},
    {"c_os", "Hệ điều hành", "Operating system"},
    {"c_os_end", "Hết hỗ trợ từ", "Support ended"},
    {"c_hour", "Khung giờ", "Hour"},
    {"c_util", "Mức sử dụng (p95)", "Utilisation (p95)"},
    {"c_latency", "Độ trễ cổng DVC", "Portal latency"},
    {"c_causes", "Nguyên nhân chính", "Main causes"},
    {"causes_apps", "Ứng dụng: %1", "Applications: %1"},
    {"causes_pcs", "Máy: %1", "PCs: %1"},
    {"c_first", "Báo cáo đầu", "First report"},
    {"c_last", "Báo cáo cuối", "Last report"},
    {"c_days", "Ngày làm việc có số liệu", "Working days with data"},
    {"c_gap", "Khoảng trống dài nhất", "Longest gap"},
    {"c_item", "Hạng mục", "Item"},
    {"c_value", "Giá trị", "Value"},
    {"c_flags", "Dấu hiệu", "Flags"},
    {"rec_replace", "Thay mới", "Replace"},
    {"rec_upgrade", "Nâng cấp", "Upgrade"},
    {"rec_watch", "Theo dõi", "Watch"},
    {"rec_fine", "Tốt", "Fine"},
    {"a_replace_pc", "thay máy mới", "new PC"},
    {"a_add_ram", "thêm RAM", "add RAM"},
    {"a_ssd", "thay ổ SSD", "SSD"},
    {"a_battery", "thay pin", "battery"},
    {"a_nic", "card mạng gigabit", "gigabit NIC"},
    {"a_os_upgrade", "nâng cấp HĐH", "OS upgrade"},
    {"none_replace", "Không có máy nào cần thay hoặc nâng cấp trong kỳ.",
     "No PC needs replacing or upgrading in this period."},
    {"none_upgrade", "Không có máy nào cần nâng cấp tại chỗ.", "No PC needs an in-place upgrade."},
    {"none_os", "Không có máy nào chạy hệ điều hành đã hết hỗ trợ.",
     "No PC runs an operating system out of support."},
    {"none_bottleneck", "Không phát hiện khung giờ nghẽn mạng trong kỳ.",
     "No bottleneck hour was found in this period."},
    {"chart_heat", "Mức sử dụng đường truyền (p95) theo giờ và thứ trong tuần",
     "Line utilisation (p95) by hour and weekday"},
    {"chart_age", "Phân bố tuổi máy", "Fleet age distribution"},
    {"chart_cpu", "Tỷ lệ thời gian CPU quá tải trong giờ hành chính (các máy cao nhất)",
     "Share of office time with the CPU saturated (highest machines)"},
    {"heat_legend", "Ô đậm: vượt ngưỡng nghẽn %1; ô xám: không có số liệu",
     "Dark cells: above the %1 bottleneck threshold; grey: no data"},
    {"age_unknown", "không rõ", "unknown"},
    {"age_lt3", "dưới 3 năm", "under 3 years"},
    {"age_3_5", "3-5 năm", "3-5 years"},
    {"age_5_8", "5-8 năm", "5-8 years"},
    {"age_ge8", "từ 8 năm", "8 years or more"},
    {"bn_intro",
     "Các khung giờ nghẽn (mức sử dụng p95 ≥ %1 — ↓ chiều tải về, ↑ chiều tải lên — hoặc độ trễ "
     "cổng dịch vụ công tăng):",
     "Bottleneck hours (p95 utilisation ≥ %1 — ↓ download, ↑ upload — or the public-service "
     "portal slowing down):"},
    {"bw_plan", "Đề xuất: %1", "Recommendation: %1"},
    {"upgrade_total", "Cộng kinh phí nâng cấp tại chỗ: %1", "In-place upgrades in total: %1"},
    {"replace_total", "Cộng kinh phí (thay mới và nâng cấp): %1",
     "Total (replacement and upgrades): %1"},
    {"cov_intro",
     "%1/%2 máy có số liệu từ 90% số ngày làm việc trở lên; %3 máy có khoảng trống từ 3 ngày "
     "làm việc liên tiếp. Bảng dưới liệt kê %4.",
     "%1 of %2 machines reported on at least 90% of working days; %3 have a gap of 3 or more "
     "working days in a row. The table lists %4."},
    {"cov_all", "tất cả các máy", "every machine"},
    {"cov_incomplete", "các máy thiếu số liệu", "the machines with missing data"},
    {"cov_inventory",
     "Cấu hình máy (RAM, ổ đĩa, hệ điều hành) lấy từ báo cáo mới nhất của từng máy.",
     "Hardware and OS facts come from each machine's latest report."},
    {"days", "%1 ngày từ %2", "%1 days from %2"},
    {"day", "%1 ngày từ %2", "%1 day from %2"},
    {"never", "chưa có số liệu", "no data"},
    {"m_intro",
     "Mỗi máy tính chạy phần mềm WardWatch gửi số liệu đo mỗi vài phút. Điểm lão hóa (0-100) "
     "cộng điểm theo từng căn cứ dưới đây; từ %1 điểm trở lên đề nghị thay mới, từ %2 điểm theo "
     "dõi; máy có thể khắc phục bằng linh kiện (RAM, SSD, pin) được đề nghị nâng cấp. Giờ hành "
     "chính: thứ Hai - thứ Sáu, 7:30-11:30 và 13:00-17:00.",
     "Every PC runs the WardWatch agent, which reports measurements every few minutes. The aging "
     "score (0-100) adds points for each item below; %1 points or more means replace, %2 or "
     "more means watch; a PC a part can fix (RAM, SSD, battery) is proposed for an upgrade. "
     "Office hours: Monday to Friday, 7:30-11:30 and 13:00-17:00."},
    {"t_old", "Tuổi máy tính đủ điểm (năm)", "Age for full points (years)"},
    {"t_middle", "Tuổi máy tính nửa điểm (năm)", "Age for half points (years)"},
    {"t_ram", "RAM thấp (dưới, GB)", "Low RAM (below, GB)"},
    {"t_mem", "Thiếu bộ nhớ (tỷ lệ thời gian chờ bộ nhớ)",
     "Memory pressure (share of time stalled)"},
    {"t_cpu", "CPU quá tải (tỷ lệ giờ hành chính với CPU ≥ %1)",
     "CPU saturation (share of office time with CPU ≥ %1)"},
    {"t_io", "Chờ ổ đĩa (tỷ lệ thời gian)", "Disk waits (share of time)"},
    {"t_battery", "Pin chai (mức hao mòn)", "Battery wear"},
    {"t_bn", "Ngưỡng nghẽn đường truyền (p95 theo giờ)", "Line bottleneck threshold (hourly p95)"},
    {"t_target", "Mức sử dụng mục tiêu sau nâng cấp", "Target utilisation after the upgrade"},
    {"t_latency", "Độ trễ cổng DVC (lần so với giờ thấp điểm)",
     "Portal latency (times the off-peak baseline)"},
    {"t_uplink", "Đường truyền hiện tại (Mb/s)", "Current line (Mb/s)"},
    {"p_desktop", "Giá máy để bàn mới", "New desktop price"},
    {"p_laptop", "Giá máy xách tay mới", "New laptop price"},
    {"p_ssd", "Giá ổ SSD (kèm sao chép dữ liệu)", "SSD (with cloning)"},
    {"p_ram", "Giá thanh RAM 8 GB", "8 GB RAM module"},
    {"p_battery", "Giá pin máy xách tay", "Laptop battery"},
    {"m_prices", "Đơn giá dùng để ước tính kinh phí (có thể chỉnh trong site.json):",
     "Prices used for the estimates (set in site.json):"},
    {"recipients", "Nơi nhận:", "Distribution:"},
    {"recipients_list", "- Lãnh đạo UBND;\n- Lưu: VT.", "- Office leadership;\n- File."},
    {"signer", "NGƯỜI LẬP BÁO CÁO", "PREPARED BY"},
    {"approver", "THỦ TRƯỞNG ĐƠN VỊ", "APPROVED BY"},
    {"sign_hint", "(Ký, ghi rõ họ tên)", "(signature and full name)"},
    {"page", "Trang %1/%2", "Page %1 of %2"},
    {"generated", "Lập bởi WardWatch lúc %1", "Generated by WardWatch at %1"},
};

}  // namespace

std::span<const Phrase> Phrases() { return kPhrases; }

std::string_view T(bool vi, std::string_view key) {
  for (const Phrase& p : kPhrases) {
    if (p.key == key) return vi ? p.vi : p.en;
  }
  return "?missing?";
}

}  // namespace wardwatch::collector::report
