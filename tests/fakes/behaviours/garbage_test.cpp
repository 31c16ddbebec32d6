#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("garbage: answers with the default Redis-style error, not HTTP") {
  FakeFixture fake("garbage");
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.sent);
  CHECK(x.received.end == EndKind::eof);
  CHECK(x.received.bytes == "-ERR unknown command 'GET', with args beginning with: '/'\r\n");
  CHECK_FALSE(x.received.bytes.starts_with("HTTP/"));
  auto stats = fake.stop_and_stats();
  CHECK(stats.requests == 1);
}

TEST_CASE("garbage: the payload param is exactly what arrives") {
  const std::string payload = "SSH-2.0-OpenSSH_9.6\r\n";
  FakeFixture fake("garbage", {{"payload", payload}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::eof);
  CHECK(x.received.bytes == payload);
  CHECK_FALSE(x.received.bytes.starts_with("HTTP/"));
}

TEST_CASE("garbage: read_request=false speaks first, without waiting for a request") {
  FakeFixture fake("garbage", {{"payload", std::string("hello")}, {"read_request", false}});
  auto x = round_trip(fake.address(), "");  // the client sends nothing
  CHECK(x.received.end == EndKind::eof);
  CHECK(x.received.bytes == "hello");
  CHECK(fake.stop_and_stats().requests == 0);
}

TEST_CASE("garbage: an empty payload is a ParamError") {
  CHECK(param_error_key("garbage", {{"payload", std::string()}}) == "payload");
}
