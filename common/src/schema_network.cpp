// JSON codec for the network section.
#include <nlohmann/json.hpp>

#include "wardwatch/json_decode.h"
#include "wardwatch/schema/network.h"

namespace wardwatch::schema {

nlohmann::json EncodeNetwork(const NetworkSection& s) {
  nlohmann::json j;
  auto& ifs = j["interfaces"] = nlohmann::json::array();
  for (const auto& i : s.interfaces) {
    nlohmann::json e = {{"name", i.name},
                        {"receive_bytes", i.receive_bytes},
                        {"receive_packets", i.receive_packets},
                        {"receive_errs", i.receive_errs},
                        {"receive_drop", i.receive_drop},
                        {"transmit_bytes", i.transmit_bytes},
                        {"transmit_packets", i.transmit_packets},
                        {"transmit_errs", i.transmit_errs},
                        {"transmit_drop", i.transmit_drop},
                        {"operstate", i.operstate},
                        {"type", i.type},
                        {"address", i.address}};
    if (i.speed_bytes) e["speed_bytes"] = *i.speed_bytes;
    ifs.push_back(std::move(e));
  }
  return j;
}

void DecodeNetwork(json::Object& o, NetworkSection& s) {
  o.ObjectArray("interfaces", s.interfaces, [](json::Object& e, NetInterface& i) {
    e.Required("name", i.name);
    e.Required("receive_bytes", i.receive_bytes);
    e.Default("receive_packets", i.receive_packets);
    e.Default("receive_errs", i.receive_errs);
    e.Default("receive_drop", i.receive_drop);
    e.Required("transmit_bytes", i.transmit_bytes);
    e.Default("transmit_packets", i.transmit_packets);
    e.Default("transmit_errs", i.transmit_errs);
    e.Default("transmit_drop", i.transmit_drop);
    e.Optional("speed_bytes", i.speed_bytes);
    e.Default("operstate", i.operstate);
    std::uint64_t type = 0;
    e.Default("type", type);
    i.type = static_cast<std::uint32_t>(type);
    e.Default("address", i.address);
  });
}

}  // namespace wardwatch::schema
