// badgateway-container-init, run here without Docker: the exit status it passes on, and that it
// ends when the lifeline's last writer goes. (In a container it is PID 1, so its end is the end of
// every process there; tests/e2e/kill_test.py --docker checks that part.)
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "harness/process/child.hpp"
#include "harness/process/run_dir.hpp"

namespace bg = badgateway;

TEST_CASE("container init: exit status of its program, 127 without a lifeline, 137 on hang-up") {
  const std::string init = BADGATEWAY_CONTAINER_INIT_BUILT;
  bg::RunDir dir("container-init-test");
  const auto fifo = dir.path() / "lifeline";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int holder = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(holder >= 0);

  auto exited = bg::run_command({init, fifo.string(), "sh", "-c", "exit 3"}, bg::Millis(10'000));
  REQUIRE(WIFEXITED(exited.status));
  CHECK(WEXITSTATUS(exited.status) == 3);

  auto killed =
      bg::run_command({init, fifo.string(), "sh", "-c", "kill -TERM $$"}, bg::Millis(10'000));
  REQUIRE(WIFEXITED(killed.status));
  CHECK(WEXITSTATUS(killed.status) == 128 + SIGTERM);

  auto missing =
      bg::run_command({init, (dir.path() / "none").string(), "true"}, bg::Millis(10'000));
  REQUIRE(WIFEXITED(missing.status));
  CHECK(WEXITSTATUS(missing.status) == 127);
  CHECK(missing.output.find("none") != std::string::npos);

  // A program that would run for a minute: the init must end as soon as the holder closes.
  bg::Child child = bg::Child::spawn({init, fifo.string(), "sleep", "60"});
  CHECK_FALSE(child.wait_for(bg::Millis(200)).has_value());  // still held: keeps running
  ::close(holder);
  auto status = child.wait_for(bg::Millis(10'000));
  REQUIRE(status.has_value());
  REQUIRE(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 137);
}
