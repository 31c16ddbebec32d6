#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("status: code=503 answers HTTP/1.1 503 with the fake's signature") {
  FakeFixture fake("status", {{"code", 503}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::eof);
  CHECK(x.received.bytes.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  CHECK(header_value(x.received.bytes, "X-Badgateway-Fake") == "status");
  CHECK(body_of(x.received.bytes) == "upstream status says 503\n");
}

TEST_CASE("status: the default code is 502") {
  FakeFixture fake("status");
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.bytes.starts_with("HTTP/1.1 502 Bad Gateway\r\n"));
}

TEST_CASE("status: latency delays the error response") {
  FakeFixture fake("status", {{"code", 504}, {"latency", std::string("150ms")}});
  auto start = Clock::now();
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(status_of(x.received.bytes) == 504);
  CHECK(elapsed_since(start) >= 150ms);
}

TEST_CASE("status: code must be in 100..599") {
  CHECK(param_error_key("status", {{"code", 600}}) == "code");
  CHECK(param_error_key("status", {{"code", std::string("abc")}}) == "code");
  CHECK(param_error_key("status", {{"code", std::string("504")}}) == std::nullopt);
}
