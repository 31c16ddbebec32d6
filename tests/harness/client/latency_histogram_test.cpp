// Latency histograms: percentiles by nearest rank, within one 1 % bin above the true value,
// never below it; latency measured from the intended send time.
#include "harness/client/latency_histogram.hpp"

#include <doctest/doctest.h>

#include "harness/client/traffic_summary.hpp"

namespace bg = badgateway;
using namespace std::chrono_literals;
using bg::Micros;

namespace {

// Within one bin above the exact value, never below it.
void check_close(Micros got, Micros exact) {
  INFO("got " << got.count() << "us, exact " << exact.count() << "us");
  CHECK(got >= exact);
  CHECK(static_cast<double>(got.count()) <= static_cast<double>(exact.count()) * 1.0101 + 1);
}

}  // namespace

TEST_SUITE("latency histogram") {
  TEST_CASE("empty: every figure is 0") {
    bg::LatencyHistogram h;
    CHECK(h.count() == 0);
    CHECK(h.percentile(0.99) == Micros(0));
    CHECK(h.max() == Micros(0));
  }

  TEST_CASE("1 to 1000 ms: p50, p90, p99, p99.9 and max by nearest rank") {
    bg::LatencyHistogram h;
    for (int ms = 1000; ms >= 1; --ms) h.record(Micros(ms * 1000));  // any order
    CHECK(h.count() == 1000);
    check_close(h.percentile(0.5), Micros(500'000));
    check_close(h.percentile(0.9), Micros(900'000));
    check_close(h.percentile(0.99), Micros(990'000));
    check_close(h.percentile(0.999), Micros(999'000));
    CHECK(h.percentile(1.0) == Micros(1'000'000));
    CHECK(h.max() == Micros(1'000'000));
  }

  TEST_CASE("one slow request in a hundred decides p99 but not p90") {
    bg::LatencyHistogram h;
    for (int i = 0; i < 98; ++i) h.record(Micros(2'000));
    h.record(Micros(3'000'000));
    h.record(Micros(3'000'000));
    check_close(h.percentile(0.9), Micros(2'000));
    check_close(h.percentile(0.99), Micros(3'000'000));
  }

  TEST_CASE("a single value is every percentile, exactly (capped at max)") {
    bg::LatencyHistogram h;
    h.record(Micros(200'000));
    CHECK(h.percentile(0.5) == Micros(200'000));
    CHECK(h.percentile(0.999) == Micros(200'000));
  }

  TEST_CASE("below 1 us and above 1 h are still counted") {
    bg::LatencyHistogram h;
    h.record(Micros(0));
    h.record(Micros(-5));
    h.record(std::chrono::duration_cast<Micros>(2h));
    CHECK(h.count() == 3);
    CHECK(h.percentile(0.5) <= Micros(1));
    CHECK(h.percentile(1.0) == std::chrono::duration_cast<Micros>(2h));
  }

  TEST_CASE("merge adds counts and keeps the larger max") {
    bg::LatencyHistogram a, b;
    for (int i = 0; i < 50; ++i) a.record(Micros(1'000));
    for (int i = 0; i < 50; ++i) b.record(Micros(9'000));
    a.merge(b);
    CHECK(a.count() == 100);
    check_close(a.percentile(0.5), Micros(1'000));
    check_close(a.percentile(0.51), Micros(9'000));
    CHECK(a.max() == Micros(9'000));
  }

  TEST_CASE("an open-loop request's latency runs from its scheduled time") {
    const auto t0 = std::chrono::steady_clock::now();
    bg::Response r;
    CHECK_FALSE(bg::latency_of(r));  // never ended
    r.scheduled_at = t0;
    r.sent_at = t0 + 300ms;  // the client was late: queueing, counted
    r.ended_at = t0 + 310ms;
    CHECK(bg::latency_of(r) == Micros(310'000));
    r.scheduled_at.reset();  // closed loop: from the send
    CHECK(bg::latency_of(r) == Micros(10'000));
  }

  TEST_CASE("a traffic summary counts per status, per outcome and per second") {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<bg::Response> rs(3);
    rs[0].status = 200;
    rs[0].outcome = bg::Outcome::complete;
    rs[0].sent_at = t0 + 100ms;
    rs[0].ended_at = t0 + 110ms;
    rs[0].connected = true;
    rs[1].status = 502;
    rs[1].outcome = bg::Outcome::complete;
    rs[1].sent_at = t0 + 1500ms;
    rs[1].ended_at = t0 + 1600ms;
    rs[2].outcome = bg::Outcome::timeout;  // cut short: no latency, no second
    const auto s = bg::summarize_traffic(rs, t0);
    CHECK(s.total.requests == 3);
    CHECK(s.total.status.at(200) == 1);
    CHECK(s.total.status.at(502) == 1);
    CHECK(s.total.status.at(0) == 1);
    CHECK(s.total.outcome.at("timeout") == 1);
    CHECK(s.latency.count() == 2);
    CHECK(s.connections == 1);
    REQUIRE(s.per_second.size() == 2);
    CHECK(s.per_second[0].status.at(200) == 1);
    CHECK(s.per_second[1].status.at(502) == 1);
  }
}
