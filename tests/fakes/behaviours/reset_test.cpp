#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

// What Linux does with data that arrived before an RST: recv() hands out the queued bytes first
// and reports ECONNRESET after them, so the client sees exactly what was written, then a reset.

TEST_CASE("reset: at=accept sends RST before any byte") {
  FakeFixture fake("reset", {{"at", std::string("accept")}});
  // Nothing is sent: a send() racing the RST would consume the error. The RST may even arrive
  // before connect() returns; connect_and_read counts that as a reset too.
  Received r = connect_and_read(fake.address());
  CHECK(r.end == EndKind::reset);
  CHECK(r.bytes.empty());
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  CHECK(stats.requests == 0);
  CHECK(stats.resets_sent == 1);
}

TEST_CASE("reset: at=request (the default) reads the request, then sends RST") {
  FakeFixture fake("reset");
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.connect == ConnectResult::connected);
  REQUIRE(x.sent);
  CHECK(x.received.end == EndKind::reset);
  CHECK(x.received.bytes.empty());
  auto stats = fake.stop_and_stats();
  CHECK(stats.requests == 1);
  CHECK(stats.resets_sent == 1);
  CHECK(stats.bytes_out == 0);
}

TEST_CASE("reset: at=headers delivers the whole header block, then RST") {
  FakeFixture fake("reset", {{"at", std::string("headers")}});
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.sent);
  const std::string& bytes = x.received.bytes;
  // Pinned Linux behaviour: the header block arrives intact and the end is a reset, not an EOF.
  CHECK(x.received.end == EndKind::reset);
  CHECK(status_of(bytes) == 200);
  CHECK(header_value(bytes, "Content-Length") == "4096");
  CHECK(bytes == header_block(bytes));  // nothing past the blank line
  CHECK(fake.stop_and_stats().resets_sent == 1);
}

TEST_CASE("reset: at=body delivers half the body, then RST") {
  FakeFixture fake("reset", {{"at", std::string("body")}, {"body_size", 1000}});
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.sent);
  const std::string& bytes = x.received.bytes;
  CHECK(x.received.end == EndKind::reset);
  CHECK(status_of(bytes) == 200);
  CHECK(header_value(bytes, "Content-Length") == "1000");
  CHECK(body_of(bytes).size() == 500);
}

TEST_CASE("reset: delay postpones the RST") {
  FakeFixture fake("reset", {{"at", std::string("request")}, {"delay", std::string("150ms")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  auto start = Clock::now();
  REQUIRE(client.send(http_get("/")));
  Received r = client.read_all();
  CHECK(r.end == EndKind::reset);
  CHECK(r.bytes.empty());
  CHECK(elapsed_since(start) >= 150ms);
}

TEST_CASE("reset: an unknown `at` is a ParamError naming at") {
  CHECK(param_error_key("reset", {{"at", std::string("bogus")}}) == "at");
  CHECK(param_error_key("reset", {{"at", 1}}) == "at");
  for (const char* at : {"accept", "request", "headers", "body"}) {
    CAPTURE(std::string(at));
    CHECK(param_error_key("reset", {{"at", std::string(at)}}) == std::nullopt);
  }
}
