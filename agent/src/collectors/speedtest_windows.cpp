// speedtest collector for Windows: the LAN speed test uses libcurl on Linux and is not ported
// to WinHTTP yet; RunSpeedTest answers with an error, the collector reports nothing.
#include "collectors/absent_windows.h"
#include "collectors/speedtest.h"

namespace wardwatch::agent {

schema::SpeedTest RunSpeedTest(const SpeedTestRequest& request) {
  schema::SpeedTest t;
  t.target = request.collector_url;
  t.error = "the speed test is not available in the Windows agent yet";
  return t;
}

std::unique_ptr<Collector> NewSpeedtestCollector() { return NewAbsentOnWindows(""); }
std::unique_ptr<Collector> NewSpeedtestCollector(SpeedTestConfig) { return NewAbsentOnWindows(""); }

}  // namespace wardwatch::agent
