// The agent: runs the enabled collectors into a report and sends it.
#include "agent.h"

#include <algorithm>
#include <chrono>

#include "fsutil.h"
#include "platform.h"

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
    hostname_ = HostName();
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
    http.client_cert = options_.client_cert;
    http.client_key = options_.client_key;
    client_ = std::make_unique<CollectorClient>(options_.collector_url, options_.enroll_token,
                                                state_, NewHttpClient(http));
    SpoolLimits limits;
    limits.max_bytes = options_.spool_max_bytes;
    limits.max_age_seconds = options_.spool_max_age_seconds;
    spool_ = std::make_unique<Spool>(options_.state_dir + "/spool", limits);
    if (auto s = spool_->Open(NowMs()); !s) return s;
    // Numbers the spool holds or had acknowledged are taken, whatever the sequence file says
    // after a crash (AgentState::NextSequence).
    if (auto s = state_.AdvanceSequence(spool_->highest_sequence()); !s) return s;
    DeliveryOptions d;
    d.backoff_base_seconds = options_.backoff_base_seconds;
    d.backoff_cap_seconds = options_.backoff_cap_seconds;
    delivery_ = std::make_unique<Delivery>(*spool_, *client_,
                                           options_.state_dir + "/spool/deadletter.jsonl",
                                           machine_id_, hostname_, d);
  }
  return Status::Ok();
}

Result<Report> Agent::Collect() {
  Report r;
  r.machine_id = machine_id_;
  r.hostname = hostname_;
  r.agent_version = WARDWATCH_VERSION;
  r.platform = PlatformName();
  r.interval_seconds = options_.interval_seconds;
  CollectContext ctx{options_.paths, &options_};
  for (auto& c : collectors_) {
    const auto start = std::chrono::steady_clock::now();
    Status s = c.collector->Collect(ctx, r);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    r.collectors.push_back({c.name, s.ok(), took.count(), s.ok() ? "" : s.error()});
  }
  r.collected_at_ms = NowMs();
  if (spool_) {
    schema::AgentHealthSection h;
    h.spool_bytes = spool_->pending_bytes();
    if (auto oldest = spool_->oldest_created_ms(); oldest && *oldest < r.collected_at_ms) {
      h.spool_oldest_age_seconds = static_cast<double>(r.collected_at_ms - *oldest) / 1000.0;
    }
    const auto& d = delivery_->stats();
    const auto& c = spool_->counters();
    h.reports_sent_total = c.acknowledged - c.deadlettered;
    h.reports_retried_total = d.retried;
    h.reports_dropped_total = c.dropped + c.corrupt;
    h.reports_deadlettered_total = c.deadlettered;
    h.last_error = d.last_error;
    r.agent_health = std::move(h);
  }
  r.sequence = options_.print ? 0 : state_.NextSequence();
  return r;
}

Status Agent::Close() { return options_.print ? Status::Ok() : state_.SaveSequence(); }

Status Agent::Submit(const Report& report) {
  auto payload = GzipCompress(EncodeReport(report));
  if (!payload) return MakeError(payload.error());
  return spool_->Append(report.sequence, report.collected_at_ms, *payload, NowMs());
}

void Agent::Pump(bool force) {
  delivery_->Pump(force);
  // Age bound applies while the collector is away too.
  (void)spool_->EnforceBounds(NowMs());
}

}  // namespace wardwatch::agent
