// Application names (table-driven) and usage metering over two fixture /proc sweeps.
#include "collectors/apps.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace wardwatch::agent;
using wardwatch::schema::AppUsage;

TEST_CASE("AppNameFor: known office applications and fallbacks") {
  struct Case {
    const char* exe;
    const char* comm;
    const char* app;
  };
  const Case cases[] = {
      {"/opt/google/chrome/chrome", "chrome", "Google Chrome"},
      {"/opt/google/chrome/chrome_crashpad_handler", "chrome_crashpad", "Google Chrome"},
      {"/usr/lib/chromium/chromium", "chromium", "Chromium"},
      {"/usr/lib/firefox-esr/firefox-esr", "Web Content", "Firefox"},
      {"/snap/firefox/3600/usr/lib/firefox/firefox", "firefox", "Firefox"},
      {"/opt/microsoft/msedge/msedge", "msedge", "Microsoft Edge"},
      {"/opt/coccoc/browser/coccoc", "coccoc", "Cốc Cốc"},
      {"/usr/lib/libreoffice/program/soffice.bin", "soffice.bin", "LibreOffice"},
      {"/opt/libreoffice7.6/program/soffice.bin", "soffice.bin", "LibreOffice"},
      {"/opt/kingsoft/wps-office/office6/wps", "wps", "WPS Writer"},
      {"/opt/kingsoft/wps-office/office6/et", "et", "WPS Spreadsheets"},
      {"/opt/kingsoft/wps-office/office6/wpp", "wpp", "WPS Presentation"},
      {"/opt/kingsoft/wps-office/office6/wpspdf", "wpspdf", "WPS PDF"},
      {"/opt/kingsoft/wps-office/office6/wpscloudsvr", "wpscloudsvr", "WPS Office"},
      {"/usr/lib/wine/wine64-preloader", "WINWORD.EXE", "Microsoft Word"},
      {"/usr/lib/wine/wine-preloader", "EXCEL.EXE", "Microsoft Excel"},
      {"/usr/bin/wine64", "HTKK.exe", "HTKK"},
      {"/usr/bin/wine", "iTaxViewer.exe", "iTaxViewer"},
      {"/usr/lib/wine/wine64-preloader", "FoxitPDFReader.", "Foxit PDF Reader"},
      {"/usr/lib/wine/wine64-preloader", "Zalo.exe", "Zalo"},
      {"/usr/lib/wine/wine64-preloader", "notepad.exe", "Wine: notepad.exe"},
      {"/opt/foxitsoftware/foxitreader/FoxitReader", "FoxitReader", "Foxit PDF Reader"},
      {"/usr/bin/evince", "evince", "Evince"},
      {"/usr/bin/okular", "okular", "Okular"},
      {"/opt/zalo/zalo", "zalo", "Zalo"},
      {"/opt/zoom/zoom", "zoom", "Zoom"},
      {"/usr/bin/teams-for-linux", "teams-for-linux", "Microsoft Teams"},
      {"/usr/share/skypeforlinux/skypeforlinux", "skypeforlinux", "Skype"},
      {"/opt/VNPT-CA/vnpt-ca-plugin", "vnpt-ca-plugin", "VNPT-CA"},
      {"/opt/viettel-ca/ViettelCA", "ViettelCA", "Viettel-CA"},
      {"/opt/BkavCA/BkavCASigner", "BkavCASigner", "BkavCA"},
      {"/usr/lib/ibus/ibus-engine-unikey", "ibus-engine-uni", "UniKey"},
      {"/usr/lib/ibus/ibus-engine-bamboo", "ibus-engine-bam", "Bamboo"},
      {"/usr/bin/python3.11", "python3", "python3.11"},  // unknown: executable name
      {"/opt/weird app/my (weird) app", "my (weird) app", "my (weird) app"},
      {"", "chrome", "Google Chrome"},  // link unreadable: comm
      {"", "systemd", "systemd"},
      {"", "", "unknown"},
      // Link unreadable (the packaged agent is not root): the same names as root sees.
      {"", "WINWORD.EXE", "Microsoft Word"},  // Wine's process name is the Windows program
      {"", "Zalo.exe", "Zalo"},
      {"", "HTKK.exe", "HTKK"},
      {"", "notepad.exe", "Wine: notepad.exe"},
      {"", "Web Content", "Firefox"},  // Firefox's children rename themselves
      {"", "Isolated Web Co", "Firefox"},
      {"", "WebExtensions", "Firefox"},
      {"", "RDD Process", "Firefox"},
      {"", "vnpt-ca-plugin", "VNPT-CA"},  // name fragments of the table apply to comm
      {"", "ViettelCA", "Viettel-CA"},
      {"", "BkavCASigner", "BkavCA"},
      {"", "iTaxViewer", "iTaxViewer"},
      {"", "et", "WPS Spreadsheets"},
      {"", "wpspdf", "WPS PDF"},
      {"", "ibus-engine-uni", "UniKey"},
      {"", "ibus-engine-bam", "Bamboo"},
      {"", "opt", "opt"},  // folder patterns ("/opt/zoom/") do not match a bare name
      // Native Windows (the Windows agent drops ".exe" and turns '\\' into '/').
      {"C:/Program Files/Microsoft Office/root/Office16/WINWORD", "WINWORD", "Microsoft Word"},
      {"C:/Program Files/Microsoft Office/root/Office16/EXCEL", "EXCEL", "Microsoft Excel"},
      {"C:/Program Files/Microsoft Office/root/Office16/POWERPNT", "POWERPNT",
       "Microsoft PowerPoint"},
      {"", "OUTLOOK", "Microsoft Outlook"},  // another user's process: name only
      {"C:/Program Files (x86)/Adobe/Acrobat Reader DC/Reader/AcroRd32", "AcroRd32",
       "Adobe Acrobat Reader"},
      {"C:/Program Files/WindowsApps/MSTeams_24215.1007.3082.1590_x64__8wekyb3d8bbwe/ms-teams",
       "ms-teams", "Microsoft Teams"},
      {"C:/Program Files/Google/Chrome/Application/chrome", "chrome", "Google Chrome"},
      {"C:/Program Files/CocCoc/Browser/Application/browser", "browser", "Cốc Cốc"},
      // Process-name rows need a missing link: with one, the executable decides.
      {"/usr/local/bin/et", "et", "et"},
      {"/usr/bin/gnome-shell", "Web Content", "gnome-shell"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.exe);
    CAPTURE(c.comm);
    CHECK(AppNameFor(c.exe, c.comm) == c.app);
  }
}

