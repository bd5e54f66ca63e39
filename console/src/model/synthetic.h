// A synthetic office for benchmarks and the views' smoke tests: N machines with a plausible
// spread of ages, scores and flags, and a heatmap with a mid-morning peak. Deterministic.
#pragma once

#include <cstdint>

#include "model/types.h"

namespace wardwatch::console {

FleetData MakeSyntheticFleet(int machines, std::uint32_t seed, std::int64_t now_ms);
Heatmap MakeSyntheticHeatmap(std::uint32_t seed);
NetworkStatus MakeSyntheticNetwork(std::uint32_t seed, std::int64_t now_ms);
MachineDetail MakeSyntheticDetail(const MachineSummary& summary, std::int64_t now_ms);
SoftwareData MakeSyntheticSoftware(const FleetData& fleet);
// The installed-software search's answer for an empty query.
InstalledSearch MakeSyntheticInstalled(const FleetData& fleet);

}  // namespace wardwatch::console
