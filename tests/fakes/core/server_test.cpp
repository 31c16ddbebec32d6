#include "fakes/core/server.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <filesystem>
#include <stdexcept>

#include "fakes/behaviours/registry.hpp"
#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;
using badgateway::Millis;
using badgateway::fakes::Address;
using badgateway::fakes::FakeServer;

TEST_CASE("server: port 0 gets a real port that serves") {
  FakeServer server;
  Address bound = add_fake(server, "app", "ok");
  CHECK(bound.kind == Address::Kind::tcp);
  CHECK(bound.host == "127.0.0.1");
  CHECK(bound.port != 0);
  server.start();
  auto x = round_trip(bound, http_get("/"));
  REQUIRE(x.connect == ConnectResult::connected);
  CHECK(status_of(x.received.bytes) == 200);
  CHECK(header_value(x.received.bytes, "X-Badgateway-Fake") == "app");
}

TEST_CASE("server: endpoints get distinct ports and separate recorders") {
  FakeServer server;
  Address a = add_fake(server, "a", "ok");
  Address b = add_fake(server, "b", "status", {{"code", 503}});
  CHECK(a.port != b.port);
  server.start();
  CHECK(status_of(round_trip(a, http_get("/")).received.bytes) == 200);
  CHECK(status_of(round_trip(b, http_get("/")).received.bytes) == 503);
  CHECK(status_of(round_trip(b, http_get("/")).received.bytes) == 503);
  server.stop();
  CHECK(server.stats("a").requests == 1);
  CHECK(server.stats("b").requests == 2);
}

TEST_CASE("server: a port already in use is a runtime_error naming the fake") {
  FakeFixture taken("ok");
  FakeServer server;
  try {
    add_fake(server, "second", "ok", {}, taken.address());
    FAIL("bound a port that is in use");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("second") != std::string::npos);
  }
}

TEST_CASE("server: a unix socket endpoint serves, and its file is removed after stop()") {
  std::string path = unique_socket_path();
  FakeServer server;
  Address bound = add_fake(server, "sock", "ok", {}, Address::unix_socket(path));
  CHECK(bound.kind == Address::Kind::unix_socket);
  CHECK(bound.path == path);
  CHECK(std::filesystem::is_socket(path));
  server.start();
  auto x = round_trip(bound, http_get("/"));
  REQUIRE(x.connect == ConnectResult::connected);
  CHECK(status_of(x.received.bytes) == 200);
  server.stop();
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(server.stats("sock").requests == 1);
}

TEST_CASE("server: an existing file at the unix socket path is refused and left alone") {
  std::string path = unique_socket_path();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fclose(f);
  }
  {
    FakeServer server;
    try {
      add_fake(server, "sock", "ok", {}, Address::unix_socket(path));
      FAIL("an existing file was replaced");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).find("stale") == std::string::npos);  // not a socket at all
    }
  }
  CHECK(std::filesystem::is_regular_file(path));
  std::filesystem::remove(path);
}

TEST_CASE("server: a stale socket left by a killed server is refused with what to do") {
  std::string path = unique_socket_path();
  {
    // What a SIGKILLed server leaves: the socket file, and nothing listening on it.
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof a.sun_path);
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    ::close(fd);
  }
  FakeServer server;
  try {
    add_fake(server, "sock", "ok", {}, Address::unix_socket(path));
    FAIL("a stale socket was replaced");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("a stale socket") != std::string::npos);
  }
  CHECK(std::filesystem::is_socket(path));  // refused, not removed
  std::filesystem::remove(path);
}