TEST_CASE("every known-app row is lower case (patterns compare case-insensitively)") {
  for (const auto& k : KnownApps()) {
    CAPTURE(k.pattern);
    CHECK(std::none_of(k.pattern.begin(), k.pattern.end(),
                       [](char c) { return c >= 'A' && c <= 'Z'; }));
  }
}

namespace {

constexpr double kBoot = 1764300000;
constexpr double kT0 = kBoot + 3600, kT1 = kBoot + 3660;

ProcessSweep Sweep(const char* tree, double now) {
  SweepOptions o;
  o.boot_time = kBoot;
  o.ticks_per_second = 100;
  o.page_size = 4096;
  auto s = SweepProcesses(std::string(WARDWATCH_FIXTURES "/software/") + tree, o, now);
  REQUIRE(s.ok());
  return *s;
}

const AppUsage* Find(const wardwatch::schema::SoftwareSection& s, const std::string& app) {
  for (const auto& a : s.apps) {
    if (a.app == app) return &a;
  }
  return nullptr;
}

AppsConfig AllDayOffice() {
  AppsConfig c;
  auto h = ParseOfficeHours("Mon-Sun 00:00-24:00", 420);
  REQUIRE(h.ok());
  c.office = *h;
  c.top_n = 100;
  return c;
}

}  // namespace

