// Command line and INI configuration of wardwatch-agent (Boost.Program_options).
#include "options.h"

#include <boost/program_options.hpp>
#include <string>

#include "collectors/apps.h"
#include "collectors/network_options.h"
#include "wardwatch/option_errors.h"

namespace po = boost::program_options;

namespace wardwatch::agent {
namespace {

std::string CollectorList() {
  std::string s;
  for (const auto& c : AllCollectors()) {
    s += "\n  " + std::string(c.name) + (c.enabled_by_default ? "" : " (off by default)") + ": " +
         std::string(c.help);
  }
  return s;
}

}  // namespace

ParsedOptions ParseOptions(int argc, const char* const* argv, std::ostream& out) {
  ParsedOptions parsed;
  AgentOptions& o = parsed.options;
  po::options_description desc(
      "Usage: wardwatch-agent [options]\n\n"
      "Collects this PC's hardware health, network and software usage and pushes a report "
      "to the WardWatch collector.\n\nOptions");
  // clang-format off
  desc.add_options()
      ("help,h", "print this help and exit")
      ("config", po::value(&o.config_file), "INI file with the same keys as these options")
      ("collector", po::value(&o.collector_url), "collector URL, e.g. http://127.0.0.1:9477")
      ("enroll-token", po::value(&o.enroll_token), "enrollment token given by the collector's operator")
      ("state-dir", po::value(&o.state_dir)->default_value(o.state_dir), "folder for the machine token, sequence number and spool")
      ("interval", po::value(&o.interval_seconds)->default_value(o.interval_seconds), "seconds between reports")
      ("once", po::bool_switch(&o.once), "collect and send one report, then exit")
      ("print", po::bool_switch(&o.print), "print the report JSON to stdout and send nothing")
      ("path.procfs", po::value(&o.paths.procfs)->default_value(o.paths.procfs), "procfs mount point")
      ("path.sysfs", po::value(&o.paths.sysfs)->default_value(o.paths.sysfs), "sysfs mount point")
      ("path.rootfs", po::value(&o.paths.rootfs)->default_value(o.paths.rootfs), "root filesystem (for /etc and mount points)")
      ("disable-collector", po::value(&o.disabled_collectors)->composing(), "turn a collector off (repeatable)")
      ("apps-top", po::value(&o.apps_top_n)->default_value(o.apps_top_n), "applications named per report; the rest are summed as \"other\"")
      ("apps-deny", po::value(&o.apps_deny)->composing(), "application name never reported by name, counted in \"other\" (repeatable)")
      ("office-hours", po::value(&o.office_hours)->default_value(o.office_hours), "office days and hours, local time, e.g. \"Mon-Fri 07:30-11:30,13:00-17:00\"")
      ("office-utc-offset", po::value(&o.office_utc_offset)->default_value(o.office_utc_offset), "local time's offset from UTC for --office-hours (Asia/Ho_Chi_Minh: +07:00)")
      ("apps-sample-interval", po::value(&o.apps_sample_seconds)->default_value(o.apps_sample_seconds), "seconds between process sweeps within a report interval (0: sweep at report time only)")
      ("session-dir", po::value(&o.session_dir)->default_value(o.session_dir), "folder of the desktop sessions' wardwatch-session files (focused application, idle time), read when the agent has no display of its own, e.g. as a service (empty: none)")
      ("enable-collector", po::value(&o.enabled_collectors)->composing(), "turn an off-by-default collector on (repeatable)")
      ("connect-timeout", po::value(&o.connect_timeout_seconds)->default_value(o.connect_timeout_seconds), "seconds to wait for a connection to the collector")
      ("request-timeout", po::value(&o.request_timeout_seconds)->default_value(o.request_timeout_seconds), "seconds for a whole request to the collector")
      ("spool-max-bytes", po::value(&o.spool_max_bytes)->default_value(o.spool_max_bytes), "spool bound in bytes; past it the oldest reports are dropped and counted")
      ("spool-max-age", po::value(&o.spool_max_age_seconds)->default_value(o.spool_max_age_seconds), "seconds a report may wait in the spool before it is dropped and counted")
      ("backoff-base", po::value(&o.backoff_base_seconds)->default_value(o.backoff_base_seconds), "first retry delay in seconds (exponential, full jitter)")
      ("backoff-cap", po::value(&o.backoff_cap_seconds)->default_value(o.backoff_cap_seconds), "longest retry delay in seconds")
      ("ca-file", po::value(&o.ca_file), "CA certificate (PEM) that signed the collector's TLS certificate; default: system store")
      ("client-cert", po::value(&o.client_cert), "client certificate (PEM) for a collector that requires mTLS; needs --client-key")
      ("client-key", po::value(&o.client_key), "private key (PEM) of --client-cert")
      ("probe", po::value(&o.probes)->composing(), "probe target NAME=URL (repeatable): http(s)://host[:port]/path, tcp://host:port, dns://[server[:port]]/name; default: the collector only")
      ("probe-count", po::value(&o.probe_count)->default_value(o.probe_count), "probes per target per interval, at random offsets")
      ("probe-timeout", po::value(&o.probe_timeout_seconds)->default_value(o.probe_timeout_seconds), "seconds before a probe counts as failed")
      ("speedtest-bytes", po::value(&o.speedtest_bytes)->default_value(o.speedtest_bytes), "bytes downloaded and uploaded by the LAN speed test")
      ("speedtest-per-day", po::value(&o.speedtest_per_day)->default_value(o.speedtest_per_day), "at most this many speed tests per day")
      ("peak-hours", po::value(&o.peak_hours)->default_value(o.peak_hours), "local times with no speed test, e.g. 07:30-11:30,13:30-17:00 (empty: none)")
      ("capture-interface", po::value(&o.capture_interfaces)->composing(), "capture traffic on this interface (repeatable; turns the traffic collector on)")
      ("office-subnet", po::value(&o.office_subnets)->composing(), "CIDR counted as LAN besides the private ranges (repeatable)")
      ("local-net", po::value(&o.local_nets)->composing(), "with --pcap-file: this PC's address or subnet (decides in/out; repeatable); default: this machine's addresses")
      ("capture-filter", po::value(&o.capture_filter), "BPF filter for live capture")
      ("pcap-file", po::value(&o.pcap_file), "analyse this capture file's traffic instead of live capture")
      ("smartctl", po::value(&o.smartctl)->default_value(o.smartctl), "smartctl binary for disk health (smartmontools)")
      ("smartctl-fixtures", po::value(&o.smartctl_fixtures), "read <dir>/<disk>.json instead of running smartctl (tests, fixtures)")
      ("smart-interval", po::value(&o.smart_interval_seconds)->default_value(o.smart_interval_seconds), "seconds between smartctl runs per disk");
  // clang-format on
  auto refuse = [&](const std::string& what) {
    out << "wardwatch-agent: " << what << "\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  };
  bool has_percent = false;  // for OptionErrorText
  for (int i = 1; i < argc; ++i) has_percent = has_percent || HasPercent(argv[i]);
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      out << desc << "\nCollectors:" << CollectorList() << "\n";
      parsed.exit_now = true;
      return parsed;
    }
    if (vm.count("config")) {
      const std::string file = vm["config"].as<std::string>();
      if (!StoreConfigFile(file, desc, vm, has_percent)) {
        return refuse("cannot read config file " + file);
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    out << "wardwatch-agent: " << OptionErrorText(e, has_percent) << " (see --help)\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  }
  auto known = [](const std::string& name) {
    for (const auto& c : AllCollectors())
      if (c.name == name) return true;
    return false;
  };
  for (const auto* list : {&o.disabled_collectors, &o.enabled_collectors}) {
    for (const auto& name : *list) {
      if (!known(name)) {
        out << "wardwatch-agent: unknown collector \"" << name << "\"; known:" << CollectorList()
            << "\n";
        parsed.exit_now = true;
        parsed.exit_code = 2;
        return parsed;
      }
    }
  }
  if (auto s = ValidateNetworkOptions(o); !s) {
    out << "wardwatch-agent: " << s.error() << "\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  }
  if (auto apps = AppsConfigFromOptions(o); !apps) {
    out << "wardwatch-agent: " << apps.error() << "\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  }
  if (o.interval_seconds < 1 || o.interval_seconds > 86400) {
    out << "wardwatch-agent: --interval must be between 1 and 86400 seconds\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  }
  if (o.client_cert.empty() != o.client_key.empty()) {
    out << "wardwatch-agent: --client-cert and --client-key go together\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  }
  if (!o.print && o.collector_url.empty()) {
    out << "wardwatch-agent: --collector URL is required (or use --print)\n";
    parsed.exit_now = true;
    parsed.exit_code = 2;
    return parsed;
  }
  return parsed;
}

}  // namespace wardwatch::agent
