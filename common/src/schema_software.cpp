// JSON codec for the software section (field lists in schema/software.h).
#include "wardwatch/schema/software.h"
#include "wardwatch/schema/visit.h"

namespace wardwatch::schema {

nlohmann::json EncodeSoftware(const SoftwareSection& s) { return EncodeVisitable(s); }
void DecodeSoftware(json::Object& o, SoftwareSection& s) { DecodeVisitable(o, s); }

}  // namespace wardwatch::schema
