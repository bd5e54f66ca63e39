// Checks the network options (--probe, --peak-hours, --office-subnet, ...) at startup, so a
// typo stops the agent with a message instead of silently probing nothing.
#pragma once

#include "options.h"

namespace wardwatch::agent {

Status ValidateNetworkOptions(const AgentOptions& options);

}  // namespace wardwatch::agent
