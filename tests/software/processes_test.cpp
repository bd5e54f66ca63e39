// /proc/PID/stat parsing (table-driven) and a sweep over the fixture /proc tree.
#include "collectors/processes.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace wardwatch::agent;

namespace {

std::string Tail() {
  // ppid .. rss and beyond: fields (4)..(52) with utime=11 stime=22 starttime=333 rss=44.
  return " 1 1 1 0 -1 4194560 0 0 0 0 11 22 0 0 20 0 1 0 333 1000 44 18446744073709551615 0 0 "
         "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
}

}  // namespace

TEST_CASE("ParseProcPidStat: names with spaces and parentheses") {
  struct Case {
    std::string text;
    std::string comm;
    char state;
  };
  const Case cases[] = {
      {"42 (bash) S" + Tail(), "bash", 'S'},
      {"42 (my (weird) app) R" + Tail(), "my (weird) app", 'R'},
      {"42 ()) (x) Z" + Tail(), ")) (x", 'Z'},
      {"42 (a b  c) D" + Tail(), "a b  c", 'D'},
      {"42 () S" + Tail(), "", 'S'},
      {"42 (kworker/0:1-events) I" + Tail(), "kworker/0:1-events", 'I'},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto s = ParseProcPidStat(c.text);
    REQUIRE(s.ok());
    CHECK(s->pid == 42);
    CHECK(s->comm == c.comm);
    CHECK(s->state == c.state);
    CHECK(s->ppid == 1);
    CHECK(s->utime == 11);
    CHECK(s->stime == 22);
    CHECK(s->starttime == 333);
    CHECK(s->rss_pages == 44);
    CHECK_FALSE(s->kernel_thread());
  }
}

