// The timeline player on a real fake server (no nginx): actions in time order, never early, each
// recorded as it happened; what cannot be played says why.
#include "harness/run/timeline_player.hpp"

#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

namespace bg = badgateway;
using namespace bg::test;

namespace {

bg::TimelineAction action(bg::Millis at, bg::TimelineActionKind kind, std::string label,
                          std::string fake = "ok") {
  bg::TimelineAction a;
  a.at = at;
  a.kind = kind;
  a.fake = std::move(fake);
  a.target = a.fake.empty() ? bg::TimelineTarget::nginx : bg::TimelineTarget::fake;
  a.label = std::move(label);
  a.deadline = 2s;
  return a;
}

bg::TimelineActors fakes_only(bg::fakes::FakeServer& server) {
  bg::TimelineActors actors;
  actors.fakes = &server;
  return actors;
}

}  // namespace

TEST_SUITE("timeline player") {
  TEST_CASE("fake actions play in order, none before its time, each with when it happened") {
    FakeFixture fake("ok");
    std::vector<bg::TimelineAction> actions = {
        action(20ms, bg::TimelineActionKind::stop, "ok stops"),
        action(40ms, bg::TimelineActionKind::close_connections, "ok closes connections"),
        action(60ms, bg::TimelineActionKind::start, "ok starts"),
    };
    bg::TimelineAction behave = action(80ms, bg::TimelineActionKind::behave, "ok behaves");
    behave.behaviour = "status";
    behave.params["code"] = std::int64_t{503};
    actions.push_back(behave);
    const auto start = Clock::now() + 20ms;
    bg::TimelinePlayer player(actions, fakes_only(fake.server()), start);
    auto events = player.finish(Clock::now() + 10s);
    REQUIRE(events.size() == 4);
    for (std::size_t i = 0; i < events.size(); ++i) {
      INFO(events[i].label << ": " << events[i].error);
      CHECK(events[i].error.empty());
      REQUIRE(events[i].happened);
      CHECK(*events[i].happened >= events[i].scheduled);  // never early
      CHECK(events[i].done >= events[i].happened);
      if (i > 0) CHECK(*events[i].happened >= *events[i - 1].happened);
    }
    CHECK(events[0].target == "ok");
    CHECK(events[0].action == "stop");
    // The last action left the fake answering 503.
    CHECK(status_of(round_trip(fake.address(), http_get("/")).received.bytes) == 503);
  }

  TEST_CASE("a reload without nginx fails; actions past the end are not played") {
    FakeFixture fake("ok");
    std::vector<bg::TimelineAction> actions = {
        action(0ms, bg::TimelineActionKind::reload, "nginx reloads", ""),
        action(10min, bg::TimelineActionKind::stop, "ok stops"),
    };
    bg::TimelinePlayer player(actions, fakes_only(fake.server()), Clock::now());
    auto events = player.finish(Clock::now() + 200ms);
    REQUIRE(events.size() == 2);
    CHECK_FALSE(events[0].happened);
    CHECK(events[0].error == "no nginx runs in this phase");
    CHECK(events[0].target == "nginx");
    CHECK_FALSE(events[1].happened);
    CHECK(events[1].error == "not played: the phase ended first");
  }

  TEST_CASE("nginx's actions and a PHP-FPM pool's fail, saying why, when there is none") {
    FakeFixture fake("ok");
    std::vector<bg::TimelineAction> actions = {
        action(0ms, bg::TimelineActionKind::stop, "nginx stops", ""),
        action(0ms, bg::TimelineActionKind::reload, "php reloads", "php"),
    };
    actions[1].target = bg::TimelineTarget::php_fpm;
    bg::TimelinePlayer player(actions, fakes_only(fake.server()), Clock::now());
    auto events = player.finish(Clock::now() + 2s);
    REQUIRE(events.size() == 2);
    CHECK(events[0].error == "no nginx runs in this phase");
    CHECK(events[1].error == "php is not a running PHP-FPM pool");
  }
}
