// Report section for networking: interface counters and link facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

struct NetInterface {
  std::string name;
  std::uint64_t receive_bytes = 0, receive_packets = 0, receive_errs = 0, receive_drop = 0;
  std::uint64_t transmit_bytes = 0, transmit_packets = 0, transmit_errs = 0, transmit_drop = 0;
  std::optional<std::uint64_t> speed_bytes;  // negotiated link speed in bytes/s; absent if unknown
  std::string operstate;                     // up, down, unknown, ...
  std::uint32_t type = 0;                    // ARPHRD_* (1 = ethernet, 772 = loopback)
  std::string address;                       // MAC address, when known
};

struct NetworkSection {
  std::vector<NetInterface> interfaces;
};

nlohmann::json EncodeNetwork(const NetworkSection& s);
void DecodeNetwork(json::Object& o, NetworkSection& s);

}  // namespace wardwatch::schema
