#include "fakes/base/address.hpp"

#include <doctest/doctest.h>

#include <string>

using badgateway::fakes::Address;

TEST_CASE("address: parses an IPv4 loopback host and port") {
  std::string error;
  auto a = Address::parse("127.0.0.1:8080", &error);
  REQUIRE(a.has_value());
  CHECK(error.empty());
  CHECK(a->kind == Address::Kind::tcp);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  CHECK(a->to_string() == "127.0.0.1:8080");
  CHECK(a->is_loopback());
}

TEST_CASE("address: any 127/8 address is loopback, and port 0 is allowed") {
  auto a = Address::parse("127.0.0.2:0");
  REQUIRE(a.has_value());
  CHECK(a->port == 0);
}

TEST_CASE("address: parses a bracketed IPv6 loopback and prints it bracketed") {
  auto a = Address::parse("[::1]:9000");
  REQUIRE(a.has_value());
  CHECK(a->host == "::1");
  CHECK(a->port == 9000);
  CHECK(a->to_string() == "[::1]:9000");
}

TEST_CASE("address: rejects hosts that are not loopback") {
  for (const char* text : {"10.0.0.1:80", "0.0.0.0:80", "192.168.1.1:8080", "8.8.8.8:53", "[::]:80",
                           "[2001:db8::1]:80", "example.com:80"}) {
    CAPTURE(std::string(text));
    std::string error;
    CHECK_FALSE(Address::parse(text, &error).has_value());
    CHECK(error.find("loopback") != std::string::npos);
  }
}

TEST_CASE("address: rejects malformed ports and missing separators") {
  for (const char* text : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                           "127.0.0.1:80x", "127.0.0.1: 80"}) {
    CAPTURE(std::string(text));
    std::string error;
    CHECK_FALSE(Address::parse(text, &error).has_value());
    CHECK_FALSE(error.empty());
  }
  CHECK(Address::parse("127.0.0.1:65535").has_value());
}

TEST_CASE("address: the error out-parameter is optional") {
  CHECK_FALSE(Address::parse("10.0.0.1:80").has_value());
  CHECK_FALSE(Address::parse("unix:relative.sock").has_value());
}

TEST_CASE("address: parses a unix socket path") {
  auto a = Address::parse("unix:/run/badgateway/app.sock");
  REQUIRE(a.has_value());
  CHECK(a->kind == Address::Kind::unix_socket);
  CHECK(a->path == "/run/badgateway/app.sock");
  CHECK(a->to_string() == "unix:/run/badgateway/app.sock");
  CHECK(a->is_loopback());
}

TEST_CASE("address: unix socket paths must be absolute and fit sun_path") {
  std::string error;
  CHECK_FALSE(Address::parse("unix:", &error).has_value());
  CHECK_FALSE(Address::parse("unix:run/app.sock", &error).has_value());
  CHECK(error.find("absolute") != std::string::npos);

  std::string longest = "/" + std::string(106, 'x');  // 107 bytes plus the NUL fills sun_path
  CHECK(Address::parse("unix:" + longest).has_value());
  CHECK_FALSE(Address::parse("unix:" + longest + "x", &error).has_value());
  CHECK(error.find("107") != std::string::npos);
}

TEST_CASE("address: to_string output parses back to the same address") {
  for (const Address& a : {Address::tcp("127.0.0.1", 1), Address::tcp("::1", 65535),
                           Address::unix_socket("/tmp/x.sock")}) {
    CAPTURE(a.to_string());
    auto back = Address::parse(a.to_string());
    REQUIRE(back.has_value());
    CHECK(back->kind == a.kind);
    CHECK(back->host == a.host);
    CHECK(back->port == a.port);
    CHECK(back->path == a.path);
  }
}

TEST_CASE("address: is_loopback on constructed addresses") {
  CHECK(Address::tcp("127.0.0.1", 1).is_loopback());
  CHECK(Address::tcp("::1", 1).is_loopback());
  CHECK_FALSE(Address::tcp("10.1.2.3", 1).is_loopback());
  CHECK_FALSE(Address::tcp("not-an-ip", 1).is_loopback());
  CHECK(Address::unix_socket("/x").is_loopback());
}
