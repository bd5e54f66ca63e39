// Parses smartctl --json output (ATA, NVMe; SCSI verdict and temperature only).
#include "collectors/smart.h"

#include <algorithm>

#include "wardwatch/json_decode.h"

namespace wardwatch::agent {
namespace {

using Json = nlohmann::json;

const Json* At(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* cur = &j;
  for (std::string_view key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::optional<std::uint64_t> U64(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* v = At(j, path);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(v->get<std::int64_t>());
  }
  return std::nullopt;
}

std::string Str(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* v = At(j, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

bool Kept(std::uint64_t id) {
  return std::find(std::begin(kKeptAtaAttributes), std::end(kKeptAtaAttributes), id) !=
         std::end(kKeptAtaAttributes);
}

// The first error message smartctl left in smartctl.messages.
std::string FirstError(const Json& j) {
  const Json* msgs = At(j, {"smartctl", "messages"});
  if (msgs == nullptr || !msgs->is_array()) return {};
  for (const Json& m : *msgs) {
    if (Str(m, {"severity"}) == "error" || Str(m, {"severity"}).empty()) {
      std::string s = Str(m, {"string"});
      if (!s.empty()) return s;
    }
  }
  return {};
}

}  // namespace

Result<SmartResult> ParseSmartctlJson(std::string_view text) {
  auto parsed = wardwatch::json::Parse(text);
  if (!parsed) return MakeError("smartctl output is not JSON: " + parsed.error());
  const Json& j = *parsed;
  if (!j.is_object() || At(j, {"smartctl"}) == nullptr) {
    return MakeError("smartctl output has no \"smartctl\" object (is this smartctl --json?)");
  }
  SmartResult r;
  r.exit_status = U64(j, {"smartctl", "exit_status"}).value_or(0);
  r.model = Str(j, {"model_name"});
  r.serial = Str(j, {"serial_number"});
  r.firmware = Str(j, {"firmware_version"});
  r.protocol = Str(j, {"device", "protocol"});

  const std::string error = FirstError(j);
  // Exit bit 1: device open failed or the device is in a low-power mode (-n standby).
  if (r.exit_status & 0x3) {
    r.permission_denied = error.find("Permission denied") != std::string::npos ||
                          error.find("Operation not permitted") != std::string::npos;
    r.standby =
        error.find("STANDBY") != std::string::npos || error.find("SLEEP") != std::string::npos;
    r.unavailable = r.permission_denied ? "smartctl needs root to open the device"
                    : r.standby         ? "disk in standby; not woken for SMART"
                    : !error.empty()    ? error
                                        : "smartctl exit status " + std::to_string(r.exit_status);
    return r;
  }
  if (const Json* avail = At(j, {"smart_support", "available"});
      avail != nullptr && avail->is_boolean() && !avail->get<bool>()) {
    r.unavailable = "device does not support SMART";
    return r;
  }
  if (const Json* passed = At(j, {"smart_status", "passed"}); passed && passed->is_boolean()) {
    r.passed = passed->get<bool>();
  }
  r.power_on_hours = U64(j, {"power_on_time", "hours"});
  r.power_cycles = U64(j, {"power_cycle_count"});
  if (auto t = U64(j, {"temperature", "current"})) r.temperature_celsius = static_cast<double>(*t);

  if (const Json* table = At(j, {"ata_smart_attributes", "table"}); table && table->is_array()) {
    for (const Json& a : *table) {
      auto id = U64(a, {"id"});
      if (!id || !Kept(*id)) continue;
      schema::SmartAttribute attr;
      attr.id = static_cast<std::uint32_t>(*id);
      attr.name = Str(a, {"name"});
      attr.value = U64(a, {"value"}).value_or(0);
      attr.worst = U64(a, {"worst"}).value_or(0);
      attr.thresh = U64(a, {"thresh"}).value_or(0);
      attr.raw = U64(a, {"raw", "value"}).value_or(0);
      attr.flags = Str(a, {"flags", "string"});
      while (!attr.flags.empty() && attr.flags.back() == ' ') attr.flags.pop_back();
      r.attributes.push_back(std::move(attr));
    }
  }
  if (const Json* log = At(j, {"nvme_smart_health_information_log"}); log && log->is_object()) {
    schema::NvmeHealth n;
    n.critical_warning = U64(*log, {"critical_warning"}).value_or(0);
    n.percentage_used = U64(*log, {"percentage_used"}).value_or(0);
    n.available_spare = U64(*log, {"available_spare"}).value_or(0);
    n.available_spare_threshold = U64(*log, {"available_spare_threshold"}).value_or(0);
    n.media_errors = U64(*log, {"media_errors"}).value_or(0);
    n.unsafe_shutdowns = U64(*log, {"unsafe_shutdowns"}).value_or(0);
    n.power_on_hours = U64(*log, {"power_on_hours"}).value_or(0);
    n.power_cycles = U64(*log, {"power_cycles"}).value_or(0);
    if (auto t = U64(*log, {"temperature"})) n.temperature_celsius = static_cast<double>(*t);
    if (!r.power_on_hours) r.power_on_hours = n.power_on_hours;
    if (!r.power_cycles) r.power_cycles = n.power_cycles;
    if (!r.temperature_celsius) r.temperature_celsius = n.temperature_celsius;
    r.nvme = n;
  }
  if (!r.passed && r.attributes.empty() && !r.nvme) {
    r.unavailable = !error.empty() ? error : "smartctl returned no SMART data";
  }
  return r;
}

void MergeSmart(const SmartResult& s, std::uint64_t collected_at_ms, schema::Disk& d) {
  if (d.model.empty()) d.model = s.model;
  if (d.serial.empty()) d.serial = s.serial;
  if (d.firmware.empty()) d.firmware = s.firmware;
  d.smart_unavailable = s.unavailable;
  if (!s.unavailable.empty()) return;
  d.smart_protocol = s.protocol;
  d.smart_passed = s.passed;
  d.attributes = s.attributes;
  d.nvme = s.nvme;
  d.power_on_hours = s.power_on_hours;
  d.power_cycles = s.power_cycles;
  d.temperature_celsius = s.temperature_celsius;
  d.smart_collected_at_ms = collected_at_ms;
}

}  // namespace wardwatch::agent
