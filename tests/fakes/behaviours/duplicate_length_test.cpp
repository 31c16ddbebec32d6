#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("duplicate_length: exactly two Content-Length header lines") {
  FakeFixture fake("duplicate_length");
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::eof);
  CHECK(status_of(x.received.bytes) == 200);
  auto lengths = header_values(x.received.bytes, "Content-Length");
  REQUIRE(lengths.size() == 2);
  CHECK(lengths[0] == "16");
  CHECK(lengths[1] == "16");
  CHECK(body_of(x.received.bytes).size() == 16);
}

TEST_CASE("duplicate_length: second sets a conflicting second value") {
  FakeFixture fake("duplicate_length", {{"body_size", 20}, {"second", 5}});
  auto x = round_trip(fake.address(), http_get("/"));
  auto lengths = header_values(x.received.bytes, "Content-Length");
  REQUIRE(lengths.size() == 2);
  CHECK(lengths[0] == "20");
  CHECK(lengths[1] == "5");
  CHECK(body_of(x.received.bytes).size() == 20);
}

TEST_CASE("duplicate_length: sizes must be sizes") {
  CHECK(param_error_key("duplicate_length", {{"second", std::string("lots")}}) == "second");
}
