#include "harness/metrics/collector.hpp"

#include <fstream>

#include <fmt/format.h>

#include "harness/net/netns.hpp"
#include "harness/observe/observation.hpp"

namespace badgateway {
namespace {

// At most this much of an access log is read per reading: a phase logging faster catches up over
// the next readings.
constexpr std::size_t kMaxAccessLogRead = 4 << 20;

// The access-log lines added since `offset`, complete ones only; `partial` carries the rest.
std::vector<std::string> new_lines(const std::filesystem::path& path, std::uintmax_t& offset,
                                   std::string& partial) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  if (!in) return lines;
  in.seekg(static_cast<std::streamoff>(offset));
  std::string chunk(kMaxAccessLogRead, '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<std::size_t>(in.gcount()));
  offset += chunk.size();
  partial += chunk;
  std::size_t from = 0;
  for (std::size_t nl; (nl = partial.find('\n', from)) != std::string::npos; from = nl + 1)
    lines.push_back(partial.substr(from, nl - from));
  partial.erase(0, from);
  return lines;
}

MetricLabels with(const MetricLabels& base, std::string key, std::string value) {
  MetricLabels out = base;
  out.emplace_back(std::move(key), std::move(value));
  return out;
}

std::string status_label(int status) {
  return status == 0 ? "none" : std::to_string(status);
}

}  // namespace

void MetricsCollector::Counts::add(const Counts& o) {
  for (const auto& [k, v] : o.by_status) by_status[k] += v;
  for (const auto& [k, v] : o.by_outcome) by_outcome[k] += v;
  latency.merge(o.latency);
  latency_sum_seconds += o.latency_sum_seconds;
  for (const auto& [k, v] : o.fake_connections) fake_connections[k] += v;
  for (const auto& [k, v] : o.fake_requests) fake_requests[k] += v;
  attempts += o.attempts;
  logged += o.logged;
  access_log = access_log || o.access_log;
  accepted += o.accepted;
  handled += o.handled;
  requests += o.requests;
  stub_status = stub_status || o.stub_status;
}

void MetricsCollector::observe(const LiveView& view, bool leaving, Millis stub_limit) {
  const LiveSources& src = view.sources;
  // Read before taking the lock: a scrape of families() never waits for nginx.
  TrafficTotals traffic = view.traffic.totals();
  std::map<std::string, UpstreamCounts> fakes;
  if (src.fakes) fakes = src.fakes();
  std::optional<StubStatus> stub;
  if (src.stub_status) {
    InNetNamespace there(src.netns);
    if (auto body = http_get(*src.stub_status, "/stub_status", stub_limit))
      stub = parse_stub_status(*body);
  }

  std::lock_guard lock(mutex_);
  Phase& phase = phases_[Key{src.scenario, src.phase, src.nginx}];
  Live& live = phase.live[view.id];
  Counts& c = live.counts;
  c.by_status = std::move(traffic.by_status);
  c.by_outcome = std::move(traffic.by_outcome);
  c.latency_sum_seconds = traffic.latency_sum_seconds;
  if (!leaving) {
    live.last_second = LatencySummary{traffic.latency.count_since(live.previous),
                                      traffic.latency.percentile_since(live.previous, 0.5),
                                      traffic.latency.percentile_since(live.previous, 0.9),
                                      traffic.latency.percentile_since(live.previous, 0.99),
                                      Micros(0),
                                      Micros(0)};
    live.previous = traffic.latency;
  }
  c.latency = std::move(traffic.latency);
  for (const auto& [name, counts] : fakes) {
    if (counts.connections) c.fake_connections[name] = *counts.connections;
    c.fake_requests[name] = counts.requests;
  }
  if (!src.access_log.empty()) {
    c.access_log = true;
    for (const auto& line : new_lines(src.access_log, live.access_offset, live.partial_line)) {
      if (auto record = parse_access_line(line)) {
        ++c.logged;
        c.attempts += static_cast<std::uint64_t>(record->attempts());
      }
    }
  }
  live.stub = stub;
  if (stub) {
    // nginx's own counters; a timeline's restart starts them again from 0, which Prometheus'
    // rate() takes as a counter reset.
    c.stub_status = true;
    c.accepted = stub->accepted;
    c.handled = stub->handled;
    c.requests = stub->requests;
  }
  if (leaving) {
    phase.finished.add(c);
    phase.live.erase(view.id);
  }
}

std::vector<MetricFamily> MetricsCollector::families() const {
  auto family = [](std::string name, MetricType type, std::string help, std::string graphite) {
    return MetricFamily{std::move(name), type, std::move(help), std::move(graphite), {}};
  };
  MetricFamily running = family("badgateway_phase_running", MetricType::gauge,
                                "1 while the phase's traffic runs, 0 once it ended", "running");
  MetricFamily responses =
      family("badgateway_responses_total", MetricType::counter,
             "Responses the client got, by status (none: no status line)", "responses");
  MetricFamily outcomes = family("badgateway_response_outcomes_total", MetricType::counter,
                                 "Exchanges by outcome (complete, truncated, empty_reply, "
                                 "not_http, connect_failed, timeout)",
                                 "outcomes");
  MetricFamily latency =
      family("badgateway_response_latency_seconds", MetricType::histogram,
             "Response latency from the intended send time to the end of the exchange", "");
  MetricFamily last_second = family(
      "badgateway_response_latency_last_second_seconds", MetricType::gauge,
      "Percentiles of the latencies of the responses that ended in the last second", "latency");
  MetricFamily attempts =
      family("badgateway_upstream_attempts_total", MetricType::counter,
             "Upstream attempts nginx logged ($upstream_status entries), of the access log's "
             "requests",
             "upstream_attempts");
  MetricFamily logged =
      family("badgateway_access_log_requests_total", MetricType::counter,
             "Requests in the access log of the harness's server so far", "access_log_requests");
  MetricFamily fake_connections = family("badgateway_fake_connections_total", MetricType::counter,
                                         "Connections each fake accepted", "fake_connections");
  MetricFamily fake_requests = family("badgateway_fake_requests_total", MetricType::counter,
                                      "Requests each fake read", "fake_requests");
  MetricFamily active = family("badgateway_nginx_connections_active", MetricType::gauge,
                               "nginx stub_status: active client connections", "nginx.active");
  MetricFamily reading =
      family("badgateway_nginx_connections_reading", MetricType::gauge,
             "nginx stub_status: connections reading the request header", "nginx.reading");
  MetricFamily writing =
      family("badgateway_nginx_connections_writing", MetricType::gauge,
             "nginx stub_status: connections writing the response", "nginx.writing");
  MetricFamily waiting = family("badgateway_nginx_connections_waiting", MetricType::gauge,
                                "nginx stub_status: idle keep-alive connections", "nginx.waiting");
  MetricFamily accepted =
      family("badgateway_nginx_connections_accepted_total", MetricType::counter,
             "nginx stub_status: client connections accepted", "nginx.accepted");
  MetricFamily handled = family("badgateway_nginx_connections_handled_total", MetricType::counter,
                                "nginx stub_status: client connections handled", "nginx.handled");
  MetricFamily http_requests =
      family("badgateway_nginx_http_requests_total", MetricType::counter,
             "nginx stub_status: client requests (its own scrapes included)", "nginx.requests");

  std::lock_guard lock(mutex_);
  for (const auto& [key, phase] : phases_) {
    const auto& [scenario, phase_name, nginx] = key;
    const MetricLabels labels{{"scenario", scenario}, {"phase", phase_name}, {"nginx", nginx}};
    Counts c = phase.finished;
    for (const auto& [id, live] : phase.live) {
      c.add(live.counts);
      if (live.last_second && live.last_second->count > 0) {
        for (auto [q, v] :
             {std::pair{"p50", live.last_second->p50}, std::pair{"p90", live.last_second->p90},
              std::pair{"p99", live.last_second->p99}})
          last_second.series.push_back(
              {"", with(labels, "percentile", q), static_cast<double>(v.count()) / 1e6});
      }
      if (live.stub) {
        active.series.push_back({"", labels, static_cast<double>(live.stub->active)});
        reading.series.push_back({"", labels, static_cast<double>(live.stub->reading)});
        writing.series.push_back({"", labels, static_cast<double>(live.stub->writing)});
        waiting.series.push_back({"", labels, static_cast<double>(live.stub->waiting)});
      }
    }
    running.series.push_back({"", labels, phase.live.empty() ? 0.0 : 1.0});
    for (const auto& [status, n] : c.by_status)
      responses.series.push_back(
          {"", with(labels, "status", status_label(status)), static_cast<double>(n)});
    for (const auto& [outcome, n] : c.by_outcome)
      outcomes.series.push_back(
          {"", with(labels, "outcome", std::string(to_string(outcome))), static_cast<double>(n)});
    for (double edge : kLatencyBuckets) {
      const auto n = c.latency.count_at_most(Micros(static_cast<Micros::rep>(edge * 1e6)));
      latency.series.push_back(
          {"_bucket", with(labels, "le", format_value(edge)), static_cast<double>(n)});
    }
    const auto count = static_cast<double>(c.latency.count());
    latency.series.push_back({"_bucket", with(labels, "le", "+Inf"), count});
    latency.series.push_back({"_sum", labels, c.latency_sum_seconds});
    latency.series.push_back({"_count", labels, count});
    if (c.access_log) {
      attempts.series.push_back({"", labels, static_cast<double>(c.attempts)});
      logged.series.push_back({"", labels, static_cast<double>(c.logged)});
    }
    for (const auto& [name, n] : c.fake_connections)
      fake_connections.series.push_back({"", with(labels, "fake", name), static_cast<double>(n)});
    for (const auto& [name, n] : c.fake_requests)
      fake_requests.series.push_back({"", with(labels, "fake", name), static_cast<double>(n)});
    if (c.stub_status) {
      accepted.series.push_back({"", labels, static_cast<double>(c.accepted)});
      handled.series.push_back({"", labels, static_cast<double>(c.handled)});
      http_requests.series.push_back({"", labels, static_cast<double>(c.requests)});
    }
  }
  return {running, responses,        outcomes,      latency,      last_second, attempts,
          logged,  fake_connections, fake_requests, active,       reading,     writing,
          waiting, accepted,         handled,       http_requests};
}

}  // namespace badgateway
