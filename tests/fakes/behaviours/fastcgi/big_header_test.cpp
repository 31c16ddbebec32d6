#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;

TEST_CASE("fastcgi big_header: the CGI header block is exactly 8k by default") {
  FastcgiFixture fake("big_header");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.cgi_headers().size() == 8 * 1024);
  CHECK(x.response.header("X-Badgateway-Fake") == "big_header");
  CHECK(x.response.header("X-Big")->size() > 7000);
  CHECK(x.response.cgi_body().size() == 16);
}

TEST_CASE("fastcgi big_header: a block larger than one record spans several STDOUT records") {
  FastcgiFixture fake("big_header", {{"size", std::string("100k")}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.cgi_headers().size() == 100 * 1024);
  CHECK(x.response.records.size() == 4);
}

TEST_CASE("fastcgi big_header: size is bounded") {
  CHECK(fastcgi_param_error_key("big_header", {{"size", 64}}) == "size");
  CHECK(fastcgi_param_error_key("big_header", {{"size", std::string("2m")}}) == "size");
}
