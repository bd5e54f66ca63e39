// Parses /sys/class/power_supply/<name>/* attributes of a battery.
#include "collectors/battery.h"

#include <algorithm>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::string Text(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : std::string(Trim(it->second));
}

}  // namespace

Result<std::optional<schema::Battery>> ParsePowerSupply(
    const std::string& name, const std::map<std::string, std::string>& files) {
  if (Text(files, "type") != "Battery") return std::optional<schema::Battery>();
  if (Text(files, "scope") == "Device") return std::optional<schema::Battery>();
  schema::Battery b;
  b.name = name;
  b.status = Text(files, "status");
  b.technology = Text(files, "technology");
  b.manufacturer = Text(files, "manufacturer");
  b.model_name = Text(files, "model_name");
  Error bad{""};
  auto number = [&](const std::string& key) -> std::optional<double> {
    const std::string t = Text(files, key);
    if (t.empty()) return std::nullopt;
    auto v = ParseI64(t);
    if (!v || *v < 0) {
      if (bad.message.empty()) {
        bad = MakeError("power_supply " + name + "/" + key + ": not a count: \"" + t + "\"");
      }
      return std::nullopt;
    }
    return static_cast<double>(*v);
  };
  if (auto c = number("capacity")) b.capacity_ratio = std::min(*c, 100.0) / 100.0;
  if (auto v = number("energy_full")) b.energy_full_wh = *v / 1e6;
  if (auto v = number("energy_full_design")) b.energy_full_design_wh = *v / 1e6;
  if (auto v = number("charge_full")) b.charge_full_ah = *v / 1e6;
  if (auto v = number("charge_full_design")) b.charge_full_design_ah = *v / 1e6;
  if (auto v = number("cycle_count")) b.cycle_count = static_cast<std::uint64_t>(*v);
  if (!bad.message.empty()) return bad;

  std::optional<double> full, design;
  if (b.energy_full_wh && b.energy_full_design_wh) {
    full = b.energy_full_wh;
    design = b.energy_full_design_wh;
  } else if (b.charge_full_ah && b.charge_full_design_ah) {
    full = b.charge_full_ah;
    design = b.charge_full_design_ah;
  }
  if (full && design && *design > 0) {
    b.wear_ratio = std::clamp(1.0 - *full / *design, 0.0, 1.0);
  }
  return std::optional<schema::Battery>(std::move(b));
}

}  // namespace wardwatch::agent
