#include "fakes/base/units.hpp"

#include <doctest/doctest.h>

using badgateway::format_duration;
using badgateway::Millis;
using badgateway::parse_duration;
using badgateway::parse_size;

TEST_CASE("units: parse_duration reads ms, s and m, with fractions") {
  CHECK(parse_duration("250ms") == Millis(250));
  CHECK(parse_duration("1s") == Millis(1000));
  CHECK(parse_duration("1.5s") == Millis(1500));
  CHECK(parse_duration("2m") == Millis(120'000));
  CHECK(parse_duration("0.25m") == Millis(15'000));
  CHECK(parse_duration("10MS") == Millis(10));  // units are case-insensitive
  CHECK(parse_duration("0ms") == Millis(0));
}

TEST_CASE("units: parse_duration accepts a bare 0 and no other bare number") {
  CHECK(parse_duration("0") == Millis(0));
  CHECK(parse_duration("300") == std::nullopt);
  CHECK(parse_duration("1") == std::nullopt);
}

TEST_CASE("units: parse_duration rejects malformed text") {
  for (const char* bad : {"", "ms", "s", "-1s", "1h", "1 s", "1.2.3s", "abc", "1sec", "5ms "}) {
    CAPTURE(std::string(bad));
    CHECK(parse_duration(bad) == std::nullopt);
  }
}

TEST_CASE("units: parse_duration caps at 24 hours") {
  CHECK(parse_duration("1440m") == Millis(24LL * 3600 * 1000));
  CHECK(parse_duration("1441m") == std::nullopt);
  CHECK(parse_duration("86401s") == std::nullopt);
}

TEST_CASE("units: parse_size reads bytes and binary multiples") {
  CHECK(parse_size("512") == 512u);
  CHECK(parse_size("0") == 0u);
  CHECK(parse_size("10b") == 10u);
  CHECK(parse_size("8k") == 8192u);
  CHECK(parse_size("8K") == 8192u);
  CHECK(parse_size("8kb") == 8192u);
  CHECK(parse_size("8KiB") == 8192u);
  CHECK(parse_size("1m") == 1024u * 1024);
  CHECK(parse_size("1MiB") == 1024u * 1024);
  CHECK(parse_size("1.5k") == 1536u);
}

TEST_CASE("units: parse_size rejects fractions of a byte, unknown units and more than 1GiB") {
  for (const char* bad : {"", "k", "0.5", "1.3k", "2g", "1GiB", "-1", "1 k", "ten"}) {
    CAPTURE(std::string(bad));
    CHECK(parse_size(bad) == std::nullopt);
  }
  CHECK(parse_size("1024m") == 1024ull * 1024 * 1024);
  CHECK(parse_size("1025m") == std::nullopt);
}

TEST_CASE("units: format_duration picks ms below a second, s above") {
  CHECK(format_duration(Millis(0)) == "0ms");
  CHECK(format_duration(Millis(250)) == "250ms");
  CHECK(format_duration(Millis(999)) == "999ms");
  CHECK(format_duration(Millis(1000)) == "1s");
  CHECK(format_duration(Millis(60'000)) == "60s");
  CHECK(format_duration(Millis(1500)) == "1.50s");
  CHECK(format_duration(Millis(1234)) == "1.23s");
}

TEST_CASE("units: format_duration output parses back to the same duration") {
  for (long long ms : {0LL, 1LL, 250LL, 999LL, 1000LL, 1500LL, 2250LL, 30'000LL, 90'000LL}) {
    CAPTURE(ms);
    CHECK(parse_duration(format_duration(Millis(ms))) == Millis(ms));
  }
}
