// Parses hwmon attribute files into temperature sensors and fans.
#include "collectors/hwmon.h"

#include <algorithm>
#include <cctype>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

// "temp12_input" -> {"temp12", "input"} when it starts with `kind` and a number.
bool SplitAttribute(const std::string& file, std::string_view kind, std::string& sensor,
                    std::string& item) {
  if (file.compare(0, kind.size(), kind) != 0) return false;
  std::size_t i = kind.size();
  const std::size_t digits = i;
  while (i < file.size() && std::isdigit(static_cast<unsigned char>(file[i]))) ++i;
  if (i == digits || i >= file.size() || file[i] != '_') return false;
  sensor = file.substr(0, i);
  item = file.substr(i + 1);
  return true;
}

std::optional<double> Find(const std::map<std::string, std::string>& files,
                           const std::string& name) {
  auto it = files.find(name);
  if (it == files.end()) return std::nullopt;
  auto v = ParseI64(Trim(it->second));
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

std::string Label(const std::map<std::string, std::string>& files, const std::string& sensor) {
  auto it = files.find(sensor + "_label");
  return it == files.end() ? std::string() : std::string(Trim(it->second));
}

// Natural order so temp2 comes before temp10.
bool SensorLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

}  // namespace

Result<HwmonReadings> ParseHwmonChip(const std::string& chip,
                                     const std::map<std::string, std::string>& files) {
  HwmonReadings out;
  for (const auto& [file, contents] : files) {
    std::string sensor, item;
    const bool temp = SplitAttribute(file, "temp", sensor, item);
    const bool fan = !temp && SplitAttribute(file, "fan", sensor, item);
    if ((!temp && !fan) || item != "input") continue;
    auto raw = ParseI64(Trim(contents));
    if (!raw) {
      return MakeError("hwmon " + chip + "/" + file + ": not a number: \"" +
                       std::string(Trim(contents)) + "\"");
    }
    if (temp) {
      schema::TempSensor t;
      t.chip = chip;
      t.sensor = sensor;
      t.label = Label(files, sensor);
      t.celsius = static_cast<double>(*raw) / 1000.0;
      if (auto m = Find(files, sensor + "_max")) t.max_celsius = *m / 1000.0;
      if (auto c = Find(files, sensor + "_crit")) t.crit_celsius = *c / 1000.0;
      out.temperatures.push_back(std::move(t));
    } else {
      schema::Fan f;
      f.chip = chip;
      f.sensor = sensor;
      f.label = Label(files, sensor);
      f.rpm = static_cast<double>(*raw);
      out.fans.push_back(std::move(f));
    }
  }
  std::sort(out.temperatures.begin(), out.temperatures.end(),
            [](const auto& a, const auto& b) { return SensorLess(a.sensor, b.sensor); });
  std::sort(out.fans.begin(), out.fans.end(),
            [](const auto& a, const auto& b) { return SensorLess(a.sensor, b.sensor); });
  return out;
}

}  // namespace wardwatch::agent
