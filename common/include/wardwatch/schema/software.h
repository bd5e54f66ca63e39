// Report section for software: per-application usage and installed inventory.
// (Filled in by the software-usage work; the foundation only reserves the section.)
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

struct SoftwareSection {};

nlohmann::json EncodeSoftware(const SoftwareSection& s);
void DecodeSoftware(json::Object& o, SoftwareSection& s);

}  // namespace wardwatch::schema
