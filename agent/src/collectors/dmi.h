// dmi: machine vendor, model, BIOS version and date (/sys/class/dmi/id).
#pragma once

#include "collector.h"

namespace wardwatch::agent {

// The /sys/class/dmi/id files the agent reads. Serials and the UUID need root; unreadable
// files are left out.
inline constexpr std::string_view kDmiFiles[] = {
    "bios_date",      "bios_release",    "bios_vendor",     "bios_version",   "board_name",
    "board_serial",   "board_vendor",    "board_version",   "chassis_serial", "chassis_type",
    "chassis_vendor", "chassis_version", "product_family",  "product_name",   "product_serial",
    "product_sku",    "product_uuid",    "product_version", "sys_vendor"};

// True for values that firmware fills in when it has nothing to say ("To be filled by O.E.M.").
bool IsPlaceholderDmiValue(std::string_view value);

std::unique_ptr<Collector> NewDmiCollector();

}  // namespace wardwatch::agent
