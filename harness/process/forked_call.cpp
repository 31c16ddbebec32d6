#include "harness/process/forked_call.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "harness/process/fd_wait.hpp"

namespace badgateway {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

constexpr int kChildSocket = 3;

using Clock = std::chrono::steady_clock;

bool read_exact(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void set_up_child(const ForkedCallLimits& limits, pid_t parent, int socket) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died between fork and prctl: then nobody would wait for us.
  if (::getppid() != parent) ::_exit(127);
  // Only our socket: a copy of the parent's other descriptors (a child's lifeline pipe, say)
  // would keep them open behind the parent's back.
  if (::dup2(socket, kChildSocket) < 0) ::_exit(127);
  ::syscall(SYS_close_range, kChildSocket + 1, ~0U, 0);
  // The parent's crash handlers (a test framework's, say) must not run here: a crash ends the
  // child and is reported by its signal. Sanitizers keep their SEGV/BUS/FPE handlers, which print
  // the report a fuzzer needs.
  std::vector<int> defaults{SIGABRT, SIGILL, SIGXCPU, SIGPIPE};
  if (!kSanitized) defaults.insert(defaults.end(), {SIGSEGV, SIGBUS, SIGFPE});
  sigset_t unblock;
  ::sigemptyset(&unblock);
  for (int signo : defaults) {
    ::signal(signo, SIG_DFL);
    ::sigaddset(&unblock, signo);
  }
  ::pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
  rlimit core{0, 0};
  ::setrlimit(RLIMIT_CORE, &core);  // a crash here is reported, not dumped
  if (limits.address_space_bytes != 0 && !kSanitized) {
    rlimit as{limits.address_space_bytes, limits.address_space_bytes};
    ::setrlimit(RLIMIT_AS, &as);
  }
}

// RLIMIT_CPU counts the process's whole life: each call gets its budget on top of what is used.
void grant_cpu(std::uint64_t seconds) {
  rusage used{};
  ::getrusage(RUSAGE_SELF, &used);
  rlimit cpu{};
  ::getrlimit(RLIMIT_CPU, &cpu);
  auto spent = static_cast<rlim_t>(used.ru_utime.tv_sec + used.ru_stime.tv_sec + 1);
  rlim_t soft = spent + static_cast<rlim_t>(seconds);
  cpu.rlim_cur = cpu.rlim_max == RLIM_INFINITY ? soft : std::min(soft, cpu.rlim_max);
  ::setrlimit(RLIMIT_CPU, &cpu);
}

[[noreturn]] void serve(const ForkedServer::Handler& handler, const ForkedCallLimits& limits,
                        pid_t parent, int socket) {
  set_up_child(limits, parent, socket);
  for (;;) {
    std::uint64_t size = 0;
    if (!read_exact(kChildSocket, &size, sizeof size)) ::_exit(0);  // the server ended
    std::string request(size, '\0');
    if (!read_exact(kChildSocket, request.data(), size)) ::_exit(0);
    grant_cpu(limits.cpu_seconds);
    int result = 0;
    try {
      result = handler(request);
    } catch (...) {
      ::_exit(126);  // an escaping exception is the handler's bug: an exit code of its own
    }
    auto byte = static_cast<unsigned char>(result & 0xff);
    if (::send(kChildSocket, &byte, 1, MSG_NOSIGNAL) != 1) ::_exit(0);
  }
}

enum class Io { done, closed, timed_out };

Io send_all(int fd, const char* data, std::size_t n, Clock::time_point deadline) {
  while (n > 0) {
    pollfd p{fd, POLLOUT, 0};
    int r = ::poll(&p, 1, millis_until(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return Io::timed_out;
    if (r < 0) throw std::system_error(errno, std::generic_category(), "poll");
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (w < 0) return Io::closed;  // EPIPE, ECONNRESET: the child is gone
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return Io::done;
}

}  // namespace

bool sanitized_build() {
  return kSanitized;
}

ForkedServer::ForkedServer(Handler handler, const ForkedCallLimits& limits)
    : handler_(std::move(handler)), limits_(limits) {}

ForkedServer::~ForkedServer() {
  if (pid_ > 0) {
    try {
      finish(false);
    } catch (...) {
      // Waiting failed: the child dies with us (PR_SET_PDEATHSIG) and PID 1 reaps it.
    }
  }
}

void ForkedServer::start() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
    throw std::system_error(errno, std::generic_category(), "socketpair");
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::system_error(error, std::generic_category(), "fork");
  }
  if (pid == 0) serve(handler_, limits_, parent, fds[1]);
  ::close(fds[1]);
  socket_ = fds[0];
  pid_ = pid;
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd_ < 0) {
    // Without a pidfd there is no wait with a deadline: end the child rather than wait unbounded.
    int error = errno;
    finish(true);
    throw std::system_error(error, std::generic_category(), "pidfd_open");
  }
}

ForkedCallOutcome ForkedServer::finish(bool kill_first) {
  if (kill_first) ::kill(pid_, SIGKILL);
  ::close(std::exchange(socket_, -1));  // end of input: a healthy child exits
  if (pidfd_ >= 0) {
    const auto deadline = Clock::now() + limits_.wall;
    for (;;) {
      pollfd p{pidfd_, POLLIN, 0};
      int r = ::poll(&p, 1, millis_until(deadline));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) ::kill(pid_, SIGKILL);  // past the deadline; the wait below is then short
      break;
    }
    ::close(std::exchange(pidfd_, -1));
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) {
      pid_ = -1;
      throw std::system_error(errno, std::generic_category(), "waitpid");
    }
  }
  pid_ = -1;
  if (kill_first) return {ForkedCallOutcome::Kind::timed_out, 0};
  if (WIFEXITED(status)) return {ForkedCallOutcome::Kind::exited, WEXITSTATUS(status)};
  return {ForkedCallOutcome::Kind::signalled, WTERMSIG(status)};
}

ForkedCallOutcome ForkedServer::call(std::string_view request) {
  if (pid_ < 0) start();
  const auto deadline = Clock::now() + limits_.wall;
  std::uint64_t size = request.size();
  Io io = send_all(socket_, reinterpret_cast<const char*>(&size), sizeof size, deadline);
  if (io == Io::done) io = send_all(socket_, request.data(), request.size(), deadline);
  if (io != Io::done) return finish(io == Io::timed_out);
  for (;;) {
    pollfd p{socket_, POLLIN, 0};
    int r = ::poll(&p, 1, millis_until(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::system_error(errno, std::generic_category(), "poll");
    if (r == 0) return finish(true);
    unsigned char byte = 0;
    ssize_t n = ::recv(socket_, &byte, 1, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 1) return {ForkedCallOutcome::Kind::returned, byte};
    return finish(false);  // end of file: the child died during the call
  }
}

}  // namespace badgateway
