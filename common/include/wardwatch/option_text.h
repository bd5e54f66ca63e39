// A guard in front of Boost.Program_options. Boost 1.74 builds an error message by replacing
// %option%, %original_token%, %value%, %prefix% and %canonical_option% in the message until none
// is left; when the offending token itself contains the placeholder being replaced, the loop
// never ends and the message grows until memory runs out. A config line such as
// "%original_token%interval = x" hung wardwatch-agent at start (found by fuzz_config). Command
// lines and config files that contain one of these placeholders are refused before Boost reads
// them. Percent-encoded URLs (%e1%ba%bf) are not affected: only the five names are looked for.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wardwatch {

struct OptionPlaceholder {
  std::string_view placeholder;  // e.g. "%original_token%"
  std::size_t line = 1;          // 1-based line of `text` where it is
};

inline std::optional<OptionPlaceholder> FindOptionPlaceholder(std::string_view text) {
  static constexpr std::array<std::string_view, 5> kPlaceholders = {
      "%option%", "%original_token%", "%value%", "%prefix%", "%canonical_option%"};
  std::optional<OptionPlaceholder> first;
  std::size_t first_at = std::string_view::npos;
  for (std::string_view p : kPlaceholders) {
    const std::size_t at = text.find(p);
    if (at < first_at) {
      first_at = at;
      first = OptionPlaceholder{p, 1};
    }
  }
  if (first) {
    for (std::size_t i = 0; i < first_at; ++i) first->line += text[i] == '\n' ? 1 : 0;
  }
  return first;
}

// "contains \"%value%\", which no option or value may contain" for an error message.
inline std::string OptionPlaceholderMessage(const OptionPlaceholder& p) {
  return "contains \"" + std::string(p.placeholder) + "\", which no option or value may contain";
}

}  // namespace wardwatch
