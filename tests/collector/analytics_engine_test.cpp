// Tests the analytics worker on a real analytics.db: rollups written in many flushes leave a
// bounded WAL (SQLite checkpoints them into the database file).
#include <doctest/doctest.h>

#include <filesystem>
#include <future>
#include <random>

#include "analytics/engine.h"
#include "fleet.h"

using namespace wardwatch::collector;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("wardwatch-engine-test-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::shared_ptr<const wardwatch::Report> MakeReport(int machine, std::uint64_t hour) {
  wardwatch::Report r;
  r.machine_id = "m" + std::to_string(machine);
  r.hostname = "pc-" + std::to_string(machine);
  r.platform = "linux";
  r.sequence = hour + 1;
  r.interval_seconds = 3600;
  r.collected_at_ms = (1790000000ULL + hour * 3600) * 1000;
  const double t = static_cast<double>(hour) * 3600;
  r.system.cpus = {{0, t * 0.2, 0, t * 0.05, t * 0.7, t * 0.05, 0, 0, 0}};
  r.system.meminfo = {{"MemTotal", 8000000000}, {"MemAvailable", 2000000000}};
  return std::make_shared<const wardwatch::Report>(std::move(r));
}

}  // namespace

TEST_CASE("analytics: rollups flushed many times are checkpointed, the WAL stays bounded") {
  TempDir dir;
  Fleet fleet;
  AnalyticsEngine::Options o;
  o.data_dir = dir.path.string();
  o.recompute_seconds = 1e9;  // only rollups here, no findings
  auto engine = AnalyticsEngine::Open(o, fleet);
  REQUIRE_MESSAGE(engine.ok(), (engine.ok() ? "" : engine.error()));
  constexpr int kMachines = 100, kHours = 60;
  for (std::uint64_t hour = 0; hour < kHours; ++hour) {
    for (int m = 0; m < kMachines; ++m) (*engine)->Ingest(MakeReport(m, hour));
    std::promise<void> flushed;  // History() flushes on the worker: one transaction per hour
    REQUIRE((*engine)->Post([&flushed](AnalyticsEngine& e) {
      (void)e.History("", 0, 0);
      flushed.set_value();
    }));
    flushed.get_future().get();
  }
  CHECK((*engine)->ingested() == kMachines * kHours);
  const auto db = fs::file_size(dir.path / "analytics.db");
  const auto wal = fs::file_size(dir.path / "analytics.db-wal");
  CAPTURE(db);
  CAPTURE(wal);
  // Without checkpoints every page stays in the WAL and the database file keeps its first
  // page only; SQLite's automatic checkpoint (1,000 pages) bounds the WAL near 4 MiB.
  CHECK(db > 64 * 1024);
  CHECK(wal < 16u * 1024 * 1024);
  (*engine)->Stop();
}
