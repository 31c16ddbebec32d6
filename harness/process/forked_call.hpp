#pragma once
// Running a piece of our own code in a forked child, so that whatever it does wrong (a crash, an
// abort, a hang, memory without end) ends the child and not badgateway. For code we cannot make
// safe from the inside: toml++ 3.3's undefined behaviour on some malformed input (see
// harness/scenario/toml_guard.hpp).
//
// The child is a fork, not an exec, and serves calls until it dies or the server object ends: a
// fork per call costs milliseconds (every page the parent writes afterwards is copied), a call to
// a living child a socket round trip. It runs no destructors or atexit handlers of ours, dies with
// the thread that forked it (PR_SET_PDEATHSIG), and is reaped by the server object.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string_view>

#include "fakes/base/units.hpp"

namespace badgateway {

struct ForkedCallLimits {
  Millis wall{10'000};             // per call; then the child is SIGKILLed
  std::uint64_t cpu_seconds = 10;  // per call (RLIMIT_CPU, moved on before each call): SIGXCPU
  // RLIMIT_AS in bytes; 0: unlimited. Sanitizer builds ignore it (their shadow memory reserves
  // terabytes of address space).
  std::uint64_t address_space_bytes = std::uint64_t{4} << 30;
};

struct ForkedCallOutcome {
  enum class Kind { returned, exited, signalled, timed_out };
  Kind kind = Kind::returned;
  // returned: the handler's value (0..255); exited: the child's exit code (it called exit or
  // _exit instead of returning); signalled: the signal; timed_out: 0.
  int value = 0;
  bool ok() const { return kind == Kind::returned && value == 0; }
};

// True in ASan, TSan or MSan builds.
bool sanitized_build();

class ForkedServer {
 public:
  // `handler` runs in the child, once per call, on the call's request bytes; it returns 0..255.
  // An exception escaping it ends the child with exit code 126.
  using Handler = std::function<int(std::string_view request)>;
  explicit ForkedServer(Handler handler, const ForkedCallLimits& limits = {});
  ~ForkedServer();  // ends and reaps the child (it exits on end of input; KILL after the wall
                    // limit)
  ForkedServer(const ForkedServer&) = delete;
  ForkedServer& operator=(const ForkedServer&) = delete;

  // Runs the handler on `request` in the child, forking one first if none is alive. A child that
  // died is reaped and its death is the outcome; the next call forks a new one. Throws
  // std::system_error when fork, socketpair or waiting fails.
  ForkedCallOutcome call(std::string_view request);

 private:
  void start();
  ForkedCallOutcome finish(bool kill_first);  // reaps the child; its death as an outcome
  Handler handler_;
  ForkedCallLimits limits_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int socket_ = -1;  // our end of the socket pair
};

}  // namespace badgateway
