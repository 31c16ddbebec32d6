#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("refuse: connect() is refused and no connection is recorded") {
  FakeFixture fake("refuse");
  CHECK(fake.address().port != 0);
  for (int i = 0; i < 3; ++i) {
    RawClient client;
    CHECK(client.connect(fake.address()) == ConnectResult::refused);
  }
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 0);
  CHECK(stats.requests == 0);
}

namespace {

// errno of bind() for a fresh socket on `port`, 0 if it succeeded.
int bind_errno(std::uint16_t port, bool reuse_address) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  int one = 1;
  if (reuse_address) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  int err = rc == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

TEST_CASE("refuse: the port stays bound, so a plain bind() elsewhere fails") {
  FakeFixture fake("refuse");
  CHECK(bind_errno(fake.address().port, false) == EADDRINUSE);
}

// nginx and most servers set SO_REUSEADDR: the bound-only socket must keep the port anyway.
TEST_CASE("refuse: the port cannot be taken by an SO_REUSEADDR listener either") {
  FakeFixture fake("refuse");
  CHECK(bind_errno(fake.address().port, true) == EADDRINUSE);
  badgateway::fakes::FakeServer other;
  CHECK_THROWS_AS(add_fake(other, "intruder", "ok", {}, fake.address()), std::runtime_error);
}

TEST_CASE("refuse: on a unix socket connect() is refused and the file goes away on stop") {
  std::string path = unique_socket_path();
  FakeFixture fake("refuse", {}, badgateway::fakes::Address::unix_socket(path));
  CHECK(std::filesystem::exists(path));
  RawClient client;
  CHECK(client.connect(fake.address()) == ConnectResult::refused);
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 0);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("refuse: takes no parameters") {
  CHECK(param_error_key("refuse", {{"delay", std::string("1s")}}) == "delay");
}
