// badgateway-container-init: PID 1 of every long-lived container badgateway starts (nginx, the
// network holder). Linked statically, so it runs in any image, shell or not.
//
//   badgateway-container-init LIFELINE PROGRAM [ARG...]
//
// LIFELINE is a FIFO on a bind mount whose other end only the badgateway process that started the
// container holds open. However badgateway ends, SIGKILL included, the kernel closes that end, this
// init sees the hang-up and exits, and the kernel kills every other process of the container's PID
// namespace with it: the container stops at once and `docker run --rm` removes it. Docker itself
// cannot do this, because the daemon, not badgateway, owns the container.
//
// Otherwise it behaves like a minimal init: signals sent to the container (docker kill --signal
// QUIT/HUP, docker stop) go on to PROGRAM, orphans are reaped, and the container's exit status is
// PROGRAM's (128 + signal when it was killed, as a shell reports it).
// Exit 127 when LIFELINE cannot be opened or PROGRAM cannot be run; 137 on hang-up.
#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace {

constexpr int kForwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: badgateway-container-init LIFELINE PROGRAM [ARG...]\n");
    return 127;
  }
  // Non-blocking: a FIFO's read end would otherwise wait for a writer, and the writer (badgateway,
  // holding it read-write) is there already or gone for good.
  int life = ::open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (life < 0) {
    std::fprintf(stderr, "badgateway-container-init: %s: %s\n", argv[1], std::strerror(errno));
    return 127;
  }
  // A FIFO reader sees a hang-up only if a writer came after it opened (fs/pipe.c, pipe_poll), and
  // badgateway opened its end before the container started: one brief writer of our own.
  int touch = ::open(argv[1], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (touch >= 0) ::close(touch);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (int s : kForwarded) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  int signals = ::signalfd(-1, &set, SFD_CLOEXEC);
  if (signals < 0) {
    std::fprintf(stderr, "badgateway-container-init: signalfd: %s\n", std::strerror(errno));
    return 127;
  }
  pid_t program = ::fork();
  if (program < 0) {
    std::fprintf(stderr, "badgateway-container-init: fork: %s\n", std::strerror(errno));
    return 127;
  }
  if (program == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvp(argv[2], argv + 2);
    std::fprintf(stderr, "badgateway-container-init: %s: %s\n", argv[2], std::strerror(errno));
    ::_exit(127);
  }
  for (;;) {
    pollfd fds[2] = {{life, POLLIN, 0}, {signals, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 127;
    }
    if (fds[0].revents & (POLLHUP | POLLERR)) return 137;
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (::read(life, drain, sizeof drain) > 0) {
      }
    }
    if (!(fds[1].revents & POLLIN)) continue;
    signalfd_siginfo info{};
    if (::read(signals, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    if (info.ssi_signo != SIGCHLD) {
      ::kill(program, static_cast<int>(info.ssi_signo));
      continue;
    }
    for (;;) {
      int status = 0;
      pid_t reaped = ::waitpid(-1, &status, WNOHANG);
      if (reaped <= 0) break;
      if (reaped == program) return exit_code(status);
    }
  }
}