TEST_CASE("server: stop() is bounded while a stall connection is open") {
  FakeServer server;
  Address bound = add_fake(server, "hung", "stall");
  auto events = watch(server.recorder("hung"));
  server.start();
  RawClient client;
  REQUIRE(client.connect(bound) == ConnectResult::connected);
  REQUIRE(client.send(http_get("/")));
  REQUIRE(events->wait_for("request GET /"));

  // A long grace: stop() must end the stall itself, not wait for the grace to run out.
  auto start = Clock::now();
  server.stop(Millis(10'000));
  CHECK(elapsed_since(start) < 2s);

  Received r = client.read_all();
  CHECK(r.bytes.empty());
  CHECK((r.end == EndKind::eof || r.end == EndKind::reset));

  // Stats stay readable after stop.
  auto stats = server.stats("hung");
  CHECK(stats.connections == 1);
  CHECK(stats.requests == 1);
  CHECK(stats.bytes_out == 0);
}

TEST_CASE("server: stop() is bounded whatever a behaviour is waiting on") {
  struct Case {
    const char* behaviour;
    ParamMap params;
  };
  const Case cases[] = {
      {"stall_body", {}},
      {"close_after_request", {{"delay", std::string("60s")}}},
      {"dribble", {{"interval", std::string("60s")}}},
      {"ok", {{"latency", std::string("60s")}}},
      {"bad_chunked", {{"gap", std::string("60s")}}},
      {"reset", {{"delay", std::string("60s")}}},
  };
  for (const Case& c : cases) {
    std::string behaviour = c.behaviour;
    CAPTURE(behaviour);
    FakeServer server;
    Address bound = add_fake(server, "slow", c.behaviour, c.params);
    auto events = watch(server.recorder("slow"));
    server.start();
    RawClient client;
    REQUIRE(client.connect(bound) == ConnectResult::connected);
    REQUIRE(client.send(http_get("/")));
    REQUIRE(events->wait_for("request GET /"));
    auto start = Clock::now();
    server.stop(Millis(10'000));
    CHECK(elapsed_since(start) < 2s);
  }
}

TEST_CASE("server: stop() is bounded with a connection queued by overload") {
  FakeServer server;
  Address bound = add_fake(server, "busy", "overload",
                           {{"mode", std::string("queue")}, {"latency", std::string("60s")}});
  auto events = watch(server.recorder("busy"));
  server.start();
  RawClient first;
  RawClient queued;
  REQUIRE(first.connect(bound) == ConnectResult::connected);
  REQUIRE(first.send(http_get("/")));
  REQUIRE(events->wait_for("request GET /"));
  REQUIRE(queued.connect(bound) == ConnectResult::connected);
  REQUIRE(events->wait_for("connection accepted", 2));
  auto start = Clock::now();
  server.stop(Millis(10'000));
  CHECK(elapsed_since(start) < 2s);
  CHECK(server.stats("busy").connections == 2);
}

TEST_CASE("server: stop() twice, and stop() without start(), are harmless") {
  FakeServer started;
  add_fake(started, "a", "ok");
  started.start();
  started.stop();
  CHECK_NOTHROW(started.stop());
  CHECK(started.stats("a").connections == 0);

  std::string path = unique_socket_path();
  FakeServer never_started;
  add_fake(never_started, "b", "ok", {}, Address::unix_socket(path));
  CHECK(std::filesystem::exists(path));
  never_started.stop();
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("server: add_endpoint after start() is a logic_error") {
  FakeServer server;
  add_fake(server, "a", "ok");
  server.start();
  CHECK_THROWS_AS(add_fake(server, "b", "ok"), std::logic_error);
}

TEST_CASE("server: stats for an unknown endpoint name throw out_of_range") {
  FakeServer server;
  add_fake(server, "a", "ok");
  CHECK_THROWS_AS(server.stats("nope"), std::out_of_range);
  CHECK_THROWS_AS(server.recorder("nope"), std::out_of_range);
}

TEST_CASE("server: listening and accepted sockets are close-on-exec") {
  FakeFixture fake("stall");
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(fake.events().wait_for("connection accepted"));
  // Every socket this process holds now: the fake's listener and accepted connection among them.
  int sockets = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec);
    if (ec || !target.string().starts_with("socket:")) continue;
    int fd = std::stoi(e.path().filename().string());
    ++sockets;
    CHECK_MESSAGE((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "fd " << fd << " " << target);
  }
  CHECK(sockets >= 3);  // listener, accepted connection, the client
}
