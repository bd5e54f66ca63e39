// Parses the SMBIOS chassis type and names its codes (SMBIOS 3.x, table 17).
#include "collectors/chassis.h"

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr std::string_view kChassisNames[] = {"Unknown",  // 0: not a valid code
                                              "Other",
                                              "Unknown",
                                              "Desktop",
                                              "Low Profile Desktop",
                                              "Pizza Box",
                                              "Mini Tower",
                                              "Tower",
                                              "Portable",
                                              "Laptop",
                                              "Notebook",
                                              "Hand Held",
                                              "Docking Station",
                                              "All in One",
                                              "Sub Notebook",
                                              "Space-saving",
                                              "Lunch Box",
                                              "Main Server Chassis",
                                              "Expansion Chassis",
                                              "SubChassis",
                                              "Bus Expansion Chassis",
                                              "Peripheral Chassis",
                                              "RAID Chassis",
                                              "Rack Mount Chassis",
                                              "Sealed-case PC",
                                              "Multi-system chassis",
                                              "Compact PCI",
                                              "Advanced TCA",
                                              "Blade",
                                              "Blade Enclosure",
                                              "Tablet",
                                              "Convertible",
                                              "Detachable",
                                              "IoT Gateway",
                                              "Embedded PC",
                                              "Mini PC",
                                              "Stick PC"};

}  // namespace

Result<std::uint32_t> ParseChassisType(std::string_view text) {
  auto v = ParseU64(Trim(text));
  if (!v || *v == 0 || *v >= std::size(kChassisNames)) {
    return MakeError("chassis_type: not an SMBIOS chassis code (1-" +
                     std::to_string(std::size(kChassisNames) - 1) + "): \"" +
                     std::string(Trim(text)) + "\"");
  }
  return static_cast<std::uint32_t>(*v);
}

std::string_view ChassisTypeName(std::uint32_t code) {
  return code < std::size(kChassisNames) ? kChassisNames[code] : kChassisNames[0];
}

}  // namespace wardwatch::agent
