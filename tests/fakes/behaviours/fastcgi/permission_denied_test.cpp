#include <doctest/doctest.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::fakes::Address;
using badgateway::fakes::FakeServer;

namespace {

constexpr unsigned kNobody = 65534;

struct stat stat_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_CASE(
    "fastcgi permission_denied: the socket file gets mode 0600; a non-root connect gets EACCES") {
  std::string path = unique_socket_path();
  FastcgiFixture fake("permission_denied", {}, Address::unix_socket(path));
  struct stat st = stat_of(path);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  if (::geteuid() != 0) {
    MESSAGE("not root: skipping the owner and other-user checks");
    return;
  }
  CHECK(st.st_uid == 0);
  CHECK(st.st_gid == 0);
  CHECK(connect_as_user(fake.address(), kNobody) == EACCES);
  // The owner connects and is served normally: the pool itself works.
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.connect_error == 0);
  CHECK(x.response.header("Status") == "200 OK");
  CHECK(x.response.header("X-Badgateway-Fake") == "permission_denied");
  CHECK(fake.stop_and_stats().connections == 1);  // the refused user never got in
}

TEST_CASE("fastcgi permission_denied: mode and owner params are applied for real") {
  if (::geteuid() != 0) {
    MESSAGE("not root: cannot chown, skipping");
    return;
  }
  SUBCASE("a world-writable socket lets another user in") {
    FastcgiFixture fake("permission_denied", {{"mode", std::string("0666")}},
                        Address::unix_socket(unique_socket_path()));
    CHECK((stat_of(fake.address().path).st_mode & 07777) == 0666);
    CHECK(connect_as_user(fake.address(), kNobody) == 0);
  }
  SUBCASE("owned by the connecting user") {
    FastcgiFixture fake("permission_denied",
                        {{"owner", std::string("nobody")}, {"mode", std::string("600")}},
                        Address::unix_socket(unique_socket_path()));
    struct stat st = stat_of(fake.address().path);
    CHECK(st.st_uid == kNobody);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(connect_as_user(fake.address(), kNobody) == 0);
  }
}

TEST_CASE("fastcgi permission_denied: the socket file is removed on stop, whatever its mode") {
  std::string path = unique_socket_path();
  {
    FastcgiFixture fake("permission_denied", {{"mode", std::string("0000")}},
                        Address::unix_socket(path));
    CHECK((stat_of(path).st_mode & 07777) == 0);
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("fastcgi permission_denied: needs a unix socket") {
  FakeServer server;
  try {
    add_fastcgi_fake(server, "fpm", "permission_denied");
    FAIL("a TCP endpoint was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("unix socket") != std::string::npos);
    CHECK(std::string(e.what()).find("fpm") != std::string::npos);
  }
}

TEST_CASE("fastcgi permission_denied: bad mode or owner are parameter errors") {
  CHECK(fastcgi_param_error_key("permission_denied", {{"mode", std::string("0999")}}) == "mode");
  CHECK(fastcgi_param_error_key("permission_denied", {{"mode", std::string("rw-------")}}) ==
        "mode");
  CHECK(fastcgi_param_error_key("permission_denied", {{"mode", std::string("17777")}}) == "mode");
  CHECK(fastcgi_param_error_key("permission_denied",
                                {{"owner", std::string("no-such-user-bgw")}}) == "owner");
  CHECK(fastcgi_param_error_key("permission_denied", {{"mode", std::string("0660")}}) ==
        std::nullopt);
}
