// PeriodicWorker: one thread, one condition variable; std::thread only, so it builds for
// Windows as it does for Linux.
#include "periodic_worker.h"

#include <stdexcept>
#include <utility>

namespace wardwatch::agent {

PeriodicWorker::~PeriodicWorker() { Stop(); }

void PeriodicWorker::Start(std::function<Clock::time_point()> next_run, std::function<void()> job) {
  if (thread_.joinable()) throw std::logic_error("PeriodicWorker::Start: already running");
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  stopping_.store(false, std::memory_order_release);
  thread_ = std::thread(
      [this, next_run = std::move(next_run), job = std::move(job)] { Loop(next_run, job); });
}

void PeriodicWorker::StartEvery(Clock::duration interval, std::function<void()> job) {
  Start([interval] { return Clock::now() + interval; }, std::move(job));
}

void PeriodicWorker::Stop() {
  if (thread_.joinable() && thread_.get_id() == std::this_thread::get_id()) {
    throw std::logic_error("PeriodicWorker::Stop: called from its own job");
  }
  stopping_.store(true, std::memory_order_release);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicWorker::Loop(const std::function<Clock::time_point()>& next_run,
                          const std::function<void()>& job) {
  for (;;) {
    const Clock::time_point at = next_run();
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_until(lock, at, [this] { return stop_; })) return;
    }
    job();
  }
}

}  // namespace wardwatch::agent
