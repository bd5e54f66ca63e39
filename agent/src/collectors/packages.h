// packages: installed software (dpkg, rpm, flatpak, snap) with versions and install dates, an
// inventory hash sent in every report, the full list only when it changed, changes as
// added/removed/upgraded, and the operating system's install date.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

struct DpkgStatusStats {
  std::uint64_t installed = 0;
  std::uint64_t not_installed = 0;  // config-files, not-installed, deinstalled leftovers
  std::uint64_t broken = 0;         // half-installed, unpacked, half-configured
  std::uint64_t unnamed = 0;        // stanzas without a Package field (skipped)
};

// Parses /var/lib/dpkg/status: RFC 822-style stanzas with continuation lines. Keeps packages
// whose state (third word of Status) is installed or triggers-awaited/-pending. A line that is
// neither "Field: value" nor a continuation is an error naming its line number.
Result<std::vector<schema::Package>> ParseDpkgStatus(std::string_view text,
                                                     DpkgStatusStats* stats = nullptr);

// `rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{INSTALLTIME}\n'`
Result<std::vector<schema::Package>> ParseRpmQa(std::string_view text);
// `flatpak list --columns=application,version,arch` (tab-separated; a header line is skipped).
Result<std::vector<schema::Package>> ParseFlatpakList(std::string_view text);
// `snap list` (columns: Name Version Rev Tracking Publisher Notes; header skipped).
Result<std::vector<schema::Package>> ParseSnapList(std::string_view text);

// Sorted by (source, name, arch, version): the canonical order for hashing and sending.
void SortPackages(std::vector<schema::Package>& packages);
// FNV-1a 64 of the sorted "source\tname\tarch\tversion\n" lines, as 16 hex digits. Install
// times are left out so re-reading file times never looks like a change.
std::string InventoryHash(const std::vector<schema::Package>& sorted);
// Changes from `before` to `after` (both sorted), keyed by (source, name, arch). A changed
// version is "upgraded" (the direction is not judged).
std::vector<schema::PackageChange> DiffPackages(const std::vector<schema::Package>& before,
                                                const std::vector<schema::Package>& after);

// The list kept in --state-dir to diff against after a restart: one package per line,
// "source\tname\tarch\tversion\tinstall_time".
std::string EncodeInventoryState(const std::vector<schema::Package>& sorted);
Result<std::vector<schema::Package>> DecodeInventoryState(std::string_view text);

// OS install date rule (docs/software.md): the oldest of the candidates that exist and lie
// after 2000-01-01 and not in the future: the oldest file time in /var/log/installer (Debian
// and Ubuntu installers), the birth time of /etc/machine-id (first boot), and the birth time
// of the root directory (filesystem creation).
std::optional<std::uint64_t> PickOsInstallTime(const std::vector<std::uint64_t>& candidates,
                                               std::uint64_t now);
// When none of those is known (a cloud or cloned image: no installer log, birth times not kept
// or zeroed): the oldest plausible package install date, from a package never upgraded since
// the system was put on the disk (for a cloned image, the image's build day).
std::optional<std::uint64_t> OldestPackageInstallTime(const std::vector<schema::Package>& packages,
                                                      std::uint64_t now);

// What the packages collector sends of the installed list, on every platform: counts and the
// hash always; the whole list and the changes only when the hash moved since the last report
// (or the last run: the sent list is kept in --state-dir so a restart diffs against it).
class InventoryTracker {
 public:
  static constexpr std::size_t kMaxPackages = 50000;
  static constexpr const char* kStateFile = "software-inventory.tsv";
  // `sorted` in SortPackages order; a list over kMaxPackages is cut. Problems (a cut list, a
  // state file that cannot be read or written) are appended to `errors`, "; "-separated.
  void Emit(std::vector<schema::Package> sorted, const AgentOptions* options,
            schema::SoftwareSection& out, std::string& errors);
  // For a collector whose sources have not changed since the last Emit: the same hash, counts
  // and cut note again, without copying, sorting or hashing the list (the hash is the one last
  // sent, so Emit would send no list and write no state either). False before the first Emit.
  bool EmitUnchanged(schema::SoftwareSection& out, std::string& errors) const;

 private:
  bool emitted_ = false;
  std::map<std::string, std::uint64_t> last_counts_;
  std::string last_note_;  // the cut list's note, repeated while the list is unchanged
  bool baseline_loaded_ = false;
  std::optional<std::vector<schema::Package>> last_sent_;
  std::string last_sent_hash_;
};

std::unique_ptr<Collector> NewPackagesCollector();

}  // namespace wardwatch::agent
