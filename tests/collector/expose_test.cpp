// Tests exposition: a constructed report gives the expected series; label escaping; one
// HELP/TYPE per family across machines; self-metrics; cache re-renders only on change.
#include "expose/expose.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "metrics_page.h"

using namespace wardwatch;
using namespace wardwatch::collector;

namespace {

Report SampleReport(const std::string& id, const std::string& host) {
  Report r;
  r.machine_id = id;
  r.hostname = host;
  r.agent_version = "0.1.0";
  r.platform = "linux";
  r.sequence = 7;
  r.collected_at_ms = 1790000000500;
  r.collectors = {{"cpu", true, 0.25, ""}, {"dmi", false, 0.5, "permission denied"}};
  r.system.cpus = {{0, 10.5, 1, 2, 300, 4, 0, 0.5, 0}};
  r.system.meminfo = {{"MemTotal", 8000000000}, {"Active_anon", 1234}};
  r.system.filesystems = {{"/dev/sda1", "/", "ext4", 1000, 400, 300, 50, 20, false}};
  r.system.dmi = {{"sys_vendor", "Dell Inc."},
                  {"product_name", "OptiPlex \"3020\"\\x"},
                  {"product_serial", "SECRET123"},
                  {"product_uuid", "uuid-1"},
                  {"bios_version", ""}};
  schema::OsInfo os;
  os.sysname = "Linux";
  os.release = "6.1.0-18-amd64";
  os.version = "#1 SMP";
  os.machine = "x86_64";
  os.nodename = host;
  os.os_release = {{"ID", "debian"},
                   {"NAME", "Debian GNU/Linux"},
                   {"PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)"},
                   {"VERSION_ID", "12"},
                   {"VERSION", "12 (bookworm)"},
                   {"VERSION_CODENAME", "bookworm"}};
  os.boot_time_seconds = 1789990000;
  r.system.os = os;
  schema::NetInterface eth;
  eth.name = "eth0";
  eth.receive_bytes = 1000;
  eth.transmit_bytes = 2000;
  eth.speed_bytes = 12500000;
  eth.operstate = "up";
  eth.type = 1;
  eth.address = "00:11:22:33:44:55";
  r.network.interfaces = {eth};
  schema::AgentHealthSection h;
  h.spool_bytes = 4096;
  h.reports_sent_total = 9;
  r.agent_health = h;
  return r;
}

MachineState State(const Report& r) {
  MachineState s;
  s.row.id = r.machine_id;
  s.row.hostname = r.hostname;
  s.latest = std::make_shared<const Report>(r);
  return s;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::size_t Count(const std::vector<std::string>& lines, const std::string& prefix) {
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [&](const auto& l) { return l.rfind(prefix, 0) == 0; }));
}

}  // namespace

