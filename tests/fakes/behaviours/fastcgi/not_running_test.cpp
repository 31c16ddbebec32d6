#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::fakes::Address;
using badgateway::fakes::FakeServer;

TEST_CASE(
    "fastcgi not_running: the unix path is reported but never created, so connect gets ENOENT") {
  std::string path = unique_socket_path();
  FakeServer server;
  Address bound = add_fastcgi_fake(server, "fpm", "not_running", {}, Address::unix_socket(path));
  CHECK(bound.kind == Address::Kind::unix_socket);
  CHECK(bound.path == path);
  CHECK_FALSE(std::filesystem::exists(path));
  server.start();
  CHECK_FALSE(std::filesystem::exists(path));
  FastcgiClient client;
  CHECK(client.connect(bound) == ENOENT);
  server.stop();
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(server.stats("fpm").connections == 0);
}

TEST_CASE(
    "fastcgi not_running: a file someone creates at the path meanwhile is left alone on stop") {
  std::string path = unique_socket_path();
  FakeServer server;
  add_fastcgi_fake(server, "fpm", "not_running", {}, Address::unix_socket(path));
  server.start();
  FakeServer other;  // a real listener appears at the path (e.g. FPM started late)
  add_fastcgi_fake(other, "late", "ok", {}, Address::unix_socket(path));
  server.stop();
  CHECK(std::filesystem::is_socket(path));
  other.stop();
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("fastcgi not_running: over TCP the port is still reserved and refuses") {
  FastcgiFixture fake("not_running");
  CHECK(fake.address().port != 0);
  FastcgiClient client;
  CHECK(client.connect(fake.address()) == ECONNREFUSED);
  // Reserved: a plain bind() of the port fails. (Not against a socket that also sets
  // SO_REUSEADDR: Linux lets two such sockets share a port while neither listens.)
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(fake.address().port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0);
  CHECK(errno == EADDRINUSE);
  ::close(fd);
}
