// A background thread that runs a job again and again with waits in between, and stops
// promptly: Stop() (or the destructor) wakes it from its wait and joins it. The collectors that
// work between reports (probes, speed test, application sampling) own one instead of each
// keeping their own stop flag, mutex, condition variable and join.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace wardwatch::agent {

class PeriodicWorker {
 public:
  using Clock = std::chrono::steady_clock;

  PeriodicWorker() = default;
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  // Stops and joins. Declare the worker after everything its job uses, so it is destroyed
  // (and its thread joined) first.
  ~PeriodicWorker();

  // Starts the thread: it asks `next_run` when to run next, waits until then (or until Stop),
  // runs `job`, and again. Both are called on the worker thread only. Starting a worker that
  // is already running is a programming error (std::logic_error).
  void Start(std::function<Clock::time_point()> next_run, std::function<void()> job);
  // The same with a fixed pause: `job` runs `interval` after Start, then `interval` after each
  // run ended.
  void StartEvery(Clock::duration interval, std::function<void()> job);
  // Wakes the thread, waits for a running job to return, joins. Idempotent; the worker can be
  // started again afterwards. Not from the job itself (std::logic_error).
  void Stop();

  // True once Stop began: a long job (a speed test) checks it to give up early.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  bool running() const { return thread_.joinable(); }

 private:
  void Loop(const std::function<Clock::time_point()>& next_run, const std::function<void()>& job);

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // under mu_, for the wait
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace wardwatch::agent
