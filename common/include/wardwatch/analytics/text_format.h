// Numbers in the findings' sentences, as each language writes them: Vietnamese groups thousands
// with "." and separates decimals with ","; English the other way round.
#pragma once

#include <cstdint>
#include <string>

namespace wardwatch::analytics {

// 47757 -> "47.757" (vi) / "47,757" (en).
std::string GroupThousands(std::uint64_t n, bool vi);
// Rounded to `decimals`, thousands grouped: 12345.67, 1 -> "12.345,7" / "12,345.7".
std::string Num(double v, int decimals, bool vi);
// A ratio as a whole percentage: 0.456 -> "46%".
std::string Pct(double ratio, bool vi);

}  // namespace wardwatch::analytics
