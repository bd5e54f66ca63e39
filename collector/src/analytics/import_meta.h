// `wardwatch-collector import-meta`: machine metadata from CSV (see import_meta.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::collector {

// RFC 4180 CSV (quotes, doubled quotes, CRLF, optional UTF-8 BOM) into rows of fields.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text);
int RunImportMeta(int argc, const char* const* argv);

}  // namespace wardwatch::collector
