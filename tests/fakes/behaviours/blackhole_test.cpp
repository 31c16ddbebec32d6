#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("blackhole: a connect does not complete within 300ms") {
  FakeFixture fake("blackhole");
  RawClient client;
  auto start = Clock::now();
  CHECK(client.connect(fake.address(), 300ms) == ConnectResult::timed_out);
  CHECK(elapsed_since(start) >= 300ms);
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 0);
}

TEST_CASE("blackhole: every later connect times out too") {
  FakeFixture fake("blackhole");
  RawClient first;
  RawClient second;
  CHECK(first.connect(fake.address(), 200ms) == ConnectResult::timed_out);
  CHECK(second.connect(fake.address(), 200ms) == ConnectResult::timed_out);
}

TEST_CASE("blackhole: takes no parameters") {
  CHECK(param_error_key("blackhole", {{"timeout", std::string("1s")}}) == "timeout");
}
