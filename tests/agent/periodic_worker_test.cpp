// PeriodicWorker: the job runs at its schedule, Stop wakes a waiting thread at once, a running
// job is waited for (the destructor joins), and a long job sees stopping().
#include "periodic_worker.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wardwatch::agent {
namespace {

using Clock = PeriodicWorker::Clock;
using std::chrono::milliseconds;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

TEST_CASE("StartEvery runs the job once per interval, the first one an interval after Start") {
  std::mutex mu;
  std::vector<Clock::time_point> runs;
  const auto started = Clock::now();
  {
    PeriodicWorker worker;
    worker.StartEvery(milliseconds(30), [&] {
      std::lock_guard lock(mu);
      runs.push_back(Clock::now());
    });
    CHECK(worker.running());
    std::this_thread::sleep_for(milliseconds(20));
    {
      std::lock_guard lock(mu);
      CHECK(runs.empty());  // not before the first interval
    }
    std::this_thread::sleep_for(milliseconds(400));
  }
  // 400 ms at 30 ms: 13 at most; at least 3 even on a loaded machine.
  REQUIRE(runs.size() >= 3);
  CHECK(runs.size() <= 14);
  CHECK(runs.front() - started >= milliseconds(30));
  for (std::size_t i = 1; i < runs.size(); ++i) {
    CAPTURE(i);
    CHECK(runs[i] - runs[i - 1] >= milliseconds(30));
  }
}

TEST_CASE("Start runs the job at the time points next_run gives") {
  const auto t0 = Clock::now();
  const milliseconds plan[] = {milliseconds(10), milliseconds(60), milliseconds(70)};
  std::size_t asked = 0;
  std::vector<Clock::time_point> runs;
  std::atomic<int> done{0};
  PeriodicWorker worker;
  worker.Start(
      [&] { return asked < 3 ? t0 + plan[asked++] : Clock::now() + std::chrono::hours(1); },
      [&] {
        runs.push_back(Clock::now());
        ++done;
      });
  for (int i = 0; i < 400 && done < 3; ++i) std::this_thread::sleep_for(milliseconds(5));
  worker.Stop();  // joins: runs is no longer written
  REQUIRE(runs.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(runs[i] >= t0 + plan[i]);
  }
}

TEST_CASE("Stop wakes a waiting worker at once, without running the job") {
  std::atomic<int> ran{0};
  PeriodicWorker worker;
  worker.StartEvery(std::chrono::hours(1), [&] { ++ran; });
  std::this_thread::sleep_for(milliseconds(20));  // the thread is in its wait
  const auto t = Clock::now();
  worker.Stop();
  CHECK(MsSince(t) < 500);
  CHECK_FALSE(worker.running());
  CHECK(ran == 0);
  worker.Stop();  // again: nothing to do
  // A stopped worker starts again.
  worker.StartEvery(milliseconds(1), [&] { ++ran; });
  for (int i = 0; i < 400 && ran == 0; ++i) std::this_thread::sleep_for(milliseconds(5));
  worker.Stop();
  CHECK(ran > 0);
}

TEST_CASE("the destructor waits for a running job and joins") {
  std::atomic<bool> in_job{false}, job_finished{false};
  {
    PeriodicWorker worker;
    worker.StartEvery(milliseconds(1), [&] {
      in_job = true;
      std::this_thread::sleep_for(milliseconds(150));
      job_finished = true;
    });
    for (int i = 0; i < 400 && !in_job; ++i) std::this_thread::sleep_for(milliseconds(5));
    REQUIRE(in_job);
  }  // ~PeriodicWorker: the job is mid-sleep here
  CHECK(job_finished);
}

TEST_CASE("a long job sees stopping() and gives up early") {
  std::atomic<bool> in_job{false};
  std::optional<double> job_ms;
  PeriodicWorker worker;
  worker.StartEvery(milliseconds(1), [&] {
    in_job = true;
    const auto t = Clock::now();
    while (!worker.stopping() && MsSince(t) < 10000) std::this_thread::sleep_for(milliseconds(2));
    job_ms = MsSince(t);
  });
  for (int i = 0; i < 400 && !in_job; ++i) std::this_thread::sleep_for(milliseconds(5));
  REQUIRE(in_job);
  const auto t = Clock::now();
  worker.Stop();
  CHECK(MsSince(t) < 1000);
  REQUIRE(job_ms.has_value());
  CHECK(*job_ms < 5000);
}

TEST_CASE("starting twice, or stopping from the job, is a programming error") {
  PeriodicWorker worker;
  worker.StartEvery(std::chrono::hours(1), [] {});
  CHECK_THROWS_AS(worker.StartEvery(std::chrono::hours(1), [] {}), std::logic_error);
  worker.Stop();
  std::atomic<bool> threw{false}, ran{false};
  worker.StartEvery(milliseconds(1), [&] {
    if (ran.exchange(true)) return;
    try {
      worker.Stop();
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  for (int i = 0; i < 400 && !ran; ++i) std::this_thread::sleep_for(milliseconds(5));
  worker.Stop();
  CHECK(threw);
}

}  // namespace
}  // namespace wardwatch::agent
