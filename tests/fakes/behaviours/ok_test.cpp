#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("ok: answers 200 with a 64-byte body and the fake's signature header") {
  FakeFixture fake("ok");
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.connect == ConnectResult::connected);
  CHECK(x.received.end == EndKind::eof);
  CHECK(x.received.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(header_value(x.received.bytes, "X-Badgateway-Fake") == "ok");
  CHECK(header_value(x.received.bytes, "Content-Length") == "64");
  CHECK(header_value(x.received.bytes, "Connection") == "close");
  CHECK(body_of(x.received.bytes).size() == 64);
}

TEST_CASE("ok: status and body params shape the response") {
  FakeFixture fake("ok", {{"status", 201}, {"body", std::string("hello\n")}});
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.connect == ConnectResult::connected);
  CHECK(status_of(x.received.bytes) == 201);
  CHECK(x.received.bytes.starts_with("HTTP/1.1 201 Created\r\n"));
  CHECK(body_of(x.received.bytes) == "hello\n");
  CHECK(header_value(x.received.bytes, "Content-Length") == "6");
}

TEST_CASE("ok: body_size sets the body length") {
  FakeFixture fake("ok", {{"body_size", std::string("3k")}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(status_of(x.received.bytes) == 200);
  CHECK(body_of(x.received.bytes).size() == 3 * 1024);
  CHECK(x.received.end == EndKind::eof);
}

TEST_CASE("ok: latency delays the response") {
  FakeFixture fake("ok", {{"latency", std::string("150ms")}});
  auto start = Clock::now();
  auto x = round_trip(fake.address(), http_get("/"));
  auto took = elapsed_since(start);
  CHECK(status_of(x.received.bytes) == 200);
  CHECK(took >= 150ms);
}

TEST_CASE("ok: keep-alive serves two requests on one connection") {
  FakeFixture fake("ok");
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);

  REQUIRE(client.send(http_get("/first", true)));
  Received first = read_response(client);
  REQUIRE(first.end == EndKind::open);
  CHECK(status_of(first.bytes) == 200);
  CHECK(header_value(first.bytes, "Connection") == "keep-alive");
  CHECK(body_of(first.bytes).size() == 64);

  REQUIRE(client.send(http_get("/second", false)));
  Received second = client.read_all();
  CHECK(second.end == EndKind::eof);
  CHECK(status_of(second.bytes) == 200);
  CHECK(header_value(second.bytes, "Connection") == "close");

  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  REQUIRE(stats.requests == 2);
  CHECK(stats.seen[0].target == "/first");
  CHECK(stats.seen[1].target == "/second");
}

TEST_CASE("ok: the recorder sees the method, target, headers and body of a POST") {
  FakeFixture fake("ok");
  std::string request =
      "POST /submit?x=1 HTTP/1.1\r\nHost: test\r\nX-Test: yes\r\nContent-Type: text/plain\r\n"
      "Content-Length: 11\r\nConnection: close\r\n\r\nhello world";
  auto x = round_trip(fake.address(), request);
  REQUIRE(x.sent);
  CHECK(status_of(x.received.bytes) == 200);

  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  REQUIRE(stats.requests == 1);
  const auto& seen = stats.seen.at(0);
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/submit?x=1");
  CHECK(seen.header("x-test") == "yes");
  CHECK(seen.header("HOST") == "test");
  CHECK(seen.body_bytes == 11);
  CHECK(stats.bytes_in == request.size());
  CHECK(stats.bytes_out == x.received.bytes.size());
}

TEST_CASE("ok: a status outside 100..599 is a ParamError naming status") {
  CHECK(param_error_key("ok", {{"status", 600}}) == "status");
  CHECK(param_error_key("ok", {{"status", 99}}) == "status");
  CHECK(param_error_key("ok", {{"status", 599}}) == std::nullopt);
  CHECK(param_error_key("ok", {{"latency", std::string("150")}}) == "latency");
}
