#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;

TEST_CASE("fastcgi invalid_header: \"Hello world\" before the header block") {
  FastcgiFixture fake("invalid_header");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  std::string out = x.response.stdout_data();
  CHECK(out.starts_with("Hello world\r\nStatus: 200 OK\r\nX-Badgateway-Fake: invalid_header\r\n"));
}

TEST_CASE("fastcgi invalid_header: line param, e.g. a header name with a space") {
  FastcgiFixture fake("invalid_header", {{"line", std::string("Bad Header: x")}});
  auto x = fastcgi_round_trip(fake.address());
  CHECK(x.response.stdout_data().starts_with("Bad Header: x\r\nStatus: 200 OK\r\n"));
  CHECK(fastcgi_param_error_key("invalid_header", {{"line", std::string("")}}) == "line");
}