TEST_CASE("exposition of one machine's report") {
  const auto text =
      expose::Serialize(expose::CollectFleet({State(SampleReport("m1", "pc-01"))}, ""));
  const auto lines = Lines(text);
  const char* expected[] = {
      "# TYPE node_cpu_seconds_total counter",
      R"(node_cpu_seconds_total{cpu="0",instance="pc-01",mode="user"} 10.5)",
      R"(node_cpu_seconds_total{cpu="0",instance="pc-01",mode="idle"} 300)",
      R"(node_cpu_seconds_total{cpu="0",instance="pc-01",mode="softirq"} 0.5)",
      R"(node_memory_MemTotal_bytes{instance="pc-01"} 8000000000)",
      R"(node_memory_Active_anon_bytes{instance="pc-01"} 1234)",
      R"(node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",instance="pc-01",mountpoint="/"} 1000)",
      R"(node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",instance="pc-01",mountpoint="/"} 300)",
      R"(node_filesystem_readonly{device="/dev/sda1",fstype="ext4",instance="pc-01",mountpoint="/"} 0)",
      R"(node_network_receive_bytes_total{device="eth0",instance="pc-01"} 1000)",
      R"(node_network_transmit_bytes_total{device="eth0",instance="pc-01"} 2000)",
      R"(node_network_speed_bytes{device="eth0",instance="pc-01"} 12500000)",
      R"(node_network_up{device="eth0",instance="pc-01"} 1)",
      R"(node_network_info{address="00:11:22:33:44:55",device="eth0",duplex="",instance="pc-01",operstate="up"} 1)",
      R"(node_boot_time_seconds{instance="pc-01"} 1789990000)",
      R"(node_uname_info{instance="pc-01",machine="x86_64",nodename="pc-01",release="6.1.0-18-amd64",sysname="Linux",version="#1 SMP"} 1)",
      R"~(node_os_info{build_id="",id="debian",id_like="",image_id="",image_version="",instance="pc-01",name="Debian GNU/Linux",pretty_name="Debian GNU/Linux 12 (bookworm)",variant="",variant_id="",version="12 (bookworm)",version_codename="bookworm",version_id="12"} 1)~",
      R"(node_os_version{id="debian",id_like="",instance="pc-01",name="Debian GNU/Linux"} 12)",
      R"(node_scrape_collector_success{collector="cpu",instance="pc-01"} 1)",
      R"(node_scrape_collector_success{collector="dmi",instance="pc-01"} 0)",
      R"(node_scrape_collector_duration_seconds{collector="dmi",instance="pc-01"} 0.5)",
      R"(wardwatch_machine_last_report_timestamp_seconds{instance="pc-01"} 1790000000.5)",
      R"(wardwatch_machine_info{agent_version="0.1.0",instance="pc-01",machine_id="m1",platform="linux"} 1)",
      R"(wardwatch_agent_spool_bytes{instance="pc-01"} 4096)",
      R"(wardwatch_agent_reports_sent_total{instance="pc-01"} 9)",
  };
  for (const char* line : expected) {
    CAPTURE(line);
    CHECK(Has(lines, line));
  }
  CHECK(Count(lines, "node_cpu_seconds_total{") == 8);
}

TEST_CASE("node_dmi_info: only present labels, no serials or UUIDs, values escaped") {
  const auto text =
      expose::Serialize(expose::CollectFleet({State(SampleReport("m1", "pc-01"))}, ""));
  const auto lines = Lines(text);
  CHECK(Has(
      lines,
      R"(node_dmi_info{instance="pc-01",product_name="OptiPlex \"3020\"\\x",system_vendor="Dell Inc."} 1)"));
  CHECK(text.find("SECRET123") == std::string::npos);
  CHECK(text.find("uuid-1") == std::string::npos);
  CHECK(text.find("bios_version=") == std::string::npos);  // empty value: label left out
}

