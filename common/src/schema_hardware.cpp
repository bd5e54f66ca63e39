// JSON codec for the hardware section.
#include <nlohmann/json.hpp>

#include "wardwatch/json_decode.h"
#include "wardwatch/schema/hardware.h"

namespace wardwatch::schema {

nlohmann::json EncodeHardware(const HardwareSection&) { return nlohmann::json::object(); }
void DecodeHardware(json::Object&, HardwareSection&) {}

}  // namespace wardwatch::schema
