// The console's string table and the environment's language.
#include "model/i18n.h"

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>

namespace wardwatch::console {
namespace {

struct Entry {
  const char* en;
  const char* vi;
};

constexpr Entry kStrings[] = {
#define WARDWATCH_X(id, en, vi) {en, vi},
    WARDWATCH_CONSOLE_STRINGS(WARDWATCH_X)
#undef WARDWATCH_X
};
static_assert(sizeof(kStrings) / sizeof(kStrings[0]) == static_cast<std::size_t>(Str::kCount));

}  // namespace

const char* Tr(Lang lang, Str id) {
  const auto i = static_cast<std::size_t>(id);
  if (i >= static_cast<std::size_t>(Str::kCount)) return "?";
  return lang == Lang::kVi ? kStrings[i].vi : kStrings[i].en;
}

Lang LanguageFromName(std::string_view name, Lang fallback) {
  if (name.starts_with("vi")) return Lang::kVi;
  if (name.starts_with("en")) return Lang::kEn;
  return fallback;
}

Lang LanguageFromEnvironment() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return LanguageFromName(v, Lang::kEn);
  }
  return Lang::kEn;
}

const char* LanguageName(Lang lang) { return lang == Lang::kVi ? "vi" : "en"; }

const char* SmartAttributeName(Lang lang, std::string_view id) {
  static constexpr std::pair<std::string_view, Str> kNames[] = {
      {"1", Str::kSmart1},     {"5", Str::kSmart5},     {"9", Str::kSmart9},
      {"12", Str::kSmart12},   {"187", Str::kSmart187}, {"188", Str::kSmart188},
      {"194", Str::kSmart194}, {"196", Str::kSmart196}, {"197", Str::kSmart197},
      {"198", Str::kSmart198}, {"199", Str::kSmart199},
  };
  for (const auto& [known, str] : kNames) {
    if (id == known) return Tr(lang, str);
  }
  return nullptr;
}

namespace {

std::string Lookup(Lang lang, std::string_view code,
                   std::initializer_list<std::pair<std::string_view, Str>> table) {
  for (const auto& [known, str] : table) {
    if (code == known) return Tr(lang, str);
  }
  return std::string(code);
}

}  // namespace

std::string AgeSourceLabel(Lang lang, std::string_view code) {
  return Lookup(lang, code,
                {{"purchase_date", Str::kAgeFromPurchase},
                 {"bios_date", Str::kAgeFromBios},
                 {"bios", Str::kAgeFromBios},
                 {"power_on_hours", Str::kAgeFromPowerOn},
                 {"disk_power_on_hours", Str::kAgeFromPowerOn},
                 {"unknown", Str::kAgeUnknown}});
}

namespace {

// Each comma-separated action code in `codes` named through `names`, joined with ", ".
std::string JoinActions(Lang lang, std::string_view codes,
                        std::initializer_list<std::pair<std::string_view, Str>> names) {
  std::string out;
  while (!codes.empty()) {
    const auto comma = codes.find(',');
    std::string_view item = codes.substr(0, comma);
    codes.remove_prefix(comma == std::string_view::npos ? codes.size() : comma + 1);
    while (item.starts_with(' ')) item.remove_prefix(1);
    if (item.empty()) continue;
    if (!out.empty()) out += ", ";
    out += Lookup(lang, item, names);
  }
  return out;
}

}  // namespace

std::string ShortActionsLabel(Lang lang, std::string_view codes) {
  return JoinActions(lang, codes,
                     {{"replace_pc", Str::kShortReplacePc},
                      {"ssd", Str::kShortSsd},
                      {"add_ram", Str::kShortRam},
                      {"battery", Str::kShortBattery},
                      {"nic", Str::kShortNic},
                      {"os_upgrade", Str::kShortOs}});
}

std::string ActionsLabel(Lang lang, std::string_view codes) {
  return JoinActions(lang, codes,
                     {{"replace_pc", Str::kActionReplacePc},
                      {"ssd", Str::kActionSsd},
                      {"add_ram", Str::kActionAddRam},
                      {"battery", Str::kActionBattery},
                      {"nic", Str::kActionNic},
                      {"os_upgrade", Str::kActionOsUpgrade}});
}

std::string ProbeLabel(Lang lang, std::string_view name) {
  return Lookup(lang, name,
                {{"portal", Str::kProbePortal},
                 {"gateway", Str::kProbeGateway},
                 {"collector", Str::kProbeCollector}});
}

std::string AppLabel(Lang lang, std::string_view name) {
  return Lookup(lang, name, {{"other", Str::kAppOther}});
}

const char* DiskHealthLabel(Lang lang, const std::string& health) {
  if (health == "passed") return Tr(lang, Str::kHealthPassed);
  if (health == "failing") return Tr(lang, Str::kHealthFailing);
  if (health == "warning") return Tr(lang, Str::kHealthWarning);
  return health.c_str();
}

const char* FlagLabel(Lang lang, Flag flag) {
  switch (flag) {
    case kFlagFailingDisk:
      return Tr(lang, Str::kFlagFailingDisk);
    case kFlagHddBoot:
      return Tr(lang, Str::kFlagHdd);
    case kFlagLowRam:
      return Tr(lang, Str::kFlagLowRam);
    case kFlagOsUnsupported:
      return Tr(lang, Str::kFlagOsUnsupported);
    case kFlagSlowNic:
      return Tr(lang, Str::kFlagSlowNic);
    case kFlagOffline:
      return Tr(lang, Str::kFlagOffline);
  }
  return "?";
}

const char* RecommendationLabel(Lang lang, Recommendation r) {
  switch (r) {
    case Recommendation::kReplace:
      return Tr(lang, Str::kRecReplace);
    case Recommendation::kUpgrade:
      return Tr(lang, Str::kRecUpgrade);
    case Recommendation::kWatch:
      return Tr(lang, Str::kRecWatch);
    case Recommendation::kFine:
      return Tr(lang, Str::kRecFine);
    case Recommendation::kUnknown:
      return Tr(lang, Str::kRecUnknown);
  }
  return "?";
}

const std::string& Pick(Lang lang, const Bilingual& text) {
  if (lang == Lang::kVi) return text.vi.empty() ? text.en : text.vi;
  return text.en.empty() ? text.vi : text.en;
}

}  // namespace wardwatch::console
