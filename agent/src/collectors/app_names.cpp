// The known-application table: executable paths (and Windows program names under Wine, and
// process names when the executable link is unreadable) mapped to the stable names the IT
// officer sees. Add a row to add an application; the first row that
// matches wins, so put specific rows above general ones. Patterns compare case-insensitively.
#include <algorithm>

#include "collectors/apps.h"

namespace wardwatch::agent {
namespace {

using M = KnownApp::Match;

const KnownApp kKnownApps[] = {
    // Browsers. Whole install folders, so helpers (crashpad, zygote) count as the browser.
    {M::kPathContains, "/opt/google/chrome", "Google Chrome"},
    {M::kExeBasename, "google-chrome", "Google Chrome"},
    {M::kExeBasename, "chrome", "Google Chrome"},
    {M::kPathContains, "/chromium", "Chromium"},
    {M::kExeBasename, "chromium", "Chromium"},
    {M::kPathContains, "/opt/microsoft/msedge", "Microsoft Edge"},
    {M::kExeBasename, "msedge", "Microsoft Edge"},
    {M::kPathContains, "/coccoc", "Cốc Cốc"},
    {M::kExeBasename, "coccoc", "Cốc Cốc"},
    {M::kPathContains, "/firefox", "Firefox"},
    {M::kExeBasename, "firefox", "Firefox"},
    {M::kExeBasename, "firefox-esr", "Firefox"},
    {M::kExeBasename, "firefox-bin", "Firefox"},
    // Firefox's child processes rename themselves; without the executable link (agent not
    // root) only these names say they are Firefox's.
    {M::kComm, "web content", "Firefox"},
    {M::kComm, "isolated web co", "Firefox"},
    {M::kComm, "webextensions", "Firefox"},
    {M::kComm, "privileged cont", "Firefox"},
    {M::kComm, "file:// content", "Firefox"},
    {M::kComm, "isolated servic", "Firefox"},
    {M::kComm, "rdd process", "Firefox"},
    {M::kComm, "socket process", "Firefox"},
    {M::kComm, "utility process", "Firefox"},
    {M::kComm, "gpu process", "Firefox"},
    {M::kWineComm, "chrome.exe", "Google Chrome"},
    {M::kWineComm, "msedge.exe", "Microsoft Edge"},
    // Office suites.
    {M::kPathContains, "/libreoffice", "LibreOffice"},
    {M::kExeBasename, "soffice.bin", "LibreOffice"},
    {M::kPathEndsWith, "/office6/wps", "WPS Writer"},
    {M::kPathEndsWith, "/office6/et", "WPS Spreadsheets"},
    {M::kPathEndsWith, "/office6/wpp", "WPS Presentation"},
    {M::kPathEndsWith, "/office6/wpspdf", "WPS PDF"},
    {M::kPathContains, "/wps-office/", "WPS Office"},
    {M::kComm, "wps", "WPS Writer"},  // the same programs by process name (exe unreadable)
    {M::kComm, "et", "WPS Spreadsheets"},
    {M::kComm, "wpp", "WPS Presentation"},
    {M::kComm, "wpspdf", "WPS PDF"},
    {M::kWineComm, "winword", "Microsoft Word"},
    {M::kWineComm, "excel", "Microsoft Excel"},
    {M::kWineComm, "powerpnt", "Microsoft PowerPoint"},
    {M::kWineComm, "outlook", "Microsoft Outlook"},
    // The same programs on Windows itself (the agent's names drop ".exe").
    {M::kExeBasename, "winword", "Microsoft Word"},
    {M::kExeBasename, "excel", "Microsoft Excel"},
    {M::kExeBasename, "powerpnt", "Microsoft PowerPoint"},
    {M::kExeBasename, "outlook", "Microsoft Outlook"},
    // PDF readers.
    {M::kPathContains, "/foxitsoftware/", "Foxit PDF Reader"},
    {M::kExeBasename, "foxitreader", "Foxit PDF Reader"},
    {M::kExeBasename, "foxitpdfreader", "Foxit PDF Reader"},
    {M::kWineComm, "foxit", "Foxit PDF Reader"},
    {M::kExeBasename, "evince", "Evince"},
    {M::kExeBasename, "okular", "Okular"},
    {M::kWineComm, "acrord32", "Adobe Acrobat Reader"},
    {M::kWineComm, "acrobat", "Adobe Acrobat Reader"},
    {M::kExeBasename, "acrord32", "Adobe Acrobat Reader"},  // Windows
    {M::kExeBasename, "acrobat", "Adobe Acrobat Reader"},
    // Chat and meetings.
    {M::kPathContains, "/zalo", "Zalo"},
    {M::kExeBasename, "zalo", "Zalo"},
    {M::kWineComm, "zalo", "Zalo"},
    {M::kPathContains, "/opt/zoom/", "Zoom"},
    {M::kExeBasename, "zoom", "Zoom"},
    {M::kWineComm, "zoom", "Zoom"},
    {M::kExeBasename, "teams-for-linux", "Microsoft Teams"},
    {M::kPathContains, "/teams/", "Microsoft Teams"},
    {M::kExeBasename, "teams", "Microsoft Teams"},
    {M::kExeBasename, "ms-teams", "Microsoft Teams"},  // new Teams on Windows
    {M::kWineComm, "teams", "Microsoft Teams"},
    {M::kPathContains, "/skypeforlinux/", "Skype"},
    {M::kExeBasename, "skypeforlinux", "Skype"},
    // Electronic signature (USB token) tools.
    {M::kPathContains, "vnpt-ca", "VNPT-CA"},
    {M::kPathContains, "vnptca", "VNPT-CA"},
    {M::kWineComm, "vnpt", "VNPT-CA"},
    {M::kPathContains, "viettel-ca", "Viettel-CA"},
    {M::kPathContains, "viettelca", "Viettel-CA"},
    {M::kWineComm, "viettel", "Viettel-CA"},
    {M::kPathContains, "bkavca", "BkavCA"},
    {M::kWineComm, "bkavca", "BkavCA"},
    // Tax tools.
    {M::kPathContains, "htkk", "HTKK"},
    {M::kWineComm, "htkk", "HTKK"},
    {M::kPathContains, "itaxviewer", "iTaxViewer"},
    {M::kWineComm, "itaxview", "iTaxViewer"},
    // Vietnamese input methods.
    {M::kExeBasename, "ibus-engine-unikey", "UniKey"},
    {M::kPathContains, "unikey", "UniKey"},
    {M::kWineComm, "unikey", "UniKey"},
    {M::kPathContains, "evkey", "EVKey"},
    {M::kWineComm, "evkey", "EVKey"},
    {M::kExeBasename, "ibus-engine-bamboo", "Bamboo"},
    {M::kComm, "ibus-engine-uni", "UniKey"},  // their 15-byte process names
    {M::kComm, "ibus-engine-bam", "Bamboo"},
};

// Executables that run Windows programs; the program's name is then the process name.
constexpr std::string_view kWineLoaders[] = {"wine", "wine64", "wine-preloader", "wine64-preloader",
                                             "wineserver"};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Basename(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::span<const KnownApp> KnownApps() { return kKnownApps; }

std::string AppNameFor(std::string_view exe, std::string_view comm) {
  const std::string path = Lower(exe);
  const std::string name = Lower(comm);
  const std::string base(Basename(path));
  bool wine = false;
  for (auto loader : kWineLoaders) wine = wine || base == loader;
  // Without the link (the packaged agent is not root, so every desktop user's process), a
  // process name ending in ".exe" is a Windows program: Wine names its process after it.
  if (path.empty() && EndsWith(name, ".exe")) wine = true;
  if (wine) {
    // Kernel-style names of Wine programs are truncated to 15 bytes ("FoxitPDFReader.").
    for (const auto& k : kKnownApps) {
      if (k.match == M::kWineComm && name.find(k.pattern) != std::string::npos) {
        return std::string(k.name);
      }
    }
    return "Wine: " + std::string(comm);
  }
  if (path.empty()) {
    // Only the kernel's 15-byte process name is known: file names, name fragments (patterns
    // without a '/') and process names can match it; install folders cannot.
    for (const auto& k : kKnownApps) {
      const bool fragment = k.match == M::kPathContains &&
                            k.pattern.find('/') == std::string_view::npos &&
                            name.find(k.pattern) != std::string::npos;
      const bool exact = (k.match == M::kExeBasename || k.match == M::kComm) && name == k.pattern;
      if (fragment || exact) return std::string(k.name);
    }
    return comm.empty() ? std::string("unknown") : std::string(comm);
  }
  for (const auto& k : kKnownApps) {
    switch (k.match) {
      case M::kExeBasename:
        if (base == k.pattern) return std::string(k.name);
        break;
      case M::kPathEndsWith:
        if (EndsWith(path, k.pattern)) return std::string(k.name);
        break;
      case M::kPathContains:
        if (path.find(k.pattern) != std::string::npos) return std::string(k.name);
        break;
      case M::kWineComm:
      case M::kComm:
        break;
    }
  }
  return std::string(Basename(exe));
}

}  // namespace wardwatch::agent
