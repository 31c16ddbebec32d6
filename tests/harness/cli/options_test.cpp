#include "harness/cli/options.hpp"

#include <doctest/doctest.h>

namespace bg = badgateway;

TEST_SUITE("options") {
  TEST_CASE("--name value") {
    bg::Options o({"--jobs", "4", "--nginx", "/usr/sbin/nginx"});
    REQUIRE(o.next());
    CHECK(o.is("--jobs"));
    CHECK_FALSE(o.positional());
    CHECK(o.integer(1, 64) == 4);
    REQUIRE(o.next());
    CHECK(o.is("--nginx"));
    CHECK(o.value() == "/usr/sbin/nginx");
    CHECK_FALSE(o.next());
  }

  TEST_CASE("--name=value") {
    bg::Options o({"--jobs=8", "--filter=a=b", "--empty=", "next"});
    REQUIRE(o.next());
    CHECK(o.is("--jobs"));
    CHECK(o.current() == "--jobs");
    CHECK(o.integer(1, 64) == 8);
    REQUIRE(o.next());
    CHECK(o.is("--filter"));
    CHECK(o.value() == "a=b");  // split at the first '='
    REQUIRE(o.next());
    CHECK(o.is("--empty"));
    CHECK(o.value().empty());
    REQUIRE(o.next());
    CHECK(o.positional());
    CHECK(o.current() == "next");  // an inline value does not consume the next argument
  }

  TEST_CASE("a missing value is a UsageError naming the option") {
    bg::Options o({"--jobs"});
    REQUIRE(o.next());
    CHECK_THROWS_WITH_AS(o.value(), "--jobs needs a value", bg::UsageError);
    bg::Options n({"--jobs"});
    REQUIRE(n.next());
    CHECK_THROWS_AS(n.integer(1, 64), bg::UsageError);
  }

  TEST_CASE("integers must be whole and in range") {
    auto integer = [](const char* text) {
      bg::Options o({"--jobs", text});
      REQUIRE(o.next());
      return o.integer(1, 64);
    };
    CHECK(integer("1") == 1);
    CHECK(integer("64") == 64);
    CHECK_THROWS_WITH_AS(integer("0"), "--jobs: expected an integer in [1, 64], got \"0\"",
                         bg::UsageError);
    CHECK_THROWS_AS(integer("65"), bg::UsageError);
    CHECK_THROWS_AS(integer("-1"), bg::UsageError);
    CHECK_THROWS_AS(integer("4x"), bg::UsageError);
    CHECK_THROWS_AS(integer("x4"), bg::UsageError);
    CHECK_THROWS_AS(integer(""), bg::UsageError);
    CHECK_THROWS_AS(integer("99999999999999999999"), bg::UsageError);
  }

  TEST_CASE("positionals") {
    bg::Options o({"scenarios/a.toml", "-", "-v"});
    REQUIRE(o.next());
    CHECK(o.positional());
    CHECK(o.current() == "scenarios/a.toml");
    REQUIRE(o.next());
    CHECK(o.positional());  // "-" is stdin, not an option
    REQUIRE(o.next());
    CHECK(o.positional());  // only "--" starts an option
    CHECK_FALSE(o.next());
  }

  TEST_CASE("a value may look like an option") {
    bg::Options o({"--filter", "--weird"});
    REQUIRE(o.next());
    CHECK(o.value() == "--weird");
    CHECK_FALSE(o.next());
  }

  TEST_CASE("unknown() is a UsageError naming the option") {
    bg::Options o({"--colour=always"});
    REQUIRE(o.next());
    CHECK_THROWS_WITH_AS(o.unknown(), "unknown option \"--colour\" (try --help)", bg::UsageError);
  }

  TEST_CASE("no arguments") {
    bg::Options o({});
    CHECK_FALSE(o.next());
  }
}
