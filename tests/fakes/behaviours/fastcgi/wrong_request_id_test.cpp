#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;

TEST_CASE("fastcgi wrong_request_id: a complete response, every record under request id 2") {
  FastcgiFixture fake("wrong_request_id");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.header("Status") == "200 OK");
  for (const auto& r : x.response.records) CHECK(r.request_id == 2);
}

TEST_CASE("fastcgi wrong_request_id: id param; a request that used that id gets id+1") {
  FastcgiFixture fake("wrong_request_id", {{"id", 256}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.records[0].request_id == 256);

  FcgiRequest same;
  same.id = 256;
  auto y = fastcgi_round_trip(fake.address(), same);
  REQUIRE(y.response.has_end_request());
  CHECK(y.response.records[0].request_id == 257);
}
