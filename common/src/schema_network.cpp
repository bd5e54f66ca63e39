// JSON codec for the network section (field lists in schema/network.h).
#include "wardwatch/schema/network.h"
#include "wardwatch/schema/visit.h"

namespace wardwatch::schema {

nlohmann::json EncodeNetwork(const NetworkSection& s) { return EncodeVisitable(s); }
void DecodeNetwork(json::Object& o, NetworkSection& s) { DecodeVisitable(o, s); }

}  // namespace wardwatch::schema