TEST_CASE("ParseProcPidStat: kernel threads and zombies") {
  auto k = ParseProcPidStat(
      "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 18446744073709551615 0 0 "
      "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  REQUIRE(k.ok());
  CHECK(k->kernel_thread());
  auto z = ParseProcPidStat("9 (defunct) Z" + Tail());
  REQUIRE(z.ok());
  CHECK(z->zombie());
}

TEST_CASE("ParseProcPidStat: bad input names what is wrong") {
  struct Case {
    std::string text;
    std::string error_part;
  };
  const Case cases[] = {
      {"", "no \"(comm)\""},
      {"42 bash S 1", "no \"(comm)\""},
      {"x (bash) S" + Tail(), "bad pid"},
      {"42 (bash) S 1 2 3", "fields after the name"},
      {"42 (bash) SS" + Tail(), "bad state"},
      {"42 (bash) S 1 1 1 0 -1 4194560 0 0 0 0 eleven 22 0 0 20 0 1 0 333 1000 44 0\n",
       "not a number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto s = ParseProcPidStat(c.text);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().find(c.error_part) != std::string::npos);
  }
}

TEST_CASE("CleanExePath strips the deleted marker only at the end") {
  CHECK(CleanExePath("/usr/bin/x (deleted)") == "/usr/bin/x");
  CHECK(CleanExePath("/opt/(deleted) dir/x") == "/opt/(deleted) dir/x");
  CHECK(CleanExePath("/usr/bin/x") == "/usr/bin/x");
}

TEST_CASE("SweepProcesses over the fixture tree") {
  SweepOptions o;
  o.boot_time = 1764300000;
  o.ticks_per_second = 100;
  o.page_size = 4096;
  auto sweep = SweepProcesses(WARDWATCH_FIXTURES "/software/proc_t0", o, 1764303600);
  REQUIRE(sweep.ok());
  CHECK(sweep->kernel_threads == 2);  // kthreadd, kworker
  CHECK(sweep->vanished == 1);        // 4242 has a folder but no stat
  CHECK(sweep->unparsable == 0);
  REQUIRE(sweep->processes.size() == 6);
  auto find = [&](std::int64_t pid) {
    return *std::find_if(sweep->processes.begin(), sweep->processes.end(),
                         [&](const ProcessSample& p) { return p.pid == pid; });
  };
  const auto weird = find(200);
  CHECK(weird.comm == "my (weird) app");
  CHECK(weird.exe == "/opt/weird app/my (weird) app");
  CHECK(weird.cpu_seconds == doctest::Approx(1.0));
  CHECK(weird.start_time == doctest::Approx(1764300000 + 2000));
  CHECK(weird.rss_bytes == 2000ull * 4096);
  CHECK(find(500).exe == "/opt/google/chrome/chrome");  // "(deleted)" dropped
  CHECK(find(1).exe.empty());                           // unreadable link: name from comm later
  CHECK(find(300).zombie);

  // Sorted by pid, whatever order the folder lists them in.
  CHECK(
      std::is_sorted(sweep->processes.begin(), sweep->processes.end(),
                     [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; }));

  o.max_processes = 2;
  auto capped = SweepProcesses(WARDWATCH_FIXTURES "/software/proc_t0", o, 1764303600);
  REQUIRE(capped.ok());
  CHECK(capped->processes.size() == 2);
  CHECK(capped->dropped == 4);

  auto missing = SweepProcesses("/nonexistent/proc", o, 0);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("/nonexistent/proc") != std::string::npos);
}

TEST_CASE("SweepProcesses reuses the last sweep's exe path only for the same process") {
  SweepOptions o;
  o.boot_time = 1764300000;
  auto first = SweepProcesses(WARDWATCH_FIXTURES "/software/proc_t0", o, 1764303600);
  REQUIRE(first.ok());
  auto sample = [](ProcessSweep& s, std::int64_t pid) -> ProcessSample& {
    return *std::find_if(s.processes.begin(), s.processes.end(),
                         [&](const ProcessSample& p) { return p.pid == pid; });
  };
  // Paths the fixture's links do not hold: a second sweep shows whether it read the link.
  ProcessSweep previous = *first;
  sample(previous, 200).exe = "/remembered/200";
  sample(previous, 500).exe = "/remembered/500";
  sample(previous, 500).start_ticks += 1;  // pid 500 reused by a new process
  sample(previous, 100).exe = "/remembered/100";
  sample(previous, 100).comm = "before-exec";  // same process, another program since
  auto second = SweepProcesses(WARDWATCH_FIXTURES "/software/proc_t0", o, 1764303610, &previous);
  REQUIRE(second.ok());
  CHECK(sample(*second, 200).exe == "/remembered/200");
  CHECK(sample(*second, 500).exe == "/opt/google/chrome/chrome");
  CHECK(sample(*second, 100).exe == "/usr/lib/firefox-esr/firefox-esr");
  CHECK(second->processes.size() == first->processes.size());
}

TEST_CASE("SweepProcesses reads a kernel thread again only for a new folder or a full sweep") {
  namespace fs = std::filesystem;
  const fs::path tree = fs::temp_directory_path() / ("ww-kthreads-" + std::to_string(::getpid()));
  fs::remove_all(tree);
  fs::copy(WARDWATCH_FIXTURES "/software/proc_t0", tree,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  auto write_stat = [&](const std::string& pid, const std::string& text) {
    std::ofstream(tree / pid / "stat", std::ios::trunc) << text;
  };
  // What pid 2 and 37 would read as if a user process had them.
  const std::string user2 = "2 (editor) S" + Tail();
  const std::string user37 = "37 (viewer) S" + Tail();
  auto has = [](const ProcessSweep& s, std::int64_t pid) {
    return std::any_of(s.processes.begin(), s.processes.end(),
                       [&](const ProcessSample& p) { return p.pid == pid; });
  };
  SweepOptions o;
  auto first = SweepProcesses(tree.string(), o, 100);
  REQUIRE(first.ok());
  CHECK(first->kernel_threads == 2);
  CHECK(first->kernel_threads_known == 0);
  CHECK(first->sweeps_since_full == 0);
  REQUIRE(first->kernel_thread_ids.size() == 2);
  CHECK(first->kernel_thread_ids[0].pid == 2);
  CHECK(first->kernel_thread_ids[1].pid == 37);

  // Same folders: counted, not read. Rewriting a stat in place (the same inode) is therefore
  // not seen, which is how the test knows the file was not read.
  write_stat("2", user2);
  auto second = SweepProcesses(tree.string(), o, 110, &*first);
  REQUIRE(second.ok());
  CHECK(second->kernel_threads == 2);
  CHECK(second->kernel_threads_known == 2);
  CHECK(second->sweeps_since_full == 1);
  CHECK_FALSE(has(*second, 2));
  CHECK(second->processes.size() == first->processes.size());

  // A new process with pid 2 gets a new folder (a new inode): read at once. The old folder is
  // renamed aside, not removed, so the filesystem cannot give its inode to the new one.
  fs::rename(tree / "2", tree / "gone-2");
  fs::create_directory(tree / "2");
  write_stat("2", user2);
  auto third = SweepProcesses(tree.string(), o, 120, &*second);
  REQUIRE(third.ok());
  CHECK(has(*third, 2));
  CHECK(third->kernel_threads == 1);
  CHECK(third->kernel_threads_known == 1);

  // Every kFullSweepEvery-th sweep reads them all, whatever the inodes say.
  write_stat("37", user37);
  ProcessSweep due = *third;
  due.sweeps_since_full = kFullSweepEvery - 2;
  auto not_yet = SweepProcesses(tree.string(), o, 130, &due);
  REQUIRE(not_yet.ok());
  CHECK_FALSE(has(*not_yet, 37));
  CHECK(not_yet->sweeps_since_full == kFullSweepEvery - 1);
  auto full = SweepProcesses(tree.string(), o, 140, &*not_yet);
  REQUIRE(full.ok());
  CHECK(full->sweeps_since_full == 0);
  CHECK(full->kernel_threads_known == 0);
  CHECK(has(*full, 37));
  CHECK(full->kernel_threads == 0);
  fs::remove_all(tree);
}
