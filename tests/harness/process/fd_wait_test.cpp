// Waiting on a descriptor with a deadline (harness/process/fd_wait.hpp).
#include "harness/process/fd_wait.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <unistd.h>

namespace bg = badgateway;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

TEST_CASE("fd wait: a wait that times out never ends before its deadline") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  // A fractional rest rounded down would make poll() wake a fraction of a millisecond early.
  for (int i = 0; i < 20; ++i) {
    const auto deadline = Clock::now() + 2'500us;
    CHECK(bg::wait_fd(fds[0], POLLIN, deadline) == 0);
    CHECK(Clock::now() >= deadline);
  }
  CHECK(bg::millis_until(Clock::now() + 1h) > 3'599'000);
  CHECK(bg::millis_until(Clock::now() - 1ms) == 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("fd wait: readable data, a hang-up, and a deadline that passes first") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  CHECK(bg::wait_fd(fds[0], POLLIN, Clock::now() + 20ms) == 0);  // nothing written
  CHECK(bg::wait_fd(fds[0], POLLIN, Clock::now() - 1ms) == 0);   // already past
  REQUIRE(::write(fds[1], "x", 1) == 1);
  CHECK((bg::wait_fd(fds[0], POLLIN, Clock::now() + 2s) & POLLIN) != 0);
  ::close(fds[1]);
  char c = 0;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  CHECK((bg::wait_fd(fds[0], POLLIN, Clock::now() + 2s) & POLLHUP) != 0);
  ::close(fds[0]);
}
