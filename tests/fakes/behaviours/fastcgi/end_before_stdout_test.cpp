#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
namespace fcgi = badgateway::fakes::fastcgi;

TEST_CASE("fastcgi end_before_stdout: END_REQUEST is the only record") {
  FastcgiFixture fake("end_before_stdout");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.records.size() == 1);
  CHECK(x.response.records[0].is(fcgi::RecordType::end_request));
  CHECK(x.response.end_request()->app_status == 0);
  CHECK(x.response.stdout_data().empty());
}

TEST_CASE("fastcgi end_before_stdout: app_status param") {
  FastcgiFixture fake("end_before_stdout", {{"app_status", 255}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.end_request()->app_status == 255);
}
