// nginx's port comes from below the ephemeral range, so no outgoing connection can hold it
// between the pick and nginx's bind() (the cause of an [emerg] bind() line in a passing run).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "harness/net/free_port.hpp"

namespace bg = badgateway;

TEST_CASE("listen_port_pool: the upper half of the unprivileged ports below the ephemeral range") {
  auto [first, last] = bg::listen_port_pool("32768\t60999\n");
  CHECK(first == 16896);
  CHECK(last == 32767);
  auto narrow = bg::listen_port_pool("2048 65535");
  CHECK(narrow.first > narrow.second);  // too little room: the kernel chooses
  auto garbage = bg::listen_port_pool("");
  CHECK(garbage.first > garbage.second);
}

TEST_CASE("pick_free_port: a port below this machine's ephemeral range") {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  std::stringstream text;
  text << in.rdbuf();
  auto [first, last] = bg::listen_port_pool(text.str());
  REQUIRE(first <= last);  // Linux's default range leaves room; CI runs with it
  for (int i = 0; i < 20; ++i) {
    std::uint16_t port = bg::pick_free_port();
    CHECK(port >= first);
    CHECK(port <= last);
  }
}
