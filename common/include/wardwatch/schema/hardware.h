// Report section for hardware health: disks, SMART, pressure, CPU model, sensors, battery.
// (Filled in by the hardware-health work; the foundation only reserves the section.)
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

struct HardwareSection {};

nlohmann::json EncodeHardware(const HardwareSection& s);
void DecodeHardware(json::Object& o, HardwareSection& s);

}  // namespace wardwatch::schema
