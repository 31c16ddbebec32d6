#include "harness/process/forked_call.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

namespace bg = badgateway;
using Kind = bg::ForkedCallOutcome::Kind;

TEST_CASE("forked server: the handler runs in one child, call after call, on each request") {
  int in_parent = 0;
  bg::ForkedServer server([&in_parent](std::string_view request) {
    in_parent = 1;  // the child's copy: the parent's stays 0
    return static_cast<int>(request.size());
  });
  auto a = server.call("abc");
  CHECK(a.kind == Kind::returned);
  CHECK(a.value == 3);
  CHECK_FALSE(a.ok());
  CHECK(server.call("").ok());
  CHECK(server.call(std::string(300'000, 'x')).value == (300'000 & 0xff));  // > a socket buffer
  CHECK(in_parent == 0);
}

TEST_CASE("forked server: the same child serves every call until it dies") {
  bg::ForkedServer server([](std::string_view request) -> int {
    if (request == "die") ::_exit(7);
    return static_cast<int>(::getpid() & 0x7f);
  });
  auto first = server.call("pid");
  CHECK(server.call("pid").value == first.value);
  auto died = server.call("die");
  CHECK(died.kind == Kind::exited);
  CHECK(died.value == 7);
  CHECK(server.call("pid").kind == Kind::returned);  // a new child
}

TEST_CASE("forked server: an abort or a crash is reported as the signal, not suffered") {
  bg::ForkedServer server([](std::string_view) -> int { std::abort(); });
  auto o = server.call("x");
  CHECK(o.kind == Kind::signalled);
  CHECK(o.value == SIGABRT);
}

TEST_CASE("forked server: an exception escaping the handler is exit code 126") {
  bg::ForkedServer server([](std::string_view) -> int { throw 1; });
  auto o = server.call("x");
  CHECK(o.kind == Kind::exited);
  CHECK(o.value == 126);
}

TEST_CASE("forked server: a hang ends at the wall limit, the child killed and reaped") {
  bg::ForkedCallLimits limits;
  limits.wall = bg::Millis{200};
  bg::ForkedServer server(
      [](std::string_view request) -> int {
        if (request == "ok") return 0;
        for (;;) ::pause();
      },
      limits);
  auto start = std::chrono::steady_clock::now();
  auto o = server.call("hang");
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(o.kind == Kind::timed_out);
  CHECK(took >= std::chrono::milliseconds(200));
  CHECK(took < std::chrono::seconds(30));  // bounded, whatever the load
  CHECK(server.call("ok").ok());
}

TEST_CASE("forked server: each call gets its own CPU budget; a CPU-bound loop ends at it") {
  bg::ForkedCallLimits limits;
  limits.cpu_seconds = 1;
  limits.wall = bg::Millis{60'000};
  bg::ForkedServer server(
      [](std::string_view request) -> int {
        if (request == "ok") return 0;
        volatile unsigned long n = 0;
        for (;;) n = n + 1;
      },
      limits);
  auto o = server.call("spin");
  CHECK(o.kind == Kind::signalled);
  CHECK((o.value == SIGXCPU || o.value == SIGKILL));
  CHECK(server.call("ok").ok());
}

TEST_CASE("forked server: memory without end stops at the address-space limit") {
  if (bg::sanitized_build()) return;  // RLIMIT_AS is not applied under sanitizers (see header)
  bg::ForkedCallLimits limits;
  limits.address_space_bytes = std::uint64_t{256} << 20;
  bg::ForkedServer server(
      [](std::string_view) {
        std::vector<std::vector<char>> blocks;
        for (int i = 0; i < 64; ++i) blocks.emplace_back(std::size_t{64} << 20, 'x');
        return 0;
      },
      limits);
  auto o = server.call("x");
  CHECK(o.kind == Kind::exited);  // bad_alloc escapes the handler: 126
  CHECK(o.value == 126);
}
