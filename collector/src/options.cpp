// Command line and INI configuration of `wardwatch-collector` (the server).
#include "options.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <sstream>

#include "wardwatch/option_errors.h"

namespace wardwatch::collector {

namespace po = boost::program_options;

Status ParseListen(std::string_view text, std::string& address, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return MakeError("--listen: expected ADDR:PORT, got \"" + std::string(text) + "\"");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned value = 0;
  auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || value > 65535) {
    return MakeError("--listen: invalid port \"" + std::string(port_text) + "\" in \"" +
                     std::string(text) + "\"");
  }
  address = host.empty() ? "0.0.0.0" : std::string(host);
  port = static_cast<std::uint16_t>(value);
  return Status::Ok();
}

Result<ParsedArgs> ParseServeArgs(int argc, const char* const* argv) {
  ParsedArgs out;
  Config& c = out.config;
  po::options_description desc(
      "wardwatch-collector: receives agents' reports, stores them in SQLite and serves "
      "/metrics.\n\nUsage: wardwatch-collector [OPTIONS]\n\nOptions");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help and exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "INI file with the same keys as these options (command line wins)")
      ("listen", po::value<std::string>(&c.listen)->default_value(c.listen)->value_name("ADDR:PORT"),
       "address and port to serve HTTP on")
      ("data-dir", po::value<std::string>(&c.data_dir)->value_name("DIR"),
       "folder for wardwatch.db and api-token (required)")
      ("enroll-token", po::value<std::string>(&c.enroll_token)->default_value("")->value_name("T"),
       "secret agents present to enroll; empty refuses enrollment")
      ("api-token", po::value<std::string>(&c.api_token)->default_value("")->value_name("T"),
       "secret for the read API; empty: generated once into DATA_DIR/api-token")
      ("site", po::value<std::string>(&c.site)->default_value("")->value_name("NAME"),
       "when set, adds site=\"NAME\" to every exposed series")
      ("max-body-bytes", po::value<std::size_t>(&c.max_body_bytes)->default_value(c.max_body_bytes),
       "largest accepted request body, also after gzip decompression")
      ("threads", po::value<unsigned>(&c.threads)->default_value(c.threads),
       "HTTP worker threads")
      ("ingest-queue", po::value<std::size_t>(&c.queue_capacity)->default_value(c.queue_capacity),
       "reports waiting for the database writer before ingest answers 503")
      ("site-config", po::value<std::string>(&c.site_config)->default_value("")->value_name("FILE"),
       "analytics site configuration (uplink, office hours, prices); default DATA_DIR/site.json")
      ("raw-retention-days", po::value<int>(&c.raw_retention_days)->default_value(c.raw_retention_days),
       "days raw reports are kept (hourly rollups are kept 400 days)")
      ("tls-cert", po::value<std::string>(&c.tls_cert)->value_name("FILE"),
       "serve HTTPS (TLS 1.2+) with this PEM certificate chain; needs --tls-key")
      ("tls-key", po::value<std::string>(&c.tls_key)->value_name("FILE"),
       "PEM private key of --tls-cert (keep it mode 0600)")
      ("tls-client-ca", po::value<std::string>(&c.tls_client_ca)->value_name("FILE"),
       "require agents to present a client certificate signed by this CA (mTLS)");
  // clang-format on
  std::ostringstream help;
  help << desc;
  out.help_text = help.str();

  bool has_percent = false;  // for OptionErrorText
  for (int i = 1; i < argc; ++i) has_percent = has_percent || HasPercent(argv[i]);
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help") != 0) {
      out.help = true;
      return out;
    }
    if (vm.count("config") != 0) {
      const std::string path = vm["config"].as<std::string>();
      if (!StoreConfigFile(path, desc, vm, has_percent)) {
        return MakeError("--config: cannot read " + path);
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return MakeError(OptionErrorText(e, has_percent));
  }
  if (c.data_dir.empty()) return MakeError("--data-dir is required");
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return MakeError("--tls-cert and --tls-key go together");
  }
  if (!c.tls_client_ca.empty() && c.tls_cert.empty()) {
    return MakeError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (c.threads < 1 || c.threads > 64) return MakeError("--threads must be between 1 and 64");
  if (c.max_body_bytes < 1024) return MakeError("--max-body-bytes must be at least 1024");
  if (c.queue_capacity < 1) return MakeError("--ingest-queue must be at least 1");
  if (c.raw_retention_days < 1) return MakeError("--raw-retention-days must be at least 1");
  for (char ch : c.site) {
    if (static_cast<unsigned char>(ch) < 0x20) {
      return MakeError("--site must not contain control characters");
    }
  }
  if (auto s = ParseListen(c.listen, c.listen_address, c.listen_port); !s)
    return MakeError(s.error());
  return out;
}

}  // namespace wardwatch::collector
