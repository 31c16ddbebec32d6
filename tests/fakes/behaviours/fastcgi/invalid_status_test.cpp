#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;

TEST_CASE("fastcgi invalid_status: Status: abc in an otherwise normal response") {
  FastcgiFixture fake("invalid_status");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.header("Status") == "abc");
  CHECK(x.response.header("X-Badgateway-Fake") == "invalid_status");
  CHECK(x.response.cgi_body().size() == 64);
}

TEST_CASE("fastcgi invalid_status: status param is sent verbatim") {
  FastcgiFixture fake("invalid_status", {{"status", std::string("2x0 Maybe")}});
  auto x = fastcgi_round_trip(fake.address());
  CHECK(x.response.header("Status") == "2x0 Maybe");
}
