// probes collector for Windows: the latency probes use libcurl on Linux and are not ported to
// WinHTTP yet; the collector reports no probes and RunProbe says why.
#include "collectors/absent_windows.h"
#include "collectors/probes.h"

namespace wardwatch::agent {

ProbeSample RunProbe(const ProbeSpec&, const ProbeRunOptions&) {
  ProbeSample s;
  s.error = "latency probes are not available in the Windows agent yet";
  return s;
}

std::unique_ptr<Collector> NewProbesCollector() { return NewAbsentOnWindows(""); }
std::unique_ptr<Collector> NewProbesCollector(ProbeConfig) { return NewAbsentOnWindows(""); }

}  // namespace wardwatch::agent
