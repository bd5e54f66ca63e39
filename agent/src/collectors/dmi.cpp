// Recognises DMI placeholder strings.
#include "collectors/dmi.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace wardwatch::agent {

bool IsPlaceholderDmiValue(std::string_view value) {
  std::string v;
  for (char c : value) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v.empty()) return true;
  for (std::string_view p :
       {"to be filled by o.e.m.", "default string", "not specified", "system serial number",
        "system product name", "none", "n/a", "0123456789", "not applicable", "o.e.m."}) {
    if (v == p) return true;
  }
  return std::all_of(v.begin(), v.end(), [](char c) { return c == ' ' || c == '0'; });
}

}  // namespace wardwatch::agent
