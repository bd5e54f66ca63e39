// Parses wardwatch-console's flags; every error names the flag and the bad value.
#include "model/cli.h"

#include <cstdlib>

namespace wardwatch::console {
namespace {

Result<double> Number(const std::string& flag, const std::string& v, double lo, double hi) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d >= lo && d <= hi)) {
    return MakeError(flag + ": expected a number in " + std::to_string(static_cast<long>(lo)) +
                     ".." + std::to_string(static_cast<long>(hi)) + ", got \"" + v + "\"");
  }
  return d;
}

}  // namespace

const char* CliUsage() {
  return "wardwatch-console: the IT officer's console for a WardWatch collector.\n\n"
         "Usage: wardwatch-console --collector URL --token T [--lang vi|en]\n"
         "       wardwatch-console ... --screenshot FILE.png --view VIEW [--size WxH]\n"
         "       wardwatch-console ... --dump-model\n"
         "       wardwatch-console --synthetic-machines N --bench-frames F\n\n"
         "Options:\n"
         "  --collector URL         collector base URL (remembered in the settings file)\n"
         "  --token T               API token (or $WARDWATCH_API_TOKEN, or --token-file)\n"
         "  --token-file FILE       read the API token from FILE (e.g. DATA_DIR/api-token)\n"
         "  --lang vi|en            language (default: remembered, else from LANG/LC_ALL)\n"
         "  --config FILE           settings file (default ~/.config/wardwatch/console.ini)\n"
         "  --screenshot FILE.png   render VIEW once the data arrived, write a PNG, exit\n"
         "  --view VIEW             fleet | machine[:ID] | network | software | reports\n"
         "  --size WxH              window size (default 1440x900)\n"
         "  --timeout SECONDS       how long --screenshot/--dump-model wait for data (30)\n"
         "  --search TEXT           search the installed software for TEXT (Software view)\n"
         "  --scroll-end            scroll the view's panels to their end (the Machine view's\n"
         "                          probes), e.g. for a --screenshot of what is below the fold\n"
         "  --wait-search TEXT      with --screenshot (Software view): print where the search\n"
         "                          box is, then wait until TEXT is typed into it and Enter\n"
         "                          pressed (only Enter sends) and the answer shown; prints\n"
         "                          the search as JSON. For tests driving the real window\n"
         "  --dump-model            print the sorted fleet rows as JSON and exit (no window)\n"
         "  --refresh SECONDS       refresh period (default 15)\n"
         "  --synthetic-machines N  show a synthetic fleet of N machines (no collector)\n"
         "  --bench-frames F        render F frames as fast as possible and print frame times\n"
         "  --help                  this text\n";
}

Result<CliOptions> ParseCli(const std::vector<std::string>& args) {
  CliOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline = false;
    if (const auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline = true;
    }
    auto next = [&]() -> Result<std::string> {
      if (has_inline) return value;
      if (i + 1 >= args.size()) return MakeError(flag + ": missing value");
      return args[++i];
    };
    auto take = [&](std::string& out) -> Status {
      auto v = next();
      if (!v.ok()) return MakeError(v.error());
      out = *v;
      return Status::Ok();
    };
    Status st;
    if (flag == "--help" || flag == "-h") {
      o.help = true;
    } else if (flag == "--collector") {
      st = take(o.collector_url);
      if (st.ok() && !o.collector_url.starts_with("http://") &&
          !o.collector_url.starts_with("https://")) {
        return MakeError("--collector: expected http://HOST:PORT or https://..., got \"" +
                         o.collector_url + "\"");
      }
    } else if (flag == "--token") {
      st = take(o.token);
    } else if (flag == "--token-file") {
      st = take(o.token_file);
    } else if (flag == "--lang") {
      st = take(o.lang);
      if (st.ok() && o.lang != "vi" && o.lang != "en") {
        return MakeError("--lang: expected vi or en, got \"" + o.lang + "\"");
      }
    } else if (flag == "--config") {
      st = take(o.settings_path);
    } else if (flag == "--screenshot") {
      st = take(o.screenshot);
    } else if (flag == "--view") {
      st = take(o.view);
      if (st.ok()) {
        const std::string base = o.view.substr(0, o.view.find(':'));
        if (base != "fleet" && base != "machine" && base != "network" && base != "software" &&
            base != "reports") {
          return MakeError(
              "--view: expected fleet, machine[:ID], network, software or "
              "reports, got \"" +
              o.view + "\"");
        }
      }
    } else if (flag == "--size") {
      std::string v;
      st = take(v);
      if (st.ok()) {
        const auto x = v.find('x');
        auto w = Number("--size", v.substr(0, x), 320, 8192);
        auto h = x == std::string::npos
                     ? Result<double>(MakeError("--size: expected WxH, got \"" + v + "\""))
                     : Number("--size", v.substr(x + 1), 240, 8192);
        if (!w.ok()) return MakeError(w.error());
        if (!h.ok()) return MakeError(h.error());
        o.width = static_cast<int>(*w);
        o.height = static_cast<int>(*h);
      }
    } else if (flag == "--timeout" || flag == "--refresh" || flag == "--bench-frames" ||
               flag == "--synthetic-machines") {
      std::string v;
      st = take(v);
      if (st.ok()) {
        const double hi = flag == "--synthetic-machines" ? 1000000 : 100000;
        auto d = Number(flag, v, flag == "--refresh" ? 1 : 0, hi);
        if (!d.ok()) return MakeError(d.error());
        if (flag == "--timeout") o.timeout_seconds = *d;
        if (flag == "--refresh") o.refresh_seconds = *d;
        if (flag == "--bench-frames") o.bench_frames = static_cast<int>(*d);
        if (flag == "--synthetic-machines") o.synthetic_machines = static_cast<int>(*d);
      }
    } else if (flag == "--search") {
      st = take(o.search);
    } else if (flag == "--wait-search") {
      st = take(o.wait_search);
      if (st.ok() && o.wait_search.empty()) return MakeError("--wait-search: empty text");
    } else if (flag == "--scroll-end") {
      o.scroll_end = true;
    } else if (flag == "--dump-model") {
      o.dump_model = true;
    } else {
      return MakeError("unknown option \"" + args[i] + "\" (see --help)");
    }
    if (!st.ok()) return MakeError(st.error());
  }
  if (!o.wait_search.empty()) {
    if (o.screenshot.empty()) return MakeError("--wait-search needs --screenshot");
    if (o.view.empty()) o.view = "software";
    if (o.view != "software") {
      return MakeError("--wait-search: the search box is in the software view, not \"" + o.view +
                       "\"");
    }
  }
  if (!o.screenshot.empty() && o.view.empty()) o.view = "fleet";
  if (o.token.empty()) {
    if (const char* env = std::getenv("WARDWATCH_API_TOKEN"); env != nullptr) o.token = env;
  }
  return o;
}

}  // namespace wardwatch::console
