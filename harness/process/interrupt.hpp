#pragma once
#include <functional>
#include <string>
#include <vector>

#include "fakes/base/units.hpp"

namespace badgateway {

// Blocks SIGINT/SIGTERM in every thread and handles them on a dedicated one: runs the interrupt
// hooks, ends all children, removes run directories (unless kept), runs `on_interrupt`, then
// exits 130/143. Call once from main() before any thread starts.
void install_interrupt_handling(std::function<void()> on_interrupt = {});

// Runs on the interrupt thread before the children are ended and the run directories go: for what
// ending a child does not end (containers the Docker daemon keeps running). Before, because a
// docker CLI killed while the daemon creates its container leaves that container behind: a hook
// lets such a CLI finish, then removes what it made. Hooks must be bounded and must not use Child
// (the main thread still owns its children). Thread-safe; never unregistered.
void add_interrupt_hook(std::function<void()> hook);

// Runs argv (PATH searched) to its end for an interrupt hook: outside Child's registry (whose
// children the interrupt ends right after the hooks, and which then refuses to start any), with
// stdin and stdout on /dev/null and no inherited descriptor. Bounded: KILLed after `limit`. Returns
// the exit code, -1 when it did not exit by itself or could not start.
int run_from_interrupt_hook(const std::vector<std::string>& argv, Millis limit);

// True once an interrupt arrived (workers stop picking new scenarios).
bool interrupted();

// Called by any thread that finished its work after an interrupt: the interrupt thread owns the
// exit (cleanup, exit code), so nothing else may return from main() meanwhile.
[[noreturn]] void await_interrupt_exit();

}  // namespace badgateway