TEST_CASE("UsageMeter: deltas between two sweeps") {
  UsageMeter m(AllDayOffice());
  m.Observe(Sweep("proc_t0", kT0), {});
  auto first = m.TakeInterval();
  CHECK(first.interval_seconds == 0);  // a baseline only: no deltas yet
  REQUIRE(Find(first, "Firefox"));
  CHECK(Find(first, "Firefox")->instances == 2);
  CHECK(Find(first, "Firefox")->cpu_seconds == 0);

  m.Observe(Sweep("proc_t1", kT1), {});
  auto s = m.TakeInterval();
  CHECK(s.interval_seconds == doctest::Approx(60));
  CHECK(s.process_count == 8);
  struct Want {
    const char* app;
    std::uint32_t instances;
    std::uint64_t starts;
    double cpu, running;
  };
  const Want wants[] = {
      {"Firefox", 1, 0, 3.0, 60},         // 6 s -> 9 s; its child exited (pid 101 reused)
      {"Evince", 1, 1, 0.2, 10},          // pid 101 again, new start time: a new process
      {"my (weird) app", 1, 0, 0.5, 60},  // name with spaces and parentheses
      {"Google Chrome", 1, 0, 2.0, 60},   // executable replaced while running
      {"LibreOffice", 1, 1, 4.0, 30},     // started 30 s before the sweep
      {"Microsoft Word", 1, 1, 1.0, 40},  // under Wine
      {"sshd", 1, 0, 0.0, 60},            // missed at t0: its past CPU is not invented
      {"systemd", 1, 0, 0.1, 60},         // exe unreadable: named from comm
  };
  for (const auto& w : wants) {
    CAPTURE(w.app);
    const AppUsage* a = Find(s, w.app);
    REQUIRE(a);
    CHECK(a->instances == w.instances);
    CHECK(a->starts == w.starts);
    CHECK(a->cpu_seconds == doctest::Approx(w.cpu));
    CHECK(a->running_seconds == doctest::Approx(w.running));
    CHECK(a->office_running_seconds == doctest::Approx(w.running));  // office all day
    CHECK(a->office_cpu_seconds == doctest::Approx(w.cpu));
    CHECK(a->foreground_seconds == 0);
  }
  const AppUsage* weird = Find(s, "my (weird) app");
  CHECK(weird->rss_peak_bytes == 4000ull * 4096);
  CHECK(weird->rss_avg_bytes == 4000ull * 4096);
  // Ranked by CPU when nobody has the focus: LibreOffice first.
  CHECK(s.apps.front().app == "LibreOffice");
  CHECK_FALSE(s.foreground_available);
}

TEST_CASE("UsageMeter: RSS peak and average over several sweeps in one interval") {
  UsageMeter m(AllDayOffice());
  m.Observe(Sweep("proc_t0", kT0), {});
  m.Observe(Sweep("proc_t1", kT1), {});
  auto s = m.TakeInterval();
  const AppUsage* weird = Find(s, "my (weird) app");
  REQUIRE(weird);
  CHECK(weird->rss_peak_bytes == 4000ull * 4096);
  CHECK(weird->rss_avg_bytes == 3000ull * 4096);
  // A zombie is not a running instance; its app had no live process at all.
  const AppUsage* zombie = Find(s, "defunct kid");
  REQUIRE(zombie);
  CHECK(zombie->instances == 0);
  CHECK(zombie->running_seconds == 0);
  CHECK(s.interval_seconds == doctest::Approx(60));
}

TEST_CASE("UsageMeter: foreground time minus idle, office split") {
  AppsConfig c = AllDayOffice();
  UsageMeter m(c);
  ForegroundSample fg;
  fg.available = true;
  fg.pid = 100;  // Firefox
  fg.idle_seconds = 0;
  m.Observe(Sweep("proc_t0", kT0), fg);
  (void)m.TakeInterval();
  fg.idle_seconds = 20;
  m.Observe(Sweep("proc_t1", kT1), fg);
  auto s = m.TakeInterval();
  CHECK(s.foreground_available);
  REQUIRE(s.user_idle_seconds);
  CHECK(*s.user_idle_seconds == 20);
  REQUIRE(Find(s, "Firefox"));
  CHECK(Find(s, "Firefox")->foreground_seconds == doctest::Approx(40));
  CHECK(Find(s, "Firefox")->office_foreground_seconds == doctest::Approx(40));
  CHECK(s.apps.front().app == "Firefox");  // the focused app ranks first

  // Idle longer than the gap: no foreground time at all.
  fg.idle_seconds = 600;
  ProcessSweep later = Sweep("proc_t1", kT1 + 60);
  m.Observe(later, fg);
  auto idle = m.TakeInterval();
  REQUIRE(Find(idle, "Firefox"));
  CHECK(Find(idle, "Firefox")->foreground_seconds == 0);
  CHECK(Find(idle, "Firefox")->running_seconds == doctest::Approx(60));
}

