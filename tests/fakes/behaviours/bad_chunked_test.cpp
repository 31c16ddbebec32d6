#include <doctest/doctest.h>

#include <charconv>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

namespace {

// Splits a chunked body into its valid chunks; returns what follows the last valid chunk.
std::string strip_valid_chunks(std::string body, std::vector<std::string>& chunks) {
  for (;;) {
    auto eol = body.find("\r\n");
    if (eol == std::string::npos) return body;
    std::size_t size = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + eol, size, 16);
    if (ec != std::errc{} || ptr != body.data() + eol || size == 0) return body;
    if (body.size() < eol + 2 + size + 2 || body.compare(eol + 2 + size, 2, "\r\n") != 0)
      return body;
    chunks.push_back(body.substr(eol + 2, size));
    body.erase(0, eol + 2 + size + 2);
  }
}

}  // namespace

TEST_CASE("bad_chunked: one valid chunk, then the bad line") {
  FakeFixture fake("bad_chunked");
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::eof);
  const std::string& bytes = x.received.bytes;
  CHECK(status_of(bytes) == 200);
  CHECK(header_value(bytes, "Transfer-Encoding") == "chunked");
  CHECK_FALSE(header_value(bytes, "Content-Length").has_value());
  std::vector<std::string> chunks;
  std::string rest = strip_valid_chunks(body_of(bytes), chunks);
  REQUIRE(chunks.size() == 1);
  CHECK(chunks[0].size() == 32);
  CHECK(rest == "zz\r\n");
}

TEST_CASE("bad_chunked: valid_chunks and bad shape the broken body") {
  FakeFixture fake("bad_chunked", {{"valid_chunks", 3}, {"bad", std::string("0x10\r\n")}});
  auto x = round_trip(fake.address(), http_get("/"));
  std::vector<std::string> chunks;
  std::string rest = strip_valid_chunks(body_of(x.received.bytes), chunks);
  CHECK(chunks.size() == 3);
  CHECK(rest == "0x10\r\n");
}

TEST_CASE("bad_chunked: valid_chunks=0 sends the bad line first") {
  FakeFixture fake("bad_chunked", {{"valid_chunks", 0}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(header_value(x.received.bytes, "Transfer-Encoding") == "chunked");
  CHECK(body_of(x.received.bytes) == "zz\r\n");
}

TEST_CASE("bad_chunked: gap delays the bad line after the valid chunks") {
  FakeFixture fake("bad_chunked", {{"gap", std::string("150ms")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  auto start = Clock::now();
  REQUIRE(client.send(http_get("/")));
  Received r = client.read_all();
  CHECK(r.end == EndKind::eof);
  CHECK(body_of(r.bytes).ends_with("zz\r\n"));
  CHECK(elapsed_since(start) >= 150ms);
}

TEST_CASE("bad_chunked: valid_chunks is bounded") {
  CHECK(param_error_key("bad_chunked", {{"valid_chunks", -1}}) == "valid_chunks");
  CHECK(param_error_key("bad_chunked", {{"valid_chunks", 1001}}) == "valid_chunks");
}