TEST_CASE("label values with newline, quote and backslash are escaped") {
  Report r = SampleReport("m1", "pc\n\"1\"\\");
  const auto text = expose::Serialize(expose::CollectFleet({State(r)}, ""));
  CHECK(text.find(R"(instance="pc\n\"1\"\\")") != std::string::npos);
  for (const auto& line : Lines(text)) CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("two machines share one HELP/TYPE block per family; site label on every series") {
  const auto text = expose::Serialize(expose::CollectFleet(
      {State(SampleReport("m1", "pc-01")), State(SampleReport("m2", "pc-02"))}, "phuong-1"));
  const auto lines = Lines(text);
  CHECK(Count(lines, "# TYPE node_memory_MemTotal_bytes ") == 1);
  CHECK(Count(lines, "# HELP node_cpu_seconds_total ") == 1);
  CHECK(Has(lines, R"(node_memory_MemTotal_bytes{instance="pc-01",site="phuong-1"} 8000000000)"));
  CHECK(Has(lines, R"(node_memory_MemTotal_bytes{instance="pc-02",site="phuong-1"} 8000000000)"));
  for (const auto& line : lines) {
    if (line.empty() || line[0] == '#') continue;
    CAPTURE(line);
    CHECK(line.find("site=\"phuong-1\"") != std::string::npos);
  }
}

TEST_CASE("a series the agent reported twice is exposed once, and the drop is counted") {
  Report r = SampleReport("m1", "pc-01");
  r.hardware.emplace();
  const wardwatch::schema::MemoryModule dimm{"DIMM1", "DDR4",        "Samsung", "M378",
                                             "DIMM",  8589934592ULL, 2666};
  r.hardware->memory_modules = {dimm, dimm};  // one locator twice, as a confused BIOS reports
  const MachineState state = State(r);
  expose::FamilySet out;
  expose::MachineContext m{state, r, {{"instance", "pc-01"}}};
  for (const auto& section : expose::Sections()) section.fn(m, out);
  const auto text = expose::Serialize(out.Take());
  CHECK(Count(Lines(text), "wardwatch_memory_module_info{") == 1);
  CHECK(Count(Lines(text), "wardwatch_memory_module_size_bytes{") == 1);
  CHECK(out.duplicates_dropped() >= 2);
}

TEST_CASE("a machine without a report exposes nothing; agent_health absent leaves it out") {
  MachineState empty;
  empty.row.id = "m0";
  Report r = SampleReport("m1", "pc-01");
  r.agent_health.reset();
  r.system.os.reset();
  const auto text = expose::Serialize(expose::CollectFleet({empty, State(r)}, ""));
  CHECK(text.find("m0") == std::string::npos);
  CHECK(text.find("wardwatch_agent_spool_bytes") == std::string::npos);
  CHECK(text.find("node_uname_info") == std::string::npos);
  CHECK(text.find("node_memory_MemTotal_bytes") != std::string::npos);
}

TEST_CASE("self-metrics: every reject reason, histogram, build info") {
  SelfMetrics m;
  m.Stored();
  m.Stored();
  m.Duplicate();
  m.Rejected(RejectReason::kOverloaded);
  m.ObserveIngest(0.003);
  m.ObserveIngest(2);
  const auto lines = Lines(expose::Serialize(m.Collect(3, "")));
  CHECK(Has(lines, "wardwatch_collector_reports_stored_total 2"));
  CHECK(Has(lines, "wardwatch_collector_reports_duplicate_total 1"));
  CHECK(Has(lines, R"(wardwatch_collector_reports_rejected_total{reason="overloaded"} 1)"));
  CHECK(Has(lines, R"(wardwatch_collector_reports_rejected_total{reason="storage_error"} 0)"));
  CHECK(Count(lines, "wardwatch_collector_reports_rejected_total{") == 7);
  CHECK(Has(lines, R"(wardwatch_collector_ingest_duration_seconds_bucket{le="0.005"} 1)"));
  CHECK(Has(lines, R"(wardwatch_collector_ingest_duration_seconds_bucket{le="2.5"} 2)"));
  CHECK(Has(lines, R"(wardwatch_collector_ingest_duration_seconds_bucket{le="+Inf"} 2)"));
  CHECK(Has(lines, "wardwatch_collector_ingest_duration_seconds_count 2"));
  CHECK(Has(lines, "wardwatch_collector_machines 3"));
  CHECK(Has(lines, std::string(R"(wardwatch_collector_build_info{version=")") + WARDWATCH_VERSION +
                       "\"} 1"));
}

namespace {
// Enrolls machine "m1" as "pc-01", with no report yet.
void EnrollPc01(Fleet& fleet) {
  MachineRow row;
  row.id = "m1";
  row.hostname = "pc-01";
  row.token_hash = "h";
  fleet.Enrolled(row);
}

// pc-01 enrolled with its first report stored, and the /metrics page over the fleet.
struct Pc01Page {
  Fleet fleet;
  SelfMetrics self;
  MetricsPage page{fleet, self, ""};
  Pc01Page() {
    EnrollPc01(fleet);
    fleet.Stored(std::make_shared<const Report>(SampleReport("m1", "pc-01")), 1);
  }
  // A newer report from pc-01 (sequence 8) with `mem_total` bytes of memory.
  void StoreNext(std::uint64_t mem_total = 8000000000) {
    Report next = SampleReport("m1", "pc-01");
    next.sequence = 8;
    next.system.meminfo["MemTotal"] = mem_total;
    fleet.Stored(std::make_shared<const Report>(next), 2);
  }
};
}  // namespace

TEST_CASE("MetricsPage re-renders the fleet only when the fleet changed") {
  Fleet fleet;
  SelfMetrics self;
  MetricsPage page(fleet, self, "");
  EnrollPc01(fleet);
  (void)page.RenderText();
  (void)page.RenderText();
  CHECK(page.renders() == 1);
  fleet.Stored(std::make_shared<const Report>(SampleReport("m1", "pc-01")), 1);
  const auto body = page.RenderText();
  CHECK(page.renders() == 2);
  CHECK(body.find(R"(node_memory_MemTotal_bytes{instance="pc-01"} 8000000000)") !=
        std::string::npos);
  self.Stored();  // self-metrics are fresh on every scrape without re-rendering the fleet
  CHECK(page.RenderText().find("wardwatch_collector_reports_stored_total 1") != std::string::npos);
  CHECK(page.renders() == 2);
  // An older sequence (a late spooled report) does not replace the latest values.
  Report old = SampleReport("m1", "pc-01");
  old.sequence = 3;
  old.system.meminfo["MemTotal"] = 1;
  fleet.Stored(std::make_shared<const Report>(old), 2);
  CHECK(page.RenderText().find(R"(node_memory_MemTotal_bytes{instance="pc-01"} 8000000000)") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(Pc01Page,
                  "MetricsPage keeps the page between scrapes only while the fleet is quiet") {
  std::string first_text;
  const http::SharedText* first_page = nullptr;
  {
    auto first = page.Render();   // the fleet changed: serialized and merged
    auto second = page.Render();  // a scrape while the first is still sending shares it
    CHECK(first.fleet.get() == second.fleet.get());
    CHECK(page.merges() == 1);
    first_text = first.fleet->str();
    first_page = first.fleet.get();
  }
  CHECK(first_text.find(R"(node_memory_MemTotal_bytes{instance="pc-01"} 8000000000)") !=
        std::string::npos);
  // The second scrape found the fleet unchanged, so the page was kept after both finished.
  {
    auto third = page.Render();
    CHECK(third.fleet.get() == first_page);
    CHECK(page.merges() == 1);
  }
  // A new report: the page made for it is not kept after its scrape; the next scrape merges
  // again from the kept lines (the machine is not serialized again) and gets the same text.
  StoreNext();
  std::string changed_text;
  {
    auto fourth = page.Render();
    CHECK(page.merges() == 2);
    changed_text = fourth.fleet->str();
  }
  auto fifth = page.Render();
  CHECK(page.merges() == 3);
  CHECK(fifth.fleet->str() == changed_text);
  CHECK(page.renders() == 2);
  CHECK(page.machine_renders() == 2);
}

TEST_CASE_FIXTURE(
    Pc01Page, "a page being sent keeps the lines it points into after a new report replaces them") {
  auto sending = page.Render();
  const std::string before = sending.fleet->str();
  StoreNext(4000000000);
  auto after = page.Render();  // pc-01 serialized again, its old lines dropped from the cache
  CHECK(page.machine_renders() == 2);
  CHECK(after.fleet->str().find(R"(node_memory_MemTotal_bytes{instance="pc-01"} 4000000000)") !=
        std::string::npos);
  // The page still being sent reads what it was made from (ASan would see freed memory).
  CHECK(sending.fleet->str() == before);
  CHECK(before.find(R"(node_memory_MemTotal_bytes{instance="pc-01"} 8000000000)") !=
        std::string::npos);
}

TEST_CASE("rendering 1,000 machines: full, then after one machine's new report") {
  Fleet fleet;
  SelfMetrics self;
  MetricsPage page(fleet, self, "site");
  for (int i = 0; i < 1000; ++i) {
    MachineRow row;
    row.id = "m" + std::to_string(i);
    row.hostname = "pc-" + std::to_string(i);
    row.token_hash = "h" + std::to_string(i);
    fleet.Enrolled(row);
    fleet.Stored(std::make_shared<const Report>(SampleReport(row.id, row.hostname)), 1);
  }
  auto timed = [&page](std::string& out) {
    const auto start = std::chrono::steady_clock::now();
    out = page.RenderText();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::string text;
  const double full = timed(text);
  CHECK(page.machine_renders() == 1000);
  CHECK(Count(Lines(text), "node_memory_MemTotal_bytes{") == 1000);
  CHECK(Count(Lines(text), "# TYPE node_memory_MemTotal_bytes ") == 1);

  Report next = SampleReport("m5", "pc-5");
  next.sequence = 8;
  next.system.meminfo["MemTotal"] = 42;
  fleet.Stored(std::make_shared<const Report>(next), 2);
  const double incremental = timed(text);
  CHECK(page.machine_renders() == 1001);  // only the machine that changed
  CHECK(text.find(R"(node_memory_MemTotal_bytes{instance="pc-5",site="site"} 42)") !=
        std::string::npos);
  const double cached = timed(text);
  MESSAGE("1,000 machines, " << text.size() << " bytes: first render " << full
                             << " s, after one new report " << incremental << " s, unchanged "
                             << cached << " s");
}
