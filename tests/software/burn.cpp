// Burns the CPU seconds given as argv[1] (default 1) on one core, then sleeps until killed:
// a process with a known, unique application name ("wardwatch_burn") for the live usage test.
#include <unistd.h>

#include <cstdlib>
#include <ctime>

namespace {
double CpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

int main(int argc, char** argv) {
  const double want = argc > 1 ? std::atof(argv[1]) : 1.0;
  volatile unsigned long sink = 0;
  while (CpuSeconds() < want) {
    for (int i = 0; i < 100000; ++i) sink = sink + static_cast<unsigned long>(i);
  }
  for (;;) ::pause();
}
