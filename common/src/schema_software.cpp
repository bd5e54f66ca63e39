// JSON codec for the software section.
#include <nlohmann/json.hpp>

#include "wardwatch/json_decode.h"
#include "wardwatch/schema/software.h"

namespace wardwatch::schema {

nlohmann::json EncodeSoftware(const SoftwareSection&) { return nlohmann::json::object(); }
void DecodeSoftware(json::Object&, SoftwareSection&) {}

}  // namespace wardwatch::schema
