#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::fakes::Address;
using badgateway::fakes::FakeServer;

TEST_CASE("fastcgi refuse: a TCP connect gets ECONNREFUSED") {
  FastcgiFixture fake("refuse");
  CHECK(fake.address().port != 0);
  FastcgiClient client;
  CHECK(client.connect(fake.address()) == ECONNREFUSED);
  CHECK(fake.stop_and_stats().connections == 0);
}

TEST_CASE(
    "fastcgi refuse: on a unix socket the file exists (a stale socket) and connect gets "
    "ECONNREFUSED") {
  std::string path = unique_socket_path();
  {
    FastcgiFixture fake("refuse", {}, Address::unix_socket(path));
    CHECK(std::filesystem::is_socket(path));
    FastcgiClient client;
    CHECK(client.connect(fake.address()) == ECONNREFUSED);
  }
  CHECK_FALSE(std::filesystem::exists(path));  // removed on stop
}

TEST_CASE("fastcgi refuse: takes no parameters") {
  CHECK(fastcgi_param_error_key("refuse", {{"delay", std::string("1s")}}) == "delay");
}
