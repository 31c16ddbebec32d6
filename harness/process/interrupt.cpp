#include "harness/process/interrupt.hpp"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
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
    kill_all_children(Millis(2000));
    run_hooks();
    remove_all_run_dirs();
    if (on_interrupt) on_interrupt();
    std::fflush(nullptr);
    ::_exit(128 + signo);
  }).detach();
}

}  // namespace badgateway
