// The agent: runs the enabled collectors into a report and sends it.
#include "agent.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

Agent::Agent(AgentOptions options) : options_(std::move(options)), state_(options_.state_dir) {}

Status Agent::Init() {
  if (!options_.print) {
    if (auto s = state_.Open(); !s) return s;
  }
  auto id = LoadMachineId(options_.paths, options_.state_dir);
  if (!id) return MakeError(id.error());
  machine_id_ = *id;
  if (auto h = ReadTrimmed(options_.paths.Proc("sys/kernel/hostname")); h && !h->empty()) {
    hostname_ = *h;
  } else {
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    hostname_ = buf;
  }
  for (const auto& entry : AllCollectors()) {
    const bool on =
        (entry.enabled_by_default || Contains(options_.enabled_collectors, entry.name)) &&
        !Contains(options_.disabled_collectors, entry.name);
    if (on) collectors_.push_back({std::string(entry.name), entry.make()});
  }
  if (!options_.print) {
    HttpClientOptions http;
    http.connect_timeout_seconds = options_.connect_timeout_seconds;
    http.request_timeout_seconds = options_.request_timeout_seconds;
    http.ca_file = options_.ca_file;
    client_ = std::make_unique<CollectorClient>(options_.collector_url, options_.enroll_token,
                                                state_, NewHttpClient(http));
  }
  return Status::Ok();
}

Result<Report> Agent::Collect() {
  Report r;
  r.machine_id = machine_id_;
  r.hostname = hostname_;
  r.agent_version = WARDWATCH_VERSION;
  r.platform = "linux";
  r.interval_seconds = options_.interval_seconds;
  CollectContext ctx{options_.paths, &options_};
  for (auto& c : collectors_) {
    const auto start = std::chrono::steady_clock::now();
    Status s = c.collector->Collect(ctx, r);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    r.collectors.push_back({c.name, s.ok(), took.count(), s.ok() ? "" : s.error()});
  }
  r.collected_at_ms = NowMs();
  if (options_.print) {
    r.sequence = 0;
  } else {
    auto seq = state_.NextSequence();
    if (!seq) return MakeError(seq.error());
    r.sequence = *seq;
  }
  return r;
}

Status Agent::Send(const Report& report) {
  const PostOutcome out = client_->PostReport(EncodeReport(report), false, machine_id_, hostname_);
  if (out.kind == PostOutcome::Kind::kAccepted) return Status::Ok();
  return MakeError("report " + std::to_string(report.sequence) + " not delivered: " + out.message);
}

}  // namespace wardwatch::agent
