// "Did you mean": near enough to be a typo, never a guess between equals.
#include "harness/input/suggest.hpp"

#include <doctest/doctest.h>

#include <string>

namespace bg = badgateway;

TEST_CASE("closest_name: typos of a known key") {
  const std::vector<std::string> keys{"status",    "status_in",    "status_counts", "generated_by",
                                      "error_log", "no_error_log", "elapsed"};
  CHECK(bg::closest_name("stauts", keys) == "status");       // swapped neighbours
  CHECK(bg::closest_name("statu", keys) == "status");        // one missing
  CHECK(bg::closest_name("errorlog", keys) == "error_log");  // one missing
  CHECK(bg::closest_name("generatedby", keys) == "generated_by");
  CHECK(bg::closest_name("elapsd", keys) == "elapsed");
}

TEST_CASE("closest_name: nothing when no name is near or two are equally near") {
  const std::vector<std::string> keys{"min", "max"};
  CHECK_FALSE(bg::closest_name("colour", keys).has_value());
  CHECK_FALSE(bg::closest_name("man", keys).has_value());  // one edit from both
  CHECK(bg::closest_name("mx", keys) == "max");
  CHECK_FALSE(bg::closest_name("", keys).has_value());
  CHECK_FALSE(bg::closest_name(std::string(100'000, 'a'), keys).has_value());
}
