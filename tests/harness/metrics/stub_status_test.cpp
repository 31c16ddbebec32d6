#include <doctest/doctest.h>

#include "harness/metrics/stub_status.hpp"

namespace bg = badgateway;

TEST_SUITE("metrics") {
  TEST_CASE("stub_status: nginx's page parsed") {
    auto s = bg::parse_stub_status(
        "Active connections: 3 \nserver accepts handled requests\n 16 15 31 \n"
        "Reading: 0 Writing: 1 Waiting: 2 \n");
    REQUIRE(s);
    CHECK(s->active == 3);
    CHECK(s->accepted == 16);
    CHECK(s->handled == 15);
    CHECK(s->requests == 31);
    CHECK(s->reading == 0);
    CHECK(s->writing == 1);
    CHECK(s->waiting == 2);
    CHECK_FALSE(bg::parse_stub_status(""));
    CHECK_FALSE(bg::parse_stub_status("<html>502 Bad Gateway</html>"));
    CHECK_FALSE(bg::parse_stub_status("Active connections: 3 \nserver accepts handled requests\n"));
  }
}
