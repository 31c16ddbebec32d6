#include "harness/process/interrupt.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/process/child.hpp"
#include "harness/process/run_dir.hpp"

namespace badgateway {
namespace {
std::atomic<bool> g_interrupted{false};
std::mutex g_hooks_mutex;
std::vector<std::function<void()>> g_hooks;

void run_hooks() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(g_hooks_mutex);
    hooks = g_hooks;
  }
  for (const auto& hook : hooks) {
    try {
      hook();
    } catch (...) {  // one failed cleanup must not keep the others or the exit from happening
    }
  }
}
}  // namespace

void add_interrupt_hook(std::function<void()> hook) {
  std::lock_guard lock(g_hooks_mutex);
  g_hooks.push_back(std::move(hook));
}

bool interrupted() {
  return g_interrupted.load();
}

void await_interrupt_exit() {
  for (;;) ::pause();
}

void install_interrupt_handling(std::function<void()> on_interrupt) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  std::thread([set, on_interrupt = std::move(on_interrupt)] {
    int signo = 0;
    sigwait(&set, &signo);
    g_interrupted = true;
    std::fprintf(stderr, "\nbadgateway: interrupted (%s), stopping nginx and fakes...\n",
                 signo == SIGINT    ? "SIGINT"
                 : signo == SIGTERM ? "SIGTERM"
                                    : "SIGHUP");
    run_hooks();
    kill_all_children(Millis(2000));
    remove_all_run_dirs();
    if (on_interrupt) on_interrupt();
    std::fflush(nullptr);
    ::_exit(128 + signo);
  }).detach();
}

int run_from_interrupt_hook(const std::vector<std::string>& argv, Millis limit) {
  std::vector<char*> args = exec_args(argv);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  // Nothing else crosses exec: a run's sockets held by docker would outlive their run.
  posix_spawn_file_actions_addclosefrom_np(&files, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, pipe;
  sigemptyset(&none);
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);  // the interrupt thread blocks INT/TERM/HUP
  posix_spawnattr_setsigdefault(&attr, &pipe);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int err = posix_spawnp(&pid, args[0], &files, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    ::usleep(10'000);  // poll interval of a bounded wait
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace badgateway
