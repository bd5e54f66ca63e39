// memory_modules: installed RAM modules (slot, DDR generation, size, speed) from the raw
// SMBIOS table /sys/firmware/dmi/tables/DMI, structure type 17. The file is root-only.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

struct MemoryInventory {
  std::vector<schema::MemoryModule> modules;  // populated slots only
  std::uint32_t slots = 0;                    // every type 17 structure, empty or not
};

// Walks an SMBIOS structure table (header, formatted area, string set ending in two NULs)
// up to the end-of-table structure (type 127). Truncated structures are errors that name
// the byte offset.
Result<MemoryInventory> ParseSmbiosMemoryDevices(std::string_view table);

// SMBIOS memory type code -> "DDR4" etc.; "Unknown" outside the table.
std::string_view SmbiosMemoryTypeName(std::uint8_t code);
// SMBIOS form factor code -> "DIMM", "SODIMM", ...
std::string_view SmbiosFormFactorName(std::uint8_t code);

std::unique_ptr<Collector> NewMemoryModulesCollector();

}  // namespace wardwatch::agent
