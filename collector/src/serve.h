// `wardwatch-collector [OPTIONS]`: runs the HTTP server until SIGINT/SIGTERM.
#pragma once

#include <string>

#include "wardwatch/result.h"

namespace wardwatch::collector {

int RunServe(int argc, const char* const* argv);

// The api token: the configured one, else DATA_DIR/api-token, else a new one written there
// (mode 0600). `generated` tells whether this call created it.
Result<std::string> LoadOrCreateApiToken(const std::string& data_dir, bool& generated);

}  // namespace wardwatch::collector
