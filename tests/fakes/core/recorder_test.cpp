#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "fakes/core/recorder.hpp"

namespace fk = badgateway::fakes;

namespace {
fk::SeenRequest request(int i) {
  fk::SeenRequest r;
  r.method = "GET";
  // Not "/" + std::to_string(i): GCC 12 at -O3 reports a false -Wrestrict on that (see README).
  r.target = fmt::format("/{}", i);
  r.headers = {{"Host", "h"}};
  return r;
}
}  // namespace

TEST_SUITE("recorder") {
  TEST_CASE("keeps exact counts but only a bounded window of recent requests") {
    fk::Recorder recorder(4);
    for (int i = 0; i < 10; ++i) {
      recorder.on_connection();
      recorder.on_request(request(i));
    }
    auto stats = recorder.snapshot();
    CHECK(stats.connections == 10);
    CHECK(stats.requests == 10);
    REQUIRE(stats.seen.size() == 4);
    CHECK(stats.seen.front().target == "/6");  // oldest kept first
    CHECK(stats.seen.back().target == "/9");
  }

  TEST_CASE("the default window bounds a long-running endpoint") {
    fk::Recorder recorder;
    const auto n = 3 * fk::Recorder::kDefaultWindow + 7;
    for (std::size_t i = 0; i < n; ++i) recorder.on_request(request(static_cast<int>(i)));
    auto stats = recorder.snapshot();
    CHECK(stats.requests == n);
    REQUIRE(stats.seen.size() == fk::Recorder::kDefaultWindow);
    CHECK(stats.seen.back().target == fmt::format("/{}", n - 1));
  }

  TEST_CASE("a window of 0 keeps counts only") {
    fk::Recorder recorder(0);
    recorder.on_request(request(1));
    recorder.on_request(request(2));
    auto stats = recorder.snapshot();
    CHECK(stats.requests == 2);
    CHECK(stats.seen.empty());
  }
}
