// JSON codec for the hardware section (field lists in schema/hardware.h).
#include "wardwatch/schema/hardware.h"
#include "wardwatch/schema/visit.h"

namespace wardwatch::schema {

nlohmann::json EncodeHardware(const HardwareSection& s) { return EncodeVisitable(s); }
void DecodeHardware(json::Object& o, HardwareSection& s) { DecodeVisitable(o, s); }

}  // namespace wardwatch::schema