TEST_CASE("UsageMeter: office hours outside, long gaps, top-N and deny list") {
  AppsConfig c;
  auto never = ParseOfficeHours("Sun 00:00-00:01", 420);
  REQUIRE(never.ok());
  c.office = *never;
  c.top_n = 2;
  c.deny = {"google chrome"};  // case-insensitive
  c.max_gap_seconds = 30;
  UsageMeter m(c);
  m.Observe(Sweep("proc_t0", kT0), {});
  (void)m.TakeInterval();
  m.Observe(Sweep("proc_t1", kT1), {});  // 60 s gap > 30 s: CPU yes, running time no
  auto s = m.TakeInterval();
  REQUIRE(s.apps.size() == 3);
  CHECK(s.apps[0].app == "LibreOffice");
  CHECK(s.apps[1].app == "Firefox");
  CHECK(s.apps[2].app == "other");
  double total_cpu = 0;
  for (const auto& a : s.apps) {
    total_cpu += a.cpu_seconds;
    CHECK(a.running_seconds == 0);
    CHECK(a.office_running_seconds == 0);
    CHECK(a.office_cpu_seconds == 0);  // CPU used outside office hours
    CHECK(a.app != "Google Chrome");
  }
  // Nothing is lost by folding: 3 + 0.2 + 0.5 + 2 + 4 + 1 + 0 + 0.1
  CHECK(total_cpu == doctest::Approx(10.8));
  CHECK(s.apps[2].instances == 6);
}

TEST_CASE("UsageMeter: a process renamed after exec is named again") {
  // Wine starts as its loader and names the process after the Windows program once that has
  // loaded; a wrapper script execs the real program. A sweep may fall in between.
  AppsConfig c = AllDayOffice();
  UsageMeter m(c);
  auto sweep = [](double t, const char* exe, const char* comm, double cpu) {
    ProcessSweep s;
    s.time = t;
    ProcessSample p;
    p.pid = 4321;
    p.start_ticks = 360000;
    p.start_time = kT0 - 1;
    p.exe = exe;
    p.comm = comm;
    p.cpu_seconds = cpu;
    p.rss_bytes = 1 << 20;
    s.processes.push_back(p);
    return s;
  };
  m.Observe(sweep(kT0, "/usr/lib/wine/wine64-preloader", "wine64-preloade", 0.5), {});
  auto first = m.TakeInterval();
  REQUIRE(Find(first, "Wine: wine64-preloade"));
  m.Observe(sweep(kT0 + 10, "/usr/lib/wine/wine64-preloader", "WINWORD.EXE", 4.5), {});
  m.Observe(sweep(kT0 + 20, "/usr/lib/wine/wine64-preloader", "WINWORD.EXE", 6.0), {});
  auto s = m.TakeInterval();
  const AppUsage* word = Find(s, "Microsoft Word");
  REQUIRE(word);
  CHECK(word->cpu_seconds == doctest::Approx(5.5));
  CHECK(word->running_seconds == doctest::Approx(20));
  CHECK(word->instances == 1);
  CHECK(word->starts == 0);  // the same process, not a new start
  CHECK_FALSE(Find(s, "Wine: wine64-preloade"));
}

TEST_CASE("UsageMeter: CPU seconds across the end of office hours are split by alive time") {
  AppsConfig c;  // the default: Mon-Fri 07:30-11:30,13:00-17:00 at UTC+7
  c.top_n = 100;
  UsageMeter m(c);
  // Friday 2025-11-28, 11:29:00 local (04:29:00 UTC); the next sweep 150 s later, 11:31:30:
  // 60 s of the gap (40 %) is in office hours.
  const double t0 = 1764304140, t1 = t0 + 150;
  auto proc = [](std::int64_t pid, const char* name, double start, double cpu) {
    ProcessSample p;
    p.pid = pid;
    p.start_ticks = static_cast<std::uint64_t>(pid);
    p.comm = name;
    p.exe = std::string("/usr/bin/") + name;
    p.start_time = start;
    p.cpu_seconds = cpu;
    return p;
  };
  ProcessSweep first;
  first.time = t0;
  first.processes = {proc(10, "alpha", t0 - 3600, 10)};
  m.Observe(first, {});
  (void)m.TakeInterval();
  ProcessSweep second;
  second.time = t1;
  second.processes = {
      proc(10, "alpha", t0 - 3600, 16),  // 6 s over the whole gap: 40 % in office hours
      proc(11, "gamma", t0 + 30, 2),     // alive 11:29:30-11:31:30: 30 of 120 s in office
      proc(12, "beta", t0 + 120, 3),     // started 11:31:00, after office hours
  };
  m.Observe(second, {});
  auto s = m.TakeInterval();
  struct Want {
    const char* app;
    double cpu, office_cpu, office_running;
  };
  const Want wants[] = {
      {"alpha", 6, 2.4, 60},
      {"gamma", 2, 0.5, 30},
      {"beta", 3, 0, 0},
  };
  for (const auto& w : wants) {
    CAPTURE(std::string(w.app));
    const AppUsage* a = Find(s, w.app);
    REQUIRE(a);
    CHECK(a->cpu_seconds == doctest::Approx(w.cpu));
    CHECK(a->office_cpu_seconds == doctest::Approx(w.office_cpu));
    CHECK(a->office_running_seconds == doctest::Approx(w.office_running));
  }

  // Folded into "other" (top 1): office CPU seconds add up like CPU seconds.
  c.top_n = 1;
  UsageMeter folded(c);
  folded.Observe(first, {});
  (void)folded.TakeInterval();
  folded.Observe(second, {});
  auto f = folded.TakeInterval();
  const AppUsage* other = Find(f, "other");
  REQUIRE(other);
  CHECK(other->cpu_seconds == doctest::Approx(5));
  CHECK(other->office_cpu_seconds == doctest::Approx(0.5));
}

