// Parses one thermal zone's type and temperature.
#include "collectors/thermal.h"

#include "fsutil.h"

namespace wardwatch::agent {

Result<schema::ThermalZone> ParseThermalZone(const std::string& zone, std::string_view type,
                                             std::string_view temp) {
  auto v = ParseI64(Trim(temp));
  if (!v) {
    return MakeError("thermal " + zone + "/temp: not a number: \"" + std::string(Trim(temp)) +
                     "\"");
  }
  schema::ThermalZone z;
  z.zone = zone;
  z.type = std::string(Trim(type));
  z.celsius = static_cast<double>(*v) / 1000.0;
  return z;
}

}  // namespace wardwatch::agent
