#include "harness/process/child.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

namespace bg = badgateway;

namespace {

std::set<std::string> open_descriptors(pid_t pid) {
  std::set<std::string> fds;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    fds.insert(e.path().filename().string());
  }
  return fds;
}

}  // namespace

TEST_CASE("spawn: a child inherits no descriptor beyond 0-2, however the parent opened it") {
  // Opened the way a library that knows nothing of exec would: no SOCK_CLOEXEC, no O_CLOEXEC.
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  int pipe_fds[2];
  REQUIRE(sock >= 0);
  REQUIRE(::pipe(pipe_fds) == 0);
  REQUIRE((::fcntl(sock, F_GETFD) & FD_CLOEXEC) == 0);
  bg::Child child = bg::Child::spawn({"sleep", "30"});
  // spawn() returns after exec succeeded: what the child holds now is what it inherited.
  // The program, not its init (which holds its report pipe, the lifeline and a signalfd).
  CHECK(open_descriptors(child.program_pid()) == std::set<std::string>{"0", "1", "2"});
  child.stop(SIGKILL, std::chrono::milliseconds(2000));
  for (int fd : {sock, pipe_fds[0], pipe_fds[1]}) ::close(fd);
}

TEST_CASE("spawn: a program that cannot be executed is still reported (the error pipe survives)") {
  CHECK_THROWS_WITH_AS(bg::Child::spawn({"/nonexistent/badgateway-no-such-program"}),
                       doctest::Contains("cannot run"), std::runtime_error);
}
