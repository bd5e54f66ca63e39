// Command line and INI configuration of `wardwatch-collector` (the server).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wardwatch/result.h"

namespace wardwatch::collector {

struct Config {
  std::string listen = "127.0.0.1:9477";
  std::string listen_address = "127.0.0.1";  // parsed from listen
  std::uint16_t listen_port = 9477;
  std::string data_dir;
  std::string enroll_token;
  std::string api_token;
  std::string site;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  unsigned threads = 2;
  std::size_t queue_capacity = 10000;
  std::string site_config;      // analytics site.json; default DATA_DIR/site.json
  int raw_retention_days = 14;  // raw reports kept this long; hourly rollups 400 days
  std::string tls_cert;         // PEM chain; set: serve HTTPS (TLS 1.2+) instead of HTTP
  std::string tls_key;          // PEM private key of tls_cert
  std::string tls_client_ca;    // set: require client certificates signed by this CA (mTLS)
};

struct ParsedArgs {
  bool help = false;
  std::string help_text;
  Config config;
};

// Parses the command line (argv[0] is the program) and, with --config FILE, an INI file with
// the same keys; the command line wins. Errors name the option and the problem.
Result<ParsedArgs> ParseServeArgs(int argc, const char* const* argv);

// "127.0.0.1:9477", "[::1]:9477", ":9477" (all IPv4 addresses).
Status ParseListen(std::string_view text, std::string& address, std::uint16_t& port);

}  // namespace wardwatch::collector
