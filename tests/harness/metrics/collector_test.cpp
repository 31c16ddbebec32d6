#include <doctest/doctest.h>

#include <string>

#include "harness/metrics/collector.hpp"

namespace bg = badgateway;
using namespace std::chrono_literals;

namespace {

bg::Response response(int status, bg::Outcome outcome, std::chrono::microseconds latency) {
  bg::Response r;
  r.status = status;
  r.outcome = outcome;
  const auto t = std::chrono::steady_clock::now();
  r.sent_at = t;
  r.ended_at = t + latency;
  return r;
}

// The value of the series of `name` (with its suffix) whose labels include every one of `want`.
double value(const std::vector<bg::MetricFamily>& families, const std::string& name,
             const bg::MetricLabels& want) {
  for (const auto& f : families) {
    for (const auto& s : f.series) {
      if (f.name + s.suffix != name) continue;
      bool all = true;
      for (const auto& w : want) {
        bool found = false;
        for (const auto& l : s.labels) found = found || l == w;
        all = all && found;
      }
      if (all) return s.value;
    }
  }
  return -1;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("latency histogram: percentiles since an earlier copy, counts up to a bucket edge") {
    bg::LatencyHistogram h;
    for (int i = 0; i < 100; ++i) h.record(1000us);
    const bg::LatencyHistogram before = h;
    for (int i = 0; i < 10; ++i) h.record(50000us);
    CHECK(h.count_since(before) == 10);
    const auto p50 = h.percentile_since(before, 0.5);
    CHECK(p50 >= 50000us);
    CHECK(p50 <= 50500us);
    CHECK(h.percentile_since(h, 0.5) == 0us);
    CHECK(h.count_at_most(10000us) == 100);
    CHECK(h.count_at_most(100000us) == 110);
    CHECK(h.count_at_most(500us) == 0);
  }

  TEST_CASE("collector: counts, histogram, last second; counters stay after the phase") {
    bg::LiveBoard board;
    bg::MetricsCollector collector;
    board.on_leave([&](const bg::LiveView& v) { collector.observe(v, true); });
    bg::TrafficProgress traffic;
    bg::LiveSources sources{"s", "broken", "nginx 1.22.1 (local)", [] {
                              std::map<std::string, bg::UpstreamCounts> fakes;
                              fakes["app"] = bg::UpstreamCounts{7, 9};
                              return fakes;
                            }};
    const bg::MetricLabels phase{{"scenario", "s"}, {"phase", "broken"}};
    {
      bg::LiveEntry entry(&board, "s broken", bg::LiveBoard::Clock::now(), 1000ms, traffic,
                          sources);
      traffic.record(response(502, bg::Outcome::complete, 2000us));
      traffic.record(response(0, bg::Outcome::timeout, 40000us));
      board.visit([&](const bg::LiveView& v) { collector.observe(v, false); });
      auto f = collector.families();
      CHECK(value(f, "badgateway_phase_running", phase) == 1);
      CHECK(value(f, "badgateway_responses_total", {{"status", "502"}}) == 1);
      CHECK(value(f, "badgateway_responses_total", {{"status", "none"}}) == 1);
      CHECK(value(f, "badgateway_response_outcomes_total", {{"outcome", "timeout"}}) == 1);
      CHECK(value(f, "badgateway_response_latency_seconds_bucket", {{"le", "0.005"}}) == 1);
      CHECK(value(f, "badgateway_response_latency_seconds_bucket", {{"le", "+Inf"}}) == 2);
      CHECK(value(f, "badgateway_response_latency_seconds_count", phase) == 2);
      CHECK(value(f, "badgateway_response_latency_seconds_sum", phase) == doctest::Approx(0.042));
      CHECK(value(f, "badgateway_response_latency_last_second_seconds", {{"percentile", "p99"}}) ==
            doctest::Approx(0.040).epsilon(0.02));
      CHECK(value(f, "badgateway_fake_connections_total", {{"fake", "app"}}) == 7);
      CHECK(value(f, "badgateway_fake_requests_total", {{"fake", "app"}}) == 9);
      traffic.record(response(200, bg::Outcome::complete, 1000us));
    }
    // Left the board: the last reading counted the third response; no gauges remain.
    auto f = collector.families();
    CHECK(value(f, "badgateway_phase_running", phase) == 0);
    CHECK(value(f, "badgateway_responses_total", {{"status", "200"}}) == 1);
    CHECK(value(f, "badgateway_response_latency_last_second_seconds", phase) == -1);
    // The same phase again (--repeat): its counters add to the first run's.
    bg::TrafficProgress again;
    {
      bg::LiveEntry entry(&board, "s broken", bg::LiveBoard::Clock::now(), 1000ms, again, sources);
      again.record(response(502, bg::Outcome::complete, 2000us));
    }
    f = collector.families();
    CHECK(value(f, "badgateway_responses_total", {{"status", "502"}}) == 2);
    CHECK(value(f, "badgateway_fake_requests_total", {{"fake", "app"}}) == 18);
    const std::string text = bg::format_exposition(f);
    CHECK(text.find("# TYPE badgateway_response_latency_seconds histogram\n") != std::string::npos);
  }
}
