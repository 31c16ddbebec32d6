#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

namespace {

void check_header_block_size(std::size_t size) {
  CAPTURE(size);
  FakeFixture fake("big_header", {{"size", static_cast<std::int64_t>(size)}});
  auto x = round_trip(fake.address(), http_get("/"));
  REQUIRE(x.received.end == EndKind::eof);
  std::string head = header_block(x.received.bytes);
  REQUIRE_FALSE(head.empty());
  CHECK(status_of(head) == 200);
  CHECK(head.size() >= size);
  CHECK(head.size() <= size + 8);
  CHECK(body_of(x.received.bytes).size() == 16);
  CHECK(header_value(head, "X-Big").has_value());
}

}  // namespace

TEST_CASE("big_header: the default header block is at least 8k") {
  check_header_block_size(8 * 1024);
}

TEST_CASE("big_header: the header block is `size` bytes") {
  check_header_block_size(4096);
  check_header_block_size(5000);
  check_header_block_size(64 * 1024);
}

TEST_CASE("big_header: keep-alive requests each get the big header") {
  FakeFixture fake("big_header", {{"size", std::string("2k")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(client.send(http_get("/", true)));
    Received r = read_response(client);
    REQUIRE(r.end == EndKind::open);
    CHECK(header_block(r.bytes).size() >= 2048);
    CHECK(header_value(r.bytes, "Connection") == "keep-alive");
  }
}

TEST_CASE("big_header: size must be between 64 bytes and 1MiB") {
  CHECK(param_error_key("big_header", {{"size", 63}}) == "size");
  CHECK(param_error_key("big_header", {{"size", std::string("2m")}}) == "size");
  CHECK(param_error_key("big_header", {{"size", std::string("1MiB")}}) == std::nullopt);
}
