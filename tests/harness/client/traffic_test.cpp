// The traffic component against a fake directly (no nginx): open loop on schedule, closed loop
// back to back, every response timed on the steady clock.
#include "harness/client/traffic.hpp"

#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

namespace bg = badgateway;
using namespace bg::test;

TEST_SUITE("traffic") {
  TEST_CASE("open loop: floor(rate x duration) requests, each sent no earlier than scheduled") {
    FakeFixture fake("ok");
    bg::TrafficSpec spec;
    spec.loop = bg::TrafficSpec::Loop::open;
    spec.rate = 50;
    spec.duration = 300ms;
    spec.start = 100ms;
    CHECK(spec.scheduled() == 15);
    const auto start = Clock::now() + 50ms;
    auto rs = bg::run_traffic(fake.address(), {spec}, "t", start, Clock::now() + 10s);
    REQUIRE(rs.size() == 15);
    for (std::size_t k = 0; k < rs.size(); ++k) {
      INFO("request " << k);
      CHECK(rs[k].request_id == "t-t" + std::to_string(k));
      CHECK(rs[k].status == 200);
      CHECK(rs[k].fake == "ok");
      REQUIRE(rs[k].scheduled_at);
      REQUIRE(rs[k].sent_at);
      REQUIRE(rs[k].ended_at);
      CHECK(*rs[k].scheduled_at == start + 100ms + k * 20ms);
      CHECK(*rs[k].sent_at >= *rs[k].scheduled_at);
      CHECK(*rs[k].ended_at >= *rs[k].sent_at);
    }
    CHECK(fake.stop_and_stats().requests == 15);
  }

  TEST_CASE("closed loop: each client sends its next request when its last one ended") {
    FakeFixture fake("ok", {{"latency", "50ms"}});
    bg::TrafficSpec spec;
    spec.loop = bg::TrafficSpec::Loop::closed;
    spec.clients = 2;
    spec.duration = 220ms;
    const auto start = Clock::now() + 20ms;
    auto rs = bg::run_traffic(fake.address(), {spec}, "c", start, Clock::now() + 10s);
    // Each client sends at `start`, then one request per 50 ms answer until 220 ms: 1 to 5 each.
    CHECK(rs.size() >= 2);
    CHECK(rs.size() <= 10);
    for (const auto& r : rs) {
      CHECK(r.status == 200);
      REQUIRE(r.sent_at);
      CHECK(*r.sent_at >= start);
      CHECK_FALSE(r.scheduled_at);
    }
  }

  TEST_CASE("the deadline stops the streams and says so") {
    FakeFixture fake("stall");
    bg::TrafficSpec spec;
    spec.loop = bg::TrafficSpec::Loop::closed;
    spec.clients = 1;
    spec.duration = 10s;
    bool overran = false;
    const auto t0 = Clock::now();
    auto rs = bg::run_traffic(fake.address(), {spec}, "d", t0, t0 + 200ms, &overran);
    CHECK(overran);
    CHECK(elapsed_since(t0) < 5s);
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].outcome == bg::Outcome::timeout);
  }

  TEST_CASE("closed loop with keep-alive: each client keeps one connection") {
    FakeFixture fake("ok");
    bg::TrafficSpec spec;
    spec.loop = bg::TrafficSpec::Loop::closed;
    spec.clients = 2;
    spec.duration = 200ms;
    spec.keepalive = true;
    const auto start = Clock::now() + 20ms;
    auto rs = bg::run_traffic(fake.address(), {spec}, "k", start, Clock::now() + 10s);
    REQUIRE(rs.size() >= 4);
    std::size_t connected = 0, reused = 0;
    for (const auto& r : rs) {
      CHECK(r.status == 200);
      CHECK(r.outcome == bg::Outcome::complete);
      connected += r.connected ? 1 : 0;
      reused += r.reused ? 1 : 0;
    }
    CHECK(connected == 2);
    CHECK(reused == rs.size() - 2);
    const auto stats = fake.stop_and_stats();
    CHECK(stats.connections == 2);
    CHECK(stats.requests == rs.size());
  }

  TEST_CASE("open loop with keep-alive: a pool, a new connection only when all are busy") {
    FakeFixture fake("ok", {{"latency", "30ms"}});
    bg::TrafficSpec spec;
    spec.loop = bg::TrafficSpec::Loop::open;
    spec.rate = 100;  // one every 10 ms, each answered in 30 ms: about 3 or 4 busy at once
    spec.duration = 500ms;
    spec.keepalive = true;
    const auto start = Clock::now() + 20ms;
    auto rs = bg::run_traffic(fake.address(), {spec}, "p", start, Clock::now() + 10s);
    REQUIRE(rs.size() == 50);
    std::size_t connected = 0;
    for (const auto& r : rs) {
      CHECK(r.status == 200);
      REQUIRE(r.scheduled_at);
      REQUIRE(r.sent_at);
      CHECK(*r.sent_at >= *r.scheduled_at);
      connected += r.connected ? 1 : 0;
    }
    CHECK(connected >= 3);
    CHECK(connected < 50);
    CHECK(fake.stop_and_stats().connections == connected);
  }

  TEST_CASE("a mix: each request chosen by weight, in a fixed order, and named") {
    FakeFixture fake("ok");
    bg::TrafficSpec spec;
    spec.loop = bg::TrafficSpec::Loop::open;
    spec.rate = 200;
    spec.duration = 40ms;  // 8 requests
    bg::RequestSpec a, b;
    a.path = "/a";
    b.method = "POST";
    b.path = "/b";
    b.body.assign(4096, 'b');
    spec.mix = {{a, 3}, {b, 1}};
    auto rs = bg::run_traffic(fake.address(), {spec}, "m", Clock::now(), Clock::now() + 10s);
    REQUIRE(rs.size() == 8);
    const std::vector<std::size_t> order{0, 0, 1, 0, 0, 0, 1, 0};
    for (std::size_t k = 0; k < rs.size(); ++k) {
      INFO("request " << k);
      REQUIRE(rs[k].mix_entry);
      CHECK(*rs[k].mix_entry == order[k]);
      CHECK(rs[k].path == (order[k] == 0 ? "/a" : "/b"));
      CHECK(rs[k].method == (order[k] == 0 ? "GET" : "POST"));
      CHECK(rs[k].status == 200);
    }
  }
}
