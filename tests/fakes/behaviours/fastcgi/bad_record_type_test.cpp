#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
namespace fcgi = badgateway::fakes::fastcgi;

TEST_CASE("fastcgi bad_record_type: the first record is a DATA (8) record carrying the output") {
  FastcgiFixture fake("bad_record_type");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  REQUIRE(x.response.records.size() == 3);
  CHECK(x.response.records[0].type == 8);
  CHECK(x.response.records[0].content.find("Status: 200 OK\r\n") == 0);
  CHECK(x.response.records[1].is(fcgi::RecordType::stdout_));
  CHECK(x.response.records[1].content.empty());
}

TEST_CASE("fastcgi bad_record_type: type param") {
  FastcgiFixture fake("bad_record_type", {{"type", 42}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE_FALSE(x.response.records.empty());
  CHECK(x.response.records[0].type == 42);
  CHECK(fastcgi_param_error_key("bad_record_type", {{"type", 6}}) == "type");
  CHECK(fastcgi_param_error_key("bad_record_type", {{"type", 7}}) == "type");
  CHECK(fastcgi_param_error_key("bad_record_type", {{"type", 300}}) == "type");
}
