// Reads the sample API answers in tests/console/samples.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

inline std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(CONSOLE_SAMPLES) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
