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

// What each open descriptor of `pid` refers to ("socket:[123]", "pipe:[456]", a path).
std::set<std::string> open_descriptors(pid_t pid) {
  std::set<std::string> targets;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec);
    if (!ec) targets.insert(target.string());
  }
  return targets;
}

std::string target_of(int fd) {
  return std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd)).string();
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
  // The program, not its init (which holds its report pipe, the lifeline and a signalfd). Compared
  // by what the descriptors refer to, not by number: the program may be opening files of its own
  // (sleep's setlocale reads the locale archive) at the moment we look.
  auto held = open_descriptors(child.program_pid());
  for (int fd : {sock, pipe_fds[0], pipe_fds[1]}) {
    INFO("descriptor " << fd << " -> " << target_of(fd));
    CHECK_FALSE(held.contains(target_of(fd)));
  }
  // Nor anything of badgateway's or the init's own (the lifeline, report pipes, signalfd).
  for (const auto& target : held) {
    INFO("the program holds " << target);
    CHECK_FALSE((target.starts_with("socket:") || target.starts_with("pipe:") ||
                 target.starts_with("anon_inode:")));
  }
  child.stop(SIGKILL, std::chrono::milliseconds(2000));
  for (int fd : {sock, pipe_fds[0], pipe_fds[1]}) ::close(fd);
}

TEST_CASE("spawn: a program that cannot be executed is still reported (the error pipe survives)") {
  CHECK_THROWS_WITH_AS(bg::Child::spawn({"/nonexistent/badgateway-no-such-program"}),
                       doctest::Contains("cannot run"), std::runtime_error);
}