TEST_CASE("UsageMeter: starts from the kernel's announcements and from sweeps, each counted once") {
  UsageMeter m(AllDayOffice());
  auto proc = [](std::int64_t pid, double started, const char* exe, const char* comm) {
    ProcessSample p;
    p.pid = pid;
    p.start_ticks = static_cast<std::uint64_t>((started - kBoot) * 100);
    p.start_time = started;
    p.exe = exe;
    p.comm = comm;
    p.rss_bytes = 1 << 20;
    return p;
  };
  auto sweep = [](double t, std::vector<ProcessSample> ps) {
    ProcessSweep s;
    s.time = t;
    s.processes = std::move(ps);
    return s;
  };
  const auto shell = proc(100, kT0 - 100, "/usr/bin/bash", "bash");
  m.Observe(sweep(kT0, {shell}), {});
  (void)m.TakeInterval();
  // Between two sweeps: a 50 ms program no sweep sees, and one still running at the next sweep.
  m.Exec(200, AppNameFor("/usr/bin/gpg", "gpg"));
  m.Exec(300, AppNameFor("/opt/zalo/zalo", "zalo"));
  const auto zalo = proc(300, kT0 + 4, "/opt/zalo/zalo", "zalo");
  // Started just before this sweep, announced only after it: counted by the sweep.
  const auto evince = proc(400, kT0 + 9.9, "/usr/bin/evince", "evince");
  m.Observe(sweep(kT0 + 10, {shell, zalo, evince}), {});
  m.Exec(400, AppNameFor("/usr/bin/evince", "evince"));  // drained before the next sweep
  m.Observe(sweep(kT0 + 20, {shell, zalo, evince}), {});
  const auto s = m.TakeInterval();
  REQUIRE(Find(s, "gpg"));
  CHECK(Find(s, "gpg")->starts == 1);  // invisible to the sweeps, counted all the same
  CHECK(Find(s, "gpg")->instances == 0);
  REQUIRE(Find(s, "Zalo"));
  CHECK(Find(s, "Zalo")->starts == 1);  // announced and then seen: once
  REQUIRE(Find(s, "Evince"));
  CHECK(Find(s, "Evince")->starts == 1);  // seen and then announced: once
  REQUIRE(Find(s, "bash"));
  CHECK(Find(s, "bash")->starts == 0);
}

TEST_CASE("SampleDue: the sampling thread skips a tick soon after any sweep") {
  struct Row {
    double last, now, period;
    bool due;
  };
  const Row rows[] = {
      {0, 10, 10, true},     // its own last sweep, one period ago
      {15, 20, 10, false},   // a report swept 5 s ago
      {15, 24.5, 10, true},  // 9.5 s: a tick a little early still sweeps
      {15, 23.9, 10, false}, {100, 100, 0.5, false}, {100, 100.45, 0.5, true},
  };
  for (const Row& r : rows) {
    CAPTURE(r.last);
    CAPTURE(r.now);
    CHECK(SampleDue(r.last, r.now, r.period) == r.due);
  }
}
