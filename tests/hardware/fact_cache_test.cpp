// Facts kept between reports (collectors/fact_cache.h): the re-read rule, and the collectors
// that keep facts on copies of the fixture machines, with a fake clock: what changes shows at
// once, what is kept is not read again until the refresh period passes.
#include "collectors/fact_cache.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "collectors/cpuinfo.h"
#include "collectors/disks.h"
#include "collectors/dmi.h"
#include "collectors/hardware_common.h"
#include "collectors/memory_modules.h"
#include "options.h"

using namespace wardwatch;
using namespace wardwatch::agent;
namespace fs = std::filesystem;
using std::chrono::seconds;

TEST_CASE("ShouldReread") {
  const SteadyTime t0{seconds(1000)};
  struct Row {
    bool have, changed;
    seconds age;
    bool reread;
  } rows[] = {
      {false, false, seconds(0), true},                                    // nothing kept yet
      {true, false, seconds(0), false},                                    // just read
      {true, false, seconds(599), false},                                  // within the period
      {true, false, seconds(600), true},                                   // the period has passed
      {true, false, seconds(601), true},  {true, true, seconds(1), true},  // the signature changed
      {true, false, seconds(-5), true},                                    // a clock that went back
  };
  for (const Row& r : rows) {
    CAPTURE(r.age.count());
    CAPTURE(r.changed);
    CHECK(ShouldReread(r.have, r.changed, t0, t0 + r.age) == r.reread);
  }
}

TEST_CASE("FactCache keeps a value for its signature and the refresh period") {
  FactCache<std::string, int> cache(seconds(10));
  const SteadyTime t0{seconds(50)};
  CHECK(cache.Get("a", t0) == nullptr);
  CHECK(cache.Last() == nullptr);
  cache.Put("a", 1, t0);
  REQUIRE(cache.Get("a", t0 + seconds(9)));
  CHECK(*cache.Get("a", t0 + seconds(9)) == 1);
  CHECK(cache.Get("b", t0 + seconds(1)) == nullptr);
  CHECK(cache.Get("a", t0 + seconds(10)) == nullptr);
  REQUIRE(cache.Last());
  CHECK(*cache.Last() == 1);
  cache.Clear();
  CHECK(cache.Get("a", t0) == nullptr);
}
