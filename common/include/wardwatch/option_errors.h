// The text of a Boost.Program_options error, made safe. Boost 1.74 builds a message by replacing
// placeholders (%option%, %original_token%, %invalid_line%, ...) in its template until none is
// left; when the offending input itself contains the placeholder being replaced, the loop never
// ends and the message grows until memory runs out. A config line such as
// "%original_token%interval = x" hung wardwatch-agent at start (found by fuzz_config).
// Without a '%' in the input no placeholder can come back, so Boost's message is used; with one
// (percent-encoded URLs are legitimate), a message is built here from the option's name alone.
// Only for programs that link Boost::program_options.
#pragma once

#include <boost/program_options/errors.hpp>
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/variables_map.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

namespace wardwatch {

inline std::string OptionErrorText(const boost::program_options::error& e, bool input_has_percent) {
  namespace po = boost::program_options;
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
  if (named == nullptr || !input_has_percent) return e.what();
  std::string name = named->get_option_name();  // no placeholder substitution on this path
  if (name.size() > 80) name = name.substr(0, 80) + "...";
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  std::string what;
  if (dynamic_cast<const po::invalid_config_file_syntax*>(&e) != nullptr) {
    what = "a config file line is not \"key = value\"";
  } else if (dynamic_cast<const po::unknown_option*>(&e) != nullptr) {
    what = "unrecognised option";
  } else if (dynamic_cast<const po::validation_error*>(&e) != nullptr) {
    what = "invalid value for option";
  } else {
    what = "cannot use option";
  }
  if (!name.empty()) what += " '" + name + "'";
  return what;
}

inline bool HasPercent(std::string_view text) { return text.find('%') != std::string_view::npos; }

// Stores a --config file's "key = value" lines in `vm` (Boost may throw po::error); false when
// the file cannot be read. Sets `has_percent` when the file holds a '%', for OptionErrorText.
inline bool StoreConfigFile(const std::string& path,
                            const boost::program_options::options_description& desc,
                            boost::program_options::variables_map& vm, bool& has_percent) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  has_percent = has_percent || HasPercent(text);
  std::istringstream lines(text);
  boost::program_options::store(boost::program_options::parse_config_file(lines, desc), vm);
  return true;
}

}  // namespace wardwatch
