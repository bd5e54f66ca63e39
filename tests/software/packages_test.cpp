// Package inventory: dpkg status fixture with tricky stanzas, rpm/flatpak/snap output tables,
// hash and diff, the state file, the OS install date rule, and the collector on a copied
// fixture root (an rpm-less machine: no tool is run under --path.rootfs).
#include "collectors/packages.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "fsutil.h"
#include "options.h"

using namespace wardwatch::agent;
using wardwatch::schema::Package;
namespace fs = std::filesystem;

namespace {

const Package* Find(const std::vector<Package>& v, const std::string& name) {
  for (const auto& p : v) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Package Pkg(std::string name, std::string version, std::string arch = "amd64",
            std::string source = "dpkg") {
  Package p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = std::move(arch);
  p.source = std::move(source);
  return p;
}

}  // namespace

TEST_CASE("ParseDpkgStatus on the tricky fixture") {
  auto text = ReadFile(WARDWATCH_FIXTURES "/software/rootfs/var/lib/dpkg/status");
  REQUIRE(text.ok());
  DpkgStatusStats st;
  auto pkgs = ParseDpkgStatus(*text, &st);
  REQUIRE(pkgs.ok());
  CHECK(st.installed == 7);
  CHECK(st.not_installed == 2);  // deinstall ok config-files, purge ok not-installed
  CHECK(st.broken == 1);         // half-installed
  CHECK(st.unnamed == 1);
  REQUIRE(pkgs->size() == 7);
  struct Want {
    const char* name;
    const char* version;
    const char* arch;
  };
  const Want wants[] = {
      {"libc6", "2.36-9+deb12u4", "amd64"},              // multi-line description with " ."
      {"firefox-esr", "115.5.0esr-1~deb12u1", "amd64"},  // Conffiles, colons in description
      {"adduser", "3.134", "all"},                       // no Installed-Size
      {"meta-noversion", "", "all"},                     // no Version
      {"vnpt-ca-plugin", "1:3.2.0+vn~beta2", "amd64"},   // epoch, on hold
      {"libfoo1", "0.9-3", "i386"},                      // triggers-pending counts as installed
      {"last-no-newline", "7.1", "amd64"},               // file ends without a newline
  };
  for (const auto& w : wants) {
    CAPTURE(w.name);
    const Package* p = Find(*pkgs, w.name);
    REQUIRE(p);
    CHECK(p->version == w.version);
    CHECK(p->arch == w.arch);
    CHECK(p->source == "dpkg");
  }
  CHECK_FALSE(Find(*pkgs, "vim-tiny"));
  CHECK_FALSE(Find(*pkgs, "broken-upgrade"));
  CHECK_FALSE(Find(*pkgs, "gone-pkg"));
}

TEST_CASE("ParseDpkgStatus: small inputs and errors") {
  struct Case {
    const char* text;
    bool ok;
    std::size_t count;
    const char* error_part;
  };
  const Case cases[] = {
      {"", true, 0, ""},
      {"\n\n\n", true, 0, ""},
      {"Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n", true, 1, ""},
      {"Package: a\nStatus: install ok installed\n\n\nPackage: b\nStatus: install ok installed\n",
       true, 2, ""},
      {"Package: a\nStatus: install ok\n", true, 0, ""},  // malformed Status: not installed
      {" leading continuation\n", false, 0, "line 1: continuation line outside"},
      {"Package: a\nthis is not a field\n", false, 0, "line 2: not \"Field: value\""},
      {"Package: a\n: empty field name\n", false, 0, "line 2"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = ParseDpkgStatus(c.text);
    REQUIRE(r.ok() == c.ok);
    if (c.ok) {
      CHECK(r->size() == c.count);
    } else {
      CHECK(r.error().find(c.error_part) != std::string::npos);
    }
  }
}

TEST_CASE("rpm, flatpak and snap output") {
  auto rpm = ParseRpmQa(
      "bash\t5.2.15-3.fc38\tx86_64\t1700000000\n"
      "gpg-pubkey\t8d1b4c7c-64a4c5ff\t(none)\t1690000000\n"
      "kernel-core\t1:6.5.6-300.fc39\tx86_64\t0\n");
  REQUIRE(rpm.ok());
  REQUIRE(rpm->size() == 3);
  CHECK((*rpm)[0].install_time == 1700000000u);
  CHECK((*rpm)[1].arch.empty());
  CHECK((*rpm)[2].version == "1:6.5.6-300.fc39");
  CHECK_FALSE((*rpm)[2].install_time);
  auto bad_rpm = ParseRpmQa("bash 5.2 x86_64\n");
  REQUIRE_FALSE(bad_rpm.ok());
  CHECK(bad_rpm.error().find("line 1") != std::string::npos);

  auto flat = ParseFlatpakList(
      "Application ID\tVersion\tArch\n"
      "org.libreoffice.LibreOffice\t7.6.2.1\tx86_64\n"
      "org.freedesktop.Platform\t\tx86_64\n");
  REQUIRE(flat.ok());
  REQUIRE(flat->size() == 2);
  CHECK((*flat)[0].name == "org.libreoffice.LibreOffice");
  CHECK((*flat)[1].version.empty());
  CHECK(ParseFlatpakList("only-one-column\n").ok() == false);

  auto snap = ParseSnapList(
      "Name      Version        Rev    Tracking         Publisher   Notes\n"
      "core22    20231123       1033   latest/stable    canonical✓  base\n"
      "firefox   120.0-2        3504   latest/stable/…  mozilla✓    -\n");
  REQUIRE(snap.ok());
  REQUIRE(snap->size() == 2);
  CHECK((*snap)[1].name == "firefox");
  CHECK((*snap)[1].version == "120.0-2");
  CHECK((*snap)[1].source == "snap");
}

TEST_CASE("InventoryHash, DiffPackages and the state file") {
  std::vector<Package> before{Pkg("a", "1"), Pkg("b", "1"), Pkg("c", "1", "i386"),
                              Pkg("c", "1", "amd64")};
  std::vector<Package> after{Pkg("b", "2"), Pkg("c", "1", "amd64"), Pkg("d", "1"),
                             Pkg("a", "1", "", "flatpak")};
  SortPackages(before);
  SortPackages(after);
  const std::string h1 = InventoryHash(before);
  CHECK(h1.size() == 16);
  CHECK(h1 != InventoryHash(after));
  auto installed = before;
  installed[0].install_time = 123;  // install dates do not change the hash
  CHECK(InventoryHash(installed) == h1);
  // Field boundaries matter: ("ab","c") differs from ("a","bc").
  CHECK(InventoryHash({Pkg("ab", "c")}) != InventoryHash({Pkg("a", "bc")}));

  auto changes = DiffPackages(before, after);
  std::map<std::string, std::string> got;
  for (const auto& c : changes) got[c.name + "/" + c.change] = c.from_version + ">" + c.to_version;
  CHECK(got.size() == 5);
  CHECK(got["b/upgraded"] == "1>2");
  CHECK(got["d/added"] == ">1");
  CHECK(got["a/added"] == ">1");  // flatpak "a" is another package than dpkg "a"
  CHECK(got["a/removed"] == "1>");
  CHECK(got["c/removed"] == "1>");  // the i386 one
  CHECK(DiffPackages(after, after).empty());

  auto state = DecodeInventoryState(EncodeInventoryState(before));
  REQUIRE(state.ok());
  CHECK(InventoryHash(*state) == h1);
  auto bad = DecodeInventoryState("dpkg\ta\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("line 1") != std::string::npos);
}

TEST_CASE("PickOsInstallTime: the oldest plausible candidate") {
  const std::uint64_t now = 1795996800;
  CHECK(PickOsInstallTime({}, now) == std::nullopt);
  CHECK(PickOsInstallTime({1700000000, 1600000000, 1750000000}, now) == 1600000000u);
  CHECK(PickOsInstallTime({0, 1700000000}, now) == 1700000000u);  // epoch: clock unset
  CHECK(PickOsInstallTime({now + 10 * 86400, 1700000000}, now) == 1700000000u);  // future
  CHECK(PickOsInstallTime({315532800}, now) == std::nullopt);  // 1980: not plausible
}

TEST_CASE("OldestPackageInstallTime: the fallback when no installer log or birth time is known") {
  const std::uint64_t now = 1795996800;
  auto pkg = [](std::optional<std::uint64_t> t) {
    wardwatch::schema::Package p;
    p.name = "p";
    p.install_time = t;
    return p;
  };
  CHECK(OldestPackageInstallTime({}, now) == std::nullopt);
  CHECK(OldestPackageInstallTime({pkg(std::nullopt)}, now) == std::nullopt);  // flatpak, snap
  CHECK(OldestPackageInstallTime({pkg(1750775866), pkg(1747699200), pkg(std::nullopt)}, now) ==
        1747699200u);
  CHECK(OldestPackageInstallTime({pkg(0), pkg(1750000000)}, now) == 1750000000u);  // epoch
  CHECK(OldestPackageInstallTime({pkg(now + 30 * 86400), pkg(1750000000)}, now) == 1750000000u);
}

namespace {

struct TempRoot {
  fs::path dir;
  TempRoot() {
    dir = fs::temp_directory_path() / ("wardwatch-software-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(WARDWATCH_FIXTURES "/software/rootfs", dir / "root", fs::copy_options::recursive);
    fs::create_directories(dir / "state");
  }
  ~TempRoot() { fs::remove_all(dir); }
  void SetMtime(const fs::path& rel, std::uint64_t t) {
    struct utimbuf u {
      static_cast<time_t>(t), static_cast<time_t>(t)
    };
    REQUIRE(::utime((dir / "root" / rel).c_str(), &u) == 0);
  }
  void Append(const fs::path& rel, const std::string& text) {
    std::ofstream(dir / "root" / rel, std::ios::app) << text;
  }
};

wardwatch::Report CollectOnce(Collector& c, const AgentOptions& o,
                              std::function<SteadyTime()> clock = {}) {
  wardwatch::Report r;
  CollectContext ctx{.paths = o.paths, .options = &o, .clock = std::move(clock)};
  auto s = c.Collect(ctx, r);
  CHECK_MESSAGE(s.ok(), s.error());
  REQUIRE(r.software);
  return r;
}

}  // namespace

TEST_CASE("packages collector: full list only on change, changes survive a restart") {
  TempRoot t;
  t.SetMtime("var/lib/dpkg/info/firefox-esr.list", 1700000000);
  t.SetMtime("var/log/installer/syslog", 1690000000);  // older than machine-id and the root
  AgentOptions o;
  o.paths.rootfs = (t.dir / "root").string();
  o.state_dir = (t.dir / "state").string();

  auto c = NewPackagesCollector();
  auto r1 = CollectOnce(*c, o);
  const auto& s1 = *r1.software;
  REQUIRE(s1.packages);
  CHECK(s1.packages->size() == 7);
  CHECK(s1.changes.empty());             // nothing to compare with yet
  CHECK(s1.package_counts.size() == 1);  // an rpm-less machine: dpkg only
  CHECK(s1.package_counts.at("dpkg") == 7);
  CHECK_FALSE(s1.package_counts.count("rpm"));
  const Package* ff = Find(*s1.packages, "firefox-esr");
  REQUIRE(ff);
  CHECK(ff->install_time == 1700000000u);
  const Package* libc = Find(*s1.packages, "libc6");  // "libc6:amd64.list"
  REQUIRE(libc);
  CHECK(libc->install_time.has_value());
  CHECK_FALSE(Find(*s1.packages, "meta-noversion")->install_time);  // no .list file
  CHECK(s1.os_install_time == 1690000000u);
  CHECK(fs::exists(t.dir / "state" / "software-inventory.tsv"));

  auto r2 = CollectOnce(*c, o);  // nothing changed: hash only
  CHECK(r2.software->inventory_hash == s1.inventory_hash);
  CHECK_FALSE(r2.software->packages);
  CHECK(r2.software->changes.empty());
  CHECK(r2.software->package_counts.at("dpkg") == 7);

  // An upgrade and a new package; the status file's mtime changes with the write.
  auto status = ReadFile((t.dir / "root/var/lib/dpkg/status").string());
  REQUIRE(status.ok());
  std::string text = *status;
  text.replace(text.find("Version: 3.134"), 14, "Version: 3.135");
  text += "\n\nPackage: zoom\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.16\n";
  std::ofstream(t.dir / "root/var/lib/dpkg/status", std::ios::trunc) << text;
  t.SetMtime("var/lib/dpkg/status", 1800000000);

  auto restarted = NewPackagesCollector();  // a restart: the baseline comes from --state-dir
  auto r3 = CollectOnce(*restarted, o);
  REQUIRE(r3.software->packages);
  CHECK(r3.software->packages->size() == 8);
  CHECK(r3.software->inventory_hash != s1.inventory_hash);
  std::map<std::string, std::string> got;
  for (const auto& ch : r3.software->changes) got[ch.name] = ch.change + " " + ch.to_version;
  CHECK(got.size() == 2);
  CHECK(got["adduser"] == "upgraded 3.135");
  CHECK(got["zoom"] == "added 5.16");

  auto r4 = CollectOnce(*NewPackagesCollector(), o);  // restarted again: nothing new
  CHECK_FALSE(r4.software->packages);
  CHECK(r4.software->changes.empty());

  // --print never touches the state folder and always shows the list.
  o.print = true;
  auto r5 = CollectOnce(*NewPackagesCollector(), o);
  CHECK(r5.software->packages);
}

TEST_CASE("packages collector: dpkg is read again when its stamp changes or every 10 minutes") {
  TempRoot t;
  const fs::path status = t.dir / "root/var/lib/dpkg/status";
  t.SetMtime("var/lib/dpkg/status", 1750000000);
  AgentOptions o;
  o.paths.rootfs = (t.dir / "root").string();
  o.state_dir = (t.dir / "state").string();
  SteadyTime now{std::chrono::seconds(1)};
  auto clock = [&now] { return now; };
  // Rewrites the status file in place (same inode and size) and puts its mtime back.
  auto rewrite_same_stamp = [&](const std::string& from, const std::string& to) {
    auto text = ReadFile(status.string());
    REQUIRE(text.ok());
    std::string s = *text;
    REQUIRE(s.find(from) != std::string::npos);
    s.replace(s.find(from), from.size(), to);
    std::ofstream(status, std::ios::in | std::ios::out) << s;  // no truncation: same inode
    t.SetMtime("var/lib/dpkg/status", 1750000000);
  };
  auto state_mtime = [&] { return fs::last_write_time(t.dir / "state/software-inventory.tsv"); };

  auto c = NewPackagesCollector();
  auto r1 = CollectOnce(*c, o, clock);
  REQUIRE(r1.software->packages);
  const auto written = state_mtime();

  // Same inode, size and mtime: the kept list is sent (hash and counts every report).
  rewrite_same_stamp("Version: 3.134", "Version: 3.135");
  now += std::chrono::seconds(599);
  auto r2 = CollectOnce(*c, o, clock);
  CHECK(r2.software->inventory_hash == r1.software->inventory_hash);
  CHECK(r2.software->package_counts == r1.software->package_counts);
  CHECK_FALSE(r2.software->packages);
  CHECK(r2.software->changes.empty());
  CHECK(state_mtime() == written);

  // Ten minutes after the last read: read again, the upgrade is seen and the state written.
  now += std::chrono::seconds(1);
  auto r3 = CollectOnce(*c, o, clock);
  CHECK(r3.software->inventory_hash != r1.software->inventory_hash);
  REQUIRE(r3.software->packages);
  REQUIRE(r3.software->changes.size() == 1);
  CHECK(r3.software->changes[0].to_version == "3.135");
  auto state = ReadFile((t.dir / "state/software-inventory.tsv").string());
  REQUIRE(state.ok());
  CHECK(state->find("\t3.135\t") != std::string::npos);

  // Replaced by a new file (dpkg writes status-new and renames it): another inode, read at once
  // although size and mtime are the same.
  auto text = ReadFile(status.string());
  REQUIRE(text.ok());
  std::string s = *text;
  s.replace(s.find("Version: 3.135"), 14, "Version: 3.136");
  std::ofstream(t.dir / "root/var/lib/dpkg/status-new") << s;
  fs::rename(t.dir / "root/var/lib/dpkg/status-new", status);
  t.SetMtime("var/lib/dpkg/status", 1750000000);
  now += std::chrono::seconds(1);
  auto r4 = CollectOnce(*c, o, clock);
  REQUIRE(r4.software->changes.size() == 1);
  CHECK(r4.software->changes[0].to_version == "3.136");

  // A size change is seen at once too.
  t.Append("var/lib/dpkg/status",
           "\n\nPackage: zoom\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.16\n");
  t.SetMtime("var/lib/dpkg/status", 1750000000);
  now += std::chrono::seconds(1);
  auto r5 = CollectOnce(*c, o, clock);
  REQUIRE(r5.software->changes.size() == 1);
  CHECK(r5.software->changes[0].name == "zoom");
  CHECK(r5.software->package_counts.at("dpkg") == 8);

  // Unchanged again: counts and hash without the list.
  now += std::chrono::seconds(1);
  auto r6 = CollectOnce(*c, o, clock);
  CHECK(r6.software->inventory_hash == r5.software->inventory_hash);
  CHECK(r6.software->package_counts.at("dpkg") == 8);
  CHECK_FALSE(r6.software->packages);
}

TEST_CASE("InventoryTracker::EmitUnchanged repeats the last hash, counts and cut note") {
  InventoryTracker tracker;
  wardwatch::schema::SoftwareSection before;
  std::string errors;
  CHECK_FALSE(tracker.EmitUnchanged(before, errors));
  std::vector<Package> list(InventoryTracker::kMaxPackages + 1);
  for (std::size_t i = 0; i < list.size(); ++i) {
    list[i].source = i % 2 ? "rpm" : "dpkg";
    list[i].name = "p" + std::to_string(i);
  }
  SortPackages(list);
  AgentOptions o;
  o.print = true;
  wardwatch::schema::SoftwareSection first;
  tracker.Emit(list, &o, first, errors);
  CHECK(errors.find("list cut") != std::string::npos);
  wardwatch::schema::SoftwareSection again;
  std::string errors2;
  REQUIRE(tracker.EmitUnchanged(again, errors2));
  CHECK(again.inventory_hash == first.inventory_hash);
  CHECK(again.package_counts == first.package_counts);
  CHECK(again.package_counts.at("dpkg") + again.package_counts.at("rpm") ==
        InventoryTracker::kMaxPackages);
  CHECK_FALSE(again.packages);
  CHECK(errors2 == errors);
}

TEST_CASE("packages collector: a machine without dpkg reports no packages, not an error") {
  AgentOptions o;
  o.paths.rootfs = WARDWATCH_FIXTURES "/software/proc_t0";  // any tree without var/lib/dpkg
  o.print = true;
  auto c = NewPackagesCollector();
  auto r = CollectOnce(*c, o);
  CHECK(r.software->package_counts.empty());
  REQUIRE(r.software->packages);
  CHECK(r.software->packages->empty());
}

TEST_CASE("packages collector on this machine: package tools that are not installed are no error") {
  // The rpm-less machine for real: the fixture roots above never run tools at all.
  AgentOptions o;
  o.print = true;
  auto c = NewPackagesCollector();
  auto r = CollectOnce(*c, o);  // fails the test if the collector reports an error
  const auto& counts = r.software->package_counts;
  for (const char* tool : {"rpm", "flatpak", "snap"}) {
    bool installed = false;
    for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/"}) {
      installed = installed || ::access((std::string(dir) + tool).c_str(), X_OK) == 0;
    }
    CAPTURE(tool);
    if (!installed) CHECK_FALSE(counts.count(tool));
    const std::string seen = std::string(tool) + (installed ? " installed" : " not installed");
    MESSAGE(seen);
  }
  if (fs::exists("/var/lib/dpkg/status")) {
    REQUIRE(counts.count("dpkg"));
    CHECK(counts.at("dpkg") > 0);
    REQUIRE(r.software->packages);
    CHECK(r.software->packages->size() == counts.at("dpkg") +
                                              (counts.count("rpm") ? counts.at("rpm") : 0) +
                                              (counts.count("flatpak") ? counts.at("flatpak") : 0) +
                                              (counts.count("snap") ? counts.at("snap") : 0));
  }
}
